/**
 * An escrow account's statement: its events in total order, each with what the replay did with it
 * (a debit applied or bounced) and the figures after it — the balance, and the rights of the
 * regions the event touched. A statement is read a page at a time, so a page starts from a
 * {@link StatementStart}: the balance and every region's rights before it, which is all the replay
 * needs to decide the outcomes that follow (spending windows, wants and totals do not decide any).
 *
 * @example
 * ```ts
 * import { escrowStatement, startAfter } from './escrow-statement.ts';
 * const page1 = escrowStatement('acct-1', first100);
 * const page2 = escrowStatement('acct-1', next100, startAfter(page1));
 * page2[0].outcome; // 'applied' | 'bounced', exactly as a replay of everything would say
 * ```
 */
import { isEscrowKind } from './escrow-event.ts';
import type { EscrowTransferPayload } from './escrow-event.ts';
import type { EscrowFold, EscrowState } from './escrow.ts';
import { ESCROW_FOLD, regionOf, rightsByRegion } from './escrow.ts';
import { sortedUnique } from './event.ts';
import type { MeshEvent } from './types.ts';

/**
 * Where a page of a statement starts: the balance and each region's rights just before it, as
 * decimal strings.
 *
 * @example
 * ```ts
 * const start: StatementStart = { balance: '100', rights: { 'eu-west-1': '30', 'us-east-1': '70' } };
 * ```
 */
export interface StatementStart {
  readonly balance: string;
  readonly rights: Readonly<Record<string, string>>;
}

/**
 * One line: the event, whether the replay applied it (`bounced`: a debit its origin's rights did
 * not cover at its place in the order — kept, not applied), the balance after it, and after it the
 * rights of its origin and, for a transfer, of its destination.
 *
 * @example
 * ```ts
 * const line: EscrowStatementLine = { event, outcome: 'applied', balanceAfter: '70', rightsAfter: { 'us-east-1': '40' } };
 * ```
 */
export interface EscrowStatementLine {
  readonly event: MeshEvent;
  readonly outcome: 'applied' | 'bounced';
  readonly balanceAfter: string;
  readonly rightsAfter: Readonly<Record<string, string>>;
}

/** The start of a statement from the account's first event. @example `escrowStatement(a, events, FROM_FIRST)` */
export const FROM_FIRST: StatementStart = Object.freeze({ balance: '0', rights: Object.freeze({}) });

/**
 * The statement lines of escrow `account` in `events` (other keys and kinds ignored, duplicates
 * dropped, in total order), replayed from `from`. Over a whole history, the outcomes are the
 * fold's: a line is `bounced` exactly when `escrowState` lists its event as bounced.
 *
 * @example
 * ```ts
 * escrowStatement('acct-1', [d, w]).map((l) => l.outcome); // ['applied', 'applied']
 * ```
 */
export function escrowStatement(account: string, events: Iterable<MeshEvent>, from: StatementStart = FROM_FIRST, fold: EscrowFold = ESCROW_FOLD): EscrowStatementLine[] {
  const mine: MeshEvent[] = [];
  for (const e of events) if (e.key === account && isEscrowKind(e.kind)) mine.push(e);
  let state = stateAt(from, fold);
  const lines: EscrowStatementLine[] = [];
  for (const e of sortedUnique(mine)) {
    const next = fold.step(state, e);
    const touched = e.kind === 'escrow-transfer' ? [e.origin, (e.payload as unknown as EscrowTransferPayload).to] : [e.origin];
    const rightsAfter: Record<string, string> = {};
    for (const r of touched) rightsAfter[r] = regionOf(next, r).rights;
    lines.push({ event: e, outcome: next.bounced.length > state.bounced.length ? 'bounced' : 'applied', balanceAfter: next.balance, rightsAfter });
    state = next;
  }
  return lines;
}

/**
 * The start of the page after `lines`, which started at `from`: the figures after its last line.
 *
 * @example
 * ```ts
 * const next = startAfter(escrowStatement('acct-1', page1), FROM_FIRST);
 * ```
 */
export function startAfter(lines: readonly EscrowStatementLine[], from: StatementStart = FROM_FIRST): StatementStart {
  let balance = from.balance;
  const rights: Record<string, string> = { ...from.rights };
  for (const l of lines) {
    balance = l.balanceAfter;
    Object.assign(rights, l.rightsAfter);
  }
  return { balance, rights };
}

/**
 * The start of a statement at the figures of `state` (e.g. the fold of an earlier part).
 *
 * @example
 * ```ts
 * statementStartOf(escrowState('acct-1', earlier)); // { balance, rights }
 * ```
 */
export function statementStartOf(state: EscrowState): StatementStart {
  return { balance: state.balance, rights: rightsByRegion(state) };
}

/** A fold state that decides outcomes as the full replay at `from` would (only rights decide them). */
function stateAt(from: StatementStart, fold: EscrowFold): EscrowState {
  const regions: Record<string, ReturnType<typeof regionOf>> = {};
  for (const [r, rights] of Object.entries(from.rights)) regions[r] = { ...regionOf(fold.initial, r), rights };
  return { ...fold.initial, balance: from.balance, regions };
}
