/**
 * The linearizability checker's figure inside `npm run bench`: it is cheap (a second or two), so
 * the run includes it. A linearizable register history is decided, then the same history with one
 * stale read near the end and a history with 5% unknown-outcome writes; the baseline is the
 * linearizable history's decision time. The full table stays in its own script,
 * `npx tsx bench/linearizability.ts [operations] [keys] [clients]`.
 *
 * @example
 * ```ts
 * import { runLinearizabilityFigure } from './linearizability-figure.ts';
 * const r = runLinearizabilityFigure({ operations: 2000 });
 * // or, inside npm run bench: the `checker` benchmark below.
 * ```
 */
import { checkLinearizable } from '../jepsen/checkers/linearizable.ts';
import { validityLabel } from '../jepsen/checkers/verdict.ts';
import { generateRegisterHistory, type GenerateOptions } from './linearizability.ts';
import type { Benchmark, RunOutcome } from './context.ts';
import { formatSpread, type Aggregate } from './runs.ts';
import { formatMs, formatRatio, ratio } from './stats.ts';

export interface LinearizabilityCase {
  readonly name: string;
  readonly verdict: string;
  readonly decideMs: number;
  /** decideMs / the linearizable history's decideMs. */
  readonly vsLinearizable: number;
}

export interface LinearizabilityFigure {
  readonly operations: number;
  readonly keys: number;
  readonly clients: number;
  readonly cases: readonly LinearizabilityCase[];
}

export function runLinearizabilityFigure(o: { readonly operations: number }): LinearizabilityFigure {
  const base = { operations: o.operations, keys: 10, clients: 8 };
  const histories: Array<{ name: string; options: GenerateOptions }> = [
    { name: 'linearizable', options: { ...base, seed: 7 } },
    { name: 'stale read at 95%', options: { ...base, seed: 7, staleReadAt: 0.95 } },
    { name: '5% info, stale read at 95%', options: { ...base, seed: 3, infoRate: 0.05, staleReadAt: 0.95 } },
  ];
  const decided = histories.map(({ name, options }) => {
    const v = checkLinearizable(generateRegisterHistory(options), { timeBudgetMs: 60_000 });
    return { name, verdict: validityLabel(v.valid), decideMs: v.details.searchMs };
  });
  const baseline = decided[0]?.decideMs ?? Number.NaN;
  return { ...base, cases: decided.map((d) => ({ ...d, vsLinearizable: ratio(d.decideMs, baseline) })) };
}

const caseKey = (name: string): string => name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();

/** The figure as a benchmark of `npm run bench` (no mesh: the checker alone). */
export const checker: Benchmark = {
  name: 'checker',
  title: 'Linearizability checker',
  async open(env) {
    const operations = env.options.quick ? 2000 : 10_000;
    return {
      setup: { operations },
      async run(): Promise<RunOutcome> {
        env.progress('linearizability checker…');
        const r = runLinearizabilityFigure({ operations });
        const figures: Record<string, number> = { operations: r.operations, keys: r.keys, clients: r.clients };
        for (const c of r.cases) {
          figures[`${caseKey(c.name)}.decideMs`] = c.decideMs;
          figures[`${caseKey(c.name)}.vsLinearizable`] = c.vsLinearizable;
        }
        return { figures, details: { verdicts: Object.fromEntries(r.cases.map((c) => [c.name, c.verdict])) } };
      },
    };
  },
  format(f: Readonly<Record<string, Aggregate>>, runs: readonly RunOutcome[]): string[] {
    const verdicts = (runs.at(-1)?.details as { verdicts?: Record<string, string> } | undefined)?.verdicts ?? {};
    const n = (name: string): string => formatSpread(f[name], (v) => v.toFixed(0));
    return [
      `Linearizability checker: ${n('operations')}-operation register histories, ${n('keys')} keys, ${n('clients')} clients (full table: npx tsx bench/linearizability.ts)`,
      ...Object.entries(verdicts).map(([name, verdict]) =>
        `  ${name.padEnd(28)} ${verdict.padEnd(8)} decided in ${formatSpread(f[`${caseKey(name)}.decideMs`], formatMs).padEnd(22)} ${formatSpread(f[`${caseKey(name)}.vsLinearizable`], formatRatio)} the linearizable history`),
    ];
  },
};
