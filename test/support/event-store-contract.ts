/**
 * The EventStore contract, written once against the port and run against every adapter: the
 * memory store (unit layer) and DynamoDB (integration layer: DynamoDB Local, LocalStack or AWS).
 *
 * The store under test may be shared by every case (one table per test file), so each case uses
 * its own keys, and table-wide answers (digest, count) are checked against everything this suite
 * appended so far. Reads served by secondary indexes are eventually consistent on AWS, so those
 * assertions are retried for a while.
 *
 * @example
 * ```ts
 * import { eventStoreContract } from '../../support/event-store-contract.ts';
 * eventStoreContract('memory', async () => new MemoryEventStore({ region: 'us-east-1' }));
 * ```
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESCROW_FOLD, accountFold, computeHeads, compareEvents, digestOf, bucketOf, DEFAULT_BUCKETS, eventSortKey, foldAll, verifyEvent } from '../../shared/domain/index.ts';
import type { MeshEvent, ReceiptVia } from '../../shared/domain/types.ts';
import type { EventStore } from '../../shared/ports/event-store.ts';
import { HeadsMovedError } from '../../shared/ports/heads-moved-error.ts';
import { accountStream, escrowStream, registerStream } from '../../shared/ports/stream.ts';
import type { StreamId } from '../../shared/ports/stream.ts';
import { deposit, escrowDeposit, escrowOpen, escrowTransfer, escrowWithdraw, setEvent, resolveEvent, withdraw } from './factories.ts';
import { allEventsOf, headIdsOf } from './store-reads.ts';

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
    const append = async (e: MeshEvent, via: ReceiptVia = { type: 'local' }) => {
      const [r] = await store.appendBatch([{ event: e, via }]);
      all.add(e.id);
      return r as NonNullable<typeof r>;
    };
    const batch = async (events: readonly MeshEvent[], via: ReceiptVia = { type: 'peer', peer: 'eu-west-1' }) => {
      const rs = await store.appendBatch(events.map((event) => ({ event, via })));
      for (const e of events) all.add(e.id);
      return rs;
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
      expect(await allEventsOf(store, registerStream(e.key))).toEqual([{ event: e, receipt: first.receipt }]);
      expect((await store.stateOf(registerStream(e.key))).version).toBe(1);
    });

    it('keeps events byte for byte: what comes back still verifies', async () => {
      const e = setEvent(key(), { big: 'x'.repeat(30_000), n: -0.000123, e: 1e21, empty: {}, '': 'empty key' });
      await append(e);
      const back = (await allEventsOf(store, registerStream(e.key)))[0]?.event;
      expect(back).toEqual(e);
      expect(verifyEvent(back)).toBe(true);
    });

    it('follows a linear history: one head, one more version per stored event', async () => {
      const k = key();
      const a = setEvent(k, 1);
      const b = setEvent(k, 2, { parents: [a] });
      const c = setEvent(k, 3, { parents: [b] });
      for (const e of [a, b, c]) await append(e);
      const state = await store.stateOf(registerStream(k));
      expect(state.heads).toEqual([eventSortKey(c)]);
      expect(state.version).toBe(3);
      expect(ids((await store.eventsAt(registerStream(k), state.heads)).map((s) => s.event))).toEqual([c.id]);
    });

    it('answers an empty state and no events for an unknown stream', async () => {
      const k = key();
      expect(await store.stateOf(registerStream(k))).toEqual({ stream: registerStream(k), heads: [], version: 0 });
      expect(await store.eventsPage(registerStream(k), { limit: 10 })).toEqual({ events: [] });
      expect(await store.eventsAt(registerStream(k), ['000000000000000001-00000#x#' + '0'.repeat(64)])).toEqual([]);
    });

    it('reads several streams\' states at once, in the order asked, unknown ones empty', async () => {
      // Prepare: two streams with events, one without.
      const [k1, k2, k3] = [key(), key(), key()];
      await append(setEvent(k1, 1));
      const a = setEvent(k2, 1);
      await append(a);
      await append(setEvent(k2, 2, { parents: [a] }));

      // Act
      const states = await store.statesOf([registerStream(k2), registerStream(k3), registerStream(k1)]);

      // Assess: each as stateOf answers it.
      expect(states).toEqual([await store.stateOf(registerStream(k2)), { stream: registerStream(k3), heads: [], version: 0 }, await store.stateOf(registerStream(k1))]);
      expect(states.map((st) => st.version)).toEqual([2, 0, 1]);
      expect(await store.statesOf([])).toEqual([]);
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
        const heads = await headIdsOf(store, registerStream(k));
        expect(heads, `arrival order ${order.join(',')}`).toEqual(ids(computeHeads(events)));
        expect([...heads].sort()).toEqual([c.id, d.id].sort());
        expect((await store.stateOf(registerStream(k))).version).toBe(4);
        expect(ids((await allEventsOf(store, registerStream(k))).map((s) => s.event))).toEqual(ids([...events].sort(compareEvents)));
      }
    });

    it('computes the same heads when a whole history arrives in one batch, in any order', async () => {
      for (const order of permutations([0, 1, 2, 3])) {
        const k = key();
        const a = setEvent(k, 'a');
        const b = setEvent(k, 'b', { parents: [a], origin: 'eu-west-1' });
        const c = setEvent(k, 'c', { parents: [a], origin: 'ap-southeast-2' });
        const d = setEvent(k, 'd', { parents: [b] });
        const events = [a, b, c, d];
        const rs = await batch(order.map((i) => events[i] as MeshEvent));
        expect(rs.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);
        expect(await headIdsOf(store, registerStream(k)), `batch order ${order.join(',')}`).toEqual(ids(computeHeads(events)));
      }
    });

    it('keeps a parent that arrives after its child out of the heads', async () => {
      const k = key();
      const parent = setEvent(k, 'p');
      const child = setEvent(k, 'c', { parents: [parent] });
      await append(child);
      expect(await headIdsOf(store, registerStream(k))).toEqual([child.id]);
      await append(parent);
      expect(await headIdsOf(store, registerStream(k))).toEqual([child.id]);
    });

    it('stores a batch of many streams at once, duplicates in it answered as duplicates', async () => {
      // Prepare: three keys, an account, and a copy of one event in the same batch.
      const events = [setEvent(key(), 1), setEvent(key(), 2), setEvent(key(), 3), deposit(`acct-${randomUUID()}`, 7)];
      // Act
      const rs = await batch([...events, events[1] as MeshEvent]);
      // Assess
      expect(rs.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored', 'duplicate']);
      expect(rs[4]?.receipt).toEqual(rs[1]?.receipt);
      for (const e of events) expect((await store.get(e.id))?.event).toEqual(e);
    });

    it('answers a redelivery over a link as a duplicate with the first receipt, beside fresh events of its stream and others', async () => {
      // Prepare: two events delivered once over a link.
      const [k1, k2, k3] = [key(), key(), key()];
      const first = [setEvent(k1, 1), setEvent(k2, 2)] as const;
      const stored = await batch(first);
      const child = setEvent(k1, 3, { parents: [first[0]] });
      const fresh = setEvent(k3, 4);
      // Act: the link delivers them again, mixed with a child in the same stream and a new stream.
      const rs = await batch([first[0], child, first[1], fresh]);
      // Assess: nothing stored twice, the fresh events stored, the heads and versions right.
      expect(rs.map((r) => r.status)).toEqual(['duplicate', 'stored', 'duplicate', 'stored']);
      expect(rs[0]?.receipt).toEqual(stored[0]?.receipt);
      expect(rs[2]?.receipt).toEqual(stored[1]?.receipt);
      expect(ids((await allEventsOf(store, registerStream(k1))).map((x) => x.event))).toEqual(ids([first[0], child]));
      expect(await headIdsOf(store, registerStream(k1))).toEqual([child.id]);
      expect((await store.stateOf(registerStream(k1))).version).toBe(2);
      expect((await store.stateOf(registerStream(k2))).version).toBe(1);
      expect((await store.get(fresh.id))?.event).toEqual(fresh);
    });

    it('loses nothing under concurrent batches on one stream, and the heads stay right', async () => {
      // Prepare: 16 concurrent siblings of one root, each also sent twice, in 8 concurrent batches.
      const k = key();
      const root = setEvent(k, 'root');
      await append(root);
      const siblings = Array.from({ length: 16 }, (_, i) => setEvent(k, i, { parents: [root], origin: i % 2 ? 'eu-west-1' : 'us-east-1' }));
      const copies = [...siblings, ...siblings];
      // Act
      const results = (await Promise.all(Array.from({ length: 8 }, (_, i) => batch(copies.slice(i * 4, i * 4 + 4))))).flat();
      // Assess
      expect(results.filter((r) => r.status === 'stored')).toHaveLength(16);
      expect(await headIdsOf(store, registerStream(k))).toEqual(ids([...siblings].sort(compareEvents)));
      expect((await store.stateOf(registerStream(k))).version).toBe(17);
      expect(await allEventsOf(store, registerStream(k))).toHaveLength(17);
    });

    it('appendOn stores on the version read and refuses, storing nothing, once the stream moved', async () => {
      // Prepare
      const k = key();
      const a = setEvent(k, 'a');
      await append(a);
      const state = await store.stateOf(registerStream(k));
      const b = setEvent(k, 'b', { parents: [a] });
      const late = setEvent(k, 'late', { parents: [a], origin: 'eu-west-1' });
      // Act
      const [receipt] = await store.appendOn(state, [b]);
      all.add(b.id);
      const refused = store.appendOn(state, [late]);
      // Assess
      expect(receipt).toMatchObject({ eventId: b.id, via: { type: 'local' } });
      await expect(refused).rejects.toBeInstanceOf(HeadsMovedError);
      expect(await allEventsOf(store, registerStream(k))).toHaveLength(2);
      expect(await headIdsOf(store, registerStream(k))).toEqual([b.id]);
    });

    it('appendOn stores a chain of events at once, in order, one version per event', async () => {
      const k = key();
      const a = setEvent(k, 'a');
      const b = setEvent(k, 'b', { parents: [a] });
      const c = setEvent(k, 'c', { parents: [b] });
      const receipts = await store.appendOn(await store.stateOf(registerStream(k)), [a, b, c]);
      for (const e of [a, b, c]) all.add(e.id);
      expect(receipts.map((r) => r.eventId)).toEqual([a.id, b.id, c.id]);
      expect(await store.stateOf(registerStream(k))).toMatchObject({ heads: [eventSortKey(c)], version: 3 });
    });

    it('lets exactly one of many concurrent appendOn on one version through', async () => {
      const k = `acct-${randomUUID()}`;
      const d = deposit(k, 100);
      await append(d);
      const state = await store.stateOf(accountStream(k));
      const attempts = Array.from({ length: 8 }, (_, i) => withdraw(k, 60, { parents: [d], counter: i + 1 }));
      const settled = await Promise.allSettled(attempts.map((w) => store.appendOn(state, [w])));
      const won = settled.filter((s) => s.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(HeadsMovedError);
      for (const [i, s] of settled.entries()) if (s.status === 'fulfilled') all.add((attempts[i] as MeshEvent).id);
      expect(await allEventsOf(store, accountStream(k))).toHaveLength(2);
    });

    it("keeps an account's snapshot equal to the fold of all its events, late events included", async () => {
      // Prepare: 40 money events over two origins, delivered newest first in batches of 3.
      const acct = `acct-${randomUUID()}`;
      const events = Array.from({ length: 40 }, (_, i) =>
        i % 3 === 2 ? withdraw(acct, 30, { wall: 1_000 + i, origin: 'eu-west-1' }) : deposit(acct, 20, { wall: 1_000 + i, origin: 'ap-southeast-2' }),
      );
      const arrivals = [...events].reverse();
      // Act
      for (let i = 0; i < arrivals.length; i += 3) await batch(arrivals.slice(i, i + 3));
      // Assess
      const state = await store.stateOf(accountStream(acct));
      const expected = foldAll(accountFold, events);
      expect(state.snapshot?.state).toEqual(expected.state);
      expect(state.snapshot?.count).toBe(40);
      expect(state.snapshot?.position).toBe(expected.position);
    });

    it("keeps an escrow account's snapshot equal to the escrow fold of all its events: a gap bounces a transfer, filling it replays", async () => {
      // Prepare: 30 escrow events over three origins; ap-southeast-2 hands rights on as it gets
      // them, so a transfer that arrives before the deposits funding it bounces until they come.
      const acct = `escrow-${randomUUID()}`;
      const open = escrowOpen(acct, { wall: 999, origin: 'us-east-1' });
      const events: MeshEvent[] = [open];
      for (let i = 0; i < 29; i++) {
        const wall = 1_000 + i;
        const prev = events.at(-1) as MeshEvent;
        const e = i % 3 === 0 ? escrowDeposit(acct, 20, { wall, origin: 'ap-southeast-2', parents: [prev] })
          : i % 3 === 1 ? escrowTransfer(acct, 'eu-west-1', 15, { wall, origin: 'ap-southeast-2', parents: [prev] })
          : escrowWithdraw(acct, 10, { wall, origin: 'eu-west-1', parents: [prev] });
        events.push(e);
      }
      const arrivals = [...events].reverse();
      // Act: newest first, so early batches hold children without their parents.
      for (let i = 0; i < 6; i += 3) await batch(arrivals.slice(i, i + 3));
      const gapped = await store.stateOf(escrowStream(acct));
      for (let i = 6; i < arrivals.length; i += 3) await batch(arrivals.slice(i, i + 3));
      // Assess
      expect(gapped.snapshot?.fold).toBe(ESCROW_FOLD.name);
      expect(gapped.snapshot?.state).toEqual(foldAll(ESCROW_FOLD, arrivals.slice(0, 6)).state);
      expect((gapped.snapshot?.state as { bounced: unknown[] }).bounced.length).toBeGreaterThan(0);
      const state = await store.stateOf(escrowStream(acct));
      const expected = foldAll(ESCROW_FOLD, events);
      expect(state.snapshot?.state).toEqual(expected.state);
      expect((state.snapshot?.state as { bounced: unknown[] }).bounced).toEqual([]);
      expect(state.snapshot?.count).toBe(30);
      expect(state.heads).toEqual([eventSortKey(events.at(-1) as MeshEvent)]);
    });

    it('keeps escrow and plain accounts of the same id apart, and lists escrow accounts by prefix in pages', async () => {
      // Prepare: a plain and an escrow account of each of 4 ids under a fresh prefix.
      const prefix = `e${randomUUID().slice(0, 8)}-`;
      const names = Array.from({ length: 4 }, (_, i) => `${prefix}${i}`);
      for (const n of names) await batch([deposit(n, 5), escrowDeposit(n, 7, { origin: 'eu-west-1' })]);
      // Act
      const seen: string[] = [];
      await eventually(settle, async () => {
        seen.length = 0;
        let cursor: string | undefined;
        do {
          const page = await store.streams(escrowStream(prefix), { limit: 3, ...(cursor === undefined ? {} : { cursor }) });
          seen.push(...page.items.map((x) => x.stream));
          cursor = page.next;
        } while (cursor !== undefined);
        // Assess
        expect(seen).toEqual(names.map((n) => escrowStream(n)).sort());
      });
      const [plain, escrow] = await Promise.all([store.stateOf(accountStream(names[0] as string)), store.stateOf(escrowStream(names[0] as string))]);
      expect(plain.version).toBe(1);
      expect(escrow.version).toBe(1);
      expect((plain.snapshot?.state as { balance: number }).balance).toBe(5);
      expect((escrow.snapshot?.state as { balance: string }).balance).toBe('7');
    });

    it('lists a stream in conflict while it has more than one head, and not after a resolve', async () => {
      const k = key();
      const a = setEvent(k, 'a');
      const b = setEvent(k, 'b', { origin: 'eu-west-1' });
      await append(a);
      await append(b);
      const state = await store.stateOf(registerStream(k));
      expect(state.heads).toHaveLength(2);
      expect(typeof state.conflictSince).toBe('number');
      await eventually(settle, async () => expect(await conflictStreams(store)).toContain(registerStream(k)));
      await append(resolveEvent(k, 'ab', { parents: [a, b] }));
      expect((await store.stateOf(registerStream(k))).conflictSince).toBeUndefined();
      await eventually(settle, async () => expect(await conflictStreams(store)).not.toContain(registerStream(k)));
    });

    it('lists streams by prefix, in pages, each exactly once', async () => {
      // Prepare: 7 keys under one fresh prefix, and one under another.
      const prefix = `p${randomUUID().slice(0, 8)}-`;
      const keys = Array.from({ length: 7 }, (_, i) => `${prefix}${i}`);
      for (const k of keys) await append(setEvent(k, k));
      await append(setEvent(`other-${prefix}`, 1));
      // Act
      const seen: string[] = [];
      await eventually(settle, async () => {
        seen.length = 0;
        let cursor: string | undefined;
        do {
          const page = await store.streams(registerStream(prefix), { limit: 3, ...(cursor === undefined ? {} : { cursor }) });
          expect(page.items.length).toBeLessThanOrEqual(3);
          seen.push(...page.items.map((s) => s.stream));
          cursor = page.next;
        } while (cursor !== undefined);
        // Assess
        expect(seen).toEqual(keys.map((k) => registerStream(k)).sort());
      });
    });

    it('pages a stream in total order both ways, with a cursor that resumes exactly', async () => {
      const k = key();
      const events = Array.from({ length: 7 }, (_, i) => setEvent(k, i, { wall: 5_000 + i }));
      await batch(events);
      const up: string[] = [];
      for (let after: string | undefined, n = 0; n < 10; n++) {
        const page: { events: Array<{ event: MeshEvent }>; next?: string } = await store.eventsPage(registerStream(k), { limit: 3, ...(after === undefined ? {} : { after }) });
        up.push(...page.events.map((s) => s.event.id));
        after = page.next;
        if (after === undefined) break;
      }
      const down = await store.eventsPage(registerStream(k), { limit: 10, desc: true });
      expect(up).toEqual(ids(events));
      expect(down.events.map((s) => s.event.id)).toEqual(ids(events).reverse());
      expect(down.next).toBeUndefined();
    });

    it('keeps registers and accounts of the same name apart', async () => {
      const k = key();
      const s = setEvent(k, 'v');
      const d = deposit(k, 10);
      const w = withdraw(k, 5, { parents: [d] });
      for (const e of [s, d, w]) await append(e);
      expect(await headIdsOf(store, registerStream(k))).toEqual([s.id]);
      expect(await headIdsOf(store, accountStream(k))).toEqual([w.id]);
      expect(ids((await allEventsOf(store, accountStream(k))).map((x) => x.event))).toEqual([d.id, w.id]);
    });

    it('gets an event by id with its receipt, and nothing for an unknown id', async () => {
      const e = setEvent(key(), 'by id');
      const { receipt } = await append(e, { type: 'peer', peer: 'eu-west-1' });
      await eventually(settle, async () => expect(await store.get(e.id)).toEqual({ event: e, receipt }));
      expect(await store.get('0'.repeat(64))).toBeUndefined();
    });

    it('holds any number of concurrent heads: 65 roots, then one write covering them', async () => {
      const k = key();
      const roots = Array.from({ length: 65 }, (_, i) => setEvent(k, i, { origin: i % 2 ? 'eu-west-1' : 'ap-southeast-2', counter: i }));
      for (let i = 0; i < roots.length; i += 10) await batch(roots.slice(i, i + 10));
      const state = await store.stateOf(registerStream(k));
      expect(state.heads).toHaveLength(65);
      expect(state.heads).toEqual(roots.map(eventSortKey).sort());
    });

    it('records the last delivery of a link, never back in time, and counts every batch', async () => {
      // Prepare
      const from = `peer-${randomUUID().slice(0, 8)}`;
      const delivery = (receivedAt: number, originAt: number, events: number) => ({ from, receivedAt, originAt, lagMs: receivedAt - originAt, events });
      // Act: a batch, a newer one, then an older one finishing late
      await store.recordDelivery(delivery(1_000, 900, 2));
      await store.recordDelivery(delivery(2_000, 1_700, 3));
      await store.recordDelivery(delivery(1_500, 1_000, 4));
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

    it('counts refusals by reason and adds them up', async () => {
      const before = await store.refusals();
      await store.countRefusals({ 'clock-skew': 2, 'untrusted-origin': 1 });
      await store.countRefusals({ 'clock-skew': 3 });
      const after = await store.refusals();
      expect((after['clock-skew'] ?? 0) - (before['clock-skew'] ?? 0)).toBe(5);
      expect((after['untrusted-origin'] ?? 0) - (before['untrusted-origin'] ?? 0)).toBe(1);
    });

    it('keeps backfill progress per peer, forward only: a save that would move it back is refused', async () => {
      // Prepare
      const peer = `peer-${randomUUID().slice(0, 8)}`;
      const other = `peer-${randomUUID().slice(0, 8)}`;
      const at = (phase: 'copy' | 'repair' | 'done', bucket: number, after?: string, copied = 0) => ({
        peer, phase, bucket, buckets: 64, ...(after === undefined ? {} : { after }), read: copied + 1, copied, startedAt: 1_000, updatedAt: 2_000 + copied,
      });
      // Act
      const saved = [
        await store.saveBackfill(at('copy', 0)),
        await store.saveBackfill(at('copy', 3, 'ab'.repeat(32), 10)),
        await store.saveBackfill(at('copy', 3, 'aa'.repeat(32), 5)), // behind: refused
        await store.saveBackfill(at('copy', 2, undefined, 4)), // behind: refused
        await store.saveBackfill(at('copy', 3, 'ab'.repeat(32), 11)), // the same place again: fine
        await store.saveBackfill({ ...at('copy', 0), peer: other }),
      ];
      // Assess
      expect(saved).toEqual([true, true, false, false, true, true]);
      const mine = (await store.backfills()).filter((p) => p.peer === peer || p.peer === other);
      expect(mine).toEqual([at('copy', 3, 'ab'.repeat(32), 11), { ...at('copy', 0), peer: other }].sort((a, b) => (a.peer < b.peer ? -1 : 1)));
      expect(await store.saveBackfill(at('repair', 64, undefined, 11))).toBe(true);
      expect(await store.saveBackfill({ ...at('done', 64, undefined, 11), finishedAt: 3_000 })).toBe(true);
      expect(await store.saveBackfill(at('copy', 63, 'ff'.repeat(32), 11))).toBe(false);
      expect((await store.backfills()).find((p) => p.peer === peer)).toEqual({ ...at('done', 64, undefined, 11), finishedAt: 3_000 });
    });

    it('pages every event of every bucket in id order, with its receipt, each exactly once', async () => {
      // Prepare: a few more events, so most buckets hold something
      for (let i = 0; i < 40; i += 10) await batch(Array.from({ length: 10 }, (_, j) => setEvent(key(), i + j)));
      // Act: every bucket, three events a page
      await eventually(Math.max(settle, 1), async () => {
        const seen: string[] = [];
        for (let b = 0; b < DEFAULT_BUCKETS; b++) {
          let after: string | undefined;
          const inBucket: string[] = [];
          for (let n = 0; n < 1_000; n++) {
            const page = await store.eventsInBucket(b, { limit: 3, ...(after === undefined ? {} : { after }) });
            expect(page.events.length).toBeLessThanOrEqual(3);
            for (const s of page.events) {
              expect(bucketOf(s.event.id)).toBe(b);
              expect(s.receipt.eventId).toBe(s.event.id);
            }
            inBucket.push(...page.events.map((s) => s.event.id));
            after = page.next;
            if (after === undefined) break;
          }
          // Assess: in id order within the bucket
          expect(inBucket).toEqual([...inBucket].sort());
          seen.push(...inBucket);
        }
        expect(seen.length).toBe(all.size);
        expect(new Set(seen)).toEqual(all);
      });
    });

    it('resumes a bucket page after any id, stored or not, and answers an empty page past the end', async () => {
      const e = setEvent(key(), 'cursor');
      await append(e);
      const b = bucketOf(e.id);
      const expected = [...all].filter((id) => bucketOf(id) === b && id > e.id).sort();
      await eventually(Math.max(settle, 1), async () => {
        const fromStored = await store.eventsInBucket(b, { limit: 1_000, after: e.id });
        expect(fromStored.events.map((s) => s.event.id)).toEqual(expected);
        expect(fromStored.next).toBeUndefined();
        // An id just below e's (not stored): the page starts with e.
        const lastDigit = Number.parseInt(e.id.slice(63), 16);
        const below = lastDigit === 0 ? undefined : `${e.id.slice(0, 63)}${(lastDigit - 1).toString(16)}`;
        if (below !== undefined) expect((await store.eventsInBucket(b, { limit: 1, after: below })).events[0]?.event).toEqual(e);
        expect(await store.eventsInBucket(b, { limit: 5, after: 'f'.repeat(64) })).toEqual({ events: [] });
      });
    });

    it('digests, buckets and counts every stored id (table-wide), without counting anything else', async () => {
      const extra = Array.from({ length: 5 }, (_, i) => setEvent(key(), i));
      for (const e of extra) await append(e);
      await batch([setEvent(key(), 'x'), extra[0] as MeshEvent]);
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

/** Every stream in conflict, all pages. */
async function conflictStreams(store: EventStore): Promise<StreamId[]> {
  const out: StreamId[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.conflicts({ limit: 100, ...(cursor === undefined ? {} : { cursor }) });
    out.push(...page.items.map((s) => s.stream));
    cursor = page.next;
  } while (cursor !== undefined);
  return out;
}
