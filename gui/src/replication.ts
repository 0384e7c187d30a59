/**
 * Replication as the page sees it, from samples of every region's `GET /status` over time:
 * - per directed link, a series of samples — state, messages waiting (backlog + in flight), DLQ,
 *   and the link's lag (the API's `staleMs`, see {@link LAG_DEFINITION}) — for the small charts;
 * - per region, one plain state: in sync / behind by N / partitioned (and whether repair still
 *   reaches it), from its inbound links and its digest against every other region's.
 * Pure: the page adds a sample per refresh; nothing here does I/O.
 *
 * @example
 * ```ts
 * import { ReplicationSeries, linkRows, regionStates } from './replication.ts';
 * const series = new ReplicationSeries();
 * series.add(Date.now(), linkRows(statuses));
 * series.samples('us-east-1', 'eu-west-1').at(-1)?.ageMs; // 0 when nothing waits
 * regionStates(statuses, linkRows(statuses))[1].text;      // 'partitioned from us-east-1 (3 events queued); repair still active through ap-southeast-2'
 * ```
 */
import type { Digest } from '../../shared/domain/types.ts';
import type { LinkStatus, RegionStatus } from '../../shared/client/types.ts';
import { formatDuration, plural } from './format.ts';

/**
 * How the page defines a link's lag, for the API's and the GUI's text alike (the API's own
 * definition is `LinkStatus.staleMs` in `shared/app/answers.ts`).
 *
 * @example
 * ```ts
 * element.title = LAG_DEFINITION;
 * ```
 */
export const LAG_DEFINITION =
  'Lag of a link = how far behind the destination\'s copy of the source\'s events may be, as the destination\'s /status reports it (staleMs): ' +
  '0 when nothing waits on the link (its queue has no message waiting or in flight); otherwise the destination\'s clock now minus the later of ' +
  'the origin clock of the newest event it has received over the link and, while the link is partitioned, the moment it was cut. ' +
  'It grows while a partitioned link holds events and returns to 0 once they are delivered. While delivery keeps its order, no waiting event is older than that, ' +
  'so the figure bounds the age of the oldest undelivered event from above; after a quiet spell on an open link it overstates it, and it includes the clock skew between the two regions. ' +
  'Where a region does not report it, the page estimates it from its own samples (how long it has seen the queue non-empty: a lower bound, marked ≥). ' +
  '"Last batch" is the lag of the last delivered batch: when it was stored minus its newest event\'s origin clock (it does not decay while nothing is delivered).';

/** A link's state as a region's `/status` reports it. */
export type LinkState = LinkStatus;

/** One region's `/status` answer, or why there is none. */
export interface StatusAnswer {
  readonly region: string;
  readonly ok: boolean;
  readonly value?: Omit<RegionStatus, 'links' | 'digest' | 'events'> & { readonly links: readonly LinkState[]; readonly digest?: Digest; readonly events?: number };
}

/**
 * What a region refused from its peers and repair, for people: `refused 3 events from peers
 * (clock-skew 2, untrusted-origin 1)`, or undefined when nothing was refused.
 *
 * @example
 * ```ts
 * refusedText({ 'clock-skew': 2 }); // 'refused 2 events from peers and repair (clock-skew 2)'
 * ```
 */
export function refusedText(refused: Readonly<Record<string, number>> | undefined): string | undefined {
  const reasons = Object.entries(refused ?? {}).filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : 1));
  if (reasons.length === 0) return undefined;
  const total = reasons.reduce((n, [, c]) => n + c, 0);
  return `refused ${plural(total, 'event')} from peers and repair (${reasons.map(([why, n]) => `${why} ${n}`).join(', ')})`;
}

/** One directed link and the state reported for it. */
export interface LinkRow {
  readonly from: string;
  readonly to: string;
  readonly state: LinkState | undefined;
}

/**
 * Every directed link between the regions, with the state reported for it: by its destination
 * (where delivery is switched and its lag measured) when that region answers, else by any.
 *
 * @example
 * ```ts
 * linkRows(statuses); // [{ from: 'us-east-1', to: 'eu-west-1', state: { enabled: true, backlog: 0, … } }, …]
 * ```
 */
export function linkRows(statuses: readonly StatusAnswer[]): LinkRow[] {
  const names = statuses.map((s) => s.region);
  const rows: LinkRow[] = [];
  for (const from of names) {
    for (const to of names) {
      if (from === to) continue;
      const reports = statuses.filter((s) => s.ok).map((s) => ({ by: s.region, link: (s.value?.links ?? []).find((l) => l.from === from && l.to === to) }));
      const best = reports.find((r) => r.by === to && r.link) ?? reports.find((r) => r.link);
      rows.push({ from, to, state: best?.link });
    }
  }
  return rows;
}

/** One sample of a link. */
export interface LinkSample {
  /** When the page took it (ms since the epoch). */
  readonly t: number;
  readonly enabled: boolean | undefined;
  /** Messages waiting: backlog plus in flight; undefined when not reported. */
  readonly pending: number | undefined;
  readonly dlq: number | undefined;
  /** The link's lag (see {@link LAG_DEFINITION}); undefined when unknown. */
  readonly ageMs: number | undefined;
  /** True when `ageMs` is the page's own estimate, a lower bound. */
  readonly estimated: boolean;
  /** The API's lag of the last delivered batch, when reported. */
  readonly lastBatchMs: number | undefined;
}

/**
 * A bounded series of samples per link (the newest `limit`, by default 150: 5 minutes at one
 * sample every 2 s).
 *
 * @example
 * ```ts
 * const series = new ReplicationSeries(3);
 * series.add(1000, rows);
 * series.samples('a', 'b'); // [{ t: 1000, … }]
 * ```
 */
export class ReplicationSeries {
  private readonly byLink = new Map<string, LinkSample[]>();
  /** Per link, when the current unbroken run of "something waits" samples began. */
  private readonly waitingSince = new Map<string, number>();

  constructor(private readonly limit = 150) {}

  /** Adds one sample of every link, taken at `t`. */
  add(t: number, rows: readonly LinkRow[]): void {
    for (const { from, to, state } of rows) {
      const key = `${from}\u0000${to}`;
      const pending = waitingOn(state);
      if (pending !== undefined && pending > 0) {
        if (!this.waitingSince.has(key)) this.waitingSince.set(key, t);
      } else this.waitingSince.delete(key);
      const reported = typeof state?.staleMs === 'number' ? state.staleMs : undefined;
      const since = this.waitingSince.get(key);
      const ageMs = reported ?? (pending === undefined ? undefined : pending === 0 ? 0 : t - (since ?? t));
      const sample: LinkSample = {
        t,
        enabled: state?.enabled,
        pending,
        dlq: state?.dlq,
        ageMs,
        estimated: reported === undefined && pending !== undefined && pending > 0,
        lastBatchMs: state?.lag?.lastMs,
      };
      const list = this.byLink.get(key) ?? [];
      list.push(sample);
      if (list.length > this.limit) list.splice(0, list.length - this.limit);
      this.byLink.set(key, list);
    }
  }

  /** The samples of `from -> to`, oldest first. */
  samples(from: string, to: string): readonly LinkSample[] {
    return this.byLink.get(`${from}\u0000${to}`) ?? [];
  }
}

/**
 * Messages not delivered yet on a link: its `waiting`, else `backlog + inFlight` (the port keeps
 * them apart); undefined when neither is reported.
 *
 * @example
 * ```ts
 * waitingOn({ from: 'a', to: 'b', enabled: true, backlog: 2, inFlight: 1 }); // 3
 * ```
 */
export function waitingOn(state: LinkState | undefined): number | undefined {
  if (state === undefined) return undefined;
  if (typeof state.waiting === 'number') return state.waiting;
  return state.backlog === undefined && state.inFlight === undefined ? undefined : (state.backlog ?? 0) + (state.inFlight ?? 0);
}

/** A region's replication state, in one word and one sentence. */
export interface RegionState {
  readonly region: string;
  readonly kind: 'in-sync' | 'behind' | 'partitioned' | 'unreachable';
  readonly text: string;
  /** Events waiting on the region's inbound links. */
  readonly queued: number;
  /** What the region refused from peers and repair ({@link refusedText}), when anything. */
  readonly refused?: string;
}

/**
 * Each region's state as a receiver of replication:
 * - `behind` with "catching up" while a region that joined the mesh is still backfilling;
 * - `partitioned` when an inbound link is off; repair (anti-entropy) still pulls from the peers
 *   whose links into it are on, and those may hold the cut-off peer's events too;
 * - else `behind` when events wait on its inbound links (by that many), or its digest lacks events
 *   another region holds (by at least the per-bucket difference in counts);
 * - else `in sync`: nothing waits for it (every origin sends it each event directly, so with its
 *   links up, empty and no dead letters it has all that was sent), and no region holds more; a
 *   digest that still differs is then another region's lag, said so.
 *
 * @example
 * ```ts
 * regionStates(statuses, linkRows(statuses)).map((s) => s.text); // ['in sync: nothing waits for it, …', 'behind by 4 events (queued for delivery)', …]
 * ```
 */
export function regionStates(statuses: readonly StatusAnswer[], rows: readonly LinkRow[]): RegionState[] {
  return statuses.map((s): RegionState => {
    if (!s.ok || s.value === undefined) return { region: s.region, kind: 'unreachable', text: 'not answering', queued: 0 };
    const refused = refusedText(s.value.refused);
    const state = receiverState(s.region, s.value, statuses, rows);
    return refused === undefined ? state : { ...state, refused };
  });
}

/** A region's state as a receiver: its links into it, then its digest against the others'. */
function receiverState(region: string, answer: NonNullable<StatusAnswer['value']>, statuses: readonly StatusAnswer[], rows: readonly LinkRow[]): RegionState {
  const own = answer.digest;
  const inbound = rows.filter((r) => r.to === region);
  const cut = inbound.filter((r) => r.state?.enabled === false).map((r) => r.from);
  const open = inbound.filter((r) => r.state?.enabled !== false).map((r) => r.from);
  const queued = inbound.reduce((n, r) => n + (waitingOn(r.state) ?? 0), 0);
  const dlq = inbound.reduce((n, r) => n + (r.state?.dlq ?? 0), 0);
  const dlqNote = dlq > 0 ? `; ${plural(dlq, 'message')} in dead-letter queues` : '';
  const stale = Math.max(0, ...inbound.map((r) => r.state?.staleMs ?? 0));
  const staleNote = queued > 0 && stale > 0 ? `, up to ${formatDuration(stale)} behind` : '';
  if (cut.length > 0) {
    const waiting = queued > 0 ? ` (${plural(queued, 'event')} queued${staleNote})` : '';
    const repair = open.length > 0 ? `; repair still active through ${open.join(', ')}` : '; no delivery and no repair reach it';
    return { region: region, kind: 'partitioned', text: `partitioned from ${cut.join(', ')}${waiting}${repair}${dlqNote}`, queued };
  }
  // A region that joined a running mesh says so on /status until its backfill is done.
  const backfill = answer.backfill;
  if (backfill?.state === 'catching-up') {
    const peers = Object.entries(backfill.peers)
      .map(([peer, p]) => `${peer} ${p.phase === 'copy' ? `${Math.round(p.progress * 100)} % copied (bucket ${p.bucket}/${p.buckets}, ${plural(p.copied, 'event')})` : 'copied, anti-entropy running'}`)
      .join('; ');
    return { region, kind: 'behind', text: `catching up: backfill from ${peers}${dlqNote}`, queued };
  }
  if (queued > 0) return { region: region, kind: 'behind', text: `behind by ${plural(queued, 'event')} (queued for delivery${staleNote})${dlqNote}`, queued };
  const others = statuses.filter((o) => o.region !== region && o.ok && o.value?.digest !== undefined);
  let missing = 0;
  const differing: string[] = [];
  for (const o of others) {
    const d = compareDigests(own, o.value?.digest);
    if (d === undefined) continue;
    if (d.differs) differing.push(o.region);
    missing = Math.max(missing, d.missingAtLeast);
  }
  if (missing > 0) return { region: region, kind: 'behind', text: `behind by ≥ ${plural(missing, 'event')} that ${differing.join(', ')} hold${differing.length === 1 ? 's' : ''} (repair pulls them)${dlqNote}`, queued };
  if (differing.length > 0) {
    // Every link into it is up and empty, and no other region holds more in any bucket: what
    // differs is what the others still lack. (Lost messages would show in a dead-letter queue.)
    if (dlq === 0) return { region: region, kind: 'in-sync', text: `in sync: nothing waits for it; ${differing.join(', ')} still lack${differing.length === 1 ? 's' : ''} some of its events`, queued };
    return { region: region, kind: 'behind', text: `differs from ${differing.join(', ')} (repair reconciles)${dlqNote}`, queued };
  }
  return { region: region, kind: 'in-sync', text: `in sync: nothing waits for it, and it holds what every other region holds${dlqNote}`, queued };
}

/**
 * How `own` compares with `other`: whether any bucket differs, and how many events `other` has
 * beyond `own` at least (per bucket, the excess of its count). Undefined when not comparable.
 *
 * @example
 * ```ts
 * compareDigests({ buckets: 1, entries: [{ count: 1, sum: '7' }] }, { buckets: 1, entries: [{ count: 3, sum: '9' }] });
 * // { differs: true, missingAtLeast: 2 }
 * ```
 */
export function compareDigests(own: Digest | undefined, other: Digest | undefined): { differs: boolean; missingAtLeast: number } | undefined {
  if (own === undefined || other === undefined || own.buckets !== other.buckets) return undefined;
  let differs = false;
  let missingAtLeast = 0;
  other.entries.forEach((theirs, i) => {
    const mine = own.entries[i];
    // Whatever else an entry carries (an XOR, a sum of weights) must match too, not just the count.
    if (mine === undefined || mine.count !== theirs.count || JSON.stringify(mine) !== JSON.stringify(theirs)) {
      differs = true;
      missingAtLeast += Math.max(0, theirs.count - (mine?.count ?? 0));
    }
  });
  return { differs, missingAtLeast };
}
