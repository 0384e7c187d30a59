/**
 * One region's card of an escrow account (the title's badge says the mode): the balance as the sum of every region's
 * rights, what this region may spend now, a table (with bars) of who holds how much and who asks
 * for more, any debit its replay could not cover, and its rebalancing history (transfers and
 * rights requests, newest first) and statement. Every region answers for itself: until they converge, cards
 * may disagree.
 *
 * @example
 * ```ts
 * import { escrowCard } from './escrow-card.ts';
 * card.append(...[escrowCard({ summary, rebalancing: entries, complete: true }, { app, more: () => {} })].flat());
 * ```
 */
import type { EscrowHistoryEntry, EscrowSummary, RebalancingEntry } from '../../../shared/client/types.ts';
import type { App } from '../app.ts';
import { h } from '../dom.ts';
import type { Child } from '../dom.ts';
import { describeEscrowEvent, describeRebalancing, formatRights, formatShare, rightsPicture } from '../escrow.ts';
import { formatHlc } from '../format.ts';
import { eventLink } from './event-link.ts';
import { dataTable } from './table.ts';

/** What one region answered for an escrow account. */
export interface EscrowAnswer {
  readonly summary: EscrowSummary;
  /** Its rebalancing history, newest first. */
  readonly rebalancing: readonly RebalancingEntry[];
  /** False when the history has more pages than were read. */
  readonly complete: boolean;
  /** Its statement: every event in total order, applied or not covered, with the balance and rights after. */
  readonly statement: readonly EscrowHistoryEntry[];
  /** False when the statement has more pages than were read. */
  readonly statementComplete: boolean;
}

export interface EscrowCardOptions {
  readonly app: App;
  /** Reads one more page of the rebalancing history. */
  readonly more: () => void;
  /** Reads one more page of the statement. */
  readonly moreStatement: () => void;
}

/**
 * The card's body (the caller gives the title).
 *
 * @example
 * ```ts
 * h('article', { class: 'card' }, h('h3', {}, region), escrowCard(answer, { app, more }));
 * ```
 */
export function escrowCard(a: EscrowAnswer, options: EscrowCardOptions): Child {
  const s = a.summary;
  const picture = rightsPicture(s);
  return [
    s.modes.includes('plain') ? h('p', { class: 'warn' }, `A plain account of this id exists here too (a mode conflict): every write must name its mode.`) : null,
    h('p', { class: 'balance' }, h('span', { class: 'label' }, 'Balance '), h('strong', {}, String(s.balance)), h('span', { class: 'label' }, ' = the sum of every region\'s rights')),
    picture.balanced ? null : h('p', { class: 'warn' }, `The rights add up to ${picture.sum} here, not the balance: ${s.region}'s view has a gap, which fills as events arrive.`),
    h('p', { class: 'spendable' }, h('span', { class: 'label' }, `Spendable in ${s.region} now `), h('strong', {}, String(s.spendable)), picture.elsewhere > 0 ? h('span', { class: 'label' }, ` (${picture.elsewhere} held by other regions)`) : null),
    h('p', { class: 'hint' }, `deposited ${s.deposited}, withdrawn ${s.withdrawn}, rights moved between regions ${s.transferred}`),
    dataTable({
      caption: 'Rights per region',
      props: { 'data-region': s.region, 'data-table': 'rights' },
      className: 'compact rights',
      columns: [{ label: 'Region', rowHeader: true }, { label: 'Rights', num: true }, { label: 'Share' }, { label: 'Wants', num: true }],
      rows: picture.rows.map((r) => ({
        props: { 'data-holder': r.region, class: r.self ? 'self' : null },
        cells: [
          [r.region, r.self ? h('span', { class: 'tag' }, ' (this region)') : null],
          String(r.rights),
          h('span', { class: 'share' }, h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `width: ${(r.share * 100).toFixed(1)}%` })), ` ${formatShare(r.share)}`),
          r.want > 0 ? String(r.want) : '—',
        ],
      })),
    }),
    wantsLine(picture.rows),
    bouncedList(s, options.app),
    rebalancingTable(s.region, a, options),
    statementTable(s.region, a, options),
  ];
}

/** "Asking for rights: eu-west-1 (50)", or that nobody asks. */
function wantsLine(rows: ReturnType<typeof rightsPicture>['rows']): Child {
  const asking = rows.filter((r) => r.want > 0);
  if (asking.length === 0) return h('p', { class: 'hint' }, 'Outstanding rights requests: none');
  return h('p', { class: 'wants' }, h('span', { class: 'label' }, 'Outstanding rights requests: '), asking.map((r, i) => `${i ? ', ' : ''}${r.region} wants ${r.want}`).join(''));
}

/** Debits this region's replay could not cover: a gap in its view (they apply once it fills). */
function bouncedList(s: EscrowSummary, app: App): Child {
  if (s.bounced.length === 0) return null;
  return [
    h('h4', {}, `Not covered in this region's view (${s.bouncedCount})`),
    h('p', { class: 'hint' }, 'A gap in what this region has received; none once it fills.'),
    h(
      'ul',
      { class: 'bounced' },
      s.bounced.map((b) =>
        h(
          'li',
          {},
          `${b.kind === 'escrow-transfer' ? `transfer of ${b.amount} to ${b.to ?? '?'}` : `withdrawal of ${b.amount}`} from ${b.origin} (its rights were ${b.rightsBefore}) · `,
          eventLink(app, b.id),
        ),
      ),
    ),
  ];
}

/** Transfers and rights requests, newest first, each opening its event's trail; "Show more" pages on. */
function rebalancingTable(region: string, a: EscrowAnswer, options: EscrowCardOptions): Child {
  if (a.rebalancing.length === 0) return h('p', { class: 'hint' }, 'Rebalancing: no transfers or rights requests yet');
  const table = dataTable({
    caption: a.complete ? `Rebalancing (${a.rebalancing.length === 1 ? '1 entry' : `${a.rebalancing.length} entries`}, newest first)` : `Rebalancing: the newest ${a.rebalancing.length} entries`,
    props: { 'data-region': region, 'data-table': 'rebalancing' },
    className: 'compact rebalancing',
    columns: [{ label: 'When' }, { label: 'What' }, { label: 'Outcome' }, { label: 'Event' }],
    rows: a.rebalancing.map((e) => ({
      props: { class: e.outcome, 'data-kind': e.kind },
      cells: [
        h('span', { title: e.event.hlc }, formatHlc(e.event.hlc)),
        describeRebalancing(e),
        e.outcome === 'applied' ? 'applied' : h('span', { class: 'badge bad', title: 'not covered in this region\'s view yet' }, 'not covered'),
        eventLink(options.app, e.event.id),
      ],
    })),
  });
  if (a.complete) return table;
  const more = h('button', { type: 'button', class: 'secondary', id: `rebalancing-more-${region}`, onclick: options.more }, 'Show more of the rebalancing history');
  return [table, h('p', { class: 'actions' }, more)];
}

/** Every event in total order: what it did, its outcome here, the balance after it and the rights of the regions it touched. */
function statementTable(region: string, a: EscrowAnswer, options: EscrowCardOptions): Child {
  if (a.statement.length === 0) return h('p', { class: 'hint' }, 'Statement: no events');
  const n = a.statement.length;
  const table = dataTable({
    caption: a.statementComplete ? `Statement (${n === 1 ? '1 event' : `${n} events`})` : `Statement: the first ${n} events`,
    props: { 'data-region': region, 'data-table': 'statement' },
    className: 'compact statement',
    columns: [{ label: 'What' }, { label: 'Outcome' }, { label: 'Balance', num: true }, { label: 'Rights after' }],
    rows: a.statement.map((l) => ({
      props: { class: l.outcome, 'data-kind': l.event.kind },
      cells: [
        h(
          'button',
          { type: 'button', class: 'link', title: `${l.event.kind} at ${formatHlc(l.event.hlc)} (${l.event.hlc})`, 'aria-label': `Show trail of event ${l.event.id}`, onclick: () => options.app.openEvent(l.event.id) },
          describeEscrowEvent(l.event),
        ),
        l.outcome === 'applied' ? 'applied' : h('span', { class: 'badge bad', title: "not covered in this region's view yet" }, 'not covered'),
        String(l.balanceAfter),
        formatRights(l.rightsAfter),
      ],
    })),
  });
  if (a.statementComplete) return table;
  const more = h('button', { type: 'button', class: 'secondary', id: `statement-more-${region}`, onclick: options.moreStatement }, 'Show more of the statement');
  return [table, h('p', { class: 'actions' }, more)];
}
