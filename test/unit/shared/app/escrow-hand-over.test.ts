/**
 * A retiring region hands its escrow rights over (issue 13 with issue 11): every right it holds
 * goes to a region that stays, so none is stranded in a table nobody spends from; plain
 * accounts are untouched, and a region holding nothing writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../../shared/adapters/memory-link-control.ts';
import { RegionService } from '../../../../shared/app/region-service.ts';
import { BASE_WALL, ManualClock } from '../../../support/factories.ts';

const REGION = 'eu-west-1';
const PEERS = ['us-east-1', 'ap-southeast-2'];

function setup() {
  const clock = new ManualClock(BASE_WALL);
  const store = new MemoryEventStore({ region: REGION, clock });
  const service = new RegionService({ region: REGION, peers: PEERS, store, links: new MemoryLinkControl([REGION, ...PEERS]), clock });
  return { store, service };
}

describe('RegionService.handOverRights', () => {
  it('sends every right this region holds to a region that stays, and leaves plain accounts alone', async () => {
    // Prepare: two escrow accounts with rights here, one with none, and a plain account.
    const { store, service } = setup();
    for (const a of ['alice', 'bob', 'carol']) await service.createAccount(a, 'escrow');
    await service.deposit('alice', 80);
    await service.deposit('bob', 30);
    await service.withdraw('bob', 10);
    await service.deposit('dave', 5);
    const before = await store.count();

    // Act
    const report = await service.handOverRights(PEERS);

    // Assess: balances unchanged, every right elsewhere, one transfer per account that held some.
    expect(report).toEqual({ accounts: 3, transfers: 2, moved: 100, errors: [] });
    expect(await store.count()).toBe(before + 2);
    expect(await service.account('alice')).toMatchObject({ balance: 80, rights: { 'eu-west-1': 0, 'us-east-1': 80 }, spendable: 0 });
    expect(await service.account('bob')).toMatchObject({ balance: 20, rights: { 'eu-west-1': 0, 'us-east-1': 20 } });
    expect(await service.account('dave')).toMatchObject({ balance: 5 });
    expect(await service.handOverRights(PEERS)).toEqual({ accounts: 3, transfers: 0, moved: 0, errors: [] });
  });

  it('refuses a list with no other region of the mesh, and stores nothing', async () => {
    const { store, service } = setup();
    await service.createAccount('alice', 'escrow');
    await service.deposit('alice', 10);
    const before = await store.count();
    await expect(service.handOverRights([REGION, 'sa-east-1'])).rejects.toMatchObject({ code: 'invalid-region', status: 400 });
    expect(await store.count()).toBe(before);
  });
});
