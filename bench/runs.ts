/**
 * Medians of repeated runs: every benchmark run reports named figures (a flat name -> number
 * map); `npm run bench -- --runs 3` runs each benchmark three times and prints, per figure, the
 * median and the spread (min and max) across the runs, so one unlucky run on a shared machine
 * neither makes nor breaks a figure, and the spread says how much to trust it.
 *
 * @example
 * ```ts
 * import { aggregateRuns, formatSpread } from './runs.ts';
 * const agg = aggregateRuns([{ 'tp.c1': 10 }, { 'tp.c1': 14 }, { 'tp.c1': 11 }]);
 * agg['tp.c1'];                       // { median: 11, min: 10, max: 14, values: [10, 14, 11] }
 * formatSpread(agg['tp.c1'], (v) => v.toFixed(0)); // '11 [10–14]'
 * ```
 */

/** The figures of one run: name -> value (NaN when a run could not measure it). */
export type Figures = Readonly<Record<string, number>>;

/** One figure over every run. */
export interface Aggregate {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Every run's value, in run order (NaN kept, so a failed measurement stays visible). */
  readonly values: readonly number[];
}

/**
 * Median of the finite values (the mean of the middle two for an even count); NaN for none.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * median([4, 1, 3, 2]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? (finite[mid] as number) : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
}

/**
 * Median, min and max of each figure over the runs; a figure missing from a run counts as NaN there.
 *
 * @example
 * ```ts
 * aggregateRuns([{ a: 1 }, { a: 3 }]).a.median; // 2
 * ```
 */
export function aggregateRuns(runs: readonly Figures[]): Record<string, Aggregate> {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  const out: Record<string, Aggregate> = {};
  for (const name of names) {
    const values = runs.map((r) => r[name] ?? Number.NaN);
    const finite = values.filter((v) => Number.isFinite(v));
    out[name] = {
      median: median(values),
      min: finite.length === 0 ? Number.NaN : Math.min(...finite),
      max: finite.length === 0 ? Number.NaN : Math.max(...finite),
      values,
    };
  }
  return out;
}

/**
 * `median [min–max]`, or only the median for a single run or when every run agreed; `n/a` when
 * no run measured it.
 *
 * @example
 * ```ts
 * formatSpread({ median: 2, min: 1, max: 3, values: [1, 2, 3] }, String); // '2 [1–3]'
 * ```
 */
export function formatSpread(a: Aggregate | undefined, format: (v: number) => string): string {
  if (a === undefined || !Number.isFinite(a.median)) return 'n/a';
  const m = format(a.median);
  const lo = format(a.min);
  const hi = format(a.max);
  return lo === hi ? m : `${m} [${lo}–${hi}]`;
}
