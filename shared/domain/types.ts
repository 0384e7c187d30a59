/**
 * The mesh's data shapes. Pure types: no behaviour lives here.
 *
 * @example
 * ```ts
 * import type { MeshEvent } from './types.ts';
 * const e: MeshEvent = {
 *   id: '…64 hex…', kind: 'set', key: 'colour', payload: 'blue',
 *   hlc: '000001732600000000-00000', origin: 'us-east-1', parents: [],
 * };
 * ```
 */

/** JSON value, as carried in `set` and `resolve` payloads. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** Register kinds act on a key's value; money kinds act on an account's balance. */
export type RegisterKind = 'set' | 'delete' | 'resolve';
export type MoneyKind = 'deposit' | 'withdraw';
/** Escrow kinds act on an escrow account's rights (payloads: see `escrow-event.ts`). */
export type EscrowKind = 'escrow-open' | 'escrow-deposit' | 'escrow-withdraw' | 'escrow-transfer' | 'escrow-request';
export type EventKind = RegisterKind | MoneyKind | EscrowKind;

/** Every field of an event except its id: what the id hashes. */
export interface UnsignedEvent {
  readonly kind: EventKind;
  /** Register key, or account id for money kinds. */
  readonly key: string;
  /** JSON value for set/resolve, `null` for delete, positive safe integer (minor units) for money. */
  readonly payload: JsonValue;
  /** Hybrid logical clock stamp: fixed width, sorts lexicographically. */
  readonly hlc: string;
  /** Region that accepted the write. */
  readonly origin: string;
  /** Ids of the key's heads the origin saw when accepting (sorted ascending, unique). */
  readonly parents: readonly string[];
}

/** An immutable, content-addressed event. `id` = SHA-256 hex of the canonical encoding of the rest. */
export interface MeshEvent extends UnsignedEvent {
  readonly id: string;
}

/** How an event reached a region. */
export type ReceiptVia =
  | { readonly type: 'local' }
  | { readonly type: 'peer'; readonly peer: string }
  | { readonly type: 'repair'; readonly peer: string };

/** One region's own record of when and how an event arrived there. */
export interface Receipt {
  readonly eventId: string;
  readonly region: string;
  /** Wall-clock ms since epoch at the receiving region. */
  readonly receivedAt: number;
  readonly via: ReceiptVia;
}

/** An event together with the reading region's receipt. */
export interface StoredEvent {
  readonly event: MeshEvent;
  readonly receipt: Receipt;
}

/** Resolved state of a register key from a set of its events. */
export interface RegisterView {
  readonly key: string;
  /** Payload of the LWW winner, `null` when the winner is a delete. */
  readonly value: JsonValue;
  readonly deleted: boolean;
  /** More than one head. */
  readonly conflict: boolean;
  /** The greatest event in total order (always one of the heads). */
  readonly winner: MeshEvent;
  /** Events no other event of the key names as a parent, in total order. */
  readonly heads: readonly MeshEvent[];
}

/** Why a money event was not applied. */
export interface Bounce {
  readonly event: MeshEvent;
  readonly amount: number;
  /** Balance just before this event in the fold. */
  readonly balanceBefore: number;
  /**
   * `insufficient-funds`: a withdrawal the balance could not cover at its place in the order;
   * `limit-exceeded`: a deposit that would take the cumulative deposits past Number.MAX_SAFE_INTEGER.
   */
  readonly reason: 'insufficient-funds' | 'limit-exceeded';
}

/**
 * A bounce seen as the decision it reverses: its origin had accepted it on the view it had (a
 * region refuses, storing nothing, what its own view cannot take), and the merged order says no.
 */
export interface Reversal extends Bounce {
  /** The region whose yes became a no: the event's origin. */
  readonly acceptedBy: string;
}

/** A bounce as the account fold keeps it: the event's identity, not its body. */
export interface BounceRecord {
  readonly id: string;
  readonly kind: MoneyKind;
  readonly hlc: string;
  readonly origin: string;
  readonly amount: number;
  readonly balanceBefore: number;
  readonly reason: Bounce['reason'];
}

/**
 * The state of the plain-account fold (`bank.ts`): exact totals (never above
 * Number.MAX_SAFE_INTEGER), counts, and the newest few bounces. Plain JSON: stored beside the account.
 */
export interface AccountState {
  readonly balance: number;
  readonly deposited: number;
  /** Sum of applied withdrawals. */
  readonly withdrawn: number;
  /** Money events applied. */
  readonly applied: number;
  /** Money events bounced. */
  readonly bounced: number;
  /** The newest bounces in total order (at most `RECENT_BOUNCES`). */
  readonly recentBounces: readonly BounceRecord[];
}

/** Replayed state of an account. */
export interface AccountView {
  readonly account: string;
  readonly balance: number;
  readonly deposited: number;
  /** Sum of applied withdrawals. */
  readonly withdrawn: number;
  readonly applied: readonly MeshEvent[];
  readonly bounced: readonly Bounce[];
  readonly reversed: readonly Reversal[];
  /** Heads of the account's events (parents for the next write). */
  readonly heads: readonly MeshEvent[];
}

/**
 * One line of an account statement: a money event, what the replay in total order did with it,
 * and the balance after it.
 */
export interface StatementLine {
  readonly event: MeshEvent;
  /** The event's amount (its payload), in minor units. */
  readonly amount: number;
  /** `bounced`: kept, not applied (see {@link Bounce} for why). */
  readonly outcome: 'applied' | 'bounced';
  /** Balance after this event; a bounced withdrawal leaves it unchanged. */
  readonly balanceAfter: number;
  /** A bounce is always a decision its origin had taken (see {@link Reversal}). */
  readonly reversed: boolean;
}

/** A node of an event's trail: the event, and every receipt known for it. */
export interface TrailNode {
  readonly event: MeshEvent;
  readonly receipts: readonly Receipt[];
  /** Parent ids that are not among the known events (gaps). */
  readonly missingParents: readonly string[];
  /** Per receipt: ms between the origin's receipt and this one, when both are known. */
  readonly lags: Readonly<Record<string, number>>;
}

/** Per-bucket digests of a region's event ids. */
export interface Digest {
  /** Number of buckets; digests with different counts are not comparable. */
  readonly buckets: number;
  /** One entry per bucket: a count and a weight sum of its ids, so order never matters. */
  readonly entries: readonly DigestEntry[];
}

export interface DigestEntry {
  readonly count: number;
  /** Sum of the bucket's id weights (`digestWeight`), as a decimal integer string. */
  readonly sum: string;
}
