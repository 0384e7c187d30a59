/**
 * Small statistics for the benchmarks: percentiles of latency samples, a summary of a sample, and
 * ratios to a baseline (every figure `npm run bench` prints is a ratio to something measured in
 * the same run, so it means something on any machine).
 *
 * @example
 * ```ts
 * import { percentile, ratio, summarize } from './stats.ts';
 * const s = summarize([12, 10, 11, 40]); // { n: 4, min: 10, p50: 11.5, p95: 35.8, max: 40, mean: 18.25 }
 * percentile([1, 2, 3, 4], 50);          // 2.5
 * ratio(300, 100);                       // 3
 * ```
 */

/** Summary of a sample (ms, or whatever unit the samples are in). */
export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * The `p`-th percentile (0..100) of `values`, interpolated linearly between the two closest ranks
 * (the "R-7" definition of spreadsheets and NumPy's default), so a small sample still gives a
 * p95 between its two largest values instead of jumping to the max. NaN for an empty sample.
 *
 * @example
 * ```ts
 * percentile([5, 1, 3], 50); // 3
 * percentile([1, 2], 95);    // 1.95
 * ```
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const low = sorted[lo] as number;
  return low + ((sorted[hi] as number) - low) * (rank - lo);
}

/**
 * n, min, p50, p95, max and mean of a sample; every field NaN (n 0) when it is empty.
 *
 * @example
 * ```ts
 * summarize([3, 1, 2]).p50; // 2
 * ```
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, min: Number.NaN, p50: Number.NaN, p95: Number.NaN, max: Number.NaN, mean: Number.NaN };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { n: values.length, min, p50: percentile(values, 50), p95: percentile(values, 95), max, mean: sum / values.length };
}

/**
 * `value / baseline`; NaN when the baseline is 0 or either is not finite (a ratio to nothing is
 * not a figure, and printing Infinity would hide that).
 *
 * @example
 * ```ts
 * ratio(45, 15); // 3
 * ratio(1, 0);   // NaN
 * ```
 */
export function ratio(value: number, baseline: number): number {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline === 0) return Number.NaN;
  return value / baseline;
}

/**
 * A ratio as printed: `×3.20`, `×12.5`, `×128`, and two significant digits below 1 so a small
 * ratio never prints as `×0.00` (`×0.12`, `×0.0043`); `n/a` for NaN.
 *
 * @example
 * ```ts
 * formatRatio(3.2);    // '×3.20'
 * formatRatio(128);    // '×128'
 * formatRatio(0.0043); // '×0.0043'
 * ```
 */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return 'n/a';
  if (r === 0) return '×0';
  return `×${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r >= 1 ? r.toFixed(2) : r.toPrecision(2)}`;
}

/**
 * Milliseconds as printed: `0.84 ms`, `12.3 ms`, `1520 ms`, `n/a` for NaN.
 *
 * @example
 * ```ts
 * formatMs(12.345); // '12.3 ms'
 * ```
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return `${ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)} ms`;
}
