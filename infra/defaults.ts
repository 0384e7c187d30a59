/**
 * The house defaults of every construct in the mesh stacks, in one place: constructs read them
 * from here instead of repeating props, so a change (a newer runtime, a longer retention) is one
 * edit and every function, queue and alarm follows.
 *
 * @example
 * ```ts
 * import { MESH_DEFAULTS } from './defaults.ts';
 * new Queue(scope, 'Q', { retentionPeriod: MESH_DEFAULTS.queue.retention });
 * ```
 */
import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { INGEST_MAPPING, QUEUE_SETTINGS, REPLICATOR_MAPPING } from '../shared/config/delivery.ts';

/** Newest Node.js Lambda runtime this aws-cdk-lib knows (cdk-nag AwsSolutions-L1 wants the latest). */
const RUNTIME = Runtime.NODEJS_24_X;

export const MESH_DEFAULTS = {
  function: {
    runtime: RUNTIME,
    /** Graviton: cheaper per GB-second and the handlers have no native dependencies. */
    architecture: Architecture.ARM_64,
    memorySize: 512,
    timeout: Duration.seconds(30),
    logRetention: RetentionDays.ONE_MONTH,
    bundling: {
      format: OutputFormat.ESM,
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      target: 'node24',
      mainFields: ['module', 'main'],
      // Bundle the AWS SDK: the Lambda runs exactly the versions the tests ran, not the runtime's.
      bundleAwsSDK: true,
      // Some bundled CommonJS dependencies call require() for Node built-ins; ESM has none.
      banner: "import { createRequire as __meshCreateRequire } from 'node:module'; const require = __meshCreateRequire(import.meta.url);",
      // esbuild is a devDependency: bundle locally, never in Docker.
      forceDockerBundling: false,
      logLevel: LogLevel.WARNING,
    },
  },
  // Queue and mapping settings come from shared/config/delivery.ts, which the local cloud uses
  // too: a link behaves the same in AWS and on a laptop.
  queue: {
    /** The maximum SQS allows: a partitioned link holds its events this long. */
    retention: Duration.seconds(QUEUE_SETTINGS.retentionSeconds),
    visibilityTimeout: Duration.seconds(QUEUE_SETTINGS.visibilityTimeoutSeconds),
    /** Deliveries before a message is a poison message and moves to the DLQ. */
    maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount,
    ingestBatchSize: INGEST_MAPPING.batchSize,
    /** At least 1 s: AWS refuses a batch size above 10 without it (see `INGEST_MAPPING.batchSize`). */
    ingestBatchingWindow: Duration.seconds(1),
    /**
     * Concurrent ingest invocations per link (the SQS mapping's maximum concurrency; 2 is the
     * least SQS allows). Uncapped, Lambda scales an SQS mapping to hundreds of concurrent
     * invocations: after a long partition heals, a days-long backlog would take the account's
     * whole concurrency (1,000 by default, shared by every function of the region) and the API
     * would answer writes with throttles — the drain of one link would stop the region accepting
     * writes. At 5 per link, ingest holds at most 5·(N-1) (10 for 3 regions, 45 for 10). It also
     * bounds the write rate a drain puts on the table (each event is a transactional write of
     * several items) and the conflicts between concurrent batches on one hot key. A cap on the
     * mapping, not reserved concurrency: a reserved cap makes Lambda throttle deliveries, each
     * throttle counts as a receive, and after maxReceiveCount good events would reach the DLQ;
     * with maximum concurrency the mapping simply polls less. Nothing is reserved either, which
     * a new account (concurrency quota below 100) could not deploy.
     */
    ingestMaxConcurrency: 5,
  },
  stream: {
    batchSize: REPLICATOR_MAPPING.batchSize,
    startingPosition: StartingPosition[REPLICATOR_MAPPING.startingPosition],
    /** Bounded retries: after these the batch's metadata goes to the on-failure queue and repair heals it. */
    retryAttempts: REPLICATOR_MAPPING.maximumRetryAttempts,
    maxRecordAge: Duration.hours(6),
  },
  timeouts: {
    api: Duration.seconds(29),
    replicator: Duration.seconds(60),
    /** AWS guidance: the queue's visibility timeout is at least six times the consumer's timeout. */
    ingest: Duration.seconds(Math.floor(QUEUE_SETTINGS.visibilityTimeoutSeconds / 6)),
    repair: Duration.minutes(5),
    /** A tick stops between accounts 10 s before this (functions/rebalance.ts) and the next carries on. */
    rebalance: Duration.seconds(60),
    /** Lambda's limit: a run starts no page in its last 15 s, saves its position, and the next run continues. */
    backfill: Duration.minutes(15),
  },
  alarm: {
    /** Replication lag (age of the oldest stream record / inbound message) that pages someone. */
    lagThreshold: Duration.minutes(5),
    evaluationPeriods: 3,
  },
  api: {
    throttlingRateLimit: 200,
    throttlingBurstLimit: 400,
  },
  repair: {
    schedule: Duration.minutes(10),
  },
  backfill: {
    /**
     * As long as a run may last, so runs seldom overlap (if they do, the one behind stops at its
     * next page: the saved position only moves forward). A region with no backfill recorded
     * answers a run with one Query.
     */
    schedule: Duration.minutes(15),
  },
  rebalance: {
    /** EventBridge's shortest rate; rights also move at once when a refused withdrawal's request replicates and a peer's next tick sees it. */
    schedule: Duration.minutes(1),
  },
} as const;
