/**
 * Response shapes of the regional HTTP API (DESIGN.md section 2), as the client sees them. Pure
 * types, all taken from the service that answers them (`shared/app/region-service.ts`) and the
 * ports and domain behind it, so a client and a handler cannot drift: a field renamed or retyped
 * there is renamed or retyped here.
 *
 * Where the client reads an answer more tolerantly than the service writes it (the list readers of
 * `./shape.ts`, a write answered without its receipt), the fields it can do without are marked
 * optional with {@link Tolerant} — optional, never different.
 *
 * @example
 * ```ts
 * import type { KeyView } from './types.ts';
 * const show = (v: KeyView) => `${v.key} = ${JSON.stringify(v.value)}${v.conflict ? ' (conflict)' : ''}`;
 * ```
 */
import type * as Service from '../app/region-service.ts';
import type { MeshEvent, StoredEvent } from '../domain/types.ts';

export type {
  AccountCreation,
  AccountHistoryEntry,
  EscrowBounceView,
  EscrowHistory,
  EscrowHistoryEntry,
  EscrowListing,
  EscrowRegionView,
  EscrowSummary,
  RebalancingEntry,
  RebalancingHistory,
  AccountList,
  AccountListing,
  HeadsPage,
  KeyList,
  KeyListing,
  LinkLag,
  LinkStatus,
} from '../app/region-service.ts';
export type { LinkState } from '../ports/link-control.ts';

/**
 * `T` with the keys `K` optional: what the client accepts a region leaving out.
 *
 * @example
 * ```ts
 * type Loose = Tolerant<{ a: number; b: string }, 'b'>; // { a: number; b?: string }
 * ```
 */
export type Tolerant<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/** `GET /kv/{key}`: the register view; the paging fields are new, so an older region may leave them out. */
export type KeyView = Tolerant<Service.KeyView, 'headCount' | 'version'>;

/** 201 answer of every write (`PUT`/`DELETE /kv`, resolve, deposit, withdraw). */
export type WriteResult = Tolerant<Service.WriteResult, 'receipt' | 'region'>;

/** One event with the answering region's receipt (a bare event when a listing has no receipt). */
export type HistoryEntry = Tolerant<StoredEvent, 'receipt'>;

/** `GET /kv/{key}/history`: the key's events in total order. */
export type KeyHistory = Omit<Service.KeyHistory, 'events'> & { readonly events: readonly HistoryEntry[] };

/** `GET /accounts/{id}` of a plain account: balance, bounced withdrawals and reversed decisions. */
export type AccountSummary = Tolerant<Service.AccountSummary, 'deposited' | 'withdrawn' | 'heads' | 'mode' | 'modes' | 'bouncedCount' | 'version'>;

/** `GET /accounts/{id}`: a plain account's summary, or an escrow account's (`mode: 'escrow'`). */
export type AnyAccountSummary = AccountSummary | Service.EscrowSummary;

/** `GET /accounts/{id}/history` of a plain account; `mode` is new, so an older region may leave it out. */
export type AccountHistory = Tolerant<Service.AccountHistory, 'mode'>;

/** `GET /events/{id}`: the event, this region's receipt, and what it knows of the ancestry. */
export type EventDetail = Tolerant<Service.EventDetail, 'receipt' | 'parents' | 'trail'>;

/** One conflicting key of `GET /conflicts`; a bare key list gives no heads, and heads may be bare ids. */
export type ConflictEntry = Omit<Service.ConflictList['conflicts'][number], 'heads' | 'headCount'> & {
  readonly heads?: readonly (MeshEvent | string)[];
  readonly headCount?: number;
};

/** `GET /conflicts`: the keys with more than one head in this region. */
export type ConflictList = Omit<Service.ConflictList, 'conflicts'> & { readonly conflicts: readonly ConflictEntry[] };

/** `GET /status`: region, peers, per-link state, and (when answered) the event count and digest. */
export type RegionStatus = Tolerant<Service.RegionStatus, 'events' | 'digest' | 'refused'>;
