/**
 * Human-readable renderings of escrow accounts for the `mesh` command: each region's rights (and
 * what it asks for), what this region may spend now, the rebalancing history, and which mode an
 * account has — so a 409 `insufficient-rights` can be read against where the rights are.
 *
 * @example
 * ```ts
 * import { formatEscrowAccount } from './format-escrow.ts';
 * console.log(formatEscrowAccount(await client.escrowAccount('alice')));
 * // account  alice
 * // mode     escrow (withdrawals are never reversed; each region spends its own rights)
 * // REGION     RIGHTS  WANTS  TARGET …
 * ```
 */
import type { AccountCreation, AnyAccountSummary, EscrowHistory, EscrowSummary, RebalancingHistory } from '../shared/client/types.ts';
import { formatAccount, formatWrite } from './format.ts';
import { fields, table } from './table.ts';

/**
 * `mesh rights`: the balance, then every region's rights, want and target, this region's
 * spendable rights, and any debit its replay could not cover.
 *
 * @example
 * ```ts
 * formatEscrowAccount(summary); // 'account    alice\nmode       escrow …\nREGION  RIGHTS …'
 * ```
 */
export function formatEscrowAccount(s: EscrowSummary): string {
  const lines = [
    fields([
      ['account', s.account],
      ['mode', `escrow (withdrawals are never reversed; each region spends its own rights)${s.modes.includes('plain') ? ' — a plain account of this id exists too: name the mode' : ''}`],
      ['balance', String(s.balance)],
      ['region', s.region],
      ['spendable', `${s.spendable} (what a withdrawal in ${s.region} may take now)`],
    ]),
    '',
    table(
      ['REGION', 'RIGHTS', 'WANTS', 'TARGET', 'DEPOSITED', 'WITHDRAWN', 'SENT', 'RECEIVED'],
      s.regions.map((r) => [r.region === s.region ? `${r.region} *` : r.region, String(r.rights), String(r.want), String(r.target), String(r.deposited), String(r.withdrawn), String(r.sent), String(r.received)]),
    ),
  ];
  lines.push('', s.bouncedCount === 0 ? 'bounced: none' : `bounced in this region's replay (a gap in its view; none once it fills): ${s.bouncedCount}`);
  return lines.join('\n');
}

/**
 * `mesh balance` of either mode: the plain rendering, or the escrow one.
 *
 * @example
 * ```ts
 * formatAnyAccount(await client.accountView('alice'));
 * ```
 */
export function formatAnyAccount(s: AnyAccountSummary): string {
  return s.mode === 'escrow' ? formatEscrowAccount(s) : formatAccount(s);
}

/**
 * `mesh account create`: what was written, or why nothing was.
 *
 * @example
 * ```ts
 * formatCreation({ created: false, account, region: 'eu-west-1' }); // 'alice is already an escrow account in eu-west-1 …'
 * ```
 */
export function formatCreation(c: AccountCreation): string {
  if (c.created) return `opened escrow account ${c.event.key}\n${formatWrite(c)}`;
  const a = c.account;
  if (a.mode === 'escrow') return `${a.account} is already an escrow account in ${c.region}: nothing written\n\n${formatEscrowAccount(a)}`;
  return `${a.account} is a plain account: its first deposit creates it, so nothing was written (balance ${a.balance} in ${c.region})`;
}

/**
 * `mesh rebalancing`: transfers of rights and rights requests, newest first.
 *
 * @example
 * ```ts
 * formatRebalancing(await client.rebalancing('alice'));
 * ```
 */
export function formatRebalancing(h: RebalancingHistory): string {
  if (h.entries.length === 0) return `no transfers or rights requests for ${h.account} in ${h.region}`;
  const rows = h.entries.map((e) => [
    e.event.hlc,
    e.kind,
    e.from,
    e.kind === 'transfer' ? String(e.to ?? '') : '',
    e.kind === 'transfer' ? String(e.amount ?? '') : `wants ${e.want ?? 0}`,
    e.outcome === 'applied' ? 'applied' : 'BOUNCED',
    e.event.id,
  ]);
  const more = h.next === undefined ? '' : '\n(more: older entries on the next page)';
  return `${h.account}: rebalancing in ${h.region}, newest first\n${table(['HLC', 'KIND', 'FROM', 'TO', 'AMOUNT', 'OUTCOME', 'ID'], rows)}${more}`;
}

/**
 * `mesh statement` of an escrow account: each event, applied or bounced, the balance and the
 * rights it touched after it.
 *
 * @example
 * ```ts
 * formatEscrowStatement(await client.escrowHistory('alice'));
 * ```
 */
export function formatEscrowStatement(h: EscrowHistory): string {
  if (h.events.length === 0) return `no events for escrow account ${h.account} in ${h.region} (balance 0)`;
  const rows = h.events.map((l) => [
    l.event.hlc,
    l.event.origin,
    l.event.kind,
    JSON.stringify(l.event.payload),
    l.outcome === 'applied' ? 'applied' : 'BOUNCED',
    String(l.balanceAfter),
    Object.entries(l.rightsAfter).map(([r, n]) => `${r}=${n}`).join(' '),
    l.event.id,
  ]);
  const n = h.events.length;
  return `${h.account} (escrow): ${n} event${n === 1 ? '' : 's'} in ${h.region}, balance ${h.balance}\n${table(['HLC', 'ORIGIN', 'KIND', 'PAYLOAD', 'OUTCOME', 'BALANCE AFTER', 'RIGHTS AFTER', 'ID'], rows)}`;
}
