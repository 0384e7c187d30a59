/**
 * The port every region stores its events through: an append-only, idempotent event store that
 * maintains each stream's heads incrementally, so reads of a key never scan its history.
 *
 * Implementations: `shared/adapters/dynamo-event-store.ts` (DynamoDB, the real one) and
 * `shared/adapters/memory-event-store.ts` (unit tests). Both pass `test/support/event-store-contract.ts`.
 *
 * @example
 * ```ts
 * import type { EventStore } from './event-store.ts';
 * async function write(store: EventStore, e: MeshEvent) {
 *   const { status, receipt } = await store.append(e, { type: 'local' });
 *   // status: 'stored' the first time, 'duplicate' after; receipt is this region's first receipt.
 * }
 * ```
 */
import type { Digest, MeshEvent, Receipt, ReceiptVia, StoredEvent } from '../domain/types.ts';
import type { DeliveryBatch, LinkDelivery } from './link-delivery.ts';
import type { StreamId } from './stream.ts';

export type { StreamId } from './stream.ts';
export type { DeliveryBatch, LinkDelivery } from './link-delivery.ts';
export { HeadsMovedError } from './heads-moved-error.ts';

/** Outcome of an append. A duplicate is not an error: it returns the receipt stored first. */
export interface AppendResult {
  readonly status: 'stored' | 'duplicate';
  readonly receipt: Receipt;
}

/** A stream's current heads (in total order) and the version that guards them. */
export interface HeadsState {
  readonly heads: readonly MeshEvent[];
  /** 0 for a stream with no event; grows by one with every stored event of the stream. */
  readonly version: number;
}

export interface EventStore {
  /** The region this store belongs to (written into receipts). */
  readonly region: string;

  /**
   * Stores the event once, with this region's receipt, and updates its stream's heads; retried
   * internally on concurrent updates, so it never loses an event. Idempotent by event id.
   */
  append(event: MeshEvent, via: ReceiptVia): Promise<AppendResult>;

  /**
   * Like {@link append}, but only if the stream's heads version is still `expectedVersion`;
   * otherwise throws {@link HeadsMovedError} and stores nothing. Local writes use it so that a
   * decision taken on a read (parents, a balance check) is never stored against a moved view.
   */
  appendIfHeads(event: MeshEvent, expectedVersion: number, via?: ReceiptVia): Promise<AppendResult>;

  /** Current heads of a stream and their version; no history scan. */
  headsOf(stream: StreamId): Promise<HeadsState>;

  /** Greatest event of a stream in total order (one read), or undefined. */
  winnerOf(stream: StreamId): Promise<MeshEvent | undefined>;

  /** Every event of a stream in total order, each with this region's receipt. */
  eventsOf(stream: StreamId): Promise<StoredEvent[]>;

  /** One event by id with this region's receipt. */
  get(id: string): Promise<StoredEvent | undefined>;

  /** Streams that currently have more than one head (sorted). */
  conflicts(): Promise<StreamId[]>;

  /** Per-bucket digest of every event id stored here (domain `digestOf`). */
  digest(buckets?: number): Promise<Digest>;

  /** Ids of the events whose id falls in `bucket` of `buckets` (sorted). */
  idsInBucket(bucket: number, buckets?: number): Promise<string[]>;

  /** Number of events stored here. */
  count(): Promise<number>;

  /**
   * Records a batch delivered over the link `batch.from` -> this region. The record never goes
   * back in time: a batch whose `receivedAt` is older than the one recorded (a slower concurrent
   * batch) only adds its events to the count. One small write per batch, never per event.
   */
  recordDelivery(batch: DeliveryBatch): Promise<void>;

  /** The last delivery recorded for each of these senders; senders never recorded are left out. */
  deliveries(from: readonly string[]): Promise<LinkDelivery[]>;
}
