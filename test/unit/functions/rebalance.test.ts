/**
 * The rebalance handler (the schedule's job): one tick of the region's rebalancer with a deadline
 * from its budget, on the memory store.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { makeRebalanceHandler } from '../../../functions/rebalance.ts';
import { MemoryEventStore } from '../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../shared/adapters/memory-link-control.ts';
import { RegionService } from '../../../shared/app/region-service.ts';
import { BASE_WALL, ManualClock } from '../../support/factories.ts';

const REGION = 'eu-west-1';
const PEERS = ['us-east-1'];
const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

function setup() {
  const clock = new ManualClock(BASE_WALL);
  const store = new MemoryEventStore({ region: REGION, clock });
  const service = new RegionService({ region: REGION, peers: PEERS, store, links: new MemoryLinkControl([REGION, ...PEERS]), clock });
  return { clock, service };
}

describe('rebalance handler', () => {
  it('ticks every escrow account: the rights of a region that does not spend them go half to its peer', async () => {
    // Prepare
    const { clock, service } = setup();
    await service.createAccount('alice', 'escrow');
    await service.deposit('alice', 80);
    await service.deposit('bob', 5); // a plain account: not the rebalancer's
    const rebalance = makeRebalanceHandler({ service, clock }, { logger: silent });

    // Act
    const report = await rebalance();

    // Assess
    expect(report).toMatchObject({ region: REGION, reachable: PEERS, accounts: 1, transfers: 1, moved: 40, errors: [], complete: true });
    expect(await service.account('alice')).toMatchObject({ rights: { 'eu-west-1': 40, 'us-east-1': 40 } });
  });

  it('stops at its deadline between accounts and says so', async () => {
    // Prepare: a budget already spent.
    const { clock, service } = setup();
    await service.createAccount('alice', 'escrow');
    await service.deposit('alice', 80);
    const rebalance = makeRebalanceHandler({ service, clock }, { logger: silent, budgetMs: 0 });

    // Act
    const report = await rebalance();

    // Assess
    expect(report).toMatchObject({ accounts: 0, transfers: 0, complete: false });
    expect(await service.account('alice')).toMatchObject({ rights: { 'eu-west-1': 80, 'us-east-1': 0 } });
  });
});
