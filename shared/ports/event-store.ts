/**
 * The port every region stores its events through: an append-only, idempotent event store that
 * keeps, beside each stream, the little a writer or a reader needs — the heads as positions, a
 * version, and for accounts the fold snapshot — so no write and no read scans a history.
 *
 * - A local write is `stateOf` (one read) then `appendOn` (one conditional write of the events,
 *   the new state and the digest counters together).
 * - Ingest and repair hand whole batches to `appendBatch`: one read and one write per batch,
 *   whatever the number of streams or events, a child before its parent included.
 *
 * Implementations: `shared/adapters/dynamo/` (DynamoDB, the real one) and
 * `shared/adapters/memory-event-store.ts` (unit tests). Both pass `test/support/event-store-contract.ts`.
 *
 * @example
 * ```ts
 * import type { EventStore } from './event-store.ts';
 * async function write(store: EventStore, e: MeshEvent) {
 *   const state = await store.stateOf(streamOf(e));
 *   const [receipt] = await store.appendOn(state, [e]); // HeadsMovedError if the stream moved
 * }
 * ```
 */
import type { FoldSnapshot } from '../domain/fold.ts';
import type { HeadPosition } from '../domain/heads.ts';
import type { Digest, MeshEvent, Receipt, ReceiptVia, StoredEvent } from '../domain/types.ts';
import type { BackfillProgress } from './backfill-progress.ts';
import type { DeliveryBatch, LinkDelivery } from './link-delivery.ts';
import type { StreamId } from './stream.ts';

export type { StreamId } from './stream.ts';
export type { DeliveryBatch, LinkDelivery } from './link-delivery.ts';
export type { BackfillPhase, BackfillProgress } from './backfill-progress.ts';
export { HeadsMovedError } from './heads-moved-error.ts';

/** Outcome of appending one event. A duplicate is not an error: it returns the receipt stored first. */
export interface AppendResult {
  readonly status: 'stored' | 'duplicate';
  readonly receipt: Receipt;
}

/** One event of a batch and how it reached this region. */
export interface Arrival {
  readonly event: MeshEvent;
  readonly via: ReceiptVia;
}

/**
 * What a region keeps beside a stream. `version` counts the events stored in the stream (0: none)
 * and guards local writes (optimistic concurrency).
 */
export interface StreamState {
  readonly stream: StreamId;
  /** The heads' positions (`hlc#origin#id`), in total order. */
  readonly heads: readonly HeadPosition[];
  readonly version: number;
  /** When this region saw the stream go from one head to several (its wall ms), while it has several. */
  readonly conflictSince?: number;
  /** This region's wall ms of the last stored event. */
  readonly updatedAt?: number;
  /** The fold snapshot of an account stream (absent for registers). */
  readonly snapshot?: FoldSnapshot<unknown>;
}

/** A page of a list, and the opaque cursor of the next page (absent on the last). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string;
}

/** Where a page starts and how long it is. `cursor` is a `next` from the previous page. */
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

export interface EventStore {
  /** The region this store belongs to (written into receipts). */
  readonly region: string;

  /** The stream's state, read consistently; version 0 and no heads for a stream with no event. */
  stateOf(stream: StreamId): Promise<StreamState>;

  /**
   * Several streams' states, in the order asked, each read consistently (not as one snapshot: a
   * write may land between two of them). One request where the store can, for a reader that needs
   * a few states at once (an account's plain and escrow streams).
   */
  statesOf(streams: readonly StreamId[]): Promise<StreamState[]>;

  /**
   * Stores `events` — new local events of `state.stream`, each naming only known events as
   * parents, in total order — if the stream is still at `state.version`; otherwise throws
   * {@link HeadsMovedError} and stores nothing. One atomic write. Answers their receipts.
   */
  appendOn(state: StreamState, events: readonly MeshEvent[], via?: ReceiptVia): Promise<Receipt[]>;

  /**
   * Stores each event once (idempotent by id), with this region's receipt, updating its stream's
   * heads and snapshot: any mix of streams, orders, duplicates, children before parents. Retries
   * contention itself; answers one result per arrival, in order, or throws (nothing is lost: an
   * event either is stored or the call throws and the caller retries).
   */
  appendBatch(arrivals: readonly Arrival[]): Promise<AppendResult[]>;

  /** Events of a stream by position, with this region's receipts (positions not stored are left out). */
  eventsAt(stream: StreamId, positions: readonly HeadPosition[]): Promise<StoredEvent[]>;

  /**
   * A page of a stream's events in total order (`desc`: newest first) with this region's receipts.
   * `cursor` is a position: the page starts after it (before it when `desc`).
   */
  eventsPage(stream: StreamId, page: { readonly limit: number; readonly after?: HeadPosition; readonly desc?: boolean }): Promise<{ events: StoredEvent[]; next?: HeadPosition }>;

  /** One event by id with this region's receipt. */
  get(id: string): Promise<StoredEvent | undefined>;

  /** States of the streams that have more than one head here, by stream id. */
  conflicts(page: PageRequest): Promise<Page<StreamState>>;

  /** States of the streams of a namespace (`R#` or `A#`…) whose id starts with `prefix`, by stream id. */
  streams(prefix: string, page: PageRequest): Promise<Page<StreamState>>;

  /** Per-bucket digest of every event id stored here (domain `digestOf`), without a scan. */
  digest(buckets?: number): Promise<Digest>;

  /** Ids of the events whose id falls in `bucket` of `buckets` (sorted). */
  idsInBucket(bucket: number, buckets?: number): Promise<string[]>;

  /**
   * A page of the events whose id falls in `bucket` (of DEFAULT_BUCKETS), with this region's
   * receipts, in id order, starting after the id `after`; `next` is the last id of the page when
   * there may be more. What a new region's backfill copies, a page at a time: on DynamoDB one
   * Query of the (KEYS_ONLY) bucket index and one BatchGetItem of the page's items.
   */
  eventsInBucket(bucket: number, page: { readonly limit: number; readonly after?: string }): Promise<{ events: StoredEvent[]; next?: string }>;

  /** Number of events stored here. */
  count(): Promise<number>;

  /**
   * Saves the progress of this region's backfill from `progress.peer`, unless the stored record
   * is further along (`backfillPosition`): answers false then, and stores nothing.
   */
  saveBackfill(progress: BackfillProgress): Promise<boolean>;

  /** Every backfill recorded here, by peer; empty for a region that never backfilled. */
  backfills(): Promise<BackfillProgress[]>;

  /**
   * Records a batch delivered over the link `batch.from` -> this region. The record never goes
   * back in time: a batch whose `receivedAt` is older than the one recorded (a slower concurrent
   * batch) only adds its events to the count. One small write per batch, never per event.
   */
  recordDelivery(batch: DeliveryBatch): Promise<void>;

  /** The last delivery recorded for each of these senders; senders never recorded are left out. */
  deliveries(from: readonly string[]): Promise<LinkDelivery[]>;

  /** Adds to the counters of events this region refused (by reason: `clock-skew`, `untrusted-origin`, …). */
  countRefusals(counts: Readonly<Record<string, number>>): Promise<void>;

  /** The refusal counters. */
  refusals(): Promise<Record<string, number>>;
}
