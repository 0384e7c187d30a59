/**
 * A Porcupine-style reference checker, ported to TypeScript for the checker-speed benchmark. It is
 * a port of the algorithm of Porcupine (github.com/anishathalye/porcupine, `checker.go` and
 * `bitset.go`), not Porcupine itself: Porcupine is Go, and there is no Go toolchain here.
 *
 * What is ported, step for step:
 * - P-compositionality: the model's `Partition` splits the history by key (sorted keys), and each
 *   partition is checked on its own;
 * - `makeEntries`: a call and a return entry per operation, sorted by time, calls before returns
 *   at equal times; `makeLinkedEntries`: a doubly linked list built from the end, each call
 *   pointing at its return;
 * - `checkSingle`: the WGL depth-first search with `lift`/`unlift`, a stack of (call, state), and a
 *   cache of (bitset of linearized operations, model state) keyed by the bitset's hash
 *   (`popcount XOR every 64-bit word`), with the bitset cloned for every candidate step, as
 *   Porcupine does (`linearized.clone().set(id)`);
 * - the register model of Porcupine's key-value tests: `Step(state, input, output)` is a read that
 *   must return the state, or a write that sets it; `Equal` is `==` on the string state.
 *
 * Where a port cannot be the same: Porcupine checks the partitions in parallel goroutines; this
 * runs them one after another (one JavaScript thread). Its 64-bit words are two 32-bit words here,
 * and the 64-bit hash is folded to 53 bits for a `Map` key (a coarser hash only lengthens cache
 * chains; equality is still checked exactly). Operations of unknown outcome are given as Porcupine
 * users give them (the mapping in jepsen/README.md): an `info` write returns at +∞, `info` reads
 * and `fail` operations are left out.
 *
 * @example
 * ```ts
 * import { porcupineCheck, toPorcupineOperations } from './linearizability-porcupine.ts';
 * porcupineCheck(toPorcupineOperations(history)); // true when linearizable
 * ```
 */
import type { Op } from '../jepsen/history.ts';
import { pairOperations } from '../jepsen/history.ts';

/** `porcupine.Operation` for a register: input `{f, key, value}`, output the value read. */
export interface PorcupineOperation {
  readonly clientId: number;
  readonly input: { readonly f: 'read' | 'write'; readonly key: string; readonly value: string };
  /** Invocation time. */
  readonly call: number;
  /** The value read (JSON text), or the written value for a write. */
  readonly output: string;
  /** Return time; `Number.MAX_SAFE_INTEGER` for an `info` write (Porcupine users give MaxInt64). */
  readonly return: number;
}

/**
 * Map a recorded history onto Porcupine operations, as jepsen/README.md tells Porcupine users to.
 *
 * @example
 * ```ts
 * toPorcupineOperations(history).length; // ok operations plus info writes
 * ```
 */
export function toPorcupineOperations(history: readonly Op[]): PorcupineOperation[] {
  const out: PorcupineOperation[] = [];
  for (const o of pairOperations(history)) {
    if (typeof o.process !== 'number' || o.key === undefined || (o.f !== 'read' && o.f !== 'write')) continue;
    if (o.outcome === 'fail' || (o.outcome === 'info' && o.f === 'read')) continue;
    const value = JSON.stringify((o.f === 'write' ? o.invoke.value : o.complete?.value) ?? null);
    out.push({
      clientId: o.process, input: { f: o.f, key: o.key, value }, call: o.start, output: value,
      return: o.outcome === 'info' ? Number.MAX_SAFE_INTEGER : o.end,
    });
  }
  return out;
}

// ---- model (Porcupine's kvModel, get/put only) ----

const model = {
  partition(history: readonly PorcupineOperation[]): PorcupineOperation[][] {
    const m = new Map<string, PorcupineOperation[]>();
    for (const v of history) {
      const list = m.get(v.input.key);
      if (list === undefined) m.set(v.input.key, [v]);
      else list.push(v);
    }
    return [...m.keys()].sort().map((k) => m.get(k) as PorcupineOperation[]);
  },
  init: (): string => 'null',
  step(state: string, input: PorcupineOperation['input'], output: string): [boolean, string] {
    if (input.f === 'read') return [output === state, state];
    return [true, input.value];
  },
  equal: (a: string, b: string): boolean => a === b,
};

// ---- bitset.go ----

class Bitset {
  constructor(readonly words: Uint32Array) {}

  static of(bits: number): Bitset {
    // Whole 64-bit words, as Go's []uint64: two 32-bit words each.
    return new Bitset(new Uint32Array(Math.ceil(bits / 64) * 2));
  }

  clone(): Bitset {
    return new Bitset(this.words.slice());
  }

  set(pos: number): Bitset {
    this.words[pos >>> 5] = ((this.words[pos >>> 5] as number) | (1 << (pos & 31))) >>> 0;
    return this;
  }

  clear(pos: number): Bitset {
    this.words[pos >>> 5] = ((this.words[pos >>> 5] as number) & ~(1 << (pos & 31))) >>> 0;
    return this;
  }

  popcnt(): number {
    let total = 0;
    for (const v of this.words) {
      let x = v - ((v >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      total += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return total;
  }

  /** Go: `hash := popcnt; for each 64-bit word, hash ^= word`; folded to 53 bits for a Map key. */
  hash(): number {
    let lo = this.popcnt();
    let hi = 0;
    for (let i = 0; i < this.words.length; i += 2) {
      lo = (lo ^ (this.words[i] as number)) >>> 0;
      hi = (hi ^ (this.words[i + 1] as number)) >>> 0;
    }
    return (hi & 0x1fffff) * 4294967296 + lo;
  }

  equals(other: Bitset): boolean {
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== other.words[i]) return false;
    return true;
  }
}

// ---- checker.go ----

interface Entry {
  readonly kind: 'call' | 'return';
  readonly value: PorcupineOperation['input'] | string;
  readonly id: number;
  readonly time: number;
}

interface Node {
  readonly value: PorcupineOperation['input'] | string | null;
  /** The return node, on a call; null on a return. */
  readonly match: Node | null;
  readonly id: number;
  next: Node | null;
  prev: Node | null;
}

function makeEntries(history: readonly PorcupineOperation[]): Entry[] {
  const entries: Entry[] = [];
  history.forEach((elem, id) => {
    entries.push({ kind: 'call', value: elem.input, id, time: elem.call });
    entries.push({ kind: 'return', value: elem.output, id, time: elem.return });
  });
  // Go's byTime: by time; at equal times a call before a return.
  return entries.sort((a, b) => (a.time !== b.time ? a.time - b.time : a.kind === b.kind ? 0 : a.kind === 'call' ? -1 : 1));
}

function insertBefore(n: Node, mark: Node | null): Node {
  if (mark !== null) {
    const beforeMark = mark.prev;
    mark.prev = n;
    n.next = mark;
    if (beforeMark !== null) {
      n.prev = beforeMark;
      beforeMark.next = n;
    }
  }
  return n;
}

function makeLinkedEntries(entries: readonly Entry[]): Node | null {
  let root: Node | null = null;
  const match = new Map<number, Node>();
  for (let i = entries.length - 1; i >= 0; i--) {
    const elem = entries[i] as Entry;
    if (elem.kind === 'return') {
      const entry: Node = { value: elem.value, match: null, id: elem.id, next: null, prev: null };
      match.set(elem.id, entry);
      insertBefore(entry, root);
      root = entry;
    } else {
      const entry: Node = { value: elem.value, match: match.get(elem.id) ?? null, id: elem.id, next: null, prev: null };
      insertBefore(entry, root);
      root = entry;
    }
  }
  return root;
}

function length(n: Node | null): number {
  let l = 0;
  for (let x = n; x !== null; x = x.next) l++;
  return l;
}

function lift(entry: Node): void {
  (entry.prev as Node).next = entry.next;
  (entry.next as Node).prev = entry.prev;
  const match = entry.match as Node;
  (match.prev as Node).next = match.next;
  if (match.next !== null) match.next.prev = match.prev;
}

function unlift(entry: Node): void {
  const match = entry.match as Node;
  (match.prev as Node).next = match;
  if (match.next !== null) match.next.prev = match;
  (entry.prev as Node).next = entry;
  (entry.next as Node).prev = entry;
}

interface CacheEntry {
  readonly linearized: Bitset;
  readonly state: string;
}

function cacheContains(cache: Map<number, CacheEntry[]>, entry: CacheEntry): boolean {
  for (const elem of cache.get(entry.linearized.hash()) ?? []) {
    if (entry.linearized.equals(elem.linearized) && model.equal(entry.state, elem.state)) return true;
  }
  return false;
}

/** Porcupine's CheckResult: `Ok`, `Illegal`, or `Unknown` past the timeout. */
export type PorcupineResult = 'ok' | 'illegal' | 'unknown';

function checkSingle(history: readonly Entry[], deadline: number): PorcupineResult {
  let entry = makeLinkedEntries(history);
  const n = length(entry) / 2;
  const linearized = Bitset.of(n);
  const cache = new Map<number, CacheEntry[]>();
  const calls: Array<{ entry: Node; state: string }> = [];
  let state = model.init();
  const headEntry = insertBefore({ value: null, match: null, id: -1, next: null, prev: null }, entry);
  let steps = 0;
  while (headEntry.next !== null) {
    if (entry === null) throw new Error('porcupine port: fell off the entry list');
    // Porcupine's `kill` flag, set by its timeout timer, is polled on every iteration.
    if ((++steps & 0x3ff) === 0 && performance.now() > deadline) return 'unknown';
    if (entry.match !== null) {
      const matching = entry.match;
      const [ok, newState] = model.step(state, entry.value as PorcupineOperation['input'], matching.value as string);
      if (ok) {
        const newLinearized = linearized.clone().set(entry.id);
        const newCacheEntry = { linearized: newLinearized, state: newState };
        if (!cacheContains(cache, newCacheEntry)) {
          const hash = newLinearized.hash();
          const list = cache.get(hash);
          if (list === undefined) cache.set(hash, [newCacheEntry]);
          else list.push(newCacheEntry);
          calls.push({ entry, state });
          state = newState;
          linearized.set(entry.id);
          lift(entry);
          entry = headEntry.next;
        } else {
          entry = entry.next;
        }
      } else {
        entry = entry.next;
      }
    } else {
      const top = calls.pop();
      if (top === undefined) return 'illegal';
      entry = top.entry;
      state = top.state;
      linearized.clear(entry.id);
      unlift(entry);
      entry = entry.next;
    }
  }
  return 'ok';
}

/**
 * `porcupine.CheckOperationsTimeout(kvModel, history, timeout)`: `illegal` as soon as one key's
 * history is (checkParallel stops there), `unknown` past the timeout, else `ok`.
 *
 * @example
 * ```ts
 * porcupineCheckTimeout(toPorcupineOperations(history), 60_000); // 'ok' | 'illegal' | 'unknown'
 * ```
 */
export function porcupineCheckTimeout(history: readonly PorcupineOperation[], timeoutMs: number): PorcupineResult {
  const deadline = performance.now() + timeoutMs;
  let result: PorcupineResult = 'ok';
  for (const p of model.partition(history)) {
    const r = checkSingle(makeEntries(p), deadline);
    if (r === 'illegal') return 'illegal';
    if (r === 'unknown') result = 'unknown';
  }
  return result;
}

/**
 * `porcupine.CheckOperations(kvModel, history)`: true when every key's history is linearizable.
 *
 * @example
 * ```ts
 * porcupineCheck(toPorcupineOperations(history)); // false on a stale read
 * ```
 */
export function porcupineCheck(history: readonly PorcupineOperation[]): boolean {
  return porcupineCheckTimeout(history, Infinity) === 'ok';
}
