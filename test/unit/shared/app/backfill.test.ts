/**
 * The backfill of a new region, on memory stores: it copies every event of a peer with repair
 * receipts, resumes from its saved position, keeps to its rate cap, stops when another run is
 * ahead, and is done only once anti-entropy after the copy reached every peer.
 */
import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../../shared/adapters/memory-link-control.ts';
import { Backfill } from '../../../../shared/app/backfill.ts';
import type { BackfillOptions } from '../../../../shared/app/backfill.ts';
import { RegionService } from '../../../../shared/app/region-service.ts';
import { digestOf } from '../../../../shared/domain/index.ts';
import type { MeshEvent } from '../../../../shared/domain/types.ts';
import type { EventStore } from '../../../../shared/ports/event-store.ts';
import { ManualClock, deposit, setEvent } from '../../../support/factories.ts';

const NEW = 'ap-northeast-1';
const PEERS = ['us-east-1', 'eu-west-1'];

/** A peer holding `n` events of both old regions, and the new region with its service. */
async function setup(n: number, options: Partial<BackfillOptions> = {}) {
  const clock = new ManualClock();
  const peer = new MemoryEventStore({ region: 'eu-west-1', clock });
  const events: MeshEvent[] = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? deposit(`acct-${i % 3}`, i + 1, { origin: PEERS[i % 2] as string }) : setEvent(`k-${i}`, i, { origin: PEERS[i % 2] as string })));
  for (let i = 0; i < events.length; i += 50) await peer.appendBatch(events.slice(i, i + 50).map((event) => ({ event, via: { type: 'local' } })));
  const store = new MemoryEventStore({ region: NEW, clock });
  const service = new RegionService({ region: NEW, peers: PEERS, store, links: new MemoryLinkControl([NEW, ...PEERS]), clock });
  const sources: Record<string, EventStore> = { 'eu-west-1': peer };
  const make = (over: Partial<BackfillOptions> = {}) =>
    new Backfill({ region: NEW, store, ingest: (items) => service.ingestBatch(items), source: (p) => sources[p], clock, pageSize: 10, ...options, ...over });
  return { clock, peer, store, service, events, make, sources };
}

describe('Backfill', () => {
  it('copies every event of the peer, with repair receipts, and is done after anti-entropy', async () => {
    // Prepare
    const { store, peer, events, make } = await setup(120);
    let repairs = 0;
    const backfill = make({ antiEntropy: async () => ++repairs > 0 });
    // Act
    await backfill.begin(['eu-west-1']);
    const caughtUp = (await store.backfills())[0];
    const report = await backfill.run();
    // Assess
    expect(caughtUp).toMatchObject({ peer: 'eu-west-1', phase: 'copy', bucket: 0, buckets: 64, read: 0, copied: 0 });
    expect(report.done).toBe(true);
    expect(report.antiEntropy).toBe(true);
    expect(repairs).toBe(1);
    expect(await store.digest()).toEqual(await peer.digest());
    expect(await store.digest()).toEqual(digestOf(events.map((e) => e.id)));
    for (const e of events.slice(0, 10)) expect((await store.get(e.id))?.receipt.via).toEqual({ type: 'repair', peer: 'eu-west-1' });
    const [done] = await store.backfills();
    expect(done).toMatchObject({ peer: 'eu-west-1', phase: 'done', bucket: 64, read: 120, copied: 120 });
    expect(typeof done?.finishedAt).toBe('number');
    expect(report.peers['eu-west-1']).toMatchObject({ read: 120, copied: 120, refused: 0, held: 0 });
  });

  it('fills its pages from several buckets when they are small: ingest batches of pageSize, not one a bucket', async () => {
    // Prepare: 120 events in 64 buckets (about 2 a bucket), pages of 10; count the ingest batches.
    const { store, service, peer, make } = await setup(120);
    const batches: number[] = [];
    const backfill = make({ ingest: (items) => (batches.push(items.length), service.ingestBatch(items)) });
    await backfill.begin(['eu-west-1']);
    // Act
    const report = await backfill.run();
    // Assess: full pages but the last, every event once.
    expect(report.done).toBe(true);
    expect(batches.slice(0, -1).every((n) => n === 10)).toBe(true);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(120);
    expect(report.peers['eu-west-1']?.pages).toBe(12);
    expect(await store.digest()).toEqual(await peer.digest());
  });

  it('resumes from the saved position: every event read once, over several runs', async () => {
    // Prepare: each run stops after 3 pages.
    const { store, peer, make } = await setup(95);
    await make().begin(['eu-west-1']);
    // Act
    const reports = [];
    for (let run = 0; run < 100; run++) {
      let pages = 0;
      // A fresh Backfill each time, as a new Lambda invocation would be.
      const report = await make().run({ shouldStop: () => pages++ >= 3 });
      reports.push(report);
      if (report.done) break;
    }
    // Assess
    expect(reports.length).toBeGreaterThan(3);
    expect(reports.slice(0, -1).every((r) => r.stopped === 'stop' && !r.done)).toBe(true);
    expect(reports.at(-1)?.done).toBe(true);
    expect(reports.reduce((n, r) => n + (r.peers['eu-west-1']?.read ?? 0), 0)).toBe(95);
    expect((await store.backfills())[0]).toMatchObject({ phase: 'done', read: 95, copied: 95 });
    expect(await store.digest()).toEqual(await peer.digest());
  });

  it('counts as copied only what it stored: events a queue delivered first are read, not copied', async () => {
    const { store, service, events, make } = await setup(40);
    await service.ingestBatch(events.slice(0, 15).map((e) => ({ raw: e, via: { type: 'peer', peer: e.origin } })));
    const backfill = make();
    await backfill.begin(['eu-west-1']);
    await backfill.run();
    expect((await store.backfills())[0]).toMatchObject({ phase: 'done', read: 40, copied: 25 });
    expect((await store.get(events[0]?.id ?? ''))?.receipt.via).toEqual({ type: 'peer', peer: events[0]?.origin });
  });

  it('skips this region\'s own events and refuses untrusted ones, moving on past both', async () => {
    // Prepare: the peer also holds an event of the new region and one of a region the mesh does not know.
    const { store, peer, make } = await setup(20);
    const own = setEvent('mine', 1, { origin: NEW });
    const stranger = setEvent('theirs', 1, { origin: 'mars-north-1' });
    await peer.appendBatch([own, stranger].map((event) => ({ event, via: { type: 'local' } })));
    const logged: string[] = [];
    const backfill = make({ log: (m) => logged.push(m) });
    // Act
    await backfill.begin(['eu-west-1']);
    const report = await backfill.run();
    // Assess
    expect(report.done).toBe(true);
    expect(report.peers['eu-west-1']).toMatchObject({ read: 22, copied: 20, refused: 1 });
    expect(await store.get(stranger.id)).toBeUndefined();
    expect(await store.get(own.id)).toBeUndefined();
    expect(await store.refusals()).toEqual({ 'untrusted-origin': 1 });
    expect(logged).toContain('peer holds an event this region refuses; not copied');
  });

  it('keeps to its rate cap', async () => {
    // Prepare: 200 events at 50/s take 4 s of the clock, which only the backfill's sleeps advance.
    const { clock, make } = await setup(200);
    const slept: number[] = [];
    const backfill = make({
      maxEventsPerSecond: 50,
      sleep: async (ms) => {
        slept.push(ms);
        clock.advance(ms);
      },
    });
    await backfill.begin(['eu-west-1']);
    const t0 = clock.now();
    // Act
    const report = await backfill.run();
    // Assess: 200 events read at 50/s end no earlier than 4 s after the start.
    expect(report.done).toBe(true);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(4_000 - 1);
    expect(clock.now() - t0).toBeLessThanOrEqual(4_000 + 1);
    expect(slept.length).toBeGreaterThan(10);
  });

  it('stops at the deadline before starting a page, and keeps what it saved', async () => {
    const { clock, store, make } = await setup(60);
    const backfill = make({
      maxEventsPerSecond: 10,
      sleep: async (ms) => clock.advance(ms),
    });
    await backfill.begin(['eu-west-1']);
    const report = await backfill.run({ deadline: clock.now() + 2_500 });
    expect(report).toMatchObject({ done: false, stopped: 'deadline' });
    const [saved] = await store.backfills();
    // At 10/s, a page starts only while fewer than 25 events were read (before 2.5 s); a page is at most 10.
    expect(saved?.read).toBeGreaterThanOrEqual(25);
    expect(saved?.read).toBeLessThan(35);
    expect(report.peers['eu-west-1']?.read).toBe(saved?.read);
    expect(saved?.phase).toBe('copy');
  });

  it('stops when another run is further along, without moving the record back', async () => {
    // Prepare: while this run stores its first page, another run saves a position far ahead.
    const { store, service, make, clock } = await setup(50);
    await make().begin(['eu-west-1']);
    const ahead = { peer: 'eu-west-1', phase: 'copy' as const, bucket: 40, buckets: 64, read: 33, copied: 33, startedAt: clock.now(), updatedAt: clock.now() };
    let first = true;
    const backfill = make({
      ingest: async (items) => {
        if (first) await store.saveBackfill(ahead);
        first = false;
        return service.ingestBatch(items);
      },
    });
    // Act
    const report = await backfill.run();
    // Assess
    expect(report.peers['eu-west-1']).toMatchObject({ superseded: true, pages: 1 });
    expect(report.done).toBe(false);
    expect((await store.backfills())[0]).toEqual(ahead);
  });

  it('stays catching up while anti-entropy has not reached every peer, and finishes on a later run', async () => {
    const { store, make } = await setup(10);
    let reached = false;
    const backfill = make({ antiEntropy: async () => reached });
    await backfill.begin(['eu-west-1']);
    const first = await backfill.run();
    expect(first).toMatchObject({ done: false, antiEntropy: false });
    expect((await store.backfills())[0]?.phase).toBe('repair');
    reached = true;
    expect(await backfill.run()).toMatchObject({ done: true, antiEntropy: true });
    expect((await store.backfills())[0]?.phase).toBe('done');
  });

  it('reports a peer that fails, saves nothing past the last page, and continues on the next run', async () => {
    const { store, peer, make, sources } = await setup(50);
    let calls = 0;
    const flaky: EventStore = Object.assign(Object.create(peer) as EventStore, {
      eventsInBucket: (b: number, p: { limit: number; after?: string }) => (++calls === 4 ? Promise.reject(new Error('peer unreachable')) : peer.eventsInBucket(b, p)),
    });
    sources['eu-west-1'] = flaky;
    await make().begin(['eu-west-1']);
    const failed = await make().run();
    expect(failed.peers['eu-west-1']?.error).toBe('peer unreachable');
    expect(failed.done).toBe(false);
    const saved = (await store.backfills())[0];
    expect(saved?.phase).toBe('copy');
    expect((await make().run()).done).toBe(true);
    expect(await store.digest()).toEqual(await peer.digest());
    expect((await store.backfills())[0]?.read).toBe(50);
  });

  it('shows on GET /status: catching up with its progress, then done; nothing in a region that never backfilled', async () => {
    // Prepare
    const { service, make, clock } = await setup(30);
    const before = await service.status();
    const backfill = make();
    await backfill.begin(['eu-west-1']);
    // Act
    const catchingUp = await service.status();
    let pages = 0;
    await backfill.run({ shouldStop: () => pages++ >= 2 });
    const midway = await service.status();
    clock.advance(10);
    await backfill.run();
    const done = await service.status();
    // Assess
    expect(before.backfill).toBeUndefined();
    expect(catchingUp.backfill).toEqual({
      state: 'catching-up',
      peers: { 'eu-west-1': { phase: 'copy', bucket: 0, buckets: 64, progress: 0, read: 0, copied: 0, startedAt: clock.now() - 10, updatedAt: clock.now() - 10 } },
    });
    expect(midway.backfill?.state).toBe('catching-up');
    expect(midway.backfill?.peers['eu-west-1']?.progress).toBeGreaterThan(0);
    expect(midway.backfill?.peers['eu-west-1']?.progress).toBeLessThan(1);
    expect(done.backfill).toEqual({
      state: 'done',
      peers: { 'eu-west-1': { phase: 'done', bucket: 64, buckets: 64, progress: 1, read: 30, copied: 30, startedAt: clock.now() - 10, updatedAt: clock.now(), finishedAt: clock.now() } },
    });
    expect(done.events).toBe(30);
  });

  it('has nothing to do, and says done, in a region that never backfilled', async () => {
    const { make } = await setup(5);
    expect(await make().run()).toEqual({ peers: {}, done: true });
  });

  it('refuses to backfill from itself and bad settings', async () => {
    const { make } = await setup(1);
    await expect(make().begin([NEW])).rejects.toThrow(/cannot backfill from itself/);
    expect(() => make({ pageSize: 0 })).toThrow(/pageSize/);
    expect(() => make({ maxEventsPerSecond: 0 })).toThrow(/maxEventsPerSecond/);
  });

  it('copies a child before its parent and still gets the heads right', async () => {
    // Buckets go by id, not by history: a child often comes before its parent.
    const { store, peer, make } = await setup(0);
    const root = setEvent('chain', 0, { origin: 'us-east-1' });
    const events = [root];
    for (let i = 1; i < 30; i++) events.push(setEvent('chain', i, { origin: PEERS[i % 2] as string, parents: [events[i - 1] as MeshEvent] }));
    await peer.appendBatch(events.map((event) => ({ event, via: { type: 'local' } })));
    const backfill = make();
    await backfill.begin(['eu-west-1']);
    await backfill.run();
    expect((await store.stateOf('R#chain')).heads).toEqual((await peer.stateOf('R#chain')).heads);
  });
});
