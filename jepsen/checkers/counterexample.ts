/**
 * Shrinks a non-linearisable register history to a minimal counterexample a person can read.
 *
 * 1. The shortest non-linearisable prefix: operations taken in order of completion, each prefix
 *    closed under "a read of v keeps the writes of v". With values unique per write, a closed
 *    sub-history of a linearisable history is linearisable (restrict its linearisation), so a
 *    closed prefix that is not linearisable proves the whole history is not, and prefixes only grow
 *    worse: a binary search finds the shortest.
 * 2. Delta-debugging: drop one operation at a time (a write together with the reads of its value,
 *    which keeps the set closed) while what is left is still not linearisable, until nothing more
 *    can go: a 1-minimal set, usually two or three operations.
 *
 * @example
 * ```ts
 * import { shrinkCounterexample } from './counterexample.ts';
 * const ids = shrinkCounterexample(ops, performance.now() + 2_000); // ids of ops that cannot be ordered
 * ```
 */
import type { LinOp } from './wgl.ts';
import { searchLinearization } from './wgl.ts';

/**
 * True when the operations with these ids are certainly not linearisable (an undecided search counts
 * as "not proven", so shrinking never produces a false counterexample).
 */
function provenInvalid(all: readonly LinOp[], ids: readonly number[], deadline: number): boolean {
  const subset = [...ids].sort((a, b) => a - b).map((id, i) => ({ ...(all[id] as LinOp), id: i }));
  return searchLinearization(subset, { deadline }).result === 'invalid';
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
export function shrinkCounterexample(ops: readonly LinOp[], deadline: number): number[] {
  const writesOf = new Map<string, number[]>();
  for (const op of ops) if (op.f === 'write') writesOf.set(op.value, [...(writesOf.get(op.value) ?? []), op.id]);
  const closure = (ids: Iterable<number>): number[] => {
    const set = new Set(ids);
    for (const id of [...set]) {
      const op = ops[id] as LinOp;
      if (op.f === 'read') for (const w of writesOf.get(op.value) ?? []) set.add(w);
    }
    return [...set].sort((a, b) => a - b);
  };

  // 1. Shortest closed prefix in completion order.
  const byReturn = ops.map((o) => o.id).sort((a, b) => {
    const x = ops[a] as LinOp;
    const y = ops[b] as LinOp;
    return x.ret === y.ret ? x.call - y.call : x.ret < y.ret ? -1 : 1;
  });
  let lo = 1;
  let hi = ops.length;
  while (lo < hi && performance.now() < deadline) {
    const mid = (lo + hi) >>> 1;
    if (provenInvalid(ops, closure(byReturn.slice(0, mid)), deadline)) hi = mid;
    else lo = mid + 1;
  }
  let current = closure(byReturn.slice(0, hi));

  // 2. Drop what does not matter, latest-invoked first (the anomaly is usually at the end).
  let changed = true;
  while (changed && performance.now() < deadline) {
    changed = false;
    const order = [...current].sort((a, b) => (ops[b] as LinOp).call - (ops[a] as LinOp).call);
    for (const id of order) {
      if (performance.now() >= deadline) break;
      if (!current.includes(id)) continue;
      const op = ops[id] as LinOp;
      const drop = new Set([id]);
      if (op.f === 'write') {
        for (const other of current) {
          const o = ops[other] as LinOp;
          if (o.f === 'read' && o.value === op.value) drop.add(other);
        }
      }
      const candidate = current.filter((x) => !drop.has(x));
      if (candidate.length > 0 && provenInvalid(ops, candidate, deadline)) {
        current = candidate;
        changed = true;
      }
    }
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
  const shown = (v: string): string => (v === 'null' ? 'nil' : v);
  const reads = ops.filter((o) => o.f === 'read');
  const writes = ops.filter((o) => o.f === 'write');
  for (const r of reads) {
    const sources = writes.filter((w) => w.value === r.value);
    for (const w of writes) {
      if (w.value === r.value || !(w.ret < r.call)) continue;
      // The value read must come from a write that could still be current after w completed.
      const stillPossible = sources.some((s) => !(s.ret < w.call));
      if (!stillPossible) {
        return `${label(r)} began after ${label(w)} had completed, so it must see ${shown(w.value)} or a later value, yet it read ${shown(r.value)}${sources.length > 0 ? `, which was written before ${shown(w.value)}` : ''}.`;
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
  return 'No order of these operations that respects their real-time order (an operation that completed before another began comes first) gives every read the value of the latest write.';
}
