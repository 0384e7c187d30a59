/**
 * CommitBatcher against a fake commit: what shares a commit, what is answered "refused", what is
 * retried, and which error reaches which writer.
 */
import { describe, expect, it } from 'vitest';
import { CommitBatcher } from '../../../../shared/adapters/commit-batcher.ts';
import type { BatchOutcome, CommitBatcherOptions } from '../../../../shared/adapters/commit-batcher.ts';

interface Write {
  readonly key: string;
  readonly n: number;
}

const w = (key: string, n = 0): Write => ({ key, n });

/** Promise whose resolution the test controls, to hold a commit in flight. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * A fake commit that records each call's writes and answers with `decide` (default: all stored),
 * held until `hold` resolves for the first `heldCalls` calls.
 */
function fakeCommit(decide: (writes: readonly Write[], call: number) => BatchOutcome<Write> = (writes) => ({ committed: writes, refused: [] })) {
  const calls: Write[][] = [];
  const first = gate();
  let held = true;
  const commit = async (writes: readonly Write[]): Promise<BatchOutcome<Write>> => {
    const call = calls.length;
    calls.push([...writes]);
    if (held && call === 0) await first.promise;
    return decide(writes, call);
  };
  const release = (): void => {
    held = false;
    first.open();
  };
  return { commit, calls, release };
}

function batcher(commit: (writes: readonly Write[]) => Promise<BatchOutcome<Write>>, options: Partial<CommitBatcherOptions<Write>> = {}) {
  return new CommitBatcher<Write>(commit, { keyOf: (x) => x.key, maxInFlight: 1, ...options });
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('CommitBatcher', () => {
  it('sends a lone write at once, and what arrives while a commit is in flight together in the next', async () => {
    // Prepare
    const { commit, calls, release } = fakeCommit();
    const b = batcher(commit);

    // Act: one write goes out; five more arrive while it is in flight.
    const first = b.submit(w('a'));
    await settle();
    const rest = ['b', 'c', 'd', 'e', 'f'].map((k) => b.submit(w(k)));
    await settle();
    const queuedWhileHeld = b.queued;
    release();

    // Assess: two commits, the second holding all five, every write stored.
    expect(await Promise.all([first, ...rest])).toEqual([true, true, true, true, true, true]);
    expect(queuedWhileHeld).toBe(5);
    expect(calls.map((c) => c.map((x) => x.key))).toEqual([['a'], ['b', 'c', 'd', 'e', 'f']]);
  });

  it('keeps two writes of one key out of one commit, in the order they came', async () => {
    const { commit, calls, release } = fakeCommit();
    const b = batcher(commit);
    const all = [b.submit(w('hold')), ...[w('k', 1), w('x'), w('k', 2), w('k', 3)].map((x) => b.submit(x))];
    await settle();
    release();
    await Promise.all(all);
    expect(calls.map((c) => c.map((x) => `${x.key}${x.n}`))).toEqual([['hold0'], ['k1', 'x0'], ['k2'], ['k3']]);
  });

  it('stops a commit at maxWrites and at what `fits` allows', async () => {
    const { commit, calls, release } = fakeCommit();
    const b = batcher(commit, { maxWrites: 3, fits: (batch, x) => !(x.key === 'big' && batch.length > 0) });
    const all = [b.submit(w('hold')), ...['a', 'b', 'big', 'c', 'd', 'e'].map((k) => b.submit(w(k)))];
    await settle();
    release();
    await Promise.all(all);
    // 'big' cannot join a batch, so it leads one of its own; the others fill up to 3.
    expect(calls.map((c) => c.map((x) => x.key))).toEqual([['hold'], ['a', 'b', 'c'], ['big', 'd', 'e']]);
  });

  it('answers "refused" to the write whose condition failed and commits its batch-mates again', async () => {
    // Prepare: the second call refuses 'moved'; the batch-mates were cancelled with it.
    const { commit, calls, release } = fakeCommit((writes, call) =>
      call === 1 ? { committed: [], refused: writes.filter((x) => x.key === 'moved') } : { committed: writes, refused: [] },
    );
    const b = batcher(commit);

    // Act
    const hold = b.submit(w('hold'));
    await settle();
    const answers = Promise.all(['a', 'moved', 'b'].map((k) => b.submit(w(k))));
    release();

    // Assess
    expect(await hold).toBe(true);
    expect(await answers).toEqual([true, false, true]);
    expect(calls.map((c) => c.map((x) => x.key))).toEqual([['hold'], ['a', 'moved', 'b'], ['a', 'b']]);
  });

  it('answers "refused" to a write cancelled more than maxRetries times, having tried it maxRetries + 1 times', async () => {
    // Every commit is cancelled with no write at fault (a conflict on a shared item).
    const { commit, calls, release } = fakeCommit(() => ({ committed: [], refused: [] }));
    const b = batcher(commit, { maxRetries: 2 });
    release();
    expect(await b.submit(w('a'))).toBe(false);
    expect(calls).toHaveLength(3);
  });

  it('tries each write of a commit rejected as invalid alone, so only the write at fault gets the error', async () => {
    // Prepare: any commit holding 'bad' is invalid.
    const invalid = Object.assign(new Error('item too large'), { name: 'ValidationException' });
    const { commit, calls, release } = fakeCommit((writes) => {
      if (writes.some((x) => x.key === 'bad')) throw invalid;
      return { committed: writes, refused: [] };
    });
    const b = batcher(commit, { isRejection: (e) => e === invalid });

    // Act
    const hold = b.submit(w('hold'));
    await settle();
    const answers = ['a', 'bad', 'b'].map((k) => b.submit(w(k)).then((stored) => stored, (e: unknown) => e));
    release();

    // Assess
    expect(await hold).toBe(true);
    expect(await Promise.all(answers)).toEqual([true, invalid, true]);
    expect(calls.map((c) => c.map((x) => x.key))).toEqual([['hold'], ['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
  });

  it('gives every write of a commit that failed otherwise (it may have been stored) the error, and tries none again', async () => {
    const timeout = new Error('socket hang up');
    const { commit, calls, release } = fakeCommit((_writes, call) => {
      if (call === 1) throw timeout;
      return { committed: _writes, refused: [] };
    });
    const b = batcher(commit, { isRejection: () => false });
    const hold = b.submit(w('hold'));
    await settle();
    const answers = ['a', 'b'].map((k) => b.submit(w(k)).then((stored) => stored, (e: unknown) => e));
    release();
    expect(await hold).toBe(true);
    expect(await Promise.all(answers)).toEqual([timeout, timeout]);
    expect(calls).toHaveLength(2);
    // The batcher still works afterwards.
    expect(await b.submit(w('c'))).toBe(true);
  });

  it('runs up to maxInFlight commits at once', async () => {
    let inFlight = 0;
    let most = 0;
    const b = new CommitBatcher<Write>(
      async (writes) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return { committed: writes, refused: [] };
      },
      { keyOf: (x) => x.key, maxInFlight: 2, maxWrites: 1 },
    );
    await Promise.all(Array.from({ length: 6 }, (_, i) => b.submit(w(`k${i}`))));
    expect(most).toBe(2);
  });

  it('refuses options out of range with a message naming them', () => {
    const commit = async (writes: readonly Write[]) => ({ committed: writes, refused: [] });
    expect(() => batcher(commit, { maxWrites: 0 })).toThrow(/maxWrites must be an integer ≥ 1, got 0/);
    expect(() => batcher(commit, { maxRetries: -1 })).toThrow(/maxRetries must be an integer ≥ 0/);
    expect(() => batcher(commit, { maxInFlight: 1.5 })).toThrow(/maxInFlight must be an integer ≥ 1/);
  });
});
