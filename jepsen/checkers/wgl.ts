/**
 * The Wing & Gong / Lowe (WGL) linearizability search for one partition (one key), with the
 * pruning that makes Porcupine fast:
 *
 * - the history is a doubly linked list of call and return entries in time order; linearising an
 *   operation "lifts" its two entries out of the list, backtracking puts them back (O(1) each);
 * - every (set of linearised operations, model state) pair reached is memoised, so the search never
 *   explores the same configuration twice (a Zobrist hash of the set keeps the key O(1) to update,
 *   and the exact bitset is compared on a hash hit);
 * - a deadline: past it the search answers `unknown` rather than hanging.
 *
 * An operation whose outcome is unknown (`info`) has its return at +∞: it may take effect at any
 * point after its call, or never (linearised after everything else, it affects nothing observed).
 *
 * @example
 * ```ts
 * import { searchLinearization } from './wgl.ts';
 * const r = searchLinearization([
 *   { id: 0, call: 0, ret: 10, f: 'write', value: '1' },
 *   { id: 1, call: 20, ret: 30, f: 'read', value: 'null' },
 * ], { deadline: Infinity });
 * r.result; // 'invalid': the read began after the write completed, yet saw no value
 * ```
 */
import type { RegisterCall } from './register-model.ts';
import { REGISTER_INIT, registerStep } from './register-model.ts';
import { seededRandom } from '../../shared/util/seeded-random.ts';

/** One operation of a partition: times in ns (`ret` = Infinity when its outcome is unknown). */
export interface LinOp extends RegisterCall {
  /** Dense id within the partition, 0..n-1. */
  readonly id: number;
  readonly call: number;
  readonly ret: number;
  /** The outcome is unknown (`info`): `ret` is +∞, or a bound a read of its value proved. */
  readonly open?: boolean;
}

export interface SearchOptions {
  /** `performance.now()` value after which the search gives up with `unknown`. */
  readonly deadline: number;
  /** Clock, injectable for tests. */
  readonly now?: () => number;
}

export interface SearchResult {
  readonly result: 'valid' | 'invalid' | 'unknown';
  /** Search steps taken (calls tried). */
  readonly steps: number;
  /** Distinct (linearised set, state) configurations memoised. */
  readonly cached: number;
  /** When valid: operation ids in a legal linearisation order. */
  readonly linearization?: number[];
}

interface Entry {
  readonly op: LinOp | null;
  readonly isCall: boolean;
  readonly time: number;
  match: Entry | null;
  prev: Entry | null;
  next: Entry | null;
}

function buildList(ops: readonly LinOp[]): Entry {
  const entries: Entry[] = [];
  for (const op of ops) {
    const call: Entry = { op, isCall: true, time: op.call, match: null, prev: null, next: null };
    const ret: Entry = { op, isCall: false, time: op.ret, match: null, prev: null, next: null };
    call.match = ret;
    entries.push(call, ret);
  }
  // Time order; at equal times calls first, so touching operations count as concurrent (lenient).
  entries.sort((a, b) => (a.time === b.time ? (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1) : a.time < b.time ? -1 : 1));
  const head: Entry = { op: null, isCall: false, time: -Infinity, match: null, prev: null, next: null };
  let prev = head;
  for (const e of entries) {
    prev.next = e;
    e.prev = prev;
    prev = e;
  }
  return head;
}

function lift(e: Entry): void {
  const m = e.match as Entry;
  (e.prev as Entry).next = e.next;
  (e.next as Entry).prev = e.prev;
  (m.prev as Entry).next = m.next;
  if (m.next !== null) m.next.prev = m.prev;
}

function unlift(e: Entry): void {
  const m = e.match as Entry;
  (m.prev as Entry).next = m;
  if (m.next !== null) m.next.prev = m;
  (e.prev as Entry).next = e;
  (e.next as Entry).prev = e;
}

/** Deterministic 32-bit pseudo-random Zobrist keys (each `seededRandom` value times 2^32 is its integer, exactly). */
function zobrist(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  const random = seededRandom(seed);
  for (let i = 0; i < n; i++) out[i] = random() * 2 ** 32;
  return out;
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Decide whether one partition's operations are linearisable for the register model.
 *
 * @example
 * ```ts
 * searchLinearization(ops, { deadline: performance.now() + 10_000 }).result; // 'valid' | 'invalid' | 'unknown'
 * ```
 */
export function searchLinearization(ops: readonly LinOp[], options: SearchOptions): SearchResult {
  const now = options.now ?? (() => performance.now());
  ops.forEach((op, i) => {
    if (op.id !== i) throw new Error(`operation ids must be 0..n-1 in order (got ${op.id} at ${i})`);
  });
  const head = buildList(ops);
  const words = (ops.length + 31) >>> 5;
  const bits = new Uint32Array(words);
  const z1 = zobrist(ops.length, 0x9e3779b9);
  const z2 = zobrist(ops.length, 0x85ebca6b);
  let h1 = 0;
  let h2 = 0;
  const cache = new Map<string, Uint32Array[]>();
  let cached = 0;
  const calls: Array<{ entry: Entry; state: string }> = [];
  let state = REGISTER_INIT;
  let entry = head.next;
  let steps = 0;

  const toggle = (id: number): void => {
    bits[id >>> 5] = (bits[id >>> 5] as number) ^ (1 << (id & 31));
    h1 = (h1 ^ (z1[id] as number)) >>> 0;
    h2 = (h2 ^ (z2[id] as number)) >>> 0;
  };

  while (head.next !== null) {
    if (entry === null) throw new Error('linearizability search: fell off the entry list');
    if ((++steps & 0x3ff) === 0 && now() > options.deadline) return { result: 'unknown', steps, cached };
    if (entry.isCall) {
      const op = entry.op as LinOp;
      const next = registerStep(state, op);
      if (next !== undefined) {
        toggle(op.id);
        const key = `${h1}.${h2}.${next}`;
        const seen = cache.get(key);
        if (seen === undefined || !seen.some((b) => sameBits(b, bits))) {
          if (seen === undefined) cache.set(key, [bits.slice()]);
          else seen.push(bits.slice());
          cached++;
          calls.push({ entry, state });
          state = next;
          lift(entry);
          entry = head.next;
          continue;
        }
        toggle(op.id);
      }
      entry = entry.next;
    } else {
      // A return whose call cannot be linearised before it: backtrack, or fail if nothing to undo.
      const top = calls.pop();
      if (top === undefined) return { result: 'invalid', steps, cached };
      entry = top.entry;
      state = top.state;
      toggle((entry.op as LinOp).id);
      unlift(entry);
      entry = entry.next;
    }
  }
  return { result: 'valid', steps, cached, linearization: calls.map((c) => (c.entry.op as LinOp).id) };
}
