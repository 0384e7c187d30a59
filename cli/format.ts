/**
 * Human-readable renderings of the API's answers for the `mesh` command: a conflict is spelled
 * out with its heads and the command that resolves it; bounced and reversed withdrawals are
 * listed, never hidden behind a balance.
 *
 * @example
 * ```ts
 * import { formatKeyView } from './format.ts';
 * console.log(formatKeyView(await client.get('colour')));
 * ```
 */
import type { AccountHistory, AccountSummary, ConflictList, EventDetail, KeyHistory, KeyView, LinkStatus, RegionStatus, WriteResult } from '../shared/client/types.ts';
import type { JsonValue, MeshEvent, Receipt, ReceiptVia } from '../shared/domain/types.ts';
import { fields, table } from './table.ts';

/**
 * A value as JSON, so `"1"` and `1` stay distinguishable; long values are cut.
 *
 * @example
 * ```ts
 * formatValue('1'); // '"1"'
 * ```
 */
export function formatValue(value: JsonValue | undefined, max = 60): string {
  const text = value === undefined ? '' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The first 12 hex digits of an id: enough to tell events apart on a screen.
 *
 * @example
 * ```ts
 * shortId('3f2a9c0d1e2b44…'); // '3f2a9c0d1e2b'
 * ```
 */
export function shortId(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

function eventValue(e: MeshEvent): string {
  return e.kind === 'delete' ? '(deleted)' : formatValue(e.payload);
}

function describeVia(via: ReceiptVia | undefined): string {
  if (!via) return '';
  return via.type === 'local' ? 'local write' : `${via.type} from ${via.peer}`;
}

function formatTime(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString();
}

/**
 * A write's answer: what was written, where, and its event id.
 *
 * @example
 * ```ts
 * formatWrite({ event }); // 'set colour = "blue" in us-east-1\nevent 3f…'
 * ```
 */
export function formatWrite(result: WriteResult): string {
  const e = result.event;
  const what = e.kind === 'delete' ? `deleted ${e.key}` : e.kind === 'deposit' || e.kind === 'withdraw' ? `${e.kind} ${formatValue(e.payload)} on ${e.key}` : `${e.kind} ${e.key} = ${formatValue(e.payload)}`;
  return `${what} in ${e.origin}\nevent ${e.id}${e.parents.length ? `\nparents ${e.parents.join(', ')}` : ''}`;
}

/**
 * `mesh get`: the LWW value, and when the key has several heads, a clear CONFLICT block.
 *
 * @example
 * ```ts
 * formatKeyView(view); // 'key     colour\nvalue   "blue"\n…\nCONFLICT: 2 concurrent heads …'
 * ```
 */
export function formatKeyView(view: KeyView): string {
  const lines = [
    fields([
      ['key', view.key],
      ['value', view.deleted ? '(deleted)' : formatValue(view.value, 200)],
      ['region', view.region],
      ['winner', `${shortId(view.winner.id)} (${view.winner.kind} from ${view.winner.origin} at ${view.winner.hlc})`],
      ['state', view.conflict ? `CONFLICT: ${view.heads.length} concurrent heads` : 'no conflict (one head)'],
    ]),
  ];
  if (view.conflict) {
    lines.push(
      '',
      table(
        ['', 'ORIGIN', 'HLC', 'KIND', 'VALUE', 'HEAD ID'],
        view.heads.map((h) => [h.id === view.winner.id ? '*' : '', h.origin, h.hlc, h.kind, eventValue(h), h.id]),
      ),
      '',
      `* = the value answered now (last writer wins). Resolve with: mesh resolve ${view.key} VALUE`,
    );
  }
  return lines.join('\n');
}

/**
 * `mesh history`: the key's events in total order with this region's receipt.
 *
 * @example
 * ```ts
 * formatHistory(await client.history('colour'));
 * ```
 */
export function formatHistory(history: KeyHistory): string {
  if (history.events.length === 0) return `no events for ${history.key}`;
  const rows = history.events.map(({ event: e, receipt }) => [
    e.hlc,
    e.origin,
    e.kind,
    eventValue(e),
    e.parents.map(shortId).join(',') || '-',
    formatTime(receipt?.receivedAt),
    describeVia(receipt?.via),
    e.id,
  ]);
  const header = `${history.key}: ${history.events.length} event${history.events.length === 1 ? '' : 's'}${history.region ? ` in ${history.region}` : ''}`;
  return `${header}\n${table(['HLC', 'ORIGIN', 'KIND', 'VALUE', 'PARENTS', 'RECEIVED', 'VIA', 'ID'], rows)}`;
}

/**
 * `mesh conflicts`: the conflicting keys and their head counts, or `no conflicts in REGION`.
 *
 * @example
 * ```ts
 * formatConflicts({ region: 'us-east-1', conflicts: [{ key: 'colour', heads: ['a', 'b'] }] });
 * ```
 */
export function formatConflicts(list: ConflictList): string {
  const where = list.region ? ` in ${list.region}` : '';
  if (list.conflicts.length === 0) return `no conflicts${where}`;
  const rows = list.conflicts.map((c) => [c.key, c.heads ? String(c.heads.length) : '?']);
  return `${list.conflicts.length} conflicting key${list.conflicts.length === 1 ? '' : 's'}${where}\n${table(['KEY', 'HEADS'], rows)}`;
}

/**
 * `mesh balance`: the balance, then every bounced withdrawal, marking reversed decisions.
 *
 * @example
 * ```ts
 * formatAccount({ account: 'alice', balance: 70, bounced: [], reversed: [], region: 'us-east-1' });
 * ```
 */
export function formatAccount(summary: AccountSummary): string {
  const lines = [fields([['account', summary.account], ['balance', String(summary.balance)], ['region', summary.region]])];
  const reversedIds = new Set(summary.reversed.map((r) => r.event.id));
  if (summary.bounced.length > 0) {
    lines.push(
      '',
      `bounced withdrawals (${summary.bounced.length}): kept, not applied`,
      table(
        ['AMOUNT', 'BALANCE BEFORE', 'ORIGIN', 'HLC', 'REVERSED', 'ID'],
        summary.bounced.map((b) => [String(b.amount), String(b.balanceBefore), b.event.origin, b.event.hlc, reversedIds.has(b.event.id) ? 'yes' : 'no', b.event.id]),
      ),
    );
  } else {
    lines.push('', 'bounced withdrawals: none');
  }
  if (summary.reversed.length > 0) {
    lines.push(
      '',
      `REVERSED DECISIONS (${summary.reversed.length}): accepted on a balance that the merged history cancels`,
      table(
        ['AMOUNT', 'ACCEPTED BY', 'MERGED BALANCE BEFORE', 'ID'],
        summary.reversed.map((r) => [String(r.amount), r.acceptedBy, String(r.balanceBefore), r.event.id]),
      ),
    );
  } else {
    lines.push('reversed decisions: none');
  }
  return lines.join('\n');
}

/**
 * `mesh statement`: the account's money events in total order, what the replay did with each and
 * the balance after it; a bounce is spelled BOUNCED (and `reversed` when its origin had accepted it).
 *
 * @example
 * ```ts
 * formatStatement(await client.accountHistory('alice'));
 * // 'alice: 2 events in eu-west-1, balance 20\nHLC  ORIGIN  KIND  AMOUNT  OUTCOME  BALANCE AFTER  …'
 * ```
 */
export function formatStatement(statement: AccountHistory): string {
  if (statement.events.length === 0) return `no deposits or withdrawals for ${statement.account} in ${statement.region} (balance 0)`;
  const rows = statement.events.map((l) => [
    l.event.hlc,
    l.event.origin,
    l.event.kind,
    String(l.amount),
    l.outcome === 'applied' ? 'applied' : l.reversed ? 'BOUNCED (reversed)' : 'BOUNCED',
    String(l.balanceAfter),
    formatTime(l.receipt.receivedAt),
    describeVia(l.receipt.via),
    l.event.id,
  ]);
  const n = statement.events.length;
  return `${statement.account}: ${n} event${n === 1 ? '' : 's'} in ${statement.region}, balance ${statement.balance}\n${table(
    ['HLC', 'ORIGIN', 'KIND', 'AMOUNT', 'OUTCOME', 'BALANCE AFTER', 'RECEIVED', 'VIA', 'ID'],
    rows,
  )}`;
}

function formatReceipt(receipt: Receipt | undefined): string {
  return receipt ? `${formatTime(receipt.receivedAt)} in ${receipt.region}, ${describeVia(receipt.via)}` : 'none here';
}

/**
 * `mesh event`: the event, this region's receipt, its parents, and the trail when answered.
 *
 * @example
 * ```ts
 * formatEvent(await client.event(id));
 * ```
 */
export function formatEvent(detail: EventDetail): string {
  const e = detail.event;
  const lines = [
    fields([
      ['id', e.id],
      ['kind', e.kind],
      ['key', e.key],
      ['payload', formatValue(e.payload, 200)],
      ['hlc', e.hlc],
      ['origin', e.origin],
      ['parents', e.parents.length ? e.parents.join(', ') : '(none: a root)'],
      ['receipt', formatReceipt(detail.receipt)],
      ['region', detail.region],
    ]),
  ];
  if (detail.trail && detail.trail.length > 0) {
    lines.push(
      '',
      'trail (ancestry in total order)',
      table(
        ['HLC', 'ORIGIN', 'KIND', 'VALUE', 'RECEIPTS', 'MISSING PARENTS', 'ID'],
        detail.trail.map((n) => [
          n.event.hlc,
          n.event.origin,
          n.event.kind,
          eventValue(n.event),
          n.receipts.map((r) => `${r.region}${n.lags[r.region] !== undefined ? ` +${n.lags[r.region]}ms` : ''}`).join(' ') || '-',
          n.missingParents.map(shortId).join(',') || '-',
          n.event.id,
        ]),
      ),
    );
  }
  return lines.join('\n');
}

function linkState(l: LinkStatus): string {
  return l.enabled ? 'up' : 'PARTITIONED';
}

const count = (n: number | undefined): string => (n === undefined ? '-' : String(n));

/**
 * `mesh status`: the region, its peers and the state of every link it reports.
 *
 * @example
 * ```ts
 * formatStatus(await client.status());
 * ```
 */
export function formatStatus(status: RegionStatus): string {
  const refused = Object.entries(status.refused ?? {}).filter(([, n]) => n > 0);
  const lines = [
    fields([
      ['region', status.region],
      ['peers', status.peers.join(', ') || '(none)'],
      ['events', count(status.events)],
      ...(status.inbound === undefined ? [] : [['inbound', inboundText(status.inbound)] as [string, string]]),
      ...(refused.length === 0 ? [] : [['refused', refused.map(([why, n]) => `${n} ${why}`).join(', ')] as [string, string]]),
    ]),
  ];
  if (status.links.length > 0) {
    // BEHIND is how far behind the link is now (the API's staleMs, 0 once nothing waits); LAST BATCH
    // is the lag of the last delivery, which does not decay while nothing is delivered.
    lines.push(
      '',
      table(
        ['FROM', 'TO', 'STATE', 'BACKLOG', 'IN FLIGHT', 'DLQ', 'BEHIND', 'LAST BATCH'],
        status.links.map((l) => [
          l.from,
          l.to,
          l.enabled && l.sync === 'behind' ? 'up, behind' : linkState(l),
          count(l.backlog),
          count(l.inFlight),
          count(l.dlq),
          l.staleMs === undefined ? '-' : `${l.staleMs}ms`,
          l.lag === undefined ? '-' : `${l.lag.lastMs}ms`,
        ]),
      ),
    );
  }
  return lines.join('\n');
}

/** `in sync`, `behind: 3 waiting, up to 800ms`, or `partitioned from a (…); repair still active through b`. */
function inboundText(inbound: NonNullable<RegionStatus['inbound']>): string {
  const waiting = inbound.waiting > 0 ? `${inbound.waiting} waiting${inbound.staleMs === undefined ? '' : `, up to ${inbound.staleMs}ms behind`}` : '';
  const dlq = inbound.dlq > 0 ? `; ${inbound.dlq} in dead-letter queues (repair pulls them)` : '';
  if (inbound.sync === 'partitioned') {
    const repair = inbound.repairThrough.length > 0 ? `repair still active through ${inbound.repairThrough.join(', ')}` : 'no delivery and no repair reach it';
    return `partitioned from ${inbound.partitionedFrom.join(', ')}${waiting ? ` (${waiting})` : ''}; ${repair}${dlq}`;
  }
  if (inbound.sync === 'behind') return `behind: ${waiting}${dlq}`;
  return `in sync: nothing waits on its links${dlq}`;
}

/**
 * `mesh partition` / `mesh heal`: one line per link changed.
 *
 * @example
 * ```ts
 * formatLinks([{ from: 'us-east-1', to: 'eu-west-1', enabled: false }]); // 'us-east-1 -> eu-west-1: PARTITIONED'
 * ```
 */
export function formatLinks(links: readonly LinkStatus[]): string {
  return links.map((l) => `${l.from} -> ${l.to}: ${linkState(l)}`).join('\n');
}
