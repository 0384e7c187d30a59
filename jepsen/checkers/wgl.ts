/**
 * The Wing & Gong / Lowe (WGL) linearizability search for one partition (one key), with the
 * pruning that makes Porcupine fast, and a memory layout that makes each step cheap:
 *
 * - the history is a doubly linked list of call and return entries in time order, kept in typed
 *   arrays; linearising an operation "lifts" its two entries out of the list, backtracking puts
 *   them back (O(1) each);
 * - register values are interned to small integers, so the model's step is an integer compare;
 * - every (set of linearised operations, model state) pair reached is memoised, so the search
 *   never explores the same configuration twice. The set is hashed by two incrementally updated
 *   32-bit Zobrist hashes (O(1) a step, where Porcupine rehashes and clones the whole bitset), and
 *   stored exactly but compactly: the linearised operations are almost always every operation
 *   below some id plus a few above it, so an entry keeps only the words of the bitset between the
 *   first unlinearised operation and the last linearised one (usually one or two words instead of
 *   n/32). Entries live in one flat array with an open-addressing table: no allocation per step;
 * - a deadline, and an optional step budget after which the search pauses and can be resumed.
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
import { REGISTER_INIT } from './register-model.ts';
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

/** What {@link LinearizationSearch.run} answers: a result, or `paused` when the step budget ran out first. */
export type SearchProgress = SearchResult['result'] | 'paused';

// Zobrist keys, shared by every search and grown on demand: deterministic, so a search's hashes
// (and so its path) do not depend on what ran before it.
const Z1: number[] = [];
const Z2: number[] = [];
const random1 = seededRandom(0x9e3779b9);
const random2 = seededRandom(0x85ebca6b);
function zobristUpTo(n: number): void {
  // Each `seededRandom` value times 2^32 is its 32-bit integer, exactly.
  while (Z1.length < n) {
    Z1.push(random1() * 2 ** 32);
    Z2.push(random2() * 2 ** 32);
  }
}

/**
 * Call and return codes (2·id, 2·id + 1) in time order, calls first at equal times. Calls and
 * returns are each sorted on their own (calls usually are already: partitions list operations in
 * call order) and merged, which is much cheaper than one sort of both with a comparator.
 */
function timeOrder(ops: readonly LinOp[]): Int32Array {
  const n = ops.length;
  const calls = new Float64Array(n);
  const rets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    calls[i] = (ops[i] as LinOp).call;
    rets[i] = (ops[i] as LinOp).ret;
  }
  const byTime = (times: Float64Array): Int32Array => {
    const ids = new Int32Array(n);
    let sorted = true;
    for (let i = 0; i < n; i++) {
      ids[i] = i;
      if (i > 0 && (times[i - 1] as number) > (times[i] as number)) sorted = false;
    }
    return sorted ? ids : ids.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  };
  const c = byTime(calls);
  const r = byTime(rets);
  const order = new Int32Array(2 * n);
  let i = 0;
  let j = 0;
  for (let k = 0; k < 2 * n; k++) {
    const takeCall = i < n && (j >= n || (calls[c[i] as number] as number) <= (rets[r[j] as number] as number));
    order[k] = takeCall ? 2 * (c[i++] as number) : 2 * (r[j++] as number) + 1;
  }
  return order;
}

/** Index of the lowest zero bit of a 32-bit word that is not all ones. */
const lowestZero = (w: number): number => 31 - Math.clz32(~w & (w + 1));

/**
 * A resumable WGL search over one partition (see the module doc).
 *
 * @example
 * ```ts
 * const s = new LinearizationSearch(ops);
 * s.run(performance.now() + 1000, 50_000); // 'paused' on a hard partition: do something else first
 * s.run(performance.now() + 60_000);       // then go on where it stopped
 * ```
 */
export class LinearizationSearch {
  // The entry list: 0 is the head sentinel, 1..2n the entries in time order; -1 = none.
  readonly #next: Int32Array;
  readonly #prev: Int32Array;
  /** Operation of an entry; a call entry's op id is `#op[e]`, and `#isCall[e]` is 1. */
  readonly #op: Int32Array;
  readonly #isCall: Uint8Array;
  /** The return entry of each operation. */
  readonly #retOf: Int32Array;
  /** Interned value of each operation (0 = nil, the initial state), and whether it writes. */
  readonly #value: Int32Array;
  readonly #writes: Uint8Array;
  // The linearised set: a bitset, its two hashes, its first unset bit and its last set bit.
  readonly #bits: Uint32Array;
  #h1 = 0;
  #h2 = 0;
  #low = 0;
  #high = -1;
  // The stack of linearised calls and the state before each.
  readonly #stackEntry: Int32Array;
  readonly #stackState: Int32Array;
  #depth = 0;
  #state = 0;
  #entry: number;
  #steps = 0;
  // The memo: entries [h1, h2, state, firstWord, words, ...words] in a flat pool, found through
  // an open-addressing table of (offset + 1).
  #pool = new Uint32Array(1 << 12);
  #used = 0;
  #table = new Int32Array(1 << 10);
  #cached = 0;
  #result: SearchResult['result'] | undefined;

  constructor(ops: readonly LinOp[]) {
    const n = ops.length;
    ops.forEach((op, i) => {
      if (op.id !== i) throw new Error(`operation ids must be 0..n-1 in order (got ${op.id} at ${i})`);
    });
    zobristUpTo(n);
    const values = new Map<string, number>([[REGISTER_INIT, 0]]);
    this.#value = new Int32Array(n);
    this.#writes = new Uint8Array(n);
    for (const op of ops) {
      let v = values.get(op.value);
      if (v === undefined) values.set(op.value, (v = values.size));
      this.#value[op.id] = v;
      this.#writes[op.id] = op.f === 'write' ? 1 : 0;
    }
    // Entries in time order; at equal times calls first, so touching operations count as
    // concurrent (lenient), as Porcupine orders them. Entry codes: 2·id a call, 2·id + 1 a return.
    const order = timeOrder(ops);
    const size = 2 * n + 1;
    this.#next = new Int32Array(size).fill(-1);
    this.#prev = new Int32Array(size).fill(-1);
    this.#op = new Int32Array(size).fill(-1);
    this.#isCall = new Uint8Array(size);
    this.#retOf = new Int32Array(n);
    let prev = 0;
    for (let i = 0; i < 2 * n; i++) {
      const code = order[i] as number;
      const e = i + 1;
      const id = code >> 1;
      this.#op[e] = id;
      if ((code & 1) === 0) this.#isCall[e] = 1;
      else this.#retOf[id] = e;
      this.#next[prev] = e;
      this.#prev[e] = prev;
      prev = e;
    }
    this.#bits = new Uint32Array((n >>> 5) + 2);
    this.#stackEntry = new Int32Array(n);
    this.#stackState = new Int32Array(n);
    this.#entry = this.#next[0] as number;
    if (n === 0) this.#result = 'valid';
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.#steps;
  }

  /** Configurations memoised so far. */
  get cached(): number {
    return this.#cached;
  }

  /**
   * Search until decided, until `deadline` (`unknown`), or until `maxSteps` more steps (`paused`;
   * call again to go on).
   *
   * @example
   * ```ts
   * new LinearizationSearch(ops).run(performance.now() + 10_000); // 'valid' | 'invalid' | 'unknown'
   * ```
   */
  run(deadline: number, maxSteps = Infinity, now: () => number = () => performance.now()): SearchProgress {
    if (this.#result !== undefined) return this.#result;
    const next = this.#next;
    const isCall = this.#isCall;
    const opOf = this.#op;
    const value = this.#value;
    const writes = this.#writes;
    const stop = this.#steps + maxSteps;
    let e = this.#entry;
    let state = this.#state;
    try {
      while (next[0] !== -1) {
        if ((++this.#steps & 0x3ff) === 0 && now() > deadline) return (this.#result = 'unknown');
        if (this.#steps > stop) {
          this.#steps--;
          return 'paused';
        }
        if (isCall[e] === 1) {
          const id = opOf[e] as number;
          const v = value[id] as number;
          // The register: a write sets the state; a read is legal only if it returns it.
          const after = writes[id] === 1 ? v : v === state ? state : -1;
          if (after >= 0) {
            this.#add(id);
            if (this.#remember(after)) {
              this.#stackEntry[this.#depth] = e;
              this.#stackState[this.#depth++] = state;
              state = after;
              this.#lift(e, id);
              e = next[0] as number;
              continue;
            }
            this.#remove(id);
          }
          e = next[e] as number;
        } else {
          // A return whose call cannot be linearised before it: backtrack, or fail if nothing to undo.
          if (this.#depth === 0) return (this.#result = 'invalid');
          e = this.#stackEntry[--this.#depth] as number;
          state = this.#stackState[this.#depth] as number;
          const id = opOf[e] as number;
          this.#remove(id);
          this.#unlift(e, id);
          e = next[e] as number;
        }
      }
      return (this.#result = 'valid');
    } finally {
      this.#entry = e;
      this.#state = state;
    }
  }

  /** When valid: operation ids in a legal linearisation order. */
  linearization(): number[] | undefined {
    if (this.#result !== 'valid') return undefined;
    return Array.from(this.#stackEntry.subarray(0, this.#depth), (e) => this.#op[e] as number);
  }

  #lift(e: number, id: number): void {
    const next = this.#next;
    const prev = this.#prev;
    const m = this.#retOf[id] as number;
    next[prev[e] as number] = next[e] as number;
    prev[next[e] as number] = prev[e] as number;
    next[prev[m] as number] = next[m] as number;
    if (next[m] !== -1) prev[next[m] as number] = prev[m] as number;
  }

  #unlift(e: number, id: number): void {
    const next = this.#next;
    const prev = this.#prev;
    const m = this.#retOf[id] as number;
    next[prev[m] as number] = m;
    if (next[m] !== -1) prev[next[m] as number] = m;
    next[prev[e] as number] = e;
    prev[next[e] as number] = e;
  }

  #add(id: number): void {
    const bits = this.#bits;
    bits[id >>> 5] = (bits[id >>> 5] as number) | (1 << (id & 31));
    this.#h1 = (this.#h1 ^ (Z1[id] as number)) >>> 0;
    this.#h2 = (this.#h2 ^ (Z2[id] as number)) >>> 0;
    if (id > this.#high) this.#high = id;
    if (id === this.#low) {
      let w = id >>> 5;
      while (bits[w] === 0xffffffff) w++;
      this.#low = w * 32 + lowestZero(bits[w] as number);
    }
  }

  #remove(id: number): void {
    const bits = this.#bits;
    bits[id >>> 5] = (bits[id >>> 5] as number) & ~(1 << (id & 31));
    this.#h1 = (this.#h1 ^ (Z1[id] as number)) >>> 0;
    this.#h2 = (this.#h2 ^ (Z2[id] as number)) >>> 0;
    if (id < this.#low) this.#low = id;
    if (id === this.#high) {
      let w = id >>> 5;
      while (w >= 0 && bits[w] === 0) w--;
      this.#high = w < 0 ? -1 : w * 32 + 31 - Math.clz32(bits[w] as number);
    }
  }

  /**
   * Memoise (current set, `state`): false when it was there already. Every word below the first
   * unset bit is all ones and every word above the last set bit is zero, so the words between
   * them identify the set exactly.
   */
  #remember(state: number): boolean {
    const first = this.#low >>> 5;
    const words = Math.max(first, this.#high >>> 5) - first + 1;
    const h1 = this.#h1;
    const h2 = this.#h2;
    const bits = this.#bits;
    let mask = this.#table.length - 1;
    let slot = (h1 ^ Math.imul(state + 1, 0x9e3779b1)) & mask;
    for (let at = this.#table[slot] as number; at !== 0; at = this.#table[slot] as number) {
      const o = at - 1;
      const pool = this.#pool;
      if (pool[o] === h1 && pool[o + 1] === h2 && pool[o + 2] === state && pool[o + 3] === first && pool[o + 4] === words) {
        let same = true;
        for (let i = 0; i < words; i++) {
          if (pool[o + 5 + i] !== bits[first + i]) {
            same = false;
            break;
          }
        }
        if (same) return false;
      }
      slot = (slot + 1) & mask;
    }
    const need = this.#used + 5 + words;
    if (need > this.#pool.length) {
      const grown = new Uint32Array(Math.max(need, this.#pool.length * 2));
      grown.set(this.#pool.subarray(0, this.#used));
      this.#pool = grown;
    }
    const o = this.#used;
    const pool = this.#pool;
    pool[o] = h1;
    pool[o + 1] = h2;
    pool[o + 2] = state;
    pool[o + 3] = first;
    pool[o + 4] = words;
    pool.set(bits.subarray(first, first + words), o + 5);
    this.#used = need;
    this.#table[slot] = o + 1;
    if (++this.#cached * 2 > this.#table.length) {
      // Keep the table at most half full: rehash every entry into one twice the size.
      const old = this.#table;
      this.#table = new Int32Array(old.length * 2);
      mask = this.#table.length - 1;
      for (const at of old) {
        if (at === 0) continue;
        let s = ((pool[at - 1] as number) ^ Math.imul((pool[at + 1] as number) + 1, 0x9e3779b1)) & mask;
        while (this.#table[s] !== 0) s = (s + 1) & mask;
        this.#table[s] = at;
      }
    }
    return true;
  }
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
  const search = new LinearizationSearch(ops);
  const result = search.run(options.deadline, Infinity, options.now) as SearchResult['result'];
  const linearization = search.linearization();
  return { result, steps: search.steps, cached: search.cached, ...(linearization ? { linearization } : {}) };
}
