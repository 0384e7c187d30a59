/**
 * A workload: which keys or accounts a run uses, and what each worker does next.
 *
 * @example
 * ```ts
 * import type { Workload } from './workload.ts';
 * const call = workload.next(Math.random); // { workload: 'register', f: 'write', key: 'jr-…-k1', value: 42 }
 * ```
 */
import type { Invocation } from '../client.ts';

export interface Workload {
  readonly name: 'register' | 'bank';
  /** Register keys or account ids this run touches (read by every region at the end). */
  readonly keys: readonly string[];
  /** The next operation; `random` in [0, 1). */
  next(random: () => number): Invocation;
}

/**
 * Deterministic pseudo-random numbers (mulberry32), so a seed reproduces a run's choices.
 *
 * @example
 * ```ts
 * const r = seededRandom(42); r(); // 0.6011…
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
