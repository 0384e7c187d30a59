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

/** `GET /accounts?prefix=`: a page of the accounts this region holds, by id. */
export interface AccountList {
  readonly region: string;
  readonly accounts: readonly AccountListing[];
  readonly next?: string;
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

/** A link's state in `GET /status`: what the link control reports, plus the lag on inbound links. */
export interface LinkStatus extends LinkState {
  /**
   * Only on links into this region that have delivered at least one batch. Includes clock skew
   * between the regions: see {@link LinkLag}.
   */
  readonly lag?: LinkLag;
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
  readonly events: number;
  readonly digest: Digest;
  /** Events this region refused from peers or repair, by reason (`clock-skew`, `untrusted-origin`), since the table was created. */
  readonly refused: Readonly<Record<string, number>>;
}

/** The state of an account as the fold keeps it (re-exported for clients). */
export type { AccountState };
