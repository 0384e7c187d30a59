/**
 * An in-memory {@link EventStore} for unit tests and for anything that needs the store's
 * semantics without DynamoDB. It keeps the data the DynamoDB store keeps (events with receipts,
 * each stream's state, the ids known events name as parents, the last delivery per inbound link,
 * refusal counters) and moves stream states with the same `stream-transition.ts`, so both pass
 * the same contract suite.
 *
 * @example
 * ```ts
 * import { MemoryEventStore } from './memory-event-store.ts';
 * const store = new MemoryEventStore({ region: 'us-east-1' });
 * await store.appendBatch([{ event, via: { type: 'local' } }]); // [{ status: 'stored', receipt }]
 * await store.appendBatch([{ event, via: { type: 'local' } }]); // [{ status: 'duplicate', receipt }] (the first one)
 * ```
 */
import { DEFAULT_BUCKETS, bucketOf, compareEvents, digestOf, eventSortKey } from '../domain/index.ts';
import type { HeadPosition, WallClock } from '../domain/index.ts';
import type { Digest, MeshEvent, Receipt, ReceiptVia, StoredEvent } from '../domain/types.ts';
import type { AppendResult, Arrival, BackfillProgress, DeliveryBatch, EventStore, LinkDelivery, Page, PageRequest, StreamState } from '../ports/event-store.ts';
import { backfillPosition } from '../ports/backfill-progress.ts';
import { HeadsMovedError } from '../ports/heads-moved-error.ts';
import { streamOf } from '../ports/stream.ts';
import type { StreamId } from '../ports/stream.ts';
import { decodeCursor, encodeCursor } from '../util/cursor.ts';
import { emptyState, planReplay, transition } from './stream-transition.ts';

interface StreamData {
  state: StreamState;
  /** Ids some stored event of the stream names as a parent. */
  readonly referenced: Set<string>;
  /** Sorted by position. */
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
  private readonly streamData = new Map<StreamId, StreamData>();
  private readonly links = new Map<string, LinkDelivery>();
  private readonly refused = new Map<string, number>();
  private readonly backfillLog = new Map<string, BackfillProgress>();

  constructor(options: MemoryEventStoreOptions) {
    this.region = options.region;
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  async stateOf(stream: StreamId): Promise<StreamState> {
    return this.streamData.get(stream)?.state ?? emptyState(stream);
  }

  async statesOf(streams: readonly StreamId[]): Promise<StreamState[]> {
    return streams.map((s) => this.streamData.get(s)?.state ?? emptyState(s));
  }

  /** Synchronous body: JavaScript runs it without interleaving, which is this store's transaction. */
  async appendOn(state: StreamState, events: readonly MeshEvent[], via: ReceiptVia = { type: 'local' }): Promise<Receipt[]> {
    const current = this.streamData.get(state.stream)?.state ?? emptyState(state.stream);
    if (current.version !== state.version) throw new HeadsMovedError(state.stream, state.version);
    for (const e of events) {
      if (streamOf(e) !== state.stream) throw new Error(`appendOn: event ${e.id} is not of stream ${state.stream}`);
      if (this.byId.has(e.id)) throw new HeadsMovedError(state.stream, state.version);
    }
    const now = this.clock.now();
    return this.commit(state.stream, events.map((event) => ({ event, via })), now).map((r) => r.receipt);
  }

  async appendBatch(arrivals: readonly Arrival[]): Promise<AppendResult[]> {
    const now = this.clock.now();
    const results = new Map<string, AppendResult>();
    const fresh = new Map<StreamId, Arrival[]>();
    for (const a of arrivals) {
      const existing = this.byId.get(a.event.id);
      if (existing !== undefined) {
        results.set(a.event.id, { status: 'duplicate', receipt: existing.receipt });
        continue;
      }
      if (results.has(a.event.id) || fresh.get(streamOf(a.event))?.some((x) => x.event.id === a.event.id)) continue;
      const s = streamOf(a.event);
      fresh.set(s, [...(fresh.get(s) ?? []), a]);
    }
    for (const [stream, group] of fresh) for (const r of this.commit(stream, group, now)) results.set(r.receipt.eventId, r);
    // A duplicate within the batch answers like a duplicate: the receipt stored by its first copy.
    return arrivals.map((a, i) => {
      const r = results.get(a.event.id) as AppendResult;
      const first = arrivals.findIndex((x) => x.event.id === a.event.id);
      return first === i ? r : { status: 'duplicate', receipt: r.receipt };
    });
  }

  async eventsAt(stream: StreamId, positions: readonly HeadPosition[]): Promise<StoredEvent[]> {
    const wanted = new Set(positions);
    return (this.streamData.get(stream)?.events ?? []).filter((s) => wanted.has(eventSortKey(s.event)));
  }

  async eventsPage(stream: StreamId, page: { readonly limit: number; readonly after?: HeadPosition; readonly desc?: boolean }): Promise<{ events: StoredEvent[]; next?: HeadPosition }> {
    const all = this.streamData.get(stream)?.events ?? [];
    const ordered = page.desc === true ? [...all].reverse() : all;
    const rest = page.after === undefined ? ordered : ordered.filter((s) => (page.desc === true ? eventSortKey(s.event) < (page.after as string) : eventSortKey(s.event) > (page.after as string)));
    const events = rest.slice(0, page.limit);
    const last = events.at(-1);
    return rest.length > page.limit && last !== undefined ? { events, next: eventSortKey(last.event) } : { events };
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    return this.byId.get(id);
  }

  async conflicts(page: PageRequest): Promise<Page<StreamState>> {
    return this.pageOf('conflicts', [...this.streamData.values()].map((d) => d.state).filter((s) => s.heads.length > 1), page);
  }

  async streams(prefix: string, page: PageRequest): Promise<Page<StreamState>> {
    return this.pageOf(`streams:${prefix}`, [...this.streamData.values()].map((d) => d.state).filter((s) => s.stream.startsWith(prefix)), page);
  }

  async digest(buckets: number = DEFAULT_BUCKETS): Promise<Digest> {
    return digestOf(this.byId.keys(), buckets);
  }

  async idsInBucket(bucket: number, buckets: number = DEFAULT_BUCKETS): Promise<string[]> {
    return [...this.byId.keys()].filter((id) => bucketOf(id, buckets) === bucket).sort();
  }

  async eventsInBucket(bucket: number, page: { readonly limit: number; readonly after?: string }): Promise<{ events: StoredEvent[]; next?: string }> {
    const after = page.after ?? '';
    const ids = [...this.byId.keys()].filter((id) => id > after && bucketOf(id, DEFAULT_BUCKETS) === bucket).sort();
    const events = ids.slice(0, page.limit).map((id) => this.byId.get(id) as StoredEvent);
    const last = events.at(-1);
    return ids.length > page.limit && last !== undefined ? { events, next: last.event.id } : { events };
  }

  async count(): Promise<number> {
    return this.byId.size;
  }

  async saveBackfill(progress: BackfillProgress): Promise<boolean> {
    const stored = this.backfillLog.get(progress.peer);
    if (stored !== undefined && backfillPosition(stored) > backfillPosition(progress)) return false;
    this.backfillLog.set(progress.peer, { ...progress });
    return true;
  }

  async backfills(): Promise<BackfillProgress[]> {
    return [...this.backfillLog.values()].sort((a, b) => (a.peer < b.peer ? -1 : 1)).map((p) => ({ ...p }));
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

  async countRefusals(counts: Readonly<Record<string, number>>): Promise<void> {
    for (const [reason, n] of Object.entries(counts)) this.refused.set(reason, (this.refused.get(reason) ?? 0) + n);
  }

  async refusals(): Promise<Record<string, number>> {
    return Object.fromEntries([...this.refused].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  // ---------------------------------------------------------------------------------------------

  /** Stores new, distinct events of one stream and moves its state, as the DynamoDB store's one write does. */
  private commit(stream: StreamId, arrivals: readonly Arrival[], now: number): AppendResult[] {
    const data = this.streamData.get(stream) ?? { state: emptyState(stream), referenced: new Set<string>(), events: [] };
    const events = arrivals.map((a) => a.event);
    const referenced = new Set(events.filter((e) => data.referenced.has(e.id)).map((e) => e.id));
    const from = planReplay(data.state, events);
    const storedAfter = from === undefined ? undefined : data.events.filter((s) => eventSortKey(s.event) > from).map((s) => s.event);
    const { state } = transition(data.state, events, referenced, now, storedAfter);
    data.state = state;
    for (const e of events) for (const p of e.parents) data.referenced.add(p);
    const results: AppendResult[] = [];
    for (const { event, via } of arrivals) {
      const receipt: Receipt = { eventId: event.id, region: this.region, receivedAt: now, via };
      const stored: StoredEvent = { event, receipt };
      const at = data.events.findIndex((s) => compareEvents(s.event, event) > 0);
      if (at === -1) data.events.push(stored);
      else data.events.splice(at, 0, stored);
      this.byId.set(event.id, stored);
      results.push({ status: 'stored', receipt });
    }
    this.streamData.set(stream, data);
    return results;
  }

  /** A page by stream id; the cursors are those of the DynamoDB store (kind and last stream id). */
  private pageOf(kind: string, states: StreamState[], page: PageRequest): Page<StreamState> {
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, kind);
    const sorted = states.filter((s) => after === undefined || s.stream > after).sort((a, b) => (a.stream < b.stream ? -1 : 1));
    const items = sorted.slice(0, page.limit);
    const last = items.at(-1);
    return sorted.length > page.limit && last !== undefined ? { items, next: encodeCursor(kind, last.stream) } : { items };
  }
}
