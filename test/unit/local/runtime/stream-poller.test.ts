import type { _Record as SdkRecord, GetRecordsOutput, Shard } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { StreamPoller, type StreamFailure, type StreamPollerOptions } from '../../../../local/runtime/stream-poller.ts';
import type { StreamsApi } from '../../../../local/runtime/streams-api.ts';
import { until } from '../../../../shared/util/until.ts';

const ARN = 'arn:aws:dynamodb:r-a:000000000000:table/t/stream/x';
const FILTER = { dynamodb: { NewImage: { origin: { S: ['r-a'] }, type: { S: ['event'] } } } };

/** A scripted stream: shards with records; a shard can be closed, iterators can be made to expire. */
class FakeStream implements StreamsApi {
  readonly shards: Array<{ id: string; parent?: string; records: SdkRecord[]; closed: boolean }> = [];
  expireNext = false;
  #seq = 0;

  addShard(id: string, parent?: string): void {
    this.shards.push({ id, ...(parent === undefined ? {} : { parent }), records: [], closed: false });
  }

  put(shardId: string, image: { origin: string; type: string; n: number }): string {
    const shard = this.shards.find((s) => s.id === shardId);
    if (!shard) throw new Error('no shard');
    this.#seq += 1;
    const seq = String(this.#seq).padStart(21, '0');
    shard.records.push({
      eventID: `e${this.#seq}`,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'r-a',
      dynamodb: {
        ApproximateCreationDateTime: new Date(1_700_000_000_000),
        Keys: { pk: { S: `k${image.n}` }, sk: { S: 'E' } },
        NewImage: { origin: { S: image.origin }, type: { S: image.type }, n: { N: String(image.n) }, blob: { B: new Uint8Array([1, 2]) } },
        SequenceNumber: seq,
        SizeBytes: 10,
        StreamViewType: 'NEW_IMAGE',
      },
    });
    return seq;
  }

  async describeStream(): Promise<{ StreamDescription: { Shards: Shard[] } }> {
    return {
      StreamDescription: {
        Shards: this.shards.map((s) => ({
          ShardId: s.id,
          ...(s.parent === undefined ? {} : { ParentShardId: s.parent }),
          SequenceNumberRange: { StartingSequenceNumber: '0', ...(s.closed ? { EndingSequenceNumber: '9' } : {}) },
        })),
      },
    };
  }

  async getShardIterator(input: { ShardId?: string; ShardIteratorType?: string; SequenceNumber?: string }): Promise<{ ShardIterator: string }> {
    const shard = this.shards.find((s) => s.id === input.ShardId);
    if (!shard) throw new Error('no shard');
    let pos = 0;
    if (input.ShardIteratorType === 'LATEST') pos = shard.records.length;
    if (input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER') pos = shard.records.findIndex((r) => r.dynamodb?.SequenceNumber === input.SequenceNumber) + 1;
    return { ShardIterator: `${shard.id}|${pos}` };
  }

  async getRecords(input: { ShardIterator?: string; Limit?: number }): Promise<GetRecordsOutput> {
    if (this.expireNext) {
      this.expireNext = false;
      throw Object.assign(new Error('expired'), { name: 'ExpiredIteratorException' });
    }
    const [id, p] = (input.ShardIterator ?? '').split('|');
    const shard = this.shards.find((s) => s.id === id);
    if (!shard) throw new Error('no shard');
    const pos = Number(p);
    const records = shard.records.slice(pos, pos + Math.min(input.Limit ?? 1000, 3));
    const next = pos + records.length;
    const end = shard.closed && next >= shard.records.length;
    return { Records: records, ...(end ? {} : { NextShardIterator: `${shard.id}|${next}` }) };
  }
}

function poller(stream: FakeStream, handler: StreamPollerOptions['handler'], extra: Partial<StreamPollerOptions> = {}): StreamPoller {
  return new StreamPoller({ api: stream, streamArn: ARN, region: 'r-a', handler, filters: [FILTER], batchSize: 2, retryDelayMs: 0, pollIntervalMs: 5, ...extra });
}

async function drain(p: StreamPoller, rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await p.pollOnce();
}

const n = (r: DynamoDBRecord): number => Number(r.dynamodb?.NewImage?.n?.N);

/** One open shard holding event 1, and a poller that notes the `n` of every record it delivers. */
function oneEventStream(extra: Partial<StreamPollerOptions> = {}): { stream: FakeStream; seen: number[]; p: StreamPoller } {
  const stream = new FakeStream();
  stream.addShard('s1');
  stream.put('s1', { origin: 'r-a', type: 'event', n: 1 });
  const seen: number[] = [];
  const p = poller(stream, async (e) => {
    seen.push(...e.Records.map(n));
  }, extra);
  return { stream, seen, p };
}

describe('StreamPoller (DynamoDB Streams event source mapping)', () => {
  it('reads a parent shard to its end before its child, filters, batches, and shapes records like Lambda', async () => {
    // Prepare
    const stream = new FakeStream();
    stream.addShard('s1');
    stream.addShard('s2', 's1');
    stream.put('s2', { origin: 'r-a', type: 'event', n: 10 });
    for (let i = 1; i <= 5; i += 1) stream.put('s1', { origin: 'r-a', type: 'event', n: i });
    stream.put('s1', { origin: 'r-b', type: 'event', n: 98 });
    stream.put('s1', { origin: 'r-a', type: 'heads', n: 99 });
    stream.shards[0]!.closed = true;
    const events: DynamoDBStreamEvent[] = [];
    const p = poller(stream, async (e) => {
      events.push(e);
    });

    // Act
    await drain(p);

    // Assess
    expect(events.flatMap((e) => e.Records.map(n))).toEqual([1, 2, 3, 4, 5, 10]);
    expect(Math.max(...events.map((e) => e.Records.length))).toBe(2);
    expect(p.stats.filteredOut).toBe(2);
    expect(events[0]?.Records[0]).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: ARN,
      awsRegion: 'r-a',
      dynamodb: { ApproximateCreationDateTime: 1_700_000_000, NewImage: { origin: { S: 'r-a' }, blob: { B: 'AQI=' } }, StreamViewType: 'NEW_IMAGE' },
    });
  });

  it('retries a batch from its first failed SequenceNumber and loses nothing', async () => {
    // Prepare
    const stream = new FakeStream();
    stream.addShard('s1');
    for (let i = 1; i <= 4; i += 1) stream.put('s1', { origin: 'r-a', type: 'event', n: i });
    const calls: number[][] = [];
    let failedOnce = false;
    const p = poller(stream, async (e): Promise<DynamoDBBatchResponse> => {
      calls.push(e.Records.map(n));
      const two = e.Records.find((r) => n(r) === 2);
      if (two && !failedOnce) {
        failedOnce = true;
        return { batchItemFailures: [{ itemIdentifier: two.dynamodb?.SequenceNumber ?? '' }] };
      }
      return { batchItemFailures: [] };
    }, { batchSize: 3 });

    // Act
    await drain(p);

    // Assess
    expect(calls[0]).toEqual([1, 2, 3]);
    expect(calls.slice(1).flat()).toEqual([2, 3, 4]);
    expect(p.stats.delivered).toBe(4);
  });

  it('gives a batch up to the on-failure hook after the retries and moves on', async () => {
    // Prepare
    const stream = new FakeStream();
    stream.addShard('s1');
    for (let i = 1; i <= 3; i += 1) stream.put('s1', { origin: 'r-a', type: 'event', n: i });
    const failures: StreamFailure[] = [];
    const seen: number[] = [];
    const p = poller(
      stream,
      async (e) => {
        seen.push(...e.Records.map(n));
        if (e.Records.some((r) => n(r) === 1)) throw new Error('poison');
      },
      { maximumRetryAttempts: 2, onFailure: (f) => failures.push(f) },
    );

    // Act
    await drain(p);

    // Assess
    expect(failures).toHaveLength(1);
    expect(failures[0]?.records.map(n)).toEqual([1, 2]);
    expect(seen).toEqual([1, 2, 1, 2, 1, 2, 3]);
    expect(p.stats.failedRecords).toBe(2);
  });

  it('recovers from an expired iterator after the last record read, without duplicates', async () => {
    // Prepare
    const { stream, seen, p } = oneEventStream();
    await drain(p, 3);

    // Act
    stream.expireNext = true;
    stream.put('s1', { origin: 'r-a', type: 'event', n: 2 });
    await drain(p, 5);

    // Assess
    expect(seen).toEqual([1, 2]);
  });

  it('starts at LATEST when asked, and runs until stopped', async () => {
    // Prepare
    const { stream, seen, p } = oneEventStream({ startingPosition: 'LATEST' });

    // Act
    p.start();
    await new Promise((r) => setTimeout(r, 30));
    stream.put('s1', { origin: 'r-a', type: 'event', n: 2 });
    await until('the record written after the start', () => seen.length > 0, 2_000, 5);
    await p.stop();

    // Assess
    expect(seen).toEqual([2]);
  });

  it('halves a batch whose handler throws before counting retries (bisect on error)', async () => {
    // Prepare
    const stream = new FakeStream();
    stream.addShard('s1');
    for (let i = 1; i <= 4; i += 1) stream.put('s1', { origin: 'r-a', type: 'event', n: i });
    const calls: number[][] = [];
    const failures: StreamFailure[] = [];
    const p = poller(
      stream,
      async (e) => {
        calls.push(e.Records.map(n));
        if (e.Records.some((r) => n(r) === 3)) throw new Error('poison 3');
      },
      { batchSize: 4, bisectBatchOnError: true, maximumRetryAttempts: 1, onFailure: (f) => failures.push(f) },
    );

    // Act
    for (let i = 0; i < 5; i += 1) stream.put('s1', { origin: 'r-a', type: 'event', n: 10 + i });
    await drain(p, 40);

    // Assess: [1..4] fails, [1,2] passes, [3,4] fails, [3] fails twice and is given up, then on
    expect(calls.slice(0, 5)).toEqual([[1, 2, 3], [1, 2], [3], [3], [4, 10, 11]]);
    expect(failures.map((f) => f.records.map(n))).toEqual([[3]]);
    expect(calls.flat().filter((x) => x !== 3)).toEqual([1, 2, 1, 2, 4, 10, 11, 12, 13, 14]);
  });
});
