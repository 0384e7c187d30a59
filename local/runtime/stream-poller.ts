/**
 * The local DynamoDB Streams event source mapping: reads one table's stream and feeds a
 * Lambda-style handler (the replicator) a `DynamoDBStreamEvent`, as AWS does.
 *
 * What it keeps from AWS: every shard is read in order, a child shard only after its parent is
 * drained (shards split and close); the filter criteria drop records before the handler sees them;
 * batches of at most `batchSize` records; with partial batch responses a failing batch is retried
 * from its first failed `SequenceNumber` (an unknown identifier or a thrown error retries it
 * whole; with `bisectBatchOnError` a thrown error first halves the batch, down to one record, before
 * retries count); after `maximumRetryAttempts` the batch goes to the on-failure hook (AWS: the on-failure
 * destination) and reading moves on. Positions are kept in memory: a restart reads from the
 * starting position again (TRIM_HORIZON by default, so nothing written is skipped; ingest is
 * idempotent, so a replay is harmless).
 *
 * @example
 * ```ts
 * import { StreamPoller } from './stream-poller.ts';
 * const poller = new StreamPoller({ api, streamArn, region: 'us-east-1', handler: replicator,
 *   filters: [{ dynamodb: { NewImage: { origin: { S: ['us-east-1'] }, type: { S: ['event'] } } } }] });
 * poller.start();
 * await poller.stop();
 * ```
 */
import type { Shard, ShardIteratorType, _Record as SdkRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { matchesAnyFilter, type FilterPattern } from './event-filter.ts';
import { Sleeper } from './sleep.ts';
import { toLambdaStreamRecord } from './stream-record.ts';
import type { StreamsApi } from './streams-api.ts';

/** A Lambda DynamoDB Streams handler, with or without a partial batch response. */
export type StreamBatchHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

/** What the on-failure hook gets: the records given up on. */
export interface StreamFailure {
  readonly shardId: string;
  readonly records: readonly DynamoDBRecord[];
  readonly reason: string;
}

export interface StreamPollerOptions {
  readonly api: StreamsApi;
  readonly streamArn: string;
  readonly region: string;
  readonly handler: StreamBatchHandler;
  /** Filter criteria patterns; none = every record. */
  readonly filters?: readonly FilterPattern[];
  /** 1..10000 (AWS default 100). */
  readonly batchSize?: number;
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Retries of a failing batch before `onFailure` (AWS: -1 = until the record expires; here capped). */
  readonly maximumRetryAttempts?: number;
  /** On a thrown error, halve the batch and retry before counting attempts (AWS BisectBatchOnFunctionError). */
  readonly bisectBatchOnError?: boolean;
  /** Pause between polls of an idle stream (AWS polls each shard about four times a second). */
  readonly pollIntervalMs?: number;
  /** First retry delay; doubles per attempt up to 2 s. */
  readonly retryDelayMs?: number;
  /** How often to look for new shards while the known ones are open. */
  readonly describeIntervalMs?: number;
  readonly onFailure?: (failure: StreamFailure) => void;
  readonly log?: (line: string) => void;
}

export interface StreamPollerStats {
  readonly batches: number;
  readonly delivered: number;
  readonly filteredOut: number;
  readonly retries: number;
  readonly failedRecords: number;
  readonly errors: number;
  readonly shards: number;
}

interface ShardState {
  readonly id: string;
  readonly parentId: string | undefined;
  /** Iterator type for the first read of this shard. */
  readonly initial: ShardIteratorType;
  iterator: string | undefined;
  /** Sequence number of the last record fetched (all before it are delivered or pending). */
  fetchedUpTo: string | undefined;
  /** Filtered records fetched and not yet acknowledged by the handler, in order. */
  pending: DynamoDBRecord[];
  attempts: number;
  retryAt: number;
  /** Batch size in force: halved by bisection, reset by a success. */
  limit: number;
  /** No more records will ever come (closed and read to the end). */
  closed: boolean;
  done: boolean;
}

function errorName(err: unknown): string {
  return (err as { name?: string }).name ?? '';
}

/** One DynamoDB Streams event source mapping. */
export class StreamPoller {
  readonly #o: StreamPollerOptions;
  readonly #sleeper = new Sleeper();
  readonly #shards = new Map<string, ShardState>();
  #described = false;
  #nextDescribeAt = 0;
  #running = false;
  #loop: Promise<void> | undefined;
  #stats = { batches: 0, delivered: 0, filteredOut: 0, retries: 0, failedRecords: 0, errors: 0 };

  constructor(options: StreamPollerOptions) {
    this.#o = options;
  }

  get #batchSize(): number {
    return Math.max(1, this.#o.batchSize ?? 100);
  }

  get stats(): StreamPollerStats {
    return { ...this.#stats, shards: this.#shards.size };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /**
   * Polls now instead of after the idle pause: the local cloud calls it when the table was just
   * written, so a record is delivered as soon as it exists (AWS polls each shard continuously).
   */
  nudge(): void {
    this.#sleeper.wake();
  }

  /** Stops polling; resolves once the batch in hand (if any) is finished. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#sleeper.wake();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const idle = this.#o.pollIntervalMs ?? 250;
    while (this.#running) {
      let busy = false;
      try {
        busy = await this.pollOnce();
      } catch (err) {
        this.#stats.errors += 1;
        this.#o.log?.(`stream-poller ${this.#o.streamArn}: ${(err as Error).message}`);
      }
      if (this.#running && !busy) await this.#sleeper.sleep(idle);
    }
  }

  /** One round over the readable shards; true when it delivered or fetched something. */
  async pollOnce(): Promise<boolean> {
    const now = Date.now();
    if (!this.#described || now >= this.#nextDescribeAt) await this.#describe();
    let busy = false;
    for (const shard of this.#shards.values()) {
      if (!this.#running && this.#loop !== undefined) break;
      if (shard.done || !this.#parentDone(shard)) continue;
      if (shard.pending.length > 0) {
        if (Date.now() >= shard.retryAt) busy = (await this.#deliver(shard)) || busy;
        continue;
      }
      if (shard.closed) {
        shard.done = true;
        // A drained closed shard means children to read: look for them now.
        this.#nextDescribeAt = 0;
        busy = true;
        continue;
      }
      busy = (await this.#fetch(shard)) || busy;
      if (shard.pending.length > 0) busy = (await this.#deliver(shard)) || busy;
    }
    return busy;
  }

  #parentDone(shard: ShardState): boolean {
    if (shard.parentId === undefined) return true;
    const parent = this.#shards.get(shard.parentId);
    // A parent the stream no longer lists has been trimmed away: nothing left to wait for.
    return parent === undefined || parent.done;
  }

  async #describe(): Promise<void> {
    const found: Shard[] = [];
    let start: string | undefined;
    do {
      const res = await this.#o.api.describeStream({ StreamArn: this.#o.streamArn, ...(start === undefined ? {} : { ExclusiveStartShardId: start }) });
      found.push(...(res.StreamDescription?.Shards ?? []));
      start = res.StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
    const first = !this.#described;
    for (const s of found) {
      if (s.ShardId === undefined || this.#shards.has(s.ShardId)) continue;
      const isClosed = s.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      // LATEST applies to the shards open when the mapping starts; shards found later are read whole.
      const latest = first && (this.#o.startingPosition ?? 'TRIM_HORIZON') === 'LATEST';
      this.#shards.set(s.ShardId, {
        id: s.ShardId,
        parentId: s.ParentShardId,
        initial: latest ? 'LATEST' : 'TRIM_HORIZON',
        iterator: undefined,
        fetchedUpTo: undefined,
        pending: [],
        attempts: 0,
        retryAt: 0,
        limit: this.#batchSize,
        closed: false,
        done: latest && isClosed,
      });
    }
    this.#described = true;
    this.#nextDescribeAt = Date.now() + (this.#o.describeIntervalMs ?? 5_000);
  }

  async #fetch(shard: ShardState): Promise<boolean> {
    if (shard.iterator === undefined) {
      const res = await this.#o.api.getShardIterator({
        StreamArn: this.#o.streamArn,
        ShardId: shard.id,
        ...(shard.fetchedUpTo === undefined
          ? { ShardIteratorType: shard.initial }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.fetchedUpTo }),
      });
      shard.iterator = res.ShardIterator;
      if (shard.iterator === undefined) {
        shard.closed = true;
        return false;
      }
    }
    let records: SdkRecord[];
    try {
      const res = await this.#o.api.getRecords({ ShardIterator: shard.iterator, Limit: 1000 });
      records = res.Records ?? [];
      shard.iterator = res.NextShardIterator;
      // No next iterator: the shard is closed and this was its end.
      if (shard.iterator === undefined || shard.iterator === null) shard.closed = true;
    } catch (err) {
      const name = errorName(err);
      if (name === 'ExpiredIteratorException') {
        shard.iterator = undefined; // re-read after the last record fetched
        return false;
      }
      if (name === 'TrimmedDataAccessException') {
        shard.iterator = undefined;
        shard.fetchedUpTo = undefined;
        return false;
      }
      if (name === 'ResourceNotFoundException') {
        shard.done = true;
        return false;
      }
      throw err;
    }
    for (const r of records) {
      const record = toLambdaStreamRecord(r, this.#o.streamArn, this.#o.region);
      if (matchesAnyFilter(this.#o.filters ?? [], record)) shard.pending.push(record);
      else this.#stats.filteredOut += 1;
      shard.fetchedUpTo = r.dynamodb?.SequenceNumber ?? shard.fetchedUpTo;
    }
    return records.length > 0;
  }

  /** Invokes the handler with the next batch of the shard; true when it made progress. */
  async #deliver(shard: ShardState): Promise<boolean> {
    const batch = shard.pending.slice(0, shard.limit);
    const { failedAt, threw } = await this.#invoke(batch);
    this.#stats.batches += 1;
    if (failedAt === undefined) {
      shard.pending.splice(0, batch.length);
      this.#stats.delivered += batch.length;
      shard.attempts = 0;
      shard.limit = this.#batchSize;
      return true;
    }
    if (threw && this.#o.bisectBatchOnError === true && batch.length > 1) {
      shard.limit = Math.ceil(batch.length / 2);
      this.#stats.retries += 1;
      return true;
    }
    // Records before the first failure are done; retry from the failure.
    shard.pending.splice(0, failedAt);
    this.#stats.delivered += failedAt;
    shard.attempts += 1;
    const max = this.#o.maximumRetryAttempts ?? 10;
    if (shard.attempts > max) {
      const given = shard.pending.splice(0, batch.length - failedAt);
      this.#stats.failedRecords += given.length;
      shard.attempts = 0;
      const failure = { shardId: shard.id, records: given, reason: `batch failed ${max + 1} times` };
      if (this.#o.onFailure) this.#o.onFailure(failure);
      else this.#o.log?.(`stream-poller ${this.#o.streamArn}: gave up on ${given.length} record(s) of shard ${shard.id}`);
      return true;
    }
    this.#stats.retries += 1;
    shard.retryAt = Date.now() + Math.min(2_000, (this.#o.retryDelayMs ?? 100) * 2 ** (shard.attempts - 1));
    return failedAt > 0;
  }

  /** Runs the handler: the index of the first failed record (undefined if none), and whether it threw. */
  async #invoke(batch: DynamoDBRecord[]): Promise<{ failedAt: number | undefined; threw: boolean }> {
    let response: DynamoDBBatchResponse | void;
    try {
      response = await this.#o.handler({ Records: batch });
    } catch (err) {
      this.#o.log?.(`stream-poller ${this.#o.streamArn}: handler failed the batch: ${(err as Error).message}`);
      return { failedAt: 0, threw: true };
    }
    let first: number | undefined;
    for (const f of response?.batchItemFailures ?? []) {
      const i = batch.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier);
      // AWS: an identifier that is empty or not in the batch fails the whole batch.
      if (i < 0) return { failedAt: 0, threw: false };
      first = first === undefined ? i : Math.min(first, i);
    }
    return { failedAt: first, threw: false };
  }
}
