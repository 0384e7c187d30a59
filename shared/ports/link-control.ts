/**
 * The port that turns delivery on a replication link off and on (the nemesis), and reports each
 * link's state. In AWS a link is the event source mapping of the inbound queue from `from` in
 * region `to`; locally it is the local runtime's SQS poller.
 *
 * @example
 * ```ts
 * import type { LinkControl } from './link-control.ts';
 * await links.setLink('us-east-1', 'eu-west-1', false); // partition us-east-1 -> eu-west-1
 * const states = await links.links();
 * ```
 */
export interface LinkState {
  readonly from: string;
  readonly to: string;
  /** Whether messages from `from` are delivered into `to`. */
  readonly enabled: boolean;
  /** Messages waiting in the link's queue to be received (SQS `ApproximateNumberOfMessages`); in-flight ones not included. */
  readonly backlog?: number;
  /** Messages received but not yet deleted (`ApproximateNumberOfMessagesNotVisible`): being delivered, or failed and waiting for their retry. */
  readonly inFlight?: number;
  /** Messages in the link's dead-letter queue. */
  readonly dlq?: number;
  /**
   * When delivery was last switched on or off (ms since the epoch), where known: locally the last
   * `setLink` of this run; in AWS the event source mapping's `LastModified`.
   */
  readonly changedAt?: number;
}

export interface LinkControl {
  setLink(from: string, to: string, enabled: boolean): Promise<LinkState>;
  links(): Promise<LinkState[]>;
  /**
   * Whether delivery `from` -> `to` is on, for callers that need one link only (repair asks it
   * per peer on every run). Optional: an implementation that cannot answer one link more cheaply
   * than {@link links} leaves it out, and callers fall back to `links()`.
   */
  isEnabled?(from: string, to: string): Promise<boolean>;
}
