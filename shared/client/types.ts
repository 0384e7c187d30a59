/**
 * Request and response shapes of the regional HTTP API (DESIGN.md section 2), as the client
 * sees them. Pure types. The domain types are reused so a client and a handler cannot drift.
 *
 * @example
 * ```ts
 * import type { KeyView } from './types.ts';
 * const show = (v: KeyView) => `${v.key} = ${JSON.stringify(v.value)}${v.conflict ? ' (conflict)' : ''}`;
 * ```
 */
import type { Bounce, Digest, JsonValue, MeshEvent, Receipt, Reversal, TrailNode } from '../domain/types.ts';

/** 201 answer of every write (`PUT`/`DELETE /kv`, resolve, deposit, withdraw). */
export interface WriteResult {
  readonly event: MeshEvent;
  /** The accepting region's receipt of the event. */
  readonly receipt?: Receipt;
  /** The region that accepted the write. */
  readonly region?: string;
}

/** `GET /kv/{key}`: the LWW value, and the heads that make a conflict visible. */
export interface KeyView {
  readonly key: string;
  readonly value: JsonValue;
  readonly deleted: boolean;
  readonly conflict: boolean;
  readonly winner: MeshEvent;
  /** The key's heads in total order (more than one = a conflict). */
  readonly heads: readonly MeshEvent[];
  readonly region: string;
}

/** One event with the answering region's receipt. */
export interface HistoryEntry {
  readonly event: MeshEvent;
  readonly receipt?: Receipt;
}

/** `GET /kv/{key}/history`: the key's events in total order. */
export interface KeyHistory {
  readonly key: string;
  readonly region: string;
  readonly events: readonly HistoryEntry[];
}

/** `GET /accounts/{id}`. */
export interface AccountSummary {
  readonly account: string;
  readonly balance: number;
  /** Sum of deposits, and of applied withdrawals. */
  readonly deposited?: number;
  readonly withdrawn?: number;
  /** The account's heads (more than one: writes the regions have not yet seen of each other). */
  readonly heads?: readonly MeshEvent[];
  readonly bounced: readonly Bounce[];
  readonly reversed: readonly Reversal[];
  readonly region: string;
}

/**
 * `GET /accounts/{id}/history`: the account's statement — its deposits and withdrawals in total
 * order, each with the region's receipt, `applied` or `bounced`, and the balance after it.
 * The service's own type, so the two cannot drift.
 */
export type { AccountHistory, AccountHistoryEntry } from '../app/region-service.ts';

/** `GET /events/{id}`: the event, this region's receipt, and what it knows of the ancestry. */
export interface EventDetail {
  readonly event: MeshEvent;
  readonly receipt?: Receipt;
  /** Parent events this region holds (ids it lacks are in `missingParents` of the trail). */
  readonly parents?: readonly (MeshEvent | string)[];
  /** The event's ancestry in total order with every known receipt and lag, when answered. */
  readonly trail?: readonly TrailNode[];
  readonly region: string;
}

/** One conflicting key of `GET /conflicts`. */
export interface ConflictEntry {
  readonly key: string;
  /** The heads, as events or ids, when the handler includes them. */
  readonly heads?: readonly (MeshEvent | string)[];
}

/** `GET /conflicts`: the keys with more than one head in this region. */
export interface ConflictList {
  readonly region: string;
  readonly conflicts: readonly ConflictEntry[];
}

/** State of one directed link `from` → `to` (delivery into `to`). */
export interface LinkStatus {
  readonly from: string;
  readonly to: string;
  readonly enabled: boolean;
  /** Messages waiting in the inbound queue. */
  readonly backlog?: number;
  readonly inFlight?: number;
  /** Messages in the link's dead-letter queue. */
  readonly dlq?: number;
  /** Last delivery over the link, on links into the answering region that delivered something. */
  readonly lag?: LinkLag;
}

/**
 * The last delivery over an inbound link. `lastMs` is the receiver's clock minus the origin's HLC
 * wall time of the newest event delivered, so it includes the clock skew between the regions.
 */
export interface LinkLag {
  /** Lag of the last batch in ms (clock skew included; may be negative). */
  readonly lastMs: number;
  /** When the last batch was stored, by the receiver's clock (ms since the epoch). */
  readonly at: number;
  /** Origin wall time of the newest event of that batch (ms since the epoch). */
  readonly originAt: number;
  /** Events delivered over the link so far. */
  readonly events: number;
}

/** `GET /status`. */
export interface RegionStatus {
  readonly region: string;
  readonly peers: readonly string[];
  readonly links: readonly LinkStatus[];
  /** Number of events stored in this region. */
  readonly events?: number;
  readonly digest?: Digest;
}
