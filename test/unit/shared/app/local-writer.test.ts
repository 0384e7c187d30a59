/**
 * LocalWriter: group commit of queued writes on one stream, chains over many heads, and the
 * bounded refusal of writes that keep losing to contention.
 */
import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../../shared/adapters/memory-event-store.ts';
import { LocalWriter } from '../../../../shared/app/local-writer.ts';
import type { LocalWriterOptions } from '../../../../shared/app/local-writer.ts';
import { ContendedError, HybridClock, InsufficientFundsError, LIMITS, eventSortKey, idOfPosition } from '../../../../shared/domain/index.ts';
import type { AccountState, EscrowState } from '../../../../shared/domain/index.ts';
import { HeadsMovedError } from '../../../../shared/ports/heads-moved-error.ts';
import { BASE_WALL, ManualClock, deposit, escrowDeposit, setEvent } from '../../../support/factories.ts';
import { appendOne } from '../../../support/store-reads.ts';

function setup(budgetMs = 5_000) {
  const clock = new ManualClock(BASE_WALL);
  const store = new MemoryEventStore({ region: 'us-east-1', clock });
  const writer = new LocalWriter({ store, region: 'us-east-1', hlc: new HybridClock(clock), budgetMs });
  return { store, writer, clock };
}

describe('LocalWriter', () => {
  it('commits writes that queued meanwhile in one append, chained, each decided on the view before it', async () => {
    // Prepare: count the store's appends.
    const { store, writer } = setup();
    let appends = 0;
    const appendOn = store.appendOn.bind(store);
    store.appendOn = async (...args) => {
      appends++;
      return appendOn(...args);
    };

    // Act: 20 writes issued at once.
    const writes = await Promise.all(Array.from({ length: 20 }, (_, i) => writer.write('R#k', () => ({ kind: 'set', key: 'k', payload: i }))));

    // Assess: far fewer appends than writes, one head, a linear chain.
    expect(appends).toBeLessThanOrEqual(3);
    const state = await store.stateOf('R#k');
    expect(state.version).toBe(20);
    expect(state.heads).toHaveLength(1);
    const events = writes.map((w) => w.events[0]);
    for (let i = 1; i < events.length; i++) expect(events[i]?.parents).toContain(events[i - 1]?.id);
  });

  it('refuses, storing nothing, a write its view does not allow, and commits the rest of its group', async () => {
    const { store, writer } = setup();
    await writer.write('A#a', () => ({ kind: 'deposit', key: 'a', payload: 10 }));
    const withdraw = () =>
      writer.write('A#a', (view) => {
        const balance = (view.snapshot?.state as AccountState).balance;
        if (balance < 6) throw new InsufficientFundsError(`balance ${balance}`);
        return { kind: 'withdraw', key: 'a', payload: 6 };
      });
    const settled = await Promise.allSettled([withdraw(), withdraw(), withdraw()]);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    expect(settled.filter((s) => s.status === 'rejected' && s.reason instanceof InsufficientFundsError)).toHaveLength(2);
    expect((await store.stateOf('A#a')).version).toBe(2);
  });

  it('answers ContendedError (503, Retry-After) within its budget when the stream keeps moving, and stores nothing', async () => {
    // Prepare: a store whose stream always moved between the read and the write.
    const { store, writer } = setup(300);
    store.appendOn = async (state) => {
      throw new HeadsMovedError(state.stream, state.version);
    };
    const started = Date.now();

    // Act
    const error = await writer.write('R#k', () => ({ kind: 'set', key: 'k', payload: 1 })).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ContendedError);
    expect(error).toMatchObject({ status: 503, code: 'contended', retryAfterSeconds: 1 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await store.count()).toBe(0);
  });

  it('covers more heads than one event may name with a chain whose last event is the only head', async () => {
    // Prepare: 150 concurrent roots.
    const { store, writer } = setup();
    const roots = Array.from({ length: 150 }, (_, i) => setEvent('k', i, { origin: 'eu-west-1', counter: i }));
    for (const r of roots) await appendOne(store, r, { type: 'peer', peer: 'eu-west-1' });

    // Act
    const { events } = await writer.write('R#k', () => ({ kind: 'set', key: 'k', payload: 'over all' }));

    // Assess
    expect(events).toHaveLength(3); // 64 + 63 + 23 heads
    for (const e of events) expect(e.parents.length).toBeLessThanOrEqual(LIMITS.maxParents);
    const covered = new Set(events.flatMap((e) => e.parents));
    for (const r of roots) expect(covered.has(r.id)).toBe(true);
    const state = await store.stateOf('R#k');
    expect(state.heads.map(idOfPosition)).toEqual([events.at(-1)?.id]);
    expect(state.heads).toEqual([eventSortKey(events.at(-1) as never)]);
  });

  it('covers many heads of an escrow account with escrow-open links, so its one debit names every head and moves money once', async () => {
    // Prepare: 70 concurrent escrow deposits of this region (more heads than one event may name).
    const { store, writer } = setup();
    const roots = Array.from({ length: 70 }, (_, i) => escrowDeposit('e', 10, { origin: 'us-east-1', counter: i }));
    for (const r of roots) await appendOne(store, r, { type: 'local' });

    // Act
    const { events } = await writer.write('E#e', () => ({ kind: 'escrow-transfer', key: 'e', payload: { to: 'eu-west-1', amount: 5 } }));

    // Assess: one transfer, last, after an escrow-open (a no-op in the fold) that names the first 64 heads.
    expect(events.map((e) => e.kind)).toEqual(['escrow-open', 'escrow-transfer']);
    const covered = new Set(events.flatMap((e) => e.parents));
    for (const r of roots) expect(covered.has(r.id)).toBe(true);
    for (const e of events) expect(e.parents.length).toBeLessThanOrEqual(LIMITS.maxParents);
    expect(events[1]?.parents).toContain(events[0]?.id);
    const state = await store.stateOf('E#e');
    expect(state.heads.map(idOfPosition)).toEqual([events[1]?.id]);
    expect((state.snapshot?.state as EscrowState).transferred).toBe('5');
  });

  it('writes an escrow debit over few heads as one event naming all of them', async () => {
    // Prepare
    const { store, writer } = setup();
    const roots = [escrowDeposit('e', 10, { origin: 'eu-west-1' }), escrowDeposit('e', 20, { origin: 'ap-southeast-2' })];
    for (const r of roots) await appendOne(store, r, { type: 'peer', peer: r.origin });

    // Act
    const { events } = await writer.write('E#e', () => ({ kind: 'escrow-withdraw', key: 'e', payload: 5 }));

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]?.parents).toEqual(roots.map((r) => r.id).sort());
  });

  it('passes an unexpected store failure to every queued write instead of hanging', async () => {
    const { store, writer } = setup();
    store.stateOf = async () => {
      throw new Error('store down');
    };
    const settled = await Promise.allSettled([1, 2, 3].map((i) => writer.write('R#k', () => ({ kind: 'set', key: 'k', payload: i }))));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});

describe('LocalWriter remembers the state its commit left', () => {
  /** A writer on a memory store whose state reads are counted (and listed), on a manual wall clock. */
  function counted(options: Pick<LocalWriterOptions, 'stateCacheMs' | 'stateCacheSize'> = {}) {
    const clock = new ManualClock(BASE_WALL);
    const store = new MemoryEventStore({ region: 'us-east-1', clock });
    const writer = new LocalWriter({ store, region: 'us-east-1', hlc: new HybridClock(clock), wall: clock, ...options });
    const reads = { n: 0, streams: [] as string[] };
    const stateOf = store.stateOf.bind(store);
    store.stateOf = async (stream) => {
      reads.n++;
      reads.streams.push(stream);
      return stateOf(stream);
    };
    return { store, writer, clock, reads };
  }
  const set = (writer: LocalWriter, value: number) => writer.write('R#k', () => ({ kind: 'set', key: 'k', payload: value }));

  it('reads a stream\'s state once for a client writing one key again and again', async () => {
    // Prepare
    const { store, writer, reads } = counted();

    // Act: five writes, one after another.
    const writes = [];
    for (let i = 0; i < 5; i++) writes.push(await set(writer, i));

    // Assess: one read, and still a chain with one head.
    expect(reads.n).toBe(1);
    const state = await store.stateOf('R#k');
    expect(state.version).toBe(5);
    expect(state.heads.map(idOfPosition)).toEqual([writes[4]?.events[0]?.id]);
    for (let i = 1; i < 5; i++) expect(writes[i]?.events[0]?.parents).toEqual([writes[i - 1]?.events[0]?.id]);
  });

  it('decides again on a fresh read, at once, when the stream moved since (an ingested event)', async () => {
    // Prepare: a write, then a peer's event on the same key.
    const { store, writer } = counted();
    const first = await set(writer, 1);
    const peer = setEvent('k', 'theirs', { origin: 'eu-west-1', parents: [first.events[0]?.id as string], wall: BASE_WALL + 1 });
    await appendOne(store, peer, { type: 'peer', peer: 'eu-west-1' });

    // Act
    const second = await set(writer, 2);

    // Assess: the write names the peer's event, so one head again.
    expect(second.events[0]?.parents).toEqual([peer.id]);
    expect((await store.stateOf('R#k')).heads.map(idOfPosition)).toEqual([second.events[0]?.id]);
  });

  it('never refuses a write from a remembered state: a deposit ingested meanwhile counts', async () => {
    // Prepare: 10 deposited here, then 20 more arrive from a peer.
    const { store, writer } = counted();
    const first = await writer.write('A#a', () => ({ kind: 'deposit', key: 'a', payload: 10 }));
    await appendOne(store, deposit('a', 20, { origin: 'eu-west-1', parents: [first.events[0]?.id as string], wall: BASE_WALL + 1 }), { type: 'peer', peer: 'eu-west-1' });

    // Act: 25 is more than the remembered balance, less than the real one.
    const w = await writer.write('A#a', (view) => {
      const balance = (view.snapshot?.state as AccountState).balance;
      if (balance < 25) throw new InsufficientFundsError(`balance ${balance}`);
      return { kind: 'withdraw', key: 'a', payload: 25 };
    });

    // Assess
    expect(w.events[0]?.kind).toBe('withdraw');
    expect(((await store.stateOf('A#a')).snapshot?.state as AccountState).balance).toBe(5);
  });

  it('decides on a state the caller has just read, and on a fresh read when that one is out of date', async () => {
    // Prepare: a peer's event, a state read then, and a second peer's event after it.
    const { store, writer, reads } = counted();
    const first = setEvent('k', 'theirs', { origin: 'eu-west-1' });
    await appendOne(store, first, { type: 'peer', peer: 'eu-west-1' });
    const old = await store.stateOf('R#k');
    const second = setEvent('k', 'theirs again', { origin: 'eu-west-1', parents: [first.id], wall: BASE_WALL + 1 });
    await appendOne(store, second, { type: 'peer', peer: 'eu-west-1' });
    const fresh = await store.stateOf('R#k2');
    reads.n = 0;

    // Act
    const onFresh = await writer.write('R#k2', () => ({ kind: 'set', key: 'k2', payload: 0 }), fresh);
    const freshReads = reads.n;
    const onOld = await writer.write('R#k', () => ({ kind: 'set', key: 'k', payload: 1 }), old);

    // Assess: the given state saved the read; the old one was refused by the version, read again.
    expect(onFresh.events[0]?.parents).toEqual([]);
    expect(freshReads).toBe(0);
    expect(onOld.events[0]?.parents).toEqual([second.id]);
    expect(reads.n).toBe(1);
  });

  it('remembers at most stateCacheSize streams, forgetting the least recently written', async () => {
    // Prepare
    const { writer, reads } = counted({ stateCacheSize: 2 });
    const put = (key: string) => writer.write(`R#${key}`, () => ({ kind: 'set', key, payload: key }));

    // Act
    for (const key of ['a', 'b', 'c', 'c', 'b', 'a']) await put(key);

    // Assess: a was forgotten when c came; b and c were still remembered.
    expect(reads.streams).toEqual(['R#a', 'R#b', 'R#c', 'R#a']);
  });

  it('reads again once the remembered state is older than stateCacheMs, and always with 0', async () => {
    // Prepare
    const aged = counted({ stateCacheMs: 1_000 });
    const never = counted({ stateCacheMs: 0 });

    // Act
    await set(aged.writer, 1);
    aged.clock.advance(1_000);
    await set(aged.writer, 2);
    for (let i = 0; i < 3; i++) await set(never.writer, i);

    // Assess
    expect(aged.reads.n).toBe(2);
    expect(never.reads.n).toBe(3);
  });
});
