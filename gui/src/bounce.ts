/**
 * Why a withdrawal bounced, from an account's statement alone: replayed in total order, the
 * withdrawals applied before it that are not in its own ancestry are the ones its origin had not
 * seen when it accepted it — the concurrent withdrawals that took the money first. Every region
 * with the same events gives the same answer. Pure.
 *
 * @example
 * ```ts
 * import { explainWithdrawal } from './bounce.ts';
 * explainWithdrawal(statement.events, bouncedId);
 * // { outcome: 'reversed', balanceBefore: 20, causes: [{ event: theOther80, … }] }
 * ```
 */
import type { MeshEvent } from '../../shared/domain/types.ts';
import { ancestorsOf } from './ancestry.ts';

/** The fields of a statement line (`GET /accounts/{id}/history`) this needs. */
export interface StatementEntry {
  readonly event: MeshEvent;
  readonly amount: number;
  readonly outcome: 'applied' | 'bounced';
  readonly balanceAfter: number;
  readonly reversed: boolean;
}

/** What happened to one money event in the merged history. */
export interface MoneyOutcome {
  /** `reversed`: bounced although its origin had accepted it on its own view. */
  readonly outcome: 'applied' | 'bounced' | 'reversed';
  /** Balance just before it in the replay. */
  readonly balanceBefore: number;
  /** For a bounce: the applied withdrawals before it that its origin had not seen. */
  readonly causes: readonly StatementEntry[];
}

/**
 * The outcome of event `id` in `statement` (total order), or undefined when it is not there.
 *
 * @example
 * ```ts
 * explainWithdrawal([deposit100, withdraw80us, withdraw80eu], withdraw80eu.event.id)?.causes; // [withdraw80us]
 * ```
 */
export function explainWithdrawal(statement: readonly StatementEntry[], id: string): MoneyOutcome | undefined {
  const index = statement.findIndex((line) => line.event.id === id);
  const line = statement[index];
  if (line === undefined) return undefined;
  const balanceBefore = index === 0 ? 0 : (statement[index - 1]?.balanceAfter ?? 0);
  if (line.outcome === 'applied') return { outcome: 'applied', balanceBefore, causes: [] };
  const seen = ancestorsOf(id, statement.map((l) => l.event));
  const causes = statement.slice(0, index).filter((l) => l.event.kind === 'withdraw' && l.outcome === 'applied' && !seen.has(l.event.id));
  return { outcome: line.reversed ? 'reversed' : 'bounced', balanceBefore, causes };
}
