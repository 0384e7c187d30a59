/**
 * The EventStore contract, written once against the port and run against every adapter: the
 * memory store (unit layer) and DynamoDB (integration layer: DynamoDB Local, LocalStack or AWS).
 *
 * The store under test may be shared by every case (one table per test file), so each case uses
 * its own keys, and table-wide answers (digest, count, conflicts) are checked against everything
 * this suite appended so far. Reads served by secondary indexes are eventually consistent on
 * AWS, so those assertions are retried for a while.
 *
 * @example
 * ```ts
 * import { eventStoreContract } from '../../support/event-store-contract.ts';
 * eventStoreContract('memory', async () => new MemoryEventStore({ region: 'us-east-1' }));
 * ```
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeHeads, compareEvents, digestOf, bucketOf, DEFAULT_BUCKETS, verifyEvent } from '../../shared/domain/index.ts';
import type { MeshEvent } from '../../shared/domain/types.ts';
import type { EventStore } from '../../shared/ports/event-store.ts';
import { HeadsMovedError } from '../../shared/ports/heads-moved-error.ts';
import { accountStream, registerStream } from '../../shared/ports/stream.ts';
import { deposit, setEvent, resolveEvent, withdraw } from './factories.ts';

export interface ContractOptions {
  /** How long index-served reads may lag (ms); 0 for stores that are always consistent. */
  readonly settleMs?: number;
}

/** Retries an assertion until it passes or `ms` elapse (index reads on AWS lag a little). */
async function eventually(ms: number, check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

const ids = (events: readonly MeshEvent[]): string[] => events.map((e) => e.id);

export function eventStoreContract(name: string, makeStore: () => Promise<EventStore>, options: ContractOptions = {}): void {
  const settle = options.settleMs ?? 0;

  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    /** Every id this suite stored, for table-wide answers. */
    const all = new Set<string>();
    const key = (): string => `k-${randomUUID()}`;
    const append = async (e: MeshEvent, via: Parameters<EventStore['append']>[1] = { type: 'local' }) => {
      const r = await store.append(e, via);
      all.add(e.id);
      return r;
    };

    beforeAll(async () => {
      store = await makeStore();
    });

    it('stores an event once: a duplicate is a no-op that answers the first receipt', async () => {
      // Prepare
      const e = setEvent(key(), { nested: [1, 'two', null, true, 2.5], 'ünï': 'cödé' });
      // Act
      const first = await append(e, { type: 'peer', peer: 'eu-west-1' });
      const again = await append(e, { type: 'repair', peer: 'ap-southeast-2' });
      // Assess
      expect(first.status).toBe('stored');
      expect(first.receipt).toMatchObject({ eventId: e.id, region: store.region, via: { type: 'peer', peer: 'eu-west-1' } });
      expect(typeof first.receipt.receivedAt).toBe('number');
      expect(again).toEqual({ status: 'duplicate', receipt: first.receipt });
      expect(await store.eventsOf(registerStream(e.key))).toEqual([{ event: e, receipt: first.receipt }]);
      expect((await store.headsOf(registerStream(e.key))).version).toBe(1);
    });

    it('keeps events byte for byte: what comes back still verifies', async () => {
      const e = setEvent(key(), { big: 'x'.repeat(30_000), n: -0.000123, e: 1e21, empty: {}, '': 'empty key' });
      await append(e);
      const back = (await store.eventsOf(registerStream(e.key)))[0]?.event;
      expect(back).toEqual(e);
      expect(verifyEvent(back)).toBe(true);
    });

    it('follows a linear history: one head, one more version per stored event', async () => {
      const k = key();
      const a = setEvent(k, 1);
      const b = setEvent(k, 2, { parents: [a] });
      const c = setEvent(k, 3, { parents: [b] });
      for (const e of [a, b, c]) await append(e);
      const state = await store.headsOf(registerStream(k));
      expect(ids(state.heads)).toEqual([c.id]);
      expect(state.version).toBe(3);
      expect(await store.winnerOf(registerStream(k))).toEqual(c);
    });

    it('answers empty heads, no winner and no events for an unknown stream', async () => {
      const k = key();
      expect(await store.headsOf(registerStream(k))).toEqual({ heads: [], version: 0 });
      expect(await store.winnerOf(registerStream(k))).toBeUndefined();
      expect(await store.eventsOf(registerStream(k))).toEqual([]);
    });

    it('computes the same heads whatever the arrival order, child before parent included', async () => {
      for (const order of permutations([0, 1, 2, 3])) {
        // Prepare: a, then concurrent b and c on a, then d merging only b: heads {c, d}.
        const k = key();
        const a = setEvent(k, 'a');
        const b = setEvent(k, 'b', { parents: [a], origin: 'eu-west-1' });
        const c = setEvent(k, 'c', { parents: [a], origin: 'ap-southeast-2' });
        const d = setEvent(k, 'd', { parents: [b] });
        const events = [a, b, c, d];
        // Act
        for (const i of order) await append(events[i] as MeshEvent);
        // Assess
        const state = await store.headsOf(registerStream(k));
        expect(ids(state.heads), `arrival order ${order.join(',')}`).toEqual(ids(computeHeads(events)));
        expect(ids(state.heads).sort()).toEqual([c.id, d.id].sort());
        expect(state.version).toBe(4);
        expect(ids((await store.eventsOf(registerStream(k))).map((s) => s.event))).toEqual(ids([...events].sort(compareEvents)));
      }
    });

    it('keeps a parent that arrives after its child out of the heads', async () => {
      const k = key();
      const parent = setEvent(k, 'p');
      const child = setEvent(k, 'c', { parents: [parent] });
      await append(child);
      expect(ids((await store.headsOf(registerStream(k))).heads)).toEqual([child.id]);
      await append(parent);
      expect(ids((await store.headsOf(registerStream(k))).heads)).toEqual([child.id]);
      expect(await store.winnerOf(registerStream(k))).toEqual(child);
    });

    it('loses nothing under concurrent appends to one stream, and the heads stay right', async () => {
      // Prepare: 16 concurrent siblings of one root, each also sent twice.
      const k = key();
      const root = setEvent(k, 'root');
      await append(root);
      const siblings = Array.from({ length: 16 }, (_, i) => setEvent(k, i, { parents: [root], origin: i % 2 ? 'eu-west-1' : 'us-east-1' }));
      // Act
      const results = await Promise.all([...siblings, ...siblings].map((e) => append(e)));
      // Assess
      expect(results.filter((r) => r.status === 'stored')).toHaveLength(16);
      const state = await store.headsOf(registerStream(k));
      expect(ids(state.heads)).toEqual(ids([...siblings].sort(compareEvents)));
      expect(state.version).toBe(17);
      expect(await store.eventsOf(registerStream(k))).toHaveLength(17);
      await eventually(settle, async () => expect(await store.conflicts()).toContain(registerStream(k)));
    });

    it('merges concurrent out-of-order appends to the same heads as sequential ones', async () => {
      const k = key();
      const a = setEvent(k, 'a');
      const b = setEvent(k, 'b', { parents: [a] });
      const c = setEvent(k, 'c', { parents: [a], origin: 'eu-west-1' });
      const d = resolveEvent(k, 'd', { parents: [b, c] });
      const e = setEvent(k, 'e', { parents: [d], origin: 'ap-southeast-2' });
      await Promise.all([e, c, a, d, b].map((x) => append(x)));
      const state = await store.headsOf(registerStream(k));
      expect(ids(state.heads)).toEqual([e.id]);
      expect(state.version).toBe(5);
    });

    it('lists a stream in conflict while it has more than one head, and not after a resolve', async () => {
      const k = key();
      const a = setEvent(k, 'a');
      const b = setEvent(k, 'b', { origin: 'eu-west-1' });
      await append(a);
      await append(b);
      await eventually(settle, async () => expect(await store.conflicts()).toContain(registerStream(k)));
      await append(resolveEvent(k, 'ab', { parents: [a, b] }));
      await eventually(settle, async () => expect(await store.conflicts()).not.toContain(registerStream(k)));
    });

    it('keeps registers and accounts of the same name apart', async () => {
      const k = key();
      const s = setEvent(k, 'v');
      const d = deposit(k, 10);
      const w = withdraw(k, 5, { parents: [d] });
      for (const e of [s, d, w]) await append(e);
      expect(ids((await store.headsOf(registerStream(k))).heads)).toEqual([s.id]);
      expect(ids((await store.headsOf(accountStream(k))).heads)).toEqual([w.id]);
      expect(ids((await store.eventsOf(accountStream(k))).map((x) => x.event))).toEqual([d.id, w.id]);
    });

    it('gets an event by id with its receipt, and nothing for an unknown id', async () => {
      const e = setEvent(key(), 'by id');
      const { receipt } = await append(e, { type: 'peer', peer: 'eu-west-1' });
      await eventually(settle, async () => expect(await store.get(e.id)).toEqual({ event: e, receipt }));
      expect(await store.get('0'.repeat(64))).toBeUndefined();
    });

    it('appendIfHeads stores on the version read and refuses, storing nothing, once the heads moved', async () => {
      // Prepare
      const k = key();
      const a = setEvent(k, 'a');
      await append(a);
      const { version } = await store.headsOf(registerStream(k));
      const b = setEvent(k, 'b', { parents: [a] });
      const late = setEvent(k, 'late', { parents: [a], origin: 'eu-west-1' });
      // Act
      const ok = await store.appendIfHeads(b, version);
      all.add(b.id);
      const refused = store.appendIfHeads(late, version);
      // Assess
      expect(ok.status).toBe('stored');
      expect(ok.receipt.via).toEqual({ type: 'local' });
      await expect(refused).rejects.toBeInstanceOf(HeadsMovedError);
      expect(await store.eventsOf(registerStream(k))).toHaveLength(2);
      expect(ids((await store.headsOf(registerStream(k))).heads)).toEqual([b.id]);
      expect((await store.appendIfHeads(b, 0)).status).toBe('duplicate');
    });

    it('lets exactly one of many concurrent appendIfHeads on one version through', async () => {
      const k = `acct-${randomUUID()}`;
      const d = deposit(k, 100);
      await append(d);
      const { version } = await store.headsOf(accountStream(k));
      const attempts = Array.from({ length: 8 }, (_, i) => withdraw(k, 60, { parents: [d], counter: i + 1 }));
      const settled = await Promise.allSettled(attempts.map((w) => store.appendIfHeads(w, version)));
      const won = settled.filter((s) => s.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(HeadsMovedError);
      for (const [i, s] of settled.entries()) if (s.status === 'fulfilled') all.add((attempts[i] as MeshEvent).id);
      expect(await store.eventsOf(accountStream(k))).toHaveLength(2);
    });

    it('records the last delivery of a link, never back in time, and counts every batch', async () => {
      // Prepare
      const from = `peer-${randomUUID().slice(0, 8)}`;
      const batch = (receivedAt: number, originAt: number, events: number) => ({ from, receivedAt, originAt, lagMs: receivedAt - originAt, events });
      // Act: a batch, a newer one, then an older one finishing late
      await store.recordDelivery(batch(1_000, 900, 2));
      await store.recordDelivery(batch(2_000, 1_700, 3));
      await store.recordDelivery(batch(1_500, 1_000, 4));
      // Assess
      expect(await store.deliveries([from, `never-${randomUUID().slice(0, 8)}`])).toEqual([
        { from, receivedAt: 2_000, originAt: 1_700, lagMs: 300, events: 9 },
      ]);
      expect(await store.deliveries([])).toEqual([]);
    });

    it('keeps the newest of concurrent deliveries and loses none of their counts', async () => {
      const from = `peer-${randomUUID().slice(0, 8)}`;
      const other = `peer-${randomUUID().slice(0, 8)}`;
      const times = [5, 3, 8, 1, 7, 2, 6, 4].map((i) => 10_000 + i * 100);
      await Promise.all([
        ...times.map((t) => store.recordDelivery({ from, receivedAt: t, originAt: t - 50, lagMs: 50, events: 1 })),
        store.recordDelivery({ from: other, receivedAt: 1, originAt: 5, lagMs: -4, events: 1 }),
      ]);
      const got = await store.deliveries([other, from]);
      expect(got).toHaveLength(2);
      expect(got).toContainEqual({ from, receivedAt: 10_800, originAt: 10_750, lagMs: 50, events: 8 });
      // A negative lag (the origin's clock ahead of this one) is kept as is.
      expect(got).toContainEqual({ from: other, receivedAt: 1, originAt: 5, lagMs: -4, events: 1 });
    });

    it('digests, buckets and counts every stored id (table-wide), link deliveries not among them', async () => {
      const extra = Array.from({ length: 5 }, (_, i) => setEvent(key(), i));
      for (const e of extra) await append(e);
      await eventually(Math.max(settle, 1), async () => {
        expect(await store.count()).toBe(all.size);
        expect(await store.digest()).toEqual(digestOf(all, DEFAULT_BUCKETS));
        expect(await store.digest(8)).toEqual(digestOf(all, 8));
        const probe = bucketOf(extra[0]?.id ?? '', DEFAULT_BUCKETS);
        expect(await store.idsInBucket(probe)).toEqual([...all].filter((id) => bucketOf(id) === probe).sort());
        const probe8 = bucketOf(extra[1]?.id ?? '', 8);
        expect(await store.idsInBucket(probe8, 8)).toEqual([...all].filter((id) => bucketOf(id, 8) === probe8).sort());
      });
    });
  });
}
