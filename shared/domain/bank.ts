/**
 * Bank accounts as a left fold of `deposit`/`withdraw` events in total order from a zero balance
 * ({@link accountFold}). A withdrawal that would take the balance below zero is bounced: kept and
 * reported, never applied. Every region holding the same events folds the same order, so all
 * agree on the balance and on the bounced set — even though each accepted writes on its own view.
 *
 * Amounts are exact: each is a positive safe integer, and the fold bounces a deposit that would
 * take the account's cumulative deposits past `Number.MAX_SAFE_INTEGER` (`limit-exceeded`), so
 * the balance, the deposited and the withdrawn totals are always exact JavaScript numbers.
 *
 * Every stored money event is a decision its origin took on its own view: a region refuses (409)
 * a withdrawal its view cannot cover and a deposit its view cannot hold, and stores nothing. So a
 * bounce in the merged order is always a *reversed decision* — a yes that became a no — and the
 * account lists it as such, with the region that said yes.
 *
 * @example
 * ```ts
 * import { accountView, canWithdraw } from './bank.ts';
 * const view = accountView('acct-1', events);
 * view.balance;               // e.g. 70
 * canWithdraw(view, 100);     // false: this region would answer 409
 * view.reversed.map((r) => r.acceptedBy); // regions whose yes became a no
 * accountStatement('acct-1', events);      // each event: applied or bounced, balance after
 * ```
 */
import { isMoneyKind, sortedUnique } from './event.ts';
import type { Fold } from './fold.ts';
import { computeHeads } from './heads.ts';
import type { AccountState, AccountView, Bounce, BounceRecord, MeshEvent, Reversal, StatementLine } from './types.ts';

/** Largest cumulative deposit total of an account: keeps every total an exact JS number. */
export const MAX_ACCOUNT_TOTAL = Number.MAX_SAFE_INTEGER;
/** Bounces an account's state keeps itself (the newest in total order); the statement lists all. */
export const RECENT_BOUNCES = 5;

/**
 * The state of an account with no event.
 *
 * @example
 * ```ts
 * EMPTY_ACCOUNT.balance; // 0
 * ```
 */
export const EMPTY_ACCOUNT: AccountState = Object.freeze({ balance: 0, deposited: 0, withdrawn: 0, applied: 0, bounced: 0, recentBounces: [] });

/**
 * Why `event` would bounce on `state`, or undefined when it applies.
 *
 * @example
 * ```ts
 * bounceReason(EMPTY_ACCOUNT, withdraw('a', 5)); // 'insufficient-funds'
 * ```
 */
export function bounceReason(state: AccountState, event: MeshEvent): Bounce['reason'] | undefined {
  const amount = event.payload as number;
  if (event.kind === 'deposit') return state.deposited + amount > MAX_ACCOUNT_TOTAL ? 'limit-exceeded' : undefined;
  return state.balance >= amount ? undefined : 'insufficient-funds';
}

/**
 * One step of the account fold: applies or bounces a money event (other kinds change nothing).
 *
 * @example
 * ```ts
 * stepAccount(EMPTY_ACCOUNT, deposit('a', 100)).balance; // 100
 * ```
 */
export function stepAccount(state: AccountState, event: MeshEvent): AccountState {
  if (!isMoneyKind(event.kind)) return state;
  const amount = event.payload as number;
  const reason = bounceReason(state, event);
  if (reason !== undefined) {
    const record: BounceRecord = { id: event.id, kind: event.kind, hlc: event.hlc, origin: event.origin, amount, balanceBefore: state.balance, reason };
    return { ...state, bounced: state.bounced + 1, recentBounces: [...state.recentBounces, record].slice(-RECENT_BOUNCES) };
  }
  return event.kind === 'deposit'
    ? { ...state, balance: state.balance + amount, deposited: state.deposited + amount, applied: state.applied + 1 }
    : { ...state, balance: state.balance - amount, withdrawn: state.withdrawn + amount, applied: state.applied + 1 };
}

/**
 * The plain account as a {@link Fold}: what the store keeps a snapshot of beside each account.
 *
 * @example
 * ```ts
 * foldAll(accountFold, events).state.balance;
 * ```
 */
export const accountFold: Fold<AccountState> = { name: 'account/1', initial: EMPTY_ACCOUNT, step: stepAccount };

/**
 * The account's statement: every money event of `account` in total order, what the fold did with
 * it (`applied` or `bounced`), and the balance after it (a bounce leaves it unchanged). Every
 * bounce is a reversed decision (see the module note).
 *
 * @example
 * ```ts
 * const d = deposit('a', 100);
 * const w = withdraw('a', 130, { parents: [d] });
 * accountStatement('a', [w, d]);
 * // [{ event: d, amount: 100, outcome: 'applied', balanceAfter: 100, reversed: false },
 * //  { event: w, amount: 130, outcome: 'bounced', balanceAfter: 100, reversed: true }]
 * ```
 */
export function accountStatement(account: string, events: Iterable<MeshEvent>, from: AccountState = EMPTY_ACCOUNT): StatementLine[] {
  const lines: StatementLine[] = [];
  let state = from;
  for (const e of moneyEventsOf(account, events)) {
    const next = stepAccount(state, e);
    const bounced = next.bounced > state.bounced;
    lines.push({ event: e, amount: e.payload as number, outcome: bounced ? 'bounced' : 'applied', balanceAfter: next.balance, reversed: bounced });
    state = next;
  }
  return lines;
}

/**
 * The folded state of `account` from `events` (other keys and register events are ignored; order,
 * duplicates and gaps do not matter beyond the set itself), with every event listed:
 * `applied`, `bounced` (with the balance just before), `reversed` (the bounces, each a decision
 * its origin had taken), and `heads` (the parents of the next money write).
 *
 * @example
 * ```ts
 * const d = deposit('a', 100);
 * const w1 = withdraw('a', 80, { parents: [d], origin: 'us-east-1' });
 * const w2 = withdraw('a', 80, { parents: [d], origin: 'eu-west-1' });
 * accountView('a', [d, w1, w2]); // balance 20; one of w1/w2 bounced and reversed
 * ```
 */
export function accountView(account: string, events: Iterable<MeshEvent>): AccountView {
  const ordered = moneyEventsOf(account, events);
  const applied: MeshEvent[] = [];
  const bounced: Bounce[] = [];
  let state = EMPTY_ACCOUNT;
  for (const e of ordered) {
    const reason = bounceReason(state, e);
    if (reason === undefined) applied.push(e);
    else bounced.push({ event: e, amount: e.payload as number, balanceBefore: state.balance, reason });
    state = stepAccount(state, e);
  }
  return {
    account,
    balance: state.balance,
    deposited: state.deposited,
    withdrawn: state.withdrawn,
    applied,
    bounced,
    reversed: bounced.map(reversalOf),
    heads: computeHeads(ordered),
  };
}

/**
 * A bounce as the reversed decision it is: its origin accepted it.
 *
 * @example
 * ```ts
 * reversalOf(bounce).acceptedBy === bounce.event.origin; // true
 * ```
 */
export function reversalOf(bounce: Bounce): Reversal {
  return { ...bounce, acceptedBy: bounce.event.origin };
}

/**
 * Whether a balance covers `amount`: the check a region makes before accepting a withdrawal
 * (409 otherwise). A non-positive or non-integer amount is never coverable.
 *
 * @example
 * ```ts
 * canWithdraw(accountView('a', [deposit('a', 50)]), 50); // true
 * canWithdraw(EMPTY_ACCOUNT, 51);                        // false
 * ```
 */
export function canWithdraw(view: Pick<AccountState, 'balance'>, amount: number): boolean {
  return Number.isSafeInteger(amount) && amount > 0 && view.balance >= amount;
}

/**
 * Whether the account can take a deposit of `amount` without its cumulative deposits leaving the
 * exact range: the check a region makes before accepting a deposit (409 otherwise).
 *
 * @example
 * ```ts
 * canDeposit(EMPTY_ACCOUNT, 100);                     // true
 * canDeposit({ deposited: MAX_ACCOUNT_TOTAL }, 1);    // false
 * ```
 */
export function canDeposit(view: Pick<AccountState, 'deposited'>, amount: number): boolean {
  return Number.isSafeInteger(amount) && amount > 0 && view.deposited + amount <= MAX_ACCOUNT_TOTAL;
}

function moneyEventsOf(account: string, events: Iterable<MeshEvent>): MeshEvent[] {
  const mine: MeshEvent[] = [];
  for (const e of events) if (e.key === account && isMoneyKind(e.kind)) mine.push(e);
  return sortedUnique(mine);
}
