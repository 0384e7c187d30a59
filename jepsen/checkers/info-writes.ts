/**
 * Bounding the unknown-outcome (`info`) writes of one register partition before the WGL search:
 * each one left open to +∞ doubles the configurations the search may have to explore, so they are
 * what makes it exponential on histories with many timeouts.
 *
 * For an open write whose value no other source of that value shares — no other write of it, and
 * not the initial value `nil` either (a read of nil may have read the initial state):
 * - if no read returned its value, it is dropped: placing it last (or never) explains every read,
 *   and any linearization with it stays one without it, since no read depends on it;
 * - else it took effect before the earliest such read completed: its return becomes that instant
 *   (never before its own call, which leaves an impossible read impossible).
 * Both keep exactly the same set of legal linearizations, so the verdict is unchanged. The
 * bound holds only while the bounding read is in the history: a sub-history (a counterexample
 * being shrunk) must be bounded again from its own reads, never inherit the bound.
 *
 * @example
 * ```ts
 * import { boundInfoWrites } from './info-writes.ts';
 * const { ops, from } = boundInfoWrites([
 *   { id: 0, f: 'write', value: '1', call: 10, ret: Infinity, open: true },
 *   { id: 1, f: 'read', value: '1', call: 11, ret: 12 },
 * ]);
 * ops[0].ret; // 12: the write took effect before the read of 1 completed
 * from;       // [0, 1]: ids of the kept operations in the input
 * ```
 */
import type { LinOp } from './wgl.ts';
import { REGISTER_INIT } from './register-model.ts';

export interface BoundedOps {
  /** The kept operations, re-numbered 0..n-1 (info writes bounded). */
  readonly ops: LinOp[];
  /** `from[i]` = the input id of `ops[i]`. */
  readonly from: number[];
}

/**
 * Bound or drop the open writes of `ops` (see the module doc); `ops` ids must be 0..n-1.
 *
 * @example
 * ```ts
 * boundInfoWrites([{ id: 0, f: 'write', value: '5', call: 0, ret: Infinity, open: true }]).ops; // []: nobody read 5
 * ```
 */
export function boundInfoWrites(ops: readonly LinOp[]): BoundedOps {
  // The initial value is a source of nil like a write of nil is.
  const sources = new Map<string, number>([[REGISTER_INIT, 1]]);
  const firstRead = new Map<string, number>();
  for (const op of ops) {
    if (op.f === 'write') sources.set(op.value, (sources.get(op.value) ?? 0) + 1);
    else firstRead.set(op.value, Math.min(firstRead.get(op.value) ?? Infinity, op.ret));
  }
  const out: LinOp[] = [];
  const from: number[] = [];
  for (const op of ops) {
    let kept: LinOp = op;
    if (op.f === 'write' && !Number.isFinite(op.ret) && sources.get(op.value) === 1) {
      const seen = firstRead.get(op.value);
      if (seen === undefined) continue;
      kept = { id: op.id, f: op.f, value: op.value, call: op.call, ret: Math.max(op.call, seen), open: true };
    }
    out.push(kept.id === out.length ? kept : { id: out.length, f: kept.f, value: kept.value, call: kept.call, ret: kept.ret, open: kept.open ?? false });
    from.push(op.id);
  }
  return { ops: out, from };
}
