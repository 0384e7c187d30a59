/**
 * An in-memory {@link EventStore} for unit tests and for anything that needs the store's
 * semantics without DynamoDB. It keeps exactly the data the DynamoDB store keeps (events with
 * receipts, per-stream heads + version, parent references, the last delivery per inbound link) so
 * both pass the same contract suite.
 *
 * @example
 * ```ts
 * import { MemoryEventStore } from './memory-event-store.ts';
 * const store = new MemoryEventStore({ region: 'us-east-1' });
 * await store.append(event, { type: 'local' }); // { status: 'stored', receipt }
 * await store.append(event, { type: 'local' }); // { status: 'duplicate', receipt } (the first one)
 * ```
 */
import { DEFAULT_BUCKETS, bucketOf, compareEvents, digestOf, nextHeads } from '../domain/index.ts';
import type { WallClock } from '../domain/index.ts';
import type { Digest, MeshEvent, Receipt, ReceiptVia, StoredEvent } from '../domain/types.ts';
import type { AppendResult, DeliveryBatch, EventStore, HeadsState, LinkDelivery } from '../ports/event-store.ts';
import { HeadsMovedError } from '../ports/heads-moved-error.ts';
import { streamOf } from '../ports/stream.ts';
import type { StreamId } from '../ports/stream.ts';

interface StreamState {
  version: number;
  headIds: string[];
  /** Ids some stored event of the stream names as a parent. */
  readonly referenced: Set<string>;
  readonly events: StoredEvent[];
}

export interface MemoryEventStoreOptions {
  readonly region: string;
  /** Stamps receipts; defaults to Date. */
  readonly clock?: WallClock;
}

export class MemoryEventStore implements EventStore {
  readonly region: string;
  private readonly clock: WallClock;
  private readonly byId = new Map<string, StoredEvent>();
  private readonly streams = new Map<StreamId, StreamState>();
  private readonly links = new Map<string, LinkDelivery>();

  constructor(options: MemoryEventStoreOptions) {
    this.region = options.region;
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  async append(event: MeshEvent, via: ReceiptVia): Promise<AppendResult> {
    return this.store(event, via, undefined);
  }

  async appendIfHeads(event: MeshEvent, expectedVersion: number, via: ReceiptVia = { type: 'local' }): Promise<AppendResult> {
    return this.store(event, via, expectedVersion);
  }

  async headsOf(stream: StreamId): Promise<HeadsState> {
    const s = this.streams.get(stream);
    if (s === undefined) return { heads: [], version: 0 };
    const heads = s.headIds.map((id) => this.byId.get(id)?.event).filter((e): e is MeshEvent => e !== undefined);
    return { heads: heads.sort(compareEvents), version: s.version };
  }

  async winnerOf(stream: StreamId): Promise<MeshEvent | undefined> {
    return this.streams.get(stream)?.events.at(-1)?.event;
  }

  async eventsOf(stream: StreamId): Promise<StoredEvent[]> {
    return [...(this.streams.get(stream)?.events ?? [])];
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    return this.byId.get(id);
  }

  async conflicts(): Promise<StreamId[]> {
    return [...this.streams.entries()]
      .filter(([, s]) => s.headIds.length > 1)
      .map(([stream]) => stream)
      .sort();
  }

  async digest(buckets: number = DEFAULT_BUCKETS): Promise<Digest> {
    return digestOf(this.byId.keys(), buckets);
  }

  async idsInBucket(bucket: number, buckets: number = DEFAULT_BUCKETS): Promise<string[]> {
    return [...this.byId.keys()].filter((id) => bucketOf(id, buckets) === bucket).sort();
  }

  async count(): Promise<number> {
    return this.byId.size;
  }

  async recordDelivery(batch: DeliveryBatch): Promise<void> {
    const last = this.links.get(batch.from);
    if (last !== undefined && last.receivedAt > batch.receivedAt) {
      // An older batch finishing late: count it, but keep the newer lag.
      this.links.set(batch.from, { ...last, events: last.events + batch.events });
      return;
    }
    this.links.set(batch.from, { ...batch, events: (last?.events ?? 0) + batch.events });
  }

  async deliveries(from: readonly string[]): Promise<LinkDelivery[]> {
    return [...new Set(from)].map((f) => this.links.get(f)).filter((d): d is LinkDelivery => d !== undefined);
  }

  /** Synchronous body: JavaScript runs it without interleaving, which is this store's transaction. */
  private store(event: MeshEvent, via: ReceiptVia, expectedVersion: number | undefined): AppendResult {
    const existing = this.byId.get(event.id);
    if (existing !== undefined) return { status: 'duplicate', receipt: existing.receipt };
    const stream = streamOf(event);
    const s = this.streams.get(stream) ?? { version: 0, headIds: [], referenced: new Set<string>(), events: [] };
    if (expectedVersion !== undefined && s.version !== expectedVersion) throw new HeadsMovedError(stream, expectedVersion);
    const receipt: Receipt = { eventId: event.id, region: this.region, receivedAt: this.clock.now(), via };
    const stored: StoredEvent = { event, receipt };
    s.headIds = nextHeads(s.headIds, event, s.referenced.has(event.id));
    for (const p of event.parents) s.referenced.add(p);
    s.version += 1;
    const at = s.events.findIndex((e) => compareEvents(e.event, event) > 0);
    if (at === -1) s.events.push(stored);
    else s.events.splice(at, 0, stored);
    this.streams.set(stream, s);
    this.byId.set(event.id, stored);
    return { status: 'stored', receipt };
  }
}
