/**
 * The DynamoDB {@link EventStore}: one table per region, laid out as `dynamo-schema.ts` documents.
 *
 * Cost per operation (what `npm run bench` counts):
 * - a local write: GetItem of the stream's state, then one TransactWriteItems of the events, the
 *   new state and the digest rows (`appendOn`) — two requests; local writes to other streams that
 *   arrive while one is in flight share the next transaction (`commit-batcher.ts`);
 * - a delivered batch: one BatchGetItem of states and "already stored?" (asked only of events
 *   that came some other way than a link: a link's redelivery is refused by the write's condition
 *   and read in the retry), a second one of "already
 *   named as a parent?" only for streams whose state item is not marked ref-free (see
 *   `appendRound` for why it cannot be the same request), and one TransactWriteItems
 *   for the whole batch, whatever its streams (`appendBatch`); a late account event adds one
 *   Query of the events after the checkpoint it resumes from;
 * - a key or account read: GetItem of the state plus one BatchGetItem of the heads (the account
 *   answer names its heads, the parents of its next money write);
 * - a digest: one Query per digest stripe, whatever the number of events.
 *
 * Contention (another writer moved a stream between the read and the write) cancels the whole
 * transaction, so nothing half-written is ever visible; `appendOn` reports it as
 * {@link HeadsMovedError} for the caller to decide again, `appendBatch` re-reads and retries.
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { DynamoEventStore } from './dynamo-event-store.ts';
 * const store = new DynamoEventStore({ client: new DynamoDBClient({}), table: 'ecmesh-events-us-east-1', region: 'us-east-1' });
 * await store.appendBatch([{ event, via: { type: 'peer', peer: 'eu-west-1' } }]);
 * ```
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_BUCKETS, bucketOf, digestOf, eventSortKey } from '../domain/index.ts';
import type { HeadPosition, WallClock } from '../domain/index.ts';
import type { Digest, MeshEvent, Receipt, ReceiptVia, StoredEvent } from '../domain/types.ts';
import type { AppendResult, Arrival, BackfillProgress, DeliveryBatch, EventStore, LinkDelivery, Page, PageRequest, StreamState } from '../ports/event-store.ts';
import { HeadsMovedError } from '../ports/heads-moved-error.ts';
import { streamOf } from '../ports/stream.ts';
import type { StreamId } from '../ports/stream.ts';
import { decodeCursor, encodeCursor } from '../util/cursor.ts';
import { DynamoBookkeeping } from './dynamo-bookkeeping.ts';
import { readDigest } from './dynamo-digest.ts';
import { backoff, batchGetAll, queryAll, scanAll } from './dynamo-reads.ts';
import { eventOfItem, eventSk, isRefFree, itemKey, keyString, refKey, stateKey, stateOfItem, storedOfItem } from './dynamo-items.ts';
import type { Item } from './dynamo-items.ts';
import { ITEM_KEYS, TABLE_SCHEMA } from './dynamo-schema.ts';
import { CommitBatcher } from './commit-batcher.ts';
import { commitStreamWrites, fitStreamWrite, fitsOneTransaction, isRejection } from './dynamo-writes.ts';
import type { StreamWrite } from './dynamo-writes.ts';
import { planReplay, replayFrom, transition } from './stream-transition.ts';

export { eventItem, eventOfItem } from './dynamo-items.ts';

/** Per appendBatch: the stored events a stream's replay read in an earlier round, in position order. */
type ReplayCache = Map<StreamId, { readonly from: string; readonly events: readonly MeshEvent[] }>;

export interface DynamoEventStoreOptions {
  /** A plain client; the store wraps it in a DocumentClient. */
  readonly client: DynamoDBClient;
  readonly table: string;
  /** The region this store belongs to (written into receipts). */
  readonly region: string;
  /** Stamps receipts; defaults to Date. */
  readonly clock?: WallClock;
  /** Rounds of re-read and retry of a contended batch before `appendBatch` gives up (default 30). */
  readonly maxAttempts?: number;
  /** Events of one stream stored per transaction; more wait for the next round (default 32). */
  readonly maxEventsPerStream?: number;
  /**
   * `appendOn` writes (of different streams) that share one commit when they arrive while another
   * is in flight; 1 commits each on its own.
   * @default 32
   */
  readonly maxWritesPerCommit?: number;
}

export class DynamoEventStore implements EventStore {
  readonly region: string;
  private readonly doc: DynamoDBDocumentClient;
  /** The plain client: the digest reads numbers as exact decimal strings (sums outgrow 2^53). */
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly clock: WallClock;
  private readonly maxAttempts: number;
  private readonly maxEventsPerStream: number;
  /** `appendOn`'s writes, several streams to a transaction while one is in flight (see commit-batcher.ts). */
  private readonly localCommits: CommitBatcher<StreamWrite>;
  /** Backfill progress, link deliveries and refusal counts: the region's records beside its events. */
  private readonly bookkeeping: DynamoBookkeeping;

  constructor(options: DynamoEventStoreOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.client = options.client;
    this.table = options.table;
    this.region = options.region;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.maxAttempts = options.maxAttempts ?? 30;
    this.maxEventsPerStream = options.maxEventsPerStream ?? 32;
    this.bookkeeping = new DynamoBookkeeping(this.doc, this.table);
    this.localCommits = new CommitBatcher((writes) => commitStreamWrites(this.doc, this.table, writes), {
      keyOf: (w) => w.stream,
      fits: fitsOneTransaction,
      isRejection,
      maxWrites: options.maxWritesPerCommit ?? 32,
    });
  }

  async stateOf(stream: StreamId): Promise<StreamState> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: stateKey(stream), ConsistentRead: true }));
    return stateOfItem(stream, Item);
  }

  async appendOn(state: StreamState, events: readonly MeshEvent[], via: ReceiptVia = { type: 'local' }): Promise<Receipt[]> {
    if (events.length === 0) return [];
    for (const e of events) if (streamOf(e) !== state.stream) throw new Error(`appendOn: event ${e.id} is not of stream ${state.stream}`);
    const now = this.clock.now();
    const from = planReplay(state, events);
    const storedAfter = from === undefined ? undefined : await this.storedAfter(state.stream, from);
    const { state: next, refs } = transition(state, events, new Set(), now, storedAfter);
    const receipts = events.map((e): Receipt => ({ eventId: e.id, region: this.region, receivedAt: now, via }));
    // A new stream is known to have no refs; later local writes do not know (they decide on a
    // StreamState, which does not carry the mark) and leave it off, which only costs an ingest a read.
    const refFree = state.version === 0 && refs.length === 0;
    const write: StreamWrite = { stream: state.stream, expectedVersion: state.version, next, events: events.map((event, i) => ({ event, receipt: receipts[i] as Receipt })), refs, refFree };
    if (!(await this.localCommits.submit(write))) throw new HeadsMovedError(state.stream, state.version);
    return receipts;
  }

  async appendBatch(arrivals: readonly Arrival[]): Promise<AppendResult[]> {
    const results = new Map<string, AppendResult>();
    let pending = [...new Map(arrivals.map((a) => [a.event.id, a])).values()];
    const replays: ReplayCache = new Map();
    for (let attempt = 0; pending.length > 0; ) {
      // After a refused round, each stream goes in a transaction of its own: a stream that other
      // writers keep moving (a hot key fed by several peers) no longer holds back the others.
      const { moved, deferred } = await this.appendRound(pending, results, replays, attempt > 0);
      pending = [...moved, ...deferred];
      if (moved.length === 0) continue; // only deferred (a stream's share of a big batch): no contention, go on
      if (++attempt >= this.maxAttempts) {
        throw new Error(`appendBatch: ${moved.length} event(s) still contended after ${this.maxAttempts} rounds (e.g. ${moved[0]?.event.id}); retry later`);
      }
      await backoff(attempt);
    }
    return arrivals.map((a, i) => {
      const r = results.get(a.event.id) as AppendResult;
      return arrivals.findIndex((x) => x.event.id === a.event.id) === i ? r : { status: 'duplicate', receipt: r.receipt };
    });
  }

  async eventsAt(stream: StreamId, positions: readonly HeadPosition[]): Promise<StoredEvent[]> {
    const items = await batchGetAll(this.doc, this.table, positions.map((p) => itemKey(stream, eventSk(p))));
    return items.map(storedOfItem).sort((a, b) => (eventSortKey(a.event) < eventSortKey(b.event) ? -1 : 1));
  }

  async eventsPage(stream: StreamId, page: { readonly limit: number; readonly after?: HeadPosition; readonly desc?: boolean }): Promise<{ events: StoredEvent[]; next?: HeadPosition }> {
    const desc = page.desc === true;
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :e)',
        ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey, '#sk': TABLE_SCHEMA.sortKey },
        ExpressionAttributeValues: { ':pk': stream, ':e': ITEM_KEYS.eventPrefix },
        ConsistentRead: true,
        ScanIndexForward: !desc,
        // One more than asked: whether there is a next page, without an empty last page.
        Limit: page.limit + 1,
        ...(page.after === undefined ? {} : { ExclusiveStartKey: itemKey(stream, eventSk(page.after)) }),
      }),
    );
    const items = Items ?? [];
    const events = items.slice(0, page.limit).map(storedOfItem);
    const last = events.at(-1);
    return items.length > page.limit && last !== undefined ? { events, next: eventSortKey(last.event) } : { events };
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
    const hit = Items?.[0];
    if (hit === undefined) return undefined;
    // KEYS_ONLY index: the hit names the item; read the item itself.
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: itemKey(String(hit[TABLE_SCHEMA.partitionKey]), String(hit[TABLE_SCHEMA.sortKey])), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : storedOfItem(Item);
  }

  async conflicts(page: PageRequest): Promise<Page<StreamState>> {
    const { keys, next } = await this.indexPage('conflicts', TABLE_SCHEMA.conflictsIndex, '1', undefined, page);
    const states = await this.statesOf(keys);
    // The index is eventually consistent; keep only streams still in conflict on a consistent read.
    return { items: states.filter((s) => s.heads.length > 1), ...(next === undefined ? {} : { next }) };
  }

  async streams(prefix: string, page: PageRequest): Promise<Page<StreamState>> {
    const ns = prefix.slice(0, 1);
    const { keys, next } = await this.indexPage(`streams:${prefix}`, TABLE_SCHEMA.catalogIndex, ns, prefix, page);
    const states = await this.statesOf(keys);
    return { items: states.filter((s) => s.version > 0), ...(next === undefined ? {} : { next }) };
  }

  async digest(buckets: number = DEFAULT_BUCKETS): Promise<Digest> {
    if (buckets === DEFAULT_BUCKETS) return readDigest(this.client, this.table);
    // The cells are kept for DEFAULT_BUCKETS; any other split needs every id.
    return digestOf(await this.allIds(), buckets);
  }

  async idsInBucket(bucket: number, buckets: number = DEFAULT_BUCKETS): Promise<string[]> {
    if (buckets !== DEFAULT_BUCKETS) {
      // The stored bucket attribute is for DEFAULT_BUCKETS; any other split needs every id.
      return (await this.allIds()).filter((id) => bucketOf(id, buckets) === bucket).sort();
    }
    const items = await queryAll(this.doc, {
      TableName: this.table,
      IndexName: TABLE_SCHEMA.byBucketIndex.name,
      KeyConditionExpression: '#b = :b',
      ExpressionAttributeNames: { '#b': TABLE_SCHEMA.byBucketIndex.partitionKey },
      ExpressionAttributeValues: { ':b': bucket },
    });
    return items.map((i) => String(i[TABLE_SCHEMA.byIdIndex.partitionKey])).sort();
  }

  async eventsInBucket(bucket: number, page: { readonly limit: number; readonly after?: string }): Promise<{ events: StoredEvent[]; next?: string }> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE_SCHEMA.byBucketIndex.name,
        // A key value may not be empty: no `after`, no condition on the id.
        KeyConditionExpression: page.after === undefined ? '#b = :b' : '#b = :b AND #eid > :after',
        ExpressionAttributeNames: { '#b': TABLE_SCHEMA.byBucketIndex.partitionKey, ...(page.after === undefined ? {} : { '#eid': TABLE_SCHEMA.byBucketIndex.sortKey }) },
        ExpressionAttributeValues: { ':b': bucket, ...(page.after === undefined ? {} : { ':after': page.after }) },
        // One more than asked: whether there is a next page, without an empty last page.
        Limit: page.limit + 1,
      }),
    );
    // KEYS_ONLY index: the keys name the items; one BatchGetItem (100 keys a request) reads them.
    const keys = (Items ?? []).slice(0, page.limit);
    const items = await batchGetAll(this.doc, this.table, keys.map((k) => itemKey(String(k[TABLE_SCHEMA.partitionKey]), String(k[TABLE_SCHEMA.sortKey]))));
    const events = items.map(storedOfItem).sort((a, b) => (a.event.id < b.event.id ? -1 : 1));
    const last = keys.at(-1);
    return (Items ?? []).length > page.limit && last !== undefined ? { events, next: String(last[TABLE_SCHEMA.byBucketIndex.sortKey]) } : { events };
  }

  async count(): Promise<number> {
    return (await this.digest()).entries.reduce((n, e) => n + e.count, 0);
  }

  saveBackfill(progress: BackfillProgress): Promise<boolean> {
    return this.bookkeeping.saveBackfill(progress);
  }

  backfills(): Promise<BackfillProgress[]> {
    return this.bookkeeping.backfills();
  }

  recordDelivery(batch: DeliveryBatch): Promise<void> {
    return this.bookkeeping.recordDelivery(batch);
  }

  deliveries(from: readonly string[]): Promise<LinkDelivery[]> {
    return this.bookkeeping.deliveries(from);
  }

  countRefusals(counts: Readonly<Record<string, number>>): Promise<void> {
    return this.bookkeeping.countRefusals(counts);
  }

  refusals(): Promise<Record<string, number>> {
    return this.bookkeeping.refusals();
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * One round of `appendBatch`: one read of everything the round needs, one write per
   * transaction's worth of streams. Answers what contention refused and what waits for a later
   * round (a stream's events beyond `maxEventsPerStream`).
   */
  private async appendRound(pending: readonly Arrival[], results: Map<string, AppendResult>, replays: ReplayCache, separate: boolean): Promise<{ moved: Arrival[]; deferred: Arrival[] }> {
    const streams = [...new Set(pending.map((a) => streamOf(a.event)))];
    // States first, refs after, in two requests: BatchGetItem is not isolated across its items, so
    // a child committed between the read of a ref and the read of the state would leave its parent
    // a head under a state whose version the write then matches. Read in this order, a child
    // committed after the state read moves the version (the write is refused and retried), and
    // one committed before it has its ref visible to the second read. A stream whose state item
    // is marked ref-free (or absent) has no ref to read; a child committed after that read moves
    // its version just the same. Streams fed only by ingest, the common case, skip the second read.
    // An event that came over a link is new to this region but for a redelivery: the first round
    // does not read its item (half of the keys read), and the write's condition on it still
    // refuses a copy already stored. The refused transaction comes back in a later round, which
    // reads every event and answers `duplicate` with the stored receipt.
    const probed = separate ? pending : pending.filter((a) => a.via.type !== 'peer');
    const items = await batchGetAll(this.doc, this.table, [...streams.map(stateKey), ...probed.map((a) => itemKey(streamOf(a.event), eventSk(eventSortKey(a.event))))]);
    const byKey = new Map(items.map((i) => [keyString(i), i]));
    const at = (k: Item): Item | undefined => byKey.get(keyString(k));
    const refFree = new Set(streams.filter((s) => isRefFree(at(stateKey(s)))));
    // batchGetAll sends nothing for no keys.
    const refItems = await batchGetAll(this.doc, this.table, pending.filter((a) => !refFree.has(streamOf(a.event))).map((a) => refKey(streamOf(a.event), a.event.id)));
    for (const i of refItems) byKey.set(keyString(i), i);

    const fresh = new Map<StreamId, Arrival[]>();
    for (const a of [...pending].sort((x, y) => (eventSortKey(x.event) < eventSortKey(y.event) ? -1 : 1))) {
      const stream = streamOf(a.event);
      const existing = at(itemKey(stream, eventSk(eventSortKey(a.event))));
      if (existing !== undefined) {
        results.set(a.event.id, { status: 'duplicate', receipt: existing['receipt'] as Receipt });
        continue;
      }
      fresh.set(stream, [...(fresh.get(stream) ?? []), a]);
    }
    // Each stream's write is one transaction: what does not fit (by events, items or bytes: the
    // refs of many parents count too) waits for a later round.
    const groups = new Map<StreamId, Arrival[]>();
    const deferred: Arrival[] = [];
    for (const [stream, arrivals] of fresh) {
      const { taken, rest } = fitStreamWrite(arrivals, this.maxEventsPerStream);
      groups.set(stream, taken);
      deferred.push(...rest);
    }

    const now = this.clock.now();
    const writes = await Promise.all(
      [...groups].map(async ([stream, group]): Promise<{ write: StreamWrite; arrivals: Arrival[] }> => {
        const state = stateOfItem(stream, at(stateKey(stream)));
        const events = group.map((a) => a.event);
        const referenced = new Set(events.filter((e) => at(refKey(stream, e.id)) !== undefined).map((e) => e.id));
        const storedAfter = await this.replayRead(state, events, replays);
        const { state: next, refs } = transition(state, events, referenced, now, storedAfter);
        const stored = group.map((a) => ({ event: a.event, receipt: { eventId: a.event.id, region: this.region, receivedAt: now, via: a.via } as Receipt }));
        return { write: { stream, expectedVersion: state.version, next, events: stored, refs, refFree: refFree.has(stream) && refs.length === 0 }, arrivals: group };
      }),
    );
    const { committed, moved } = await commitStreamWrites(this.doc, this.table, writes.map((w) => w.write), { separate });
    for (const w of committed) for (const { event, receipt } of w.events) results.set(event.id, { status: 'stored', receipt });
    const movedStreams = new Set(moved.map((w) => w.stream));
    return { moved: writes.filter((w) => movedStreams.has(w.write.stream)).flatMap((w) => w.arrivals), deferred };
  }

  /**
   * What a replay of `state` for `events` folds (undefined when the snapshot simply extends).
   * A round that lost a race for the stream read most of it already, and stored events never
   * change: the next round reads only the events after the last one it has, and keeps the lot
   * when their number is the snapshot's count after the checkpoint (else some landed in between:
   * it reads them all again). Without this, a late event of an account written without pause
   * never committed: its full read outlasted the live writes' every time (the backfill of a
   * joining region stalled on one). A write still commits only on the version it read.
   */
  private async replayRead(state: StreamState, events: readonly MeshEvent[], replays: ReplayCache): Promise<MeshEvent[] | undefined> {
    const plan = replayFrom(state, events);
    if (plan === undefined) return undefined;
    const seen = replays.get(state.stream);
    if (seen !== undefined && seen.from === plan.position && plan.after !== undefined && seen.events.length <= plan.after) {
      const last = seen.events.at(-1);
      const newer = last === undefined ? await this.storedAfter(state.stream, plan.position) : await this.storedAfter(state.stream, eventSortKey(last));
      const all = [...seen.events, ...newer];
      replays.set(state.stream, { from: plan.position, events: all });
      if (all.length === plan.after) return all;
    }
    const all = await this.storedAfter(state.stream, plan.position);
    replays.set(state.stream, { from: plan.position, events: all });
    return all;
  }

  /** Every stored event of a stream after `position` ('' = all): what a replay from a checkpoint folds. */
  private async storedAfter(stream: StreamId, position: string): Promise<MeshEvent[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :e)',
      ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey, '#sk': TABLE_SCHEMA.sortKey },
      ExpressionAttributeValues: { ':pk': stream, ':e': ITEM_KEYS.eventPrefix },
      ConsistentRead: true,
      ...(position === '' ? {} : { ExclusiveStartKey: itemKey(stream, eventSk(position)) }),
    });
    return items.map(eventOfItem);
  }

  /** States of streams, read consistently, in the order asked: one BatchGetItem per 100. */
  async statesOf(streams: readonly StreamId[]): Promise<StreamState[]> {
    const items = await batchGetAll(this.doc, this.table, streams.map(stateKey));
    const byStream = new Map(items.map((i) => [String(i[TABLE_SCHEMA.partitionKey]), i]));
    return streams.map((s) => stateOfItem(s, byStream.get(s)));
  }

  /** A page of stream ids from a KEYS_ONLY index of state items (`cat` or `conflicts`), with an opaque cursor. */
  private async indexPage(
    kind: string,
    index: { readonly name: string; readonly partitionKey: string; readonly sortKey: string },
    partition: string,
    prefix: string | undefined,
    page: PageRequest,
  ): Promise<{ keys: StreamId[]; next?: string }> {
    const start = page.cursor === undefined ? undefined : decodeCursor(page.cursor, kind, isStreamId);
    const { Items, LastEvaluatedKey } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: prefix === undefined ? '#p = :p' : '#p = :p AND begins_with(#s, :prefix)',
        ExpressionAttributeNames: { '#p': index.partitionKey, ...(prefix === undefined ? {} : { '#s': index.sortKey }) },
        ExpressionAttributeValues: { ':p': partition, ...(prefix === undefined ? {} : { ':prefix': prefix }) },
        Limit: page.limit,
        ...(start === undefined ? {} : { ExclusiveStartKey: { [index.partitionKey]: partition, ...stateKey(start) } }),
      }),
    );
    const keys = (Items ?? []).map((i) => String(i[TABLE_SCHEMA.partitionKey]) as StreamId);
    const last = keys.at(-1);
    return LastEvaluatedKey !== undefined && last !== undefined ? { keys, next: encodeCursor(kind, last) } : { keys };
  }

  private async allIds(): Promise<string[]> {
    const items = await scanAll(this.doc, {
      TableName: this.table,
      IndexName: TABLE_SCHEMA.byBucketIndex.name,
      ProjectionExpression: '#eid',
      ExpressionAttributeNames: { '#eid': TABLE_SCHEMA.byIdIndex.partitionKey },
    });
    return items.map((i) => String(i[TABLE_SCHEMA.byIdIndex.partitionKey]));
  }
}

function isStreamId(v: unknown): v is StreamId {
  return typeof v === 'string' && /^[RAE]#/.test(v) && v.length <= 300;
}
