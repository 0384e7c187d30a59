/**
 * Which checkers a run gets, in the order the report lists them, judged against the mesh's claims:
 * one place for the runner and for a recheck of a stored run, so a recheck can never run a
 * different set of checkers than the run it re-checks.
 *
 * - register: linearizable, the four session guarantees (when the history recorded what they need:
 *   the events written and the heads read), then (with final reads) convergence and lost-writes;
 * - bank: (with final reads) convergence, lost-writes and bank.
 *
 * @example
 * ```ts
 * import { checkRun } from './checks.ts';
 * const { ok, verdicts } = checkRun('register', history, final, { timeBudgetMs: 60_000 });
 * ```
 */
import type { WorkloadName } from './workloads/workload.ts';
import type { Op } from './history.ts';
import type { FinalReads } from './final-state.ts';
import type { Verdict } from './checkers/verdict.ts';
import type { JudgedVerdict } from './claims.ts';
import { judge } from './claims.ts';
import { checkLinearizable } from './checkers/linearizable.ts';
import { checkConvergence } from './checkers/convergence.ts';
import { checkLostWrites } from './checkers/lost-writes.ts';
import { checkBank } from './checkers/bank.ts';
import { checkEscrow } from './checkers/escrow.ts';
import { checkSessionGuarantees } from './checkers/session-guarantees.ts';

/**
 * Run the workload's checkers over a history and, when there is one, its final reads (without
 * them only linearizability can be checked), and judge the verdicts.
 *
 * @example
 * ```ts
 * checkRun('bank', history, undefined).verdicts; // []: every bank checker needs the final reads
 * ```
 */
export function checkRun(
  workload: WorkloadName,
  history: readonly Op[],
  final: FinalReads | undefined,
  options: { readonly timeBudgetMs?: number } = {},
): { ok: boolean; verdicts: JudgedVerdict[] } {
  const verdicts: Verdict[] = [];
  if (workload === 'register') {
    verdicts.push(checkLinearizable(history, { timeBudgetMs: options.timeBudgetMs ?? 60_000 }));
    // A history recorded without events and heads (by an older runner, or another tool) cannot say.
    if (history.some((o) => o.event !== undefined || o.heads !== undefined)) verdicts.push(...checkSessionGuarantees(history, final));
  }
  if (final !== undefined) {
    verdicts.push(checkConvergence(final), checkLostWrites(history, final));
    if (workload === 'bank') verdicts.push(checkBank(history, final));
    if (workload === 'escrow') verdicts.push(checkEscrow(history, final));
  }
  return judge(verdicts);
}
