/**
 * What each route of the regional API answers (DESIGN.md §2): pure types, shared by the service
 * that builds them and the client that reads them (`shared/client/types.ts`).
 *
 * Every list is a page: its items, and `next` — an opaque cursor to pass back as `?cursor=` —
 * when there is more.
 *
 * @example
 * ```ts
 * import type { KeyView } from './answers.ts';
 * const show = (v: KeyView) => `${v.key} = ${JSON.stringify(v.value)}${v.conflict ? ' (conflict)' : ''}`;
 * ```
 */
import type { AccountMode } from '../domain/account-mode.ts';
import type { AccountState, Bounce, Digest, MeshEvent, Receipt, RegisterView, Reversal, StatementLine, StoredEvent, TrailNode } from '../domain/types.ts';
import type { LinkState } from '../ports/link-control.ts';

/** What every write route answers (201). `event` is the write's event (the last one of a chain over many heads). */
export interface WriteResult {
  readonly event: MeshEvent;
  readonly receipt: Receipt;
  readonly region: string;
  /** When the write had to cover more heads than one event may name: every event of its chain, in order. */
  readonly chain?: readonly MeshEvent[];
}

/**
 * `GET /kv/{key}`: the register view. `heads` is the newest heads (the winner always among them)
 * within a page's budget; `headCount` says how many there are, `headsNext` pages the rest
 * (`GET /kv/{key}/heads?cursor=`). `version` counts the key's events here; a resolve may name it
 * instead of the heads.
 */
export interface KeyView extends RegisterView {
  readonly region: string;
  readonly headCount: number;
  readonly version: number;
  readonly headsNext?: string;
  /** When this region saw the key fork (its wall ms), while it is in conflict. */
  readonly conflictSince?: number;
}

/** `GET /kv/{key}/heads`: a page of the key's heads, newest first. */
export interface HeadsPage {
  readonly key: string;
  readonly region: string;
  readonly headCount: number;
  readonly heads: readonly MeshEvent[];
  readonly next?: string;
}

/** `GET /kv/{key}/history`: a page of the key's events in total order (`?order=desc`: newest first). */
export interface KeyHistory {
  readonly key: string;
  readonly region: string;
  readonly events: readonly StoredEvent[];
  readonly next?: string;
}

/** One key of `GET /kv`. */
export interface KeyListing {
  readonly key: string;
  readonly headCount: number;
  readonly conflict: boolean;
  readonly version: number;
  readonly updatedAt?: number;
  readonly conflictSince?: number;
}

/** `GET /kv?prefix=`: a page of the keys this region holds, by key. */
export interface KeyList {
  readonly region: string;
  readonly keys: readonly KeyListing[];
  readonly next?: string;
}

/**
 * `GET /accounts/{id}`: the account's folded state, read from its snapshot (no replay). `bounced`
 * and `reversed` list the newest bounces (`bouncedCount` counts them all; the statement lists all).
 */
export interface AccountSummary {
  readonly account: string;
  readonly mode: 'plain';
  /** The modes this id is held in here: both during a mode conflict (see `docs/escrow.md`), none for an unknown id. */
  readonly modes: readonly AccountMode[];
  readonly balance: number;
  readonly deposited: number;
  /** Sum of applied withdrawals. */
  readonly withdrawn: number;
  readonly bouncedCount: number;
  readonly bounced: readonly Bounce[];
  readonly reversed: readonly Reversal[];
  /** The account's heads: the parents of its next money write. */
  readonly heads: readonly MeshEvent[];
  readonly version: number;
  readonly region: string;
}

/** One account of `GET /accounts`. */
export interface AccountListing {
  readonly account: string;
  readonly mode: 'plain';
  readonly balance: number;
  readonly bouncedCount: number;
  readonly version: number;
  readonly updatedAt?: number;
}

/** One escrow account of `GET /accounts`: its balance and each region's rights. */
export interface EscrowListing {
  readonly account: string;
  readonly mode: 'escrow';
  readonly balance: number;
  readonly rights: Readonly<Record<string, number>>;
  readonly bouncedCount: number;
  readonly version: number;
  readonly updatedAt?: number;
}

/** `GET /accounts?prefix=`: a page of the accounts this region holds — the plain ones by id, then the escrow ones by id. */
export interface AccountList {
  readonly region: string;
  readonly accounts: readonly (AccountListing | EscrowListing)[];
  readonly next?: string;
}

/** One region's share of an escrow account in `GET /accounts/{id}`. `target` is what the rebalancer moves its rights toward. */
export interface EscrowRegionView {
  readonly region: string;
  readonly rights: number;
  /** The rights it last asked for (`escrow-request`); 0 when it asks for none. */
  readonly want: number;
  readonly target: number;
  readonly deposited: number;
  readonly withdrawn: number;
  readonly sent: number;
  readonly received: number;
}

/** A debit an escrow account's replay here could not cover (a gap in this region's view; none once it fills). */
export interface EscrowBounceView {
  readonly id: string;
  readonly kind: 'escrow-withdraw' | 'escrow-transfer';
  readonly origin: string;
  readonly amount: number;
  readonly to?: string;
  readonly rightsBefore: number;
  readonly reason: 'insufficient-rights';
}

/**
 * `GET /accounts/{id}` of an escrow account, from its snapshot: the balance, each region's
 * rights (every region of the mesh), wants and targets, and `spendable`, what a withdrawal in
 * this region may take now (its provable rights).
 */
export interface EscrowSummary {
  readonly account: string;
  readonly mode: 'escrow';
  readonly modes: readonly AccountMode[];
  /** An `escrow-open` is among its events (an account may also start with a deposit). */
  readonly opened: boolean;
  readonly balance: number;
  readonly deposited: number;
  readonly withdrawn: number;
  /** Rights moved between regions so far (the balance does not change). */
  readonly transferred: number;
  readonly rights: Readonly<Record<string, number>>;
  /** The regions asking for rights, with their wants. */
  readonly wants: Readonly<Record<string, number>>;
  readonly regions: readonly EscrowRegionView[];
  readonly spendable: number;
  readonly bouncedCount: number;
  readonly bounced: readonly EscrowBounceView[];
  readonly heads: readonly MeshEvent[];
  readonly version: number;
  readonly region: string;
}

/**
 * `POST /accounts/{id}` `{"mode"}`: 201 with the `escrow-open` written, or 200 with the account as
 * it stands (an escrow account that exists already, or a plain one: its first deposit creates it).
 */
export type AccountCreation = ({ readonly created: true } & WriteResult) | { readonly created: false; readonly account: EscrowSummary | AccountSummary; readonly region: string };

/** One line of an escrow statement: the event, this region's receipt, its outcome, the balance and the rights it touched after it. */
export interface EscrowHistoryEntry extends StoredEvent {
  readonly outcome: 'applied' | 'bounced';
  readonly balanceAfter: number;
  readonly rightsAfter: Readonly<Record<string, number>>;
}

/** `GET /accounts/{id}/history` of an escrow account: a page of its statement from the first event. */
export interface EscrowHistory {
  readonly account: string;
  readonly mode: 'escrow';
  readonly balance: number;
  readonly region: string;
  readonly events: readonly EscrowHistoryEntry[];
  readonly next?: string;
}

/** One entry of the rebalancing history: a transfer of rights or a rights request, with this region's receipt. */
export interface RebalancingEntry extends StoredEvent {
  readonly kind: 'transfer' | 'request';
  /** The region that sent the rights or asked for them. */
  readonly from: string;
  readonly to?: string;
  readonly amount?: number;
  readonly want?: number;
  readonly outcome: 'applied' | 'bounced';
}

/** `GET /accounts/{id}/rebalancing`: a page of transfers and requests, newest first; `scanned` events were read for it. */
export interface RebalancingHistory {
  readonly account: string;
  readonly region: string;
  readonly entries: readonly RebalancingEntry[];
  readonly scanned: number;
  readonly next?: string;
}

/** What the rebalancer wrote for one account: its new want, if any, and its transfers. */
export interface RebalanceOutcome {
  readonly account: string;
  readonly requested?: number;
  readonly transfers: readonly { readonly to: string; readonly amount: number; readonly id: string }[];
}

/** One scheduler tick of a region (the rebalance function's answer). `complete: false` when its deadline cut it short. */
export interface TickReport {
  readonly region: string;
  readonly reachable: readonly string[];
  readonly accounts: number;
  readonly requests: number;
  readonly transfers: number;
  /** Rights moved by those transfers. */
  readonly moved: number;
  readonly errors: readonly { readonly account: string; readonly error: string }[];
  readonly complete: boolean;
}

/** One line of `GET /accounts/{id}/history`: the event, this region's receipt, and what the fold did with it. */
export interface AccountHistoryEntry extends StoredEvent, StatementLine {}

/**
 * `GET /accounts/{id}/history`: a page of the account's statement, money events in total order
 * from the first; empty (balance 0) for an account with no event here. `balance` is the
 * account's balance now, whatever the page.
 */
export interface AccountHistory {
  readonly account: string;
  readonly mode: 'plain';
  readonly balance: number;
  readonly region: string;
  readonly events: readonly AccountHistoryEntry[];
  readonly next?: string;
}

/** `GET /events/{id}`: parents are events where known here, bare ids where not (gaps). */
export interface EventDetail {
  readonly event: MeshEvent;
  readonly receipt: Receipt;
  readonly parents: readonly (MeshEvent | string)[];
  /** The event's ancestry known here (at most the route's bound), with this region's receipts. */
  readonly trail: readonly TrailNode[];
  readonly region: string;
}

/** One key of `GET /conflicts`: its newest heads (values included), how many, and since when. */
export interface ConflictEntry {
  readonly key: string;
  readonly heads: readonly MeshEvent[];
  readonly headCount: number;
  /** When this region saw the key fork (its wall ms). */
  readonly since?: number;
}

/** `GET /conflicts`: a page of the register keys with more than one head here. */
export interface ConflictList {
  readonly region: string;
  readonly conflicts: readonly ConflictEntry[];
  readonly next?: string;
}

/**
 * The last delivery over an inbound link, as `GET /status` shows it.
 *
 * `lastMs` is this region's wall clock when the last batch was stored minus the origin's HLC wall
 * time of that batch's newest event. It therefore includes the clock skew between the two regions
 * (it can even be negative): a measure of how stale the link looks from here, not a network delay.
 *
 * @example
 * ```ts
 * const lag: LinkLag = { lastMs: 250, at: 1_732_600_000_250, originAt: 1_732_600_000_000, events: 42 };
 * ```
 */
export interface LinkLag {
  /** Lag of the last batch (ms): receiver's clock minus the newest event's origin wall time, skew included. */
  readonly lastMs: number;
  /** When the last batch was stored, by this region's wall clock (ms since the epoch). */
  readonly at: number;
  /** Origin wall time (HLC wall part) of the newest event of that batch (ms since the epoch). */
  readonly originAt: number;
  /** Events delivered over the link so far (every recorded batch). */
  readonly events: number;
}

/**
 * Where a link into this region stands: `partitioned` when its delivery is off (events wait in its
 * queue; repair still pulls from the peers whose links into this region are on), else `behind`
 * when events wait on it (`waiting` > 0), else `in-sync`: nothing waits to be delivered over it.
 */
export type LinkSync = 'in-sync' | 'behind' | 'partitioned';

/**
 * A link's state in `GET /status`: what the link control reports (`backlog` and `inFlight` apart,
 * see {@link LinkState}), plus, on links into this region, the lag of the last delivery and how
 * far behind the link is now.
 *
 * @example
 * ```ts
 * const cut: LinkStatus = { from: 'us-east-1', to: 'eu-west-1', enabled: false, backlog: 4, inFlight: 0, dlq: 0,
 *   waiting: 4, staleMs: 9_500, sync: 'partitioned' };
 * ```
 */
export interface LinkStatus extends LinkState {
  /**
   * Only on links into this region that have delivered at least one batch. Includes clock skew
   * between the regions: see {@link LinkLag}. It is the lag of the last batch, so it does not
   * decay while nothing is delivered: `staleMs` does.
   */
  readonly lag?: LinkLag;
  /** On links into this region: messages not delivered yet, `backlog + inFlight`. Absent when the link control reports no queue depths. */
  readonly waiting?: number;
  /**
   * On links into this region: how far behind this region's copy of `from`'s events may be, in ms.
   * - 0 when nothing waits (`backlog` and `inFlight` both 0);
   * - else this region's wall clock now minus the later of (a) the origin time (HLC wall) of the
   *   newest event of the last batch delivered over the link (`lag.originAt`) and (b), while the
   *   link is partitioned, when it was cut (`changedAt`).
   * So it grows while events wait on a cut link, and returns to 0 once they are delivered. While
   * delivery keeps its order, no waiting event was sent before (a), nor (give or take one delivery)
   * before a cut: the figure bounds the age of the oldest undelivered message from above. It
   * overstates it for an open link after a quiet spell (the last delivered event may be much older
   * than what waits now), and it includes the clock skew between the two regions (a). In AWS the
   * exact age of the oldest message is CloudWatch's `ApproximateAgeOfOldestMessage` of the link's
   * queue (see docs/deploy.md). Absent when the link control reports no queue depths, or when events
   * wait on a link that never delivered and was never switched (nothing to measure from).
   */
  readonly staleMs?: number;
  /** On links into this region: see {@link LinkSync}. Absent when an open link's queue depths are unknown. */
  readonly sync?: LinkSync;
}

/**
 * `GET /status` → `inbound`: this region as a receiver, from its links alone. `in-sync` says
 * nothing waits on any link into it; whether another region holds events it lacks (a message lost
 * to a dead-letter queue, which repair pulls) shows only against the peers' digests.
 *
 * @example
 * ```ts
 * const s: InboundSync = { sync: 'partitioned', waiting: 4, dlq: 0, partitionedFrom: ['us-east-1'], repairThrough: ['ap-southeast-2'], staleMs: 9_500 };
 * ```
 */
export interface InboundSync {
  /** `partitioned` when any link into this region is off, else `behind` when any has events waiting, else `in-sync`. */
  readonly sync: LinkSync;
  /** Messages waiting on every link into this region together. */
  readonly waiting: number;
  /** Messages in the dead-letter queues of the links into this region: lost to delivery, left to repair. */
  readonly dlq: number;
  /** Peers whose delivery into this region is off. */
  readonly partitionedFrom: readonly string[];
  /**
   * While partitioned: the peers whose links into this region are on. Repair (anti-entropy) pulls
   * from them, and they may hold the cut-off peers' events; empty when nothing reaches this region.
   */
  readonly repairThrough: readonly string[];
  /** The largest `staleMs` of the links into this region (absent when none is known). */
  readonly staleMs?: number;
}

/** `GET /status`. */
export interface RegionStatus {
  readonly region: string;
  readonly peers: readonly string[];
  readonly links: readonly LinkStatus[];
  /** Why `links` is empty when the link control could not answer. */
  readonly linksError?: string;
  /** Why the links carry no lag when the store could not answer. */
  readonly lagError?: string;
  /** This region as a receiver, from its links (absent when the link control could not answer). */
  readonly inbound?: InboundSync;
  readonly events: number;
  readonly digest: Digest;
  /** Events this region refused from peers or repair, by reason (`clock-skew`, `untrusted-origin`), since the table was created. */
  readonly refused: Readonly<Record<string, number>>;
  /** Only in a region that joined a running mesh: its backfill from its peers (see {@link BackfillStatus}). */
  readonly backfill?: BackfillStatus;
}

/**
 * A joining region's backfill in `GET /status`: `catching-up` until every peer's copy and the
 * anti-entropy run after it are done. While catching up the region serves reads and writes, but
 * may not hold every older event yet (like a region coming back from a partition).
 *
 * @example
 * ```ts
 * const b: BackfillStatus = { state: 'catching-up', peers: { 'eu-west-1': { phase: 'copy', bucket: 12, buckets: 64, progress: 0.1875, read: 1200, copied: 1180, startedAt: 1, updatedAt: 2 } } };
 * ```
 */
export interface BackfillStatus {
  readonly state: 'catching-up' | 'done';
  /** By source peer. */
  readonly peers: Readonly<Record<string, BackfillPeerStatus>>;
}

/** One peer's backfill: where the copy is (`bucket` of `buckets`), what it read and stored, when. */
export interface BackfillPeerStatus {
  readonly phase: 'copy' | 'repair' | 'done';
  readonly bucket: number;
  readonly buckets: number;
  /** Share of the copy done, 0..1 (buckets hold about as many events each): 1 from the repair phase on. */
  readonly progress: number;
  /** Events read from the peer, and stored here by the backfill (the rest had arrived already). */
  readonly read: number;
  readonly copied: number;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly finishedAt?: number;
}

/** The state of an account as the fold keeps it (re-exported for clients). */
export type { AccountState };
