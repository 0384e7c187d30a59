/**
 * What a region remembers of the last delivery over each inbound replication link: when the
 * newest batch arrived, how old its newest event was by then, and how many events the link has
 * delivered. It is what `GET /status` reports as a link's lag.
 *
 * The lag is the receiver's wall clock minus the wall part of the newest event's HLC stamp, so it
 * includes the clock skew between the two regions (and the HLC wall can run ahead of the origin's
 * own clock when the origin has seen a peer whose clock is ahead). It can even be negative. Read
 * it as "how stale the link looks from here", not as a precise network delay.
 *
 * @example
 * ```ts
 * import type { DeliveryBatch, LinkDelivery } from './link-delivery.ts';
 * const batch: DeliveryBatch = { from: 'eu-west-1', receivedAt: 1_000_250, originAt: 1_000_000, lagMs: 250, events: 3 };
 * await store.recordDelivery(batch);
 * const [last]: LinkDelivery[] = await store.deliveries(['eu-west-1']);
 * // last: { from: 'eu-west-1', receivedAt: 1_000_250, originAt: 1_000_000, lagMs: 250, events: 3 }
 * ```
 */

/** One batch delivered over the link `from` -> this region. */
export interface DeliveryBatch {
  /** The sending region. */
  readonly from: string;
  /** This region's wall clock when the batch was stored (ms since the epoch). */
  readonly receivedAt: number;
  /** Wall part of the HLC stamp of the newest event in the batch: its origin's time (ms). */
  readonly originAt: number;
  /** `receivedAt - originAt`: includes the clock skew between the two regions. */
  readonly lagMs: number;
  /** Events delivered in this batch (stored or already known). */
  readonly events: number;
}

/** The last delivery recorded for a link; `events` counts every batch recorded so far. */
export interface LinkDelivery extends DeliveryBatch {
  /** Events delivered over the link since the first record, all batches together. */
  readonly events: number;
}
