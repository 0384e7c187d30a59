/**
 * Shrinks a non-linearisable register history to a minimal counterexample a person can read.
 *
 * 1. A short non-linearisable window. Every candidate is closed under "a read of v keeps the
 *    writes of v"; with values unique per write, a closed sub-history of a linearisable history is
 *    linearisable (restrict its linearisation), so a closed candidate that is not linearisable
 *    proves the whole history is not. Anomalies are local in time, so windows of 16, 64, 256
 *    consecutive completions are tried first; failing that, the shortest non-linearisable prefix
 *    in completion order (prefixes only grow worse, so a binary search finds it).
 * 2. Delta debugging (ddmin): drop chunks of operations, then single ones (a write together with
 *    the reads of its value, which keeps the set closed) while what is left is still not
 *    linearisable, until nothing more can go: a 1-minimal set, usually two or three operations.
 *
 * Candidates are cut from the operations as recorded (an `info` write open to +∞) and each is
 * judged on its own: its info writes are bounded by its own reads only. A bound inherited from a
 * read the candidate dropped would make legal candidates look illegal, and print a
 * "counterexample" that is not one.
 *
 * @example
 * ```ts
 * import { shrinkCounterexample } from './counterexample.ts';
 * const ids = shrinkCounterexample(ops, performance.now() + 2_000); // ids of ops that cannot be ordered
 * ```
 */
import type { LinOp } from './wgl.ts';
import { searchLinearization } from './wgl.ts';
import { boundInfoWrites } from './info-writes.ts';

/**
 * True when the operations with these ids are certainly not linearisable on their own (an undecided
 * search counts as "not proven", so shrinking never produces a false counterexample). The info
 * writes are bounded by the reads of the subset only: a bound proved by a read the subset dropped
 * would make a legal subset look illegal.
 */
function provenInvalid(all: readonly LinOp[], ids: readonly number[], deadline: number): boolean {
  const subset = [...ids].sort((a, b) => a - b).map((id, i) => ({ ...(all[id] as LinOp), id: i }));
  return searchLinearization(boundInfoWrites(subset).ops, { deadline }).result === 'invalid';
}

/** Closure of a set of ids: every write whose value a read in the set returned joins it. */
function closureOf(ops: readonly LinOp[]): (ids: Iterable<number>) => number[] {
  const writesOf = new Map<string, number[]>();
  for (const op of ops) if (op.f === 'write') writesOf.set(op.value, [...(writesOf.get(op.value) ?? []), op.id]);
  return (ids) => {
    const set = new Set(ids);
    for (const id of [...set]) {
      const op = ops[id] as LinOp;
      if (op.f === 'read') for (const w of writesOf.get(op.value) ?? []) set.add(w);
    }
    return [...set].sort((a, b) => a - b);
  };
}

function completionOrder(ops: readonly LinOp[]): number[] {
  return ops.map((o) => o.id).sort((a, b) => {
    const x = ops[a] as LinOp;
    const y = ops[b] as LinOp;
    return x.ret === y.ret ? x.call - y.call : x.ret < y.ret ? -1 : 1;
  });
}

/**
 * Look for a violation in short windows of consecutive completions (16, 64, then 256 operations,
 * each closed under "a read keeps the writes of its value"): ids of a non-linearisable window, or
 * `undefined`. A window that fails proves the whole history is not linearisable, so on a long
 * partition this answers `invalid` in milliseconds, where the global search may take seconds.
 *
 * @example
 * ```ts
 * findLocalViolation(ops, performance.now() + 1000); // [12, 15, 17, …] or undefined
 * ```
 */
export function findLocalViolation(ops: readonly LinOp[], deadline: number, sizes: readonly number[] = [16, 64, 256]): number[] | undefined {
  const closure = closureOf(ops);
  const byReturn = completionOrder(ops);
  for (const size of sizes) {
    if (size * 2 > ops.length) break;
    for (let start = 0; start < ops.length && performance.now() < deadline; start += size / 2) {
      const window = closure(byReturn.slice(start, start + size));
      if (provenInvalid(ops, window, deadline)) return window;
    }
  }
  return undefined;
}

/**
 * The ids (into `ops`) of a 1-minimal closed non-linearisable sub-history. `ops` must be
 * non-linearisable; when the deadline passes, the smallest set found so far is returned.
 *
 * @example
 * ```ts
 * shrinkCounterexample([write1, readNilAfter], Infinity); // [0, 1]
 * ```
 */
export function shrinkCounterexample(ops: readonly LinOp[], deadline: number, start?: readonly number[]): number[] {
  const closure = closureOf(ops);
  const byReturn = completionOrder(ops);
  // 1a. A local window (given, or searched for).
  let current: number[] | undefined = start !== undefined ? [...start] : findLocalViolation(ops, deadline);
  // 1b. Otherwise the shortest closed prefix in completion order.
  if (current === undefined) {
    let lo = 1;
    let hi = ops.length;
    while (lo < hi && performance.now() < deadline) {
      const mid = (lo + hi) >>> 1;
      if (provenInvalid(ops, closure(byReturn.slice(0, mid)), deadline)) hi = mid;
      else lo = mid + 1;
    }
    current = closure(byReturn.slice(0, hi));
  }

  // 2. Delta debugging (ddmin): drop chunks, halving the chunk size when no chunk can go, down to
  // single operations. Dropping a write drops the reads of its value, so every candidate stays closed.
  const without = (set: readonly number[], drop: readonly number[]): number[] => {
    const gone = new Set(drop);
    const values = new Set(drop.map((id) => ops[id] as LinOp).filter((o) => o.f === 'write').map((o) => o.value));
    return set.filter((id) => !gone.has(id) && !((ops[id] as LinOp).f === 'read' && values.has((ops[id] as LinOp).value)));
  };
  let chunks = 2;
  while (current.length > 1 && performance.now() < deadline) {
    const size = Math.ceil(current.length / chunks);
    let reduced = false;
    for (let i = 0; i < current.length && performance.now() < deadline; i += size) {
      const candidate = without(current, current.slice(i, i + size));
      if (candidate.length > 0 && provenInvalid(ops, candidate, deadline)) {
        current = candidate;
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (size === 1) break;
    chunks = Math.min(chunks * 2, current.length);
  }
  return current;
}

/**
 * One sentence on why a small counterexample cannot be ordered, for the common shapes (a stale
 * read after a completed write; two reads that go back in time); a generic sentence otherwise.
 *
 * @example
 * ```ts
 * explainCounterexample(ops, (op) => `op ${op.id}`);
 * // 'op 1 began after op 0 had completed, so it must see 3 or a later value, yet it read nil.'
 * ```
 */
export function explainCounterexample(ops: readonly LinOp[], label: (op: LinOp) => string): string {
  // The patterns below are cubic; past a few dozen operations nobody reads them one by one anyway.
  if (ops.length > 60) return GENERIC;
  const shown = (v: string): string => (v === 'null' ? 'nil' : v);
  const reads = ops.filter((o) => o.f === 'read');
  const writes = ops.filter((o) => o.f === 'write');
  // An info write never completed: what bounds it is the first read of its value.
  const firstReader = (w: LinOp): LinOp | undefined => reads.filter((r) => r.value === w.value).sort((a, b) => a.ret - b.ret)[0];
  const completed = (w: LinOp): string => {
    const reader = w.open ? firstReader(w) : undefined;
    return reader === undefined ? `${label(w)} had completed` : `${label(w)} had taken effect (its outcome is unknown, but ${label(reader)} had returned ${shown(w.value)})`;
  };
  const writtenBefore = (sources: readonly LinOp[], w: LinOp): string => {
    if (sources.length === 0) return '';
    const open = sources.find((s) => s.open);
    const reader = open !== undefined ? firstReader(open) : undefined;
    return `, which was written before ${shown(w.value)}` + (reader !== undefined ? ` (by a write of unknown outcome that ${label(reader)} had already seen)` : '');
  };
  for (const r of reads) {
    const sources = writes.filter((w) => w.value === r.value);
    for (const w of writes) {
      if (w.value === r.value || !(w.ret < r.call)) continue;
      // The value read must come from a write that could still be current after w completed.
      const stillPossible = sources.some((s) => !(s.ret < w.call));
      if (!stillPossible) {
        return `${label(r)} began after ${completed(w)}, so it must see ${shown(w.value)} or a later value, yet it read ${shown(r.value)}${writtenBefore(sources, w)}.`;
      }
    }
    for (const r0 of reads) {
      if (r0 === r || !(r0.ret < r.call) || r0.value === r.value) continue;
      const newer = writes.find((w) => w.value === r0.value);
      const older = sources.find((s) => newer !== undefined && s.ret < newer.call);
      if (newer !== undefined && (older !== undefined || r.value === 'null')) {
        return `${label(r0)} saw ${shown(r0.value)}, then ${label(r)}, which began after it, saw the older ${shown(r.value)}: the register went back in time.`;
      }
    }
  }
  for (const r of reads) {
    for (const r0 of reads) {
      if (r0 === r || !(r0.ret < r.call) || r0.value === r.value) continue;
      const wb = writes.find((w) => w.value === r.value);
      if (wb !== undefined && wb.ret < r0.call) {
        return `${completed(wb)} before ${label(r0)} began, and that read saw ${shown(r0.value)}, so ${shown(r0.value)} was written after ${shown(r.value)}; yet ${label(r)}, which began after it, saw ${shown(r.value)} again: the register went back in time.`;
      }
    }
  }
  for (const r1 of reads) {
    for (const r2 of reads) {
      if (r1 === r2 || r1.value === r2.value) continue;
      const start = Math.min(r1.call, r2.call);
      if (writes.every((w) => w.ret < start)) {
        const settled = writes.length === 0 ? '' : writes.some((w) => w.open)
          ? 'every write here had completed or been seen by a read before either read began, '
          : 'every write here had completed before either read began, ';
        return `${settled}so the register held a single value by then; yet ${label(r1)} returned ${shown(r1.value)} and ${label(r2)} returned ${shown(r2.value)}: two readers saw different values of the same register at the same time.`;
      }
    }
  }
  return GENERIC;
}

const GENERIC = 'No order of these operations that respects their real-time order (an operation that completed before another began comes first) gives every read the value of the latest write.';
