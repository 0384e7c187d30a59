/**
 * Bank accounts as a replay of `deposit`/`withdraw` events in total order from a zero balance.
 * A withdrawal that would take the balance below zero is bounced: kept and reported, never
 * applied. Every region holding the same events replays the same order, so all agree on the
 * balance and on the bounced set — even though each region accepted withdrawals on its own view.
 *
 * A bounced withdrawal whose origin's view covered it is a *reversed decision*: the origin said
 * yes (its ancestry, i.e. what it knew through `parents`, held enough), and the merged history
 * says no. These are listed so users see which acknowledged decisions were cancelled.
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
import { computeHeads } from './heads.ts';
import type { AccountView, Bounce, MeshEvent, Reversal, StatementLine } from './types.ts';

interface Replay {
  readonly balance: bigint;
  readonly deposited: bigint;
  readonly withdrawn: bigint;
  readonly applied: MeshEvent[];
  readonly bounced: Bounce[];
  /** What the replay did with each event, in its order: the statement, minus the reversal flags. */
  readonly steps: ReadonlyArray<{ readonly event: MeshEvent; readonly applied: boolean; readonly balanceAfter: bigint }>;
}

/**
 * Replays money events already in total order. BigInt so that a long history of large (safe)
 * amounts stays exact; numbers are produced only at the edge.
 */
function replay(ordered: readonly MeshEvent[]): Replay {
  let balance = 0n;
  let deposited = 0n;
  let withdrawn = 0n;
  const applied: MeshEvent[] = [];
  const bounced: Bounce[] = [];
  const steps: Replay['steps'][number][] = [];
  for (const e of ordered) {
    const amount = BigInt(e.payload as number);
    if (e.kind === 'deposit') {
      balance += amount;
      deposited += amount;
      applied.push(e);
    } else if (balance >= amount) {
      balance -= amount;
      withdrawn += amount;
      applied.push(e);
    } else {
      bounced.push({ event: e, amount: e.payload as number, balanceBefore: Number(balance), reason: 'insufficient-funds' });
      steps.push({ event: e, applied: false, balanceAfter: balance });
      continue;
    }
    steps.push({ event: e, applied: true, balanceAfter: balance });
  }
  return { balance, deposited, withdrawn, applied, bounced, steps };
}

/** Known strict ancestors of `start` through `parents` (gaps are skipped: only known events count). */
function ancestry(start: MeshEvent, byId: ReadonlyMap<string, MeshEvent>): MeshEvent[] {
  const seen = new Set<string>([start.id]);
  const out: MeshEvent[] = [];
  const stack = [...start.parents];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const e = byId.get(id);
    if (e === undefined) continue;
    out.push(e);
    stack.push(...e.parents);
  }
  return out;
}

/**
 * The replayed state of `account` from `events` (other keys and register events are ignored;
 * order, duplicates and gaps do not matter beyond the set itself).
 *
 * - `bounced`: withdrawals the merged replay could not cover, with the balance just before.
 * - `reversed`: the bounced withdrawals whose origin's view — the replay of the withdrawal's
 *   known ancestry through `parents` — had `viewBalance >= amount`; `acceptedBy` is the origin.
 *   With a gap in the ancestry the view is computed from the known part, and is recomputed (and
 *   converges) once the gap fills.
 * - `heads`: the account's heads, the parents of the next money write.
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
  return analyse(account, events).view;
}

/**
 * The account's statement: every money event of `account` in total order, with what the replay
 * did with it (`applied` or `bounced`), the balance after it (a bounced withdrawal leaves it
 * unchanged), and whether a bounce is a reversed decision. The same replay as
 * {@link accountView}, so the last line's `balanceAfter` is always the view's balance.
 *
 * @example
 * ```ts
 * const d = deposit('a', 100);
 * const w = withdraw('a', 130, { parents: [d] });
 * accountStatement('a', [w, d]);
 * // [{ event: d, amount: 100, outcome: 'applied', balanceAfter: 100, reversed: false },
 * //  { event: w, amount: 130, outcome: 'bounced', balanceAfter: 100, reversed: false }]
 * ```
 */
export function accountStatement(account: string, events: Iterable<MeshEvent>): StatementLine[] {
  const { steps, view } = analyse(account, events);
  const reversed = new Set(view.reversed.map((r) => r.event.id));
  return steps.map((s) => ({
    event: s.event,
    amount: s.event.payload as number,
    outcome: s.applied ? 'applied' : 'bounced',
    balanceAfter: Number(s.balanceAfter),
    reversed: reversed.has(s.event.id),
  }));
}

/** One replay of the account's events, shared by the view and the statement. */
function analyse(account: string, events: Iterable<MeshEvent>): { view: AccountView; steps: Replay['steps'] } {
  const mine: MeshEvent[] = [];
  for (const e of events) if (e.key === account && isMoneyKind(e.kind)) mine.push(e);
  const ordered = sortedUnique(mine);
  const result = replay(ordered);
  const byId = new Map(ordered.map((e) => [e.id, e] as const));
  const reversed: Reversal[] = [];
  for (const b of result.bounced) {
    const view = replay(sortedUnique(ancestry(b.event, byId)));
    const viewBalance = Number(view.balance);
    if (view.balance >= BigInt(b.amount)) reversed.push({ ...b, viewBalance, acceptedBy: b.event.origin });
  }
  const view: AccountView = {
    account,
    balance: Number(result.balance),
    deposited: Number(result.deposited),
    withdrawn: Number(result.withdrawn),
    applied: result.applied,
    bounced: result.bounced,
    reversed,
    heads: computeHeads(ordered),
  };
  return { view, steps: result.steps };
}

/**
 * Whether this view's balance covers `amount`: the check a region makes before accepting a
 * withdrawal (409 otherwise). A non-positive or non-integer amount is never coverable.
 *
 * @example
 * ```ts
 * canWithdraw(accountView('a', [deposit('a', 50)]), 50); // true
 * canWithdraw(accountView('a', [deposit('a', 50)]), 51); // false
 * ```
 */
export function canWithdraw(view: AccountView, amount: number): boolean {
  return Number.isSafeInteger(amount) && amount > 0 && view.balance >= amount;
}
