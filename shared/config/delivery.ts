/**
 * Delivery settings shared by the CDK stacks and the local cloud, so an inbound queue, its
 * dead-letter queue and both event source mappings behave the same in AWS and on a laptop.
 *
 * @example
 * ```ts
 * import { QUEUE_SETTINGS } from './delivery.ts';
 * QUEUE_SETTINGS.maxReceiveCount; // 5: the sixth receive never happens, the DLQ gets it
 * ```
 */

/** Inbound queue (one per link) and its dead-letter queue. */
export const QUEUE_SETTINGS = {
  /** SQS maximum: a partitioned link keeps its messages for 14 days before losing any. */
  retentionSeconds: 14 * 24 * 60 * 60,
  /**
   * AWS advises at least six times the consumer's timeout, so a slow batch is not delivered
   * twice while it is still running (ingest is idempotent anyway, this only saves work).
   */
  visibilityTimeoutSeconds: 60,
  /** Receives before SQS redrives a message to the DLQ: a poison message costs five tries. */
  maxReceiveCount: 5,
} as const;

/** The SQS event source mapping that feeds ingest. */
export const INGEST_MAPPING = {
  /**
   * Messages (one event each) per ingest invocation, at most. A batch costs one read of its
   * streams' states, one delivery record and as few transactions as its items need, so a backlog
   * drains in fewer, larger batches: with 10, each peer of a 3-region local cloud took about 30
   * events a second while 100 were offered. Above 10, AWS requires a batching window of at
   * least 1 s (`infra/defaults.ts` sets 1 s); the local cloud never waits for a fuller batch.
   */
  batchSize: 100,
} as const;

/** The DynamoDB Streams event source mapping that feeds the replicator. */
export const REPLICATOR_MAPPING = {
  batchSize: 100,
  /** The table is the outbox: start from the oldest record so nothing written is skipped. */
  startingPosition: 'TRIM_HORIZON',
  /** Retries of a failing batch before the on-failure destination gets it (repair backfills). */
  maximumRetryAttempts: 10,
} as const;
