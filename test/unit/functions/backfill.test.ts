/**
 * The backfill handler on memory stores: started by an invocation, continued by the schedule with
 * no event, bounded by the invocation's remaining time, done only after an anti-entropy run that
 * reached every peer.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { makeBackfillHandler, reachedEveryPeer } from '../../../functions/backfill.ts';
import { MemoryEventStore } from '../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../shared/adapters/memory-link-control.ts';
import { RegionService } from '../../../shared/app/region-service.ts';
import type { RegionConfig } from '../../../shared/config/env.ts';
import type { EventStore } from '../../../shared/ports/event-store.ts';
import { setEvent } from '../../support/factories.ts';

const NEW = 'ap-northeast-1';
const PEERS = ['us-east-1', 'eu-west-1'];
const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

async function setup(n = 40) {
  const peers: Record<string, MemoryEventStore> = {
    'us-east-1': new MemoryEventStore({ region: 'us-east-1' }),
    'eu-west-1': new MemoryEventStore({ region: 'eu-west-1' }),
  };
  const shared = Array.from({ length: n }, (_, i) => setEvent(`k-${i}`, i, { origin: PEERS[i % 2] as string }));
  for (const s of Object.values(peers)) await s.appendBatch(shared.map((event) => ({ event, via: { type: 'local' } })));
  // One event only us-east-1 has (still on its way to eu-west-1): the copy from eu-west-1 misses it.
  const late = setEvent('late', 1, { origin: 'us-east-1' });
  await peers['us-east-1']?.appendBatch([{ event: late, via: { type: 'local' } }]);
  const store = new MemoryEventStore({ region: NEW });
  const links = new MemoryLinkControl([NEW, ...PEERS]);
  const config: RegionConfig = { meshName: 'ecmesh', region: NEW, table: 't', peers: PEERS, peerQueueUrls: {}, inboundQueueUrls: {}, account: '000000000000' };
  const service = new RegionService({ region: NEW, peers: PEERS, store, links });
  const deps = { config, store, service, links };
  const storeOf = (p: string): EventStore | undefined => peers[p];
  return { deps, store, peers, late, links, storeOf, n };
}

describe('backfill handler', () => {
  it('starts from the peers an invocation names, copies, repairs from every peer, and is done', async () => {
    // Prepare
    const { deps, store, storeOf, late, n } = await setup();
    const handler = makeBackfillHandler(deps, storeOf, { logger: silent, pageSize: 7 });
    // Act
    const report = await handler({ from: ['eu-west-1'] });
    // Assess
    expect(report).toMatchObject({ done: true, antiEntropy: true, peers: { 'eu-west-1': { read: n, copied: n } } });
    expect(await store.count()).toBe(n + 1);
    expect((await store.get(late.id))?.receipt.via).toEqual({ type: 'repair', peer: 'us-east-1' });
    expect((await store.backfills()).map((p) => [p.peer, p.phase])).toEqual([['eu-west-1', 'done']]);
  });

  it('does nothing on a schedule in a region that never backfilled', async () => {
    const { deps, store, storeOf } = await setup(5);
    const handler = makeBackfillHandler(deps, storeOf, { logger: silent });
    expect(await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).toEqual({ peers: {}, done: true });
    expect(await store.count()).toBe(0);
  });

  it('stops within the invocation time limit and the schedule continues it, with no event', async () => {
    // Prepare: the first invocation has less time left than the margin, so it starts no page; the next one has plenty.
    const { deps, store, storeOf, n } = await setup(60);
    const handler = makeBackfillHandler(deps, storeOf, { logger: silent, pageSize: 5, marginMs: 1_000 });
    const out = { getRemainingTimeInMillis: () => 900 };
    // Act
    const first = await handler({ from: ['eu-west-1'] }, out);
    const second = await handler({}, { getRemainingTimeInMillis: () => 600_000 });
    // Assess
    expect(first).toMatchObject({ done: false, stopped: 'deadline' });
    expect((await store.backfills())[0]?.phase).toBe('done');
    expect(second.done).toBe(true);
    expect(second.peers['eu-west-1']?.read).toBe(n);
  });

  it('stays catching up while a link into the region is cut, and finishes once it heals', async () => {
    const { deps, store, storeOf, links } = await setup(10);
    await links.setLink('us-east-1', NEW, false);
    const handler = makeBackfillHandler(deps, storeOf, { logger: silent });
    expect(await handler({ from: ['eu-west-1'] })).toMatchObject({ done: false, antiEntropy: false });
    expect((await store.backfills())[0]?.phase).toBe('repair');
    await links.setLink('us-east-1', NEW, true);
    expect(await handler(undefined)).toMatchObject({ done: true, antiEntropy: true });
  });

  it('refuses an invocation that names a region that is not a peer', async () => {
    const { deps, storeOf } = await setup(1);
    const handler = makeBackfillHandler(deps, storeOf, { logger: silent });
    await expect(handler({ from: ['mars-north-1'] })).rejects.toThrow(/"from" must list peers of this region \(us-east-1, eu-west-1\)/);
    await expect(handler({ from: 'eu-west-1' })).rejects.toThrow(/"from" must list peers/);
  });

  it('takes its peers and rate from the configuration when the event names none', async () => {
    const { deps, store, storeOf, n } = await setup(20);
    const handler = makeBackfillHandler({ ...deps, config: { ...deps.config, backfillFrom: ['us-east-1'], backfillRate: 1_000_000 } }, storeOf, { logger: silent });
    const report = await handler({});
    expect(report.done).toBe(true);
    expect(report.peers['us-east-1']?.read).toBe(n + 1);
    expect((await store.backfills()).map((p) => p.peer)).toEqual(['us-east-1']);
  });

  it('judges a repair report: reached only when every peer was pulled from', () => {
    expect(reachedEveryPeer({})).toBe(true);
    expect(reachedEveryPeer({ a: { buckets: 1, pulled: 0, poison: 0, held: 0 }, b: { error: 'down' } })).toBe(false);
  });
});
