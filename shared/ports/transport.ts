/**
 * The port the replicator sends a region's own events to its peers through.
 *
 * @example
 * ```ts
 * import type { Transport } from './transport.ts';
 * const { failed } = await transport.send('eu-west-1', [event]);
 * if (failed.length > 0) throw new Error('retry these');
 * ```
 */
import type { MeshEvent } from '../domain/types.ts';

export interface SendResult {
  /** Ids of the events that were not accepted by the peer's queue (retry them). */
  readonly failed: string[];
}

export interface Transport {
  send(peer: string, events: readonly MeshEvent[]): Promise<SendResult>;
}
