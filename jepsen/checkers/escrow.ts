/**
 * Escrow bank: the bank checker's invariants (every region agrees, no negative balance in any
 * read, balance = deposits − withdrawals), made strict by what escrow promises on top:
 * - bounced = 0: no region's final replay bounces any withdrawal or transfer;
 * - reversed = 0: no withdrawal a client was told "ok" is missing from the applied ones;
 * - the replay of each region's escrow events in total order (hlc, origin, id) never takes the
 *   balance below 0, and ends at the balance the region reports;
 * so the balance is exactly acknowledged deposits − acknowledged withdrawals (up to the
 * unknown-outcome ones). It reports availability too: the fraction of withdrawals accepted,
 * which is what escrow pays for never reversing.
 *
 * @example
 * ```ts
 * import { checkEscrow } from './escrow.ts';
 * const v = checkEscrow(history, final);
 * v.valid;                              // true when escrow held
 * v.details.withdrawals.availability;   // e.g. 0.71
 * ```
 */
import type { FinalEvent, FinalReads } from '../final-state.ts';
import type { Op } from '../history.ts';
import { pairOperations } from '../history.ts';
import type { AccountCheck, BankDetails } from './bank.ts';
import { checkBank, percent } from './bank.ts';
import type { Verdict } from './verdict.ts';

const sortKey = (e: FinalEvent): string => `${e.hlc}#${e.origin}#${e.id}`;

/** What only escrow promises, for one account: none bounced, none reversed, a replay that never goes negative. */
function escrowProblems(account: string, history: readonly Op[], final: FinalReads): string[] {
  const problems: string[] = [];
  const acknowledged = new Set(
    pairOperations(history).filter((o) => o.key === account && o.f === 'withdraw' && o.outcome === 'ok').map((o) => o.complete?.eventId ?? ''),
  );
  for (const r of final.regions) {
    if (r.error !== undefined) continue;
    const view = r.accounts[account];
    if (view === undefined) continue;
    if (view.bounced.length > 0) problems.push(`${r.region} bounced ${view.bounced.length} debit(s) (escrow bounces none)`);
    const reversed = view.bounced.filter((b) => acknowledged.has(b.id));
    if (reversed.length > 0) problems.push(`${r.region} reversed ${reversed.length} acknowledged withdrawal(s), e.g. ${reversed[0]?.id.slice(0, 12)}… of ${reversed[0]?.amount}`);
    const events = (r.histories[account] ?? []).filter((e) => e.kind === 'escrow-deposit' || e.kind === 'escrow-withdraw');
    if (events.length === 0) continue;
    const bounced = new Set(view.bounced.map((b) => b.id));
    let balance = 0;
    for (const e of [...events].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))) {
      if (bounced.has(e.id)) continue;
      balance += e.kind === 'escrow-deposit' ? Number(e.payload) : -Number(e.payload);
      if (balance < 0) {
        problems.push(`${r.region}: replay goes negative (${balance}) at withdrawal ${e.id.slice(0, 12)}…`);
        break;
      }
    }
    if (balance >= 0 && balance !== view.balance) problems.push(`${r.region}: replay of its ${events.length} deposits and withdrawals gives ${balance}, it reports ${view.balance}`);
  }
  return problems;
}

/**
 * The escrow bank verdict (checker `escrow`): valid when the bank invariants hold and no debit
 * bounced or was reversed anywhere.
 *
 * @example
 * ```ts
 * checkEscrow(history, final).explanation; // 'Escrow valid on 3 accounts: bounced 0, reversed 0, … availability 71.3 % …'
 * ```
 */
export function checkEscrow(history: readonly Op[], final: FinalReads): Verdict<BankDetails> {
  const bank = checkBank(history, final);
  const accounts: Record<string, AccountCheck> = {};
  for (const [name, a] of Object.entries(bank.details.accounts)) {
    accounts[name] = { ...a, problems: [...a.problems, ...escrowProblems(name, history, final)] };
  }
  const details: BankDetails = { ...bank.details, accounts };
  const bad = Object.entries(accounts).filter(([, a]) => a.problems.length > 0);
  const availability = percent(details.withdrawals);
  if (bad.length > 0) {
    const [name, a] = bad[0] as [string, AccountCheck];
    return {
      checker: 'escrow', valid: false,
      explanation: `Escrow broken on ${bad.length} of ${Object.keys(accounts).length} accounts; e.g. ${name}: ${a.problems.slice(0, 3).join('; ')}. (${availability})`,
      details,
    };
  }
  if (bank.valid !== true) return { checker: 'escrow', valid: bank.valid, explanation: bank.explanation, details };
  const all = Object.values(accounts);
  return {
    checker: 'escrow', valid: true,
    explanation: `Escrow valid on ${all.length} accounts: bounced 0, reversed 0; every region agrees on balances (${all.map((a) => a.balance).join(', ')}); ` +
      `no read was negative and no replay goes negative; each balance equals deposits minus withdrawals; ${availability}.`,
    details,
  };
}
