/**
 * The DynamoDB {@link EventStore}: one table per region, laid out as `dynamo-schema.ts` documents.
 *
 * An append is one TransactWriteItems: the event item (conditional on not existing, so a duplicate
 * is a no-op), a `P#<parent>` ref item per parent (so a parent arriving after its child stays out
 * of the heads), and the stream's HEADS item rewritten with the domain's `nextHeads`, conditional
 * on the version read (optimistic concurrency). The inputs of `nextHeads` (the HEADS item, the ref
 * of the event, the event itself) are read in one TransactGetItems, i.e. one snapshot; every append
 * bumps the version, so a concurrent append of the same stream always makes the other one retry.
 *
 * Each inbound link also has one small item (`LINK#<from>`), updated once per ingested batch, that
 * `GET /status` reads back as the link's lag.
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { DynamoEventStore } from './dynamo-event-store.ts';
 * const store = new DynamoEventStore({ client: new DynamoDBClient({}), table: 'ecmesh-events-us-east-1', region: 'us-east-1' });
 * await store.append(event, { type: 'peer', peer: 'eu-west-1' });
 * ```
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  BatchGetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { NativeAttributeValue, QueryCommandInput, ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_BUCKETS, bucketOf, compareEvents, digestOf, eventSortKey, nextHeads } from '../domain/index.ts';
import type { WallClock } from '../domain/index.ts';
import type { Digest, MeshEvent, Receipt, ReceiptVia, StoredEvent } from '../domain/types.ts';
import type { AppendResult, DeliveryBatch, EventStore, HeadsState, LinkDelivery } from '../ports/event-store.ts';
import { HeadsMovedError } from '../ports/heads-moved-error.ts';
import { streamOf } from '../ports/stream.ts';
import type { StreamId } from '../ports/stream.ts';
import { TABLE_SCHEMA } from './dynamo-schema.ts';

type Item = Record<string, NativeAttributeValue>;

const HEADS_SK = 'HEADS';
const EVENT_PREFIX = 'E#';
const REF_PREFIX = 'P#';
const LINK_PREFIX = 'LINK#';
const LINK_SK = 'LINK';

/** Sort key of an event item: lexicographic order == total order (hlc, origin, id). */
function eventItemSortKey(event: MeshEvent): string {
  return `${EVENT_PREFIX}${eventSortKey(event)}`;
}

/** The event id is the last `#` segment of an event sort key (ids are hex, never contain `#`). */
function idOfSortKey(sk: string): string {
  return sk.slice(sk.lastIndexOf('#') + 1);
}

/** The event item as stored. `event` is the MeshEvent as a JSON string: stored byte for byte, so
 * numbers, empty map keys and the like survive exactly and the id still verifies on read. */
export function eventItem(event: MeshEvent, receipt: Receipt): Item {
  return {
    [TABLE_SCHEMA.partitionKey]: streamOf(event),
    [TABLE_SCHEMA.sortKey]: eventItemSortKey(event),
    [TABLE_SCHEMA.typeAttribute]: 'event',
    [TABLE_SCHEMA.byIdIndex.partitionKey]: event.id,
    [TABLE_SCHEMA.originAttribute]: event.origin,
    event: JSON.stringify(event),
    receipt,
    [TABLE_SCHEMA.byBucketIndex.partitionKey]: bucketOf(event.id, DEFAULT_BUCKETS),
  };
}

/** Reads the MeshEvent back out of an event item (a stored item or a stream NEW_IMAGE, unmarshalled). */
export function eventOfItem(item: Item): MeshEvent {
  const raw: unknown = item['event'];
  return (typeof raw === 'string' ? JSON.parse(raw) : raw) as MeshEvent;
}

function storedOfItem(item: Item): StoredEvent {
  return { event: eventOfItem(item), receipt: item['receipt'] as Receipt };
}

export interface DynamoEventStoreOptions {
  /** A plain client; the store wraps it in a DocumentClient. */
  readonly client: DynamoDBClient;
  readonly table: string;
  /** The region this store belongs to (written into receipts). */
  readonly region: string;
  /** Stamps receipts; defaults to Date. */
  readonly clock?: WallClock;
  /** Optimistic-concurrency attempts before an append gives up (default 100). */
  readonly maxAttempts?: number;
}

export class DynamoEventStore implements EventStore {
  readonly region: string;
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly clock: WallClock;
  private readonly maxAttempts: number;

  constructor(options: DynamoEventStoreOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.table = options.table;
    this.region = options.region;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.maxAttempts = options.maxAttempts ?? 100;
  }

  append(event: MeshEvent, via: ReceiptVia): Promise<AppendResult> {
    return this.write(event, via, undefined);
  }

  appendIfHeads(event: MeshEvent, expectedVersion: number, via: ReceiptVia = { type: 'local' }): Promise<AppendResult> {
    return this.write(event, via, expectedVersion);
  }

  async headsOf(stream: StreamId): Promise<HeadsState> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: this.key(stream, HEADS_SK), ConsistentRead: true }),
    );
    if (Item === undefined) return { heads: [], version: 0 };
    const sks = (Item['heads'] as string[] | undefined) ?? [];
    const heads = await this.batchGetEvents(stream, sks);
    return { heads, version: Number(Item['version'] ?? 0) };
  }

  async winnerOf(stream: StreamId): Promise<MeshEvent | undefined> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :e)',
        ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey, '#sk': TABLE_SCHEMA.sortKey },
        ExpressionAttributeValues: { ':pk': stream, ':e': EVENT_PREFIX },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = Items?.[0];
    return item === undefined ? undefined : eventOfItem(item);
  }

  async eventsOf(stream: StreamId): Promise<StoredEvent[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :e)',
      ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey, '#sk': TABLE_SCHEMA.sortKey },
      ExpressionAttributeValues: { ':pk': stream, ':e': EVENT_PREFIX },
      ConsistentRead: true,
    });
    return items.map(storedOfItem);
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE_SCHEMA.byIdIndex.name,
        KeyConditionExpression: '#eid = :id',
        ExpressionAttributeNames: { '#eid': TABLE_SCHEMA.byIdIndex.partitionKey },
        ExpressionAttributeValues: { ':id': id },
        Limit: 1,
      }),
    );
    // The index projects ALL (EVENTS_TABLE_DEFINITION, which the CDK stack and the local cloud
    // both create from): the hit is the whole event item.
    const hit = Items?.[0];
    return hit === undefined ? undefined : storedOfItem(hit);
  }

  async conflicts(): Promise<StreamId[]> {
    const items = await this.queryAll({
      TableName: this.table,
      IndexName: TABLE_SCHEMA.conflictsIndex.name,
      KeyConditionExpression: '#c = :one',
      ExpressionAttributeNames: { '#c': TABLE_SCHEMA.conflictsIndex.partitionKey },
      ExpressionAttributeValues: { ':one': '1' },
    });
    return items.map((i) => String(i[TABLE_SCHEMA.partitionKey]) as StreamId).sort();
  }

  async digest(buckets: number = DEFAULT_BUCKETS): Promise<Digest> {
    return digestOf(await this.allIds(), buckets);
  }

  async idsInBucket(bucket: number, buckets: number = DEFAULT_BUCKETS): Promise<string[]> {
    if (buckets !== DEFAULT_BUCKETS) {
      // The stored bucket attribute is for DEFAULT_BUCKETS; any other split needs every id.
      return (await this.allIds()).filter((id) => bucketOf(id, buckets) === bucket).sort();
    }
    const items = await this.queryAll({
      TableName: this.table,
      IndexName: TABLE_SCHEMA.byBucketIndex.name,
      KeyConditionExpression: '#b = :b',
      ExpressionAttributeNames: { '#b': TABLE_SCHEMA.byBucketIndex.partitionKey },
      ExpressionAttributeValues: { ':b': bucket },
    });
    return items.map((i) => String(i[TABLE_SCHEMA.byIdIndex.partitionKey])).sort();
  }

  async count(): Promise<number> {
    let total = 0;
    let start: Item | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({ TableName: this.table, IndexName: TABLE_SCHEMA.byBucketIndex.name, Select: 'COUNT', ExclusiveStartKey: start }),
      );
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return total;
  }

  async recordDelivery(batch: DeliveryBatch): Promise<void> {
    const key = this.key(`${LINK_PREFIX}${batch.from}`, LINK_SK);
    const names = { '#n': 'events' };
    try {
      // One conditional update: the last delivery moves forward in time only, the count always grows.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET #t = :t, #from = :from, #r = :r, #o = :o, #l = :l ADD #n :n',
          ConditionExpression: 'attribute_not_exists(#r) OR #r <= :r',
          ExpressionAttributeNames: { ...names, '#t': TABLE_SCHEMA.typeAttribute, '#from': 'from', '#r': 'receivedAt', '#o': 'originAt', '#l': 'lagMs' },
          ExpressionAttributeValues: { ':t': 'link', ':from': batch.from, ':r': batch.receivedAt, ':o': batch.originAt, ':l': batch.lagMs, ':n': batch.events },
        }),
      );
    } catch (e) {
      if (!(e instanceof Error) || e.name !== 'ConditionalCheckFailedException') throw e;
      // A newer batch was recorded first (concurrent ingest batches): keep its lag, count ours.
      await this.doc.send(
        new UpdateCommand({ TableName: this.table, Key: key, UpdateExpression: 'ADD #n :n', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':n': batch.events } }),
      );
    }
  }

  async deliveries(from: readonly string[]): Promise<LinkDelivery[]> {
    const senders = [...new Set(from)];
    const items = await this.batchGet(senders.map((f) => this.key(`${LINK_PREFIX}${f}`, LINK_SK)));
    const byFrom = new Map(items.map((i) => [String(i[TABLE_SCHEMA.partitionKey]).slice(LINK_PREFIX.length), i]));
    return senders.flatMap((f) => {
      const i = byFrom.get(f);
      if (i === undefined) return [];
      return [{ from: f, receivedAt: Number(i['receivedAt']), originAt: Number(i['originAt']), lagMs: Number(i['lagMs']), events: Number(i['events'] ?? 0) }];
    });
  }

  // ---------------------------------------------------------------------------------------------

  private key(pk: string, sk: string): Item {
    return { [TABLE_SCHEMA.partitionKey]: pk, [TABLE_SCHEMA.sortKey]: sk };
  }

  private async write(event: MeshEvent, via: ReceiptVia, expectedVersion: number | undefined): Promise<AppendResult> {
    const stream = streamOf(event);
    const eventKey = this.key(stream, eventItemSortKey(event));
    const headsKey = this.key(stream, HEADS_SK);
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (attempt > 0) await backoff(attempt);
      let snapshot: Array<Item | undefined>;
      try {
        const { Responses } = await this.doc.send(
          new TransactGetCommand({
            TransactItems: [
              { Get: { TableName: this.table, Key: eventKey } },
              { Get: { TableName: this.table, Key: headsKey } },
              { Get: { TableName: this.table, Key: this.key(stream, `${REF_PREFIX}${event.id}`) } },
            ],
          }),
        );
        snapshot = (Responses ?? []).map((r) => r.Item);
      } catch (e) {
        if (isRetryable(e)) continue;
        throw e;
      }
      const [existing, headsItem, ref] = snapshot;
      if (existing !== undefined) return { status: 'duplicate', receipt: existing['receipt'] as Receipt };
      const version = headsItem === undefined ? 0 : Number(headsItem['version'] ?? 0);
      if (expectedVersion !== undefined && version !== expectedVersion) throw new HeadsMovedError(stream, expectedVersion);

      const currentSks = (headsItem?.['heads'] as string[] | undefined) ?? [];
      const skOf = new Map(currentSks.map((sk) => [idOfSortKey(sk), sk]));
      skOf.set(event.id, eventItemSortKey(event));
      const nextIds = nextHeads(currentSks.map(idOfSortKey), event, ref !== undefined);
      const nextSks = nextIds.map((id) => skOf.get(id)).filter((sk): sk is string => sk !== undefined).sort();

      const receipt: Receipt = { eventId: event.id, region: this.region, receivedAt: this.clock.now(), via };
      const heads: Item = { ...headsKey, [TABLE_SCHEMA.typeAttribute]: 'heads', heads: nextSks, version: version + 1 };
      // Sparse: only streams in conflict are in the conflicts index.
      if (nextSks.length > 1) heads[TABLE_SCHEMA.conflictsIndex.partitionKey] = '1';
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table,
                  Item: eventItem(event, receipt),
                  ConditionExpression: 'attribute_not_exists(#pk)',
                  ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey },
                },
              },
              {
                Put: {
                  TableName: this.table,
                  Item: heads,
                  ConditionExpression: version === 0 ? 'attribute_not_exists(#pk)' : '#v = :v',
                  ExpressionAttributeNames: version === 0 ? { '#pk': TABLE_SCHEMA.partitionKey } : { '#v': 'version' },
                  ...(version === 0 ? {} : { ExpressionAttributeValues: { ':v': version } }),
                },
              },
              ...event.parents.map((p) => ({
                Put: { TableName: this.table, Item: { ...this.key(stream, `${REF_PREFIX}${p}`), [TABLE_SCHEMA.typeAttribute]: 'ref' } },
              })),
            ],
          }),
        );
        return { status: 'stored', receipt };
      } catch (e) {
        const reasons = cancellationCodes(e);
        if (reasons !== undefined) {
          if (reasons[0] === 'ConditionalCheckFailed') {
            // Someone stored the same event between our read and our write: a duplicate.
            const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: eventKey, ConsistentRead: true }));
            if (Item !== undefined) return { status: 'duplicate', receipt: Item['receipt'] as Receipt };
            continue;
          }
          if (reasons[1] === 'ConditionalCheckFailed' && expectedVersion !== undefined) {
            throw new HeadsMovedError(stream, expectedVersion);
          }
          continue; // heads moved or a transaction conflict: read again and retry
        }
        if (isRetryable(e)) continue;
        throw e;
      }
    }
    throw new Error(`append of ${event.id} to ${stream} gave up after ${this.maxAttempts} attempts under contention`);
  }

  private async batchGetEvents(stream: string, sks: readonly string[]): Promise<MeshEvent[]> {
    const items = await this.batchGet(sks.map((sk) => this.key(stream, sk)));
    return items.map(eventOfItem).sort(compareEvents);
  }

  /** Items by key, read consistently, retrying unprocessed keys; in no particular order. */
  private async batchGet(keys: readonly Item[]): Promise<Item[]> {
    const out: Item[] = [];
    let pending: Item[] = [...keys];
    let attempt = 0;
    while (pending.length > 0) {
      const chunk = pending.slice(0, 100);
      pending = pending.slice(100);
      const res = await this.doc.send(
        new BatchGetCommand({ RequestItems: { [this.table]: { Keys: chunk, ConsistentRead: true } } }),
      );
      out.push(...(res.Responses?.[this.table] ?? []));
      const unprocessed = res.UnprocessedKeys?.[this.table]?.Keys ?? [];
      if (unprocessed.length > 0) {
        pending = [...unprocessed, ...pending];
        await backoff(++attempt);
      }
    }
    return out;
  }

  private async allIds(): Promise<string[]> {
    const items = await this.scanAll({
      TableName: this.table,
      IndexName: TABLE_SCHEMA.byBucketIndex.name,
      ProjectionExpression: '#eid',
      ExpressionAttributeNames: { '#eid': TABLE_SCHEMA.byIdIndex.partitionKey },
    });
    return items.map((i) => String(i[TABLE_SCHEMA.byIdIndex.partitionKey]));
  }

  private async queryAll(input: QueryCommandInput): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return out;
  }

  private async scanAll(input: ScanCommandInput): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.doc.send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return out;
  }
}

/** The per-item codes of a cancelled transaction, or undefined for any other error. */
function cancellationCodes(e: unknown): Array<string | undefined> | undefined {
  if (!(e instanceof Error) || e.name !== 'TransactionCanceledException') return undefined;
  const reasons = (e as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return (reasons ?? []).map((r) => r.Code);
}

function isRetryable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return [
    'TransactionConflictException',
    'TransactionInProgressException',
    'ThrottlingException',
    'ProvisionedThroughputExceededException',
    'RequestLimitExceeded',
    'InternalServerError',
  ].includes(e.name) || (e.name === 'TransactionCanceledException' && cancellationCodes(e)?.some((c) => c === 'TransactionConflict') === true);
}

/** Full jitter, capped: contention on one hot key spreads out instead of retrying in lockstep. */
function backoff(attempt: number): Promise<void> {
  const cap = Math.min(1000, 10 * 2 ** Math.min(attempt, 10));
  return new Promise((r) => setTimeout(r, Math.random() * cap));
}
