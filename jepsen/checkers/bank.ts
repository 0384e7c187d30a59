/**
 * Bank: for every account,
 * - agreement: every region reports the same balance and the same bounced set;
 * - never negative: no balance read by a client and no final balance is below 0, and replaying the
 *   account's events in total order (hlc, origin, id) from 0, skipping the bounced withdrawals,
 *   never goes below 0 — while every bounced withdrawal really would have;
 * - conservation: the balance equals acknowledged deposits minus applied (not bounced) acknowledged
 *   withdrawals. Operations with unknown outcome (`info`) may or may not have happened, so with
 *   them the balance must lie between the two extremes; without them it must be exact.
 *
 * @example
 * ```ts
 * import { checkBank } from './bank.ts';
 * const v = checkBank(history, final);
 * v.details.accounts['a0']; // { balance, deposited, withdrawn, problems: [] }
 * ```
 */
import type { Op } from '../history.ts';
import { pairOperations } from '../history.ts';
import type { FinalEvent, FinalReads, RegionFinal } from '../final-state.ts';
import type { Verdict } from './verdict.ts';
import { isMoneyKind } from '../../shared/domain/event.ts';

export interface AccountCheck {
  /** Balance of the first readable region (all agree when valid). */
  readonly balance: number | null;
  readonly okDeposits: number;
  readonly infoDeposits: number;
  readonly okWithdrawals: number;
  readonly appliedWithdrawals: number;
  readonly infoWithdrawals: number;
  readonly bounced: number;
  /** Whether the account's events were listed, so the replay could be checked. */
  readonly replayed: boolean;
  readonly problems: readonly string[];
}

export interface BankDetails {
  readonly accounts: Readonly<Record<string, AccountCheck>>;
  readonly unreadable: readonly string[];
  readonly negativeReads: number;
  readonly withdrawals: Availability;
}

/** Withdrawals a region said yes to (`accepted`) or refused for want of money or rights (`refused`); `availability` = accepted / both (1 when there were none). */
export interface Availability {
  readonly accepted: number;
  readonly refused: number;
  readonly availability: number;
}

/** The refusals that say "not enough here": a plain account's balance, an escrow account's rights. */
const SHORT = new Set(['insufficient-funds', 'insufficient-rights']);

/**
 * The fraction of withdrawals accepted: the availability a mode trades for certainty. Contended
 * (503) and unknown-outcome withdrawals count neither way.
 *
 * @example
 * ```ts
 * withdrawalAvailability(history); // { accepted: 120, refused: 30, availability: 0.8 }
 * ```
 */
export function withdrawalAvailability(history: readonly Op[]): Availability {
  const w = pairOperations(history).filter((o) => o.process !== 'nemesis' && o.f === 'withdraw');
  const accepted = w.filter((o) => o.outcome === 'ok').length;
  const refused = w.filter((o) => o.outcome === 'fail' && SHORT.has(String(o.complete?.error))).length;
  return { accepted, refused, availability: accepted + refused === 0 ? 1 : accepted / (accepted + refused) };
}

const sortKey = (e: FinalEvent): string => `${e.hlc}#${e.origin}#${e.id}`;

function replayProblems(account: string, r: RegionFinal): string[] | undefined {
  const events = (r.histories[account] ?? []).filter((e) => isMoneyKind(e.kind));
  const view = r.accounts[account];
  if (events.length === 0 || view === undefined) return undefined;
  const bounced = new Set(view.bounced.map((b) => b.id));
  const problems: string[] = [];
  let balance = 0;
  for (const e of [...events].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))) {
    const amount = Number(e.payload);
    if (e.kind === 'deposit') balance += amount;
    else if (bounced.has(e.id)) {
      if (balance - amount >= 0) problems.push(`${r.region}: withdrawal ${e.id.slice(0, 12)}… of ${amount} was bounced although the balance before it was ${balance}`);
    } else {
      balance -= amount;
      if (balance < 0) problems.push(`${r.region}: replay goes negative (${balance}) at withdrawal ${e.id.slice(0, 12)}…`);
    }
  }
  if (balance !== view.balance) problems.push(`${r.region}: replay of its ${events.length} events gives ${balance}, it reports ${view.balance}`);
  return problems;
}

/**
 * Check the bank invariants over the client history and the final reads.
 *
 * @example
 * ```ts
 * checkBank(history, final).valid; // true | false | 'unknown'
 * ```
 */
/**
 * Availability as people read it: `84.2 % of withdrawals accepted (160 of 190)`.
 * @example percent({ accepted: 3, refused: 1, availability: 0.75 }); // '75.0 % of withdrawals accepted (3 of 4)'
 */
export function percent(a: Availability): string {
  return `${(a.availability * 100).toFixed(1)} % of withdrawals accepted (${a.accepted} of ${a.accepted + a.refused})`;
}

export function checkBank(history: readonly Op[], final: FinalReads): Verdict<BankDetails> {
  const ops = pairOperations(history).filter((o) => o.process !== 'nemesis' && o.key !== undefined && ['deposit', 'withdraw', 'read'].includes(o.f));
  const readable = final.regions.filter((r) => r.error === undefined);
  const unreadable = final.regions.filter((r) => r.error !== undefined).map((r) => r.region);
  const names = new Set<string>([...ops.map((o) => o.key as string), ...readable.flatMap((r) => Object.keys(r.accounts))]);
  const accounts: Record<string, AccountCheck> = {};
  let negativeReads = 0;
  for (const account of [...names].sort()) {
    const mine = ops.filter((o) => o.key === account);
    const problems: string[] = [];
    const amount = (o: (typeof mine)[number]): number => Number(o.invoke.value);
    const sum = (xs: typeof mine): number => xs.reduce((s, o) => s + amount(o), 0);
    for (const o of mine) {
      if (o.f === 'read' && o.outcome === 'ok' && Number(o.complete?.value) < 0) {
        negativeReads++;
        problems.push(`p${o.process} read a negative balance ${String(o.complete?.value)} in ${o.invoke.region ?? '?'} (history #${o.complete?.index})`);
      }
    }
    const views = readable.map((r) => ({ region: r.region, view: r.accounts[account] }));
    const first = views.find((v) => v.view !== undefined);
    const ref = first?.view;
    for (const { region, view } of views) {
      if (view === undefined) { problems.push(`${region}: account not read`); continue; }
      if (ref !== undefined && view.balance !== ref.balance) problems.push(`${region} reports balance ${view.balance}, ${first?.region} ${ref.balance}`);
      const ids = (v: typeof view): string => v.bounced.map((b) => b.id).sort().join(',');
      if (ref !== undefined && ids(view) !== ids(ref)) problems.push(`${region} bounced a different set of withdrawals`);
      if (view.bouncedCount !== undefined && view.bouncedCount !== view.bounced.length) {
        problems.push(`${region} says it bounced ${view.bouncedCount} withdrawals, its statement marks ${view.bounced.length}`);
      }
      if (view.balance < 0) problems.push(`${region}: final balance ${view.balance} is negative`);
      if (view.deposited !== undefined && view.withdrawn !== undefined && view.balance !== view.deposited - view.withdrawn) {
        problems.push(`${region} reports balance ${view.balance} but deposited ${view.deposited} − withdrawn ${view.withdrawn} = ${view.deposited - view.withdrawn}`);
      }
    }
    let replayed = false;
    for (const r of readable) {
      const p = replayProblems(account, r);
      if (p !== undefined) { replayed = true; problems.push(...p); }
    }
    const deposits = mine.filter((o) => o.f === 'deposit');
    const withdrawals = mine.filter((o) => o.f === 'withdraw');
    const bouncedIds = new Set(ref?.bounced.map((b) => b.id) ?? []);
    const okW = withdrawals.filter((o) => o.outcome === 'ok');
    const applied = okW.filter((o) => !bouncedIds.has(o.complete?.eventId ?? ''));
    const knownIds = new Set(okW.map((o) => o.complete?.eventId));
    const bouncedUnknown = (ref?.bounced ?? []).filter((b) => !knownIds.has(b.id)).reduce((s, b) => s + b.amount, 0);
    const c = {
      okDeposits: sum(deposits.filter((o) => o.outcome === 'ok')), infoDeposits: sum(deposits.filter((o) => o.outcome === 'info')),
      okWithdrawals: sum(okW), appliedWithdrawals: sum(applied), infoWithdrawals: sum(withdrawals.filter((o) => o.outcome === 'info')),
    };
    if (ref !== undefined) {
      const low = c.okDeposits - c.appliedWithdrawals - Math.max(0, c.infoWithdrawals - bouncedUnknown);
      const high = c.okDeposits + c.infoDeposits - c.appliedWithdrawals;
      if (ref.balance < low || ref.balance > high) {
        problems.push(low === high
          ? `balance ${ref.balance} ≠ deposits ${c.okDeposits} − applied withdrawals ${c.appliedWithdrawals} = ${low}`
          : `balance ${ref.balance} is outside [${low}, ${high}] (deposits ${c.okDeposits} (+ up to ${c.infoDeposits} unknown) − applied withdrawals ${c.appliedWithdrawals} (+ up to ${c.infoWithdrawals} unknown))`);
      }
    }
    accounts[account] = { balance: ref?.balance ?? null, ...c, bounced: ref?.bounced.length ?? 0, replayed, problems };
  }
  const withdrawals = withdrawalAvailability(history);
  const details = { accounts, unreadable, negativeReads, withdrawals };
  const bad = Object.entries(accounts).filter(([, a]) => a.problems.length > 0);
  if (bad.length > 0) {
    const [name, a] = bad[0] as [string, AccountCheck];
    return {
      checker: 'bank', valid: false,
      explanation: `Bank invariants broken on ${bad.length} of ${names.size} accounts; e.g. ${name}: ${a.problems.slice(0, 3).join('; ')}.`,
      details,
    };
  }
  if (unreadable.length > 0 || readable.length === 0) {
    return { checker: 'bank', valid: 'unknown', explanation: `Undecided: could not read ${unreadable.join(', ') || 'any region'}; the others hold the invariants.`, details };
  }
  const total = Object.values(accounts);
  const replay = total.every((a) => a.replayed) ? 'replays never go negative and match the bounced sets; ' : '';
  return {
    checker: 'bank', valid: true,
    explanation: `Bank valid on ${names.size} accounts: every region agrees on balances (${total.map((a) => a.balance).join(', ')}) and bounced sets ` +
      `(${total.reduce((s, a) => s + a.bounced, 0)} bounced); no balance read was negative; ${replay}each balance equals deposits minus applied withdrawals` +
      `${total.some((a) => a.infoDeposits + a.infoWithdrawals > 0) ? ' (within the range the unknown-outcome operations allow)' : ''}; ` +
      `availability ${percent(withdrawals)}.`,
    details,
  };
}
