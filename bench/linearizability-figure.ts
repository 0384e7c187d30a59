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
 * ```
 */
import { checkLinearizable } from '../jepsen/checkers/linearizable.ts';
import { validityLabel } from '../jepsen/checkers/verdict.ts';
import { generateRegisterHistory, type GenerateOptions } from './linearizability.ts';
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

export function formatLinearizabilityFigure(r: LinearizabilityFigure): string[] {
  return [
    `Linearizability checker: ${r.operations}-operation register histories, ${r.keys} keys, ${r.clients} clients (full table: npx tsx bench/linearizability.ts)`,
    ...r.cases.map((c) => `  ${c.name.padEnd(28)} ${c.verdict.padEnd(8)} decided in ${formatMs(c.decideMs).padEnd(9)} ${formatRatio(c.vsLinearizable)} the linearizable history`),
  ];
}
