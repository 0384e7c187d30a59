/**
 * Deterministic pseudo-random numbers (mulberry32): one seed reproduces a Jepsen run's choices, a
 * benchmark's generated history or order, and a simulated mesh's delivery plan.
 *
 * @example
 * ```ts
 * import { seededRandom } from '../shared/util/seeded-random.ts';
 * const r = seededRandom(42);
 * r(); // 0.6011…, the same on every run
 * ```
 */

/**
 * A generator of numbers in [0, 1) from `seed` (taken as an unsigned 32-bit integer). Each value
 * is a 32-bit integer divided by 2^32, so `r() * 2 ** 32` is that integer exactly.
 *
 * @example
 * ```ts
 * const r = seededRandom(7);
 * const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(r() * xs.length)];
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
