/**
 * A message that can never be ingested: not JSON, not an event, or an event whose id is not the
 * hash of its content. It is never stored; ingest reports it as a batch item failure so SQS
 * redrives it to the link's dead-letter queue after maxReceiveCount, and logs it.
 *
 * @example
 * ```ts
 * import { PoisonMessageError } from './poison-message-error.ts';
 * try { await service.ingest(raw, via); }
 * catch (e) { if (e instanceof PoisonMessageError) logger.error('poison', { reason: e.reason }); }
 * ```
 */
export class PoisonMessageError extends Error {
  readonly code = 'poison-message';
  constructor(
    /** Machine-readable reason: the domain error's code (`invalid-event`, `hash-mismatch`) or `bad-json`. */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}
