/**
 * The backfill of a region that joins a running mesh: it copies every event a peer holds, a page
 * at a time, then lets anti-entropy catch up on whatever reached the mesh meanwhile.
 *
 * - **Paged**: bucket by bucket (the digest's buckets, which the table indexes), in id order,
 *   `pageSize` events a page, a page taking in the next buckets while it has room (a small
 *   table holds a few dozen events a bucket) — on DynamoDB one Query of the KEYS_ONLY bucket index
 *   and one BatchGetItem of its items per bucket on the peer, then one `ingestBatch` here (one
 *   BatchGetItem and one TransactWriteItems). The next page is read from the peer while this one
 *   is stored.
 * - **Checked**: each event goes through `ingestBatch` like any repair pull (hash, origin, clock),
 *   with the receipt `{ type: 'repair', peer }`. This region's own events are skipped: a region
 *   holds what it accepted, and ingest would refuse them from outside.
 * - **Resumable**: after every page the position (bucket, last id) and the counts are saved in
 *   this region's table (`EventStore.saveBackfill`); a run that stops — a Lambda's time limit, a
 *   crash — is continued by the next run from there, re-reading at most one page. The save never
 *   moves back, so of two concurrent runs the one behind notices and stops.
 * - **Throttled**: at most `maxEventsPerSecond` events read per second, so a backfill does not eat
 *   the peer's read capacity or this region's write capacity.
 * - **Then anti-entropy**: once every bucket is copied, one repair run from every peer pulls what
 *   the copy could not see (events written while the links to the new region were being wired);
 *   the backfill is `done` only when that run reached every peer.
 *
 * @example
 * ```ts
 * import { Backfill } from './backfill.ts';
 * const backfill = new Backfill({ region: 'ap-northeast-1', store, ingest: (items) => service.ingestBatch(items), source: (peer) => peerStores[peer] });
 * await backfill.begin(['eu-west-1']);
 * const report = await backfill.run({ deadline: Date.now() + 60_000 });
 * report.done; // true once copied and repaired
 * ```
 */
import { DEFAULT_BUCKETS } from '../domain/index.ts';
import type { WallClock } from '../domain/index.ts';
import type { BackfillProgress, EventStore } from '../ports/event-store.ts';
import type { StoredEvent } from '../domain/types.ts';
import type { IngestItem, IngestOutcome } from './ingest.ts';
import { PoisonMessageError } from './poison-message-error.ts';

/** One anti-entropy run from every peer; true when it reached every one of them. */
export type AntiEntropyRun = () => Promise<boolean>;

export interface BackfillOptions {
  /** This region. */
  readonly region: string;
  /** This region's store: where the progress is kept. */
  readonly store: EventStore;
  /** Checks and stores a batch here: `RegionService.ingestBatch`. */
  readonly ingest: (items: readonly IngestItem[]) => Promise<IngestOutcome[]>;
  /** A read view of a peer's store (undefined: unknown peer). */
  readonly source: (peer: string) => EventStore | undefined;
  /** The anti-entropy run after the copy; without one, the copy alone finishes the backfill. */
  readonly antiEntropy?: AntiEntropyRun;
  /** Events a page (default 100: one BatchGetItem). */
  readonly pageSize?: number;
  /** Events read per second at most (default: no cap). */
  readonly maxEventsPerSecond?: number;
  readonly clock?: WallClock;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Warnings: events refused or held, a run superseded. */
  readonly log?: (message: string, fields: Record<string, unknown>) => void;
}

/** When a run stops before the backfill is done. */
export interface BackfillLimits {
  /** Wall ms after which no new page is started (a Lambda's time limit minus a margin). */
  readonly deadline?: number;
  /** Asked before each page: true stops the run (the local cloud stopping). */
  readonly shouldStop?: () => boolean;
}

/** What one run did for one peer. */
export interface BackfillPeerReport {
  readonly phase: BackfillProgress['phase'];
  readonly bucket: number;
  /** This run's pages, events read, events stored, refused (poison), held (stamped too far ahead). */
  readonly pages: number;
  readonly read: number;
  readonly copied: number;
  readonly refused: number;
  readonly held: number;
  /** Set when another run is further along (this one stopped), or this run failed. */
  readonly superseded?: true;
  readonly error?: string;
}

export interface BackfillReport {
  readonly peers: Readonly<Record<string, BackfillPeerReport>>;
  /** Every backfill recorded here is done (also true when there is none). */
  readonly done: boolean;
  /** Why the run ended early, if it did. */
  readonly stopped?: 'deadline' | 'stop';
  /** Whether the anti-entropy run after the copy reached every peer (absent: not run). */
  readonly antiEntropy?: boolean;
}

type Page = { events: StoredEvent[]; next?: string };
type Position = { bucket: number; after: string | undefined };

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Backfill {
  private readonly o: BackfillOptions;
  private readonly clock: WallClock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pageSize: number;

  constructor(options: BackfillOptions) {
    this.o = options;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.sleep = options.sleep ?? realSleep;
    this.pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${this.pageSize}`);
    if (options.maxEventsPerSecond !== undefined && !(options.maxEventsPerSecond > 0)) {
      throw new RangeError(`maxEventsPerSecond must be positive, got ${options.maxEventsPerSecond}`);
    }
  }

  /**
   * Records a backfill from each of `peers` that has none yet (bucket 0, nothing copied), so the
   * region reports itself as catching up from now on; peers already recorded keep their progress.
   * Answers every backfill recorded here.
   */
  async begin(peers: readonly string[]): Promise<BackfillProgress[]> {
    const known = new Set((await this.o.store.backfills()).map((p) => p.peer));
    const now = this.clock.now();
    for (const peer of peers) {
      if (peer === this.o.region) throw new RangeError(`a region cannot backfill from itself (${peer})`);
      if (known.has(peer)) continue;
      await this.o.store.saveBackfill({ peer, phase: 'copy', bucket: 0, buckets: DEFAULT_BUCKETS, read: 0, copied: 0, startedAt: now, updatedAt: now });
    }
    return this.o.store.backfills();
  }

  /** Continues every unfinished backfill recorded here, within `limits`. Throws only if the progress cannot be read. */
  async run(limits: BackfillLimits = {}): Promise<BackfillReport> {
    const records = (await this.o.store.backfills()).filter((p) => p.phase !== 'done');
    const peers: Record<string, BackfillPeerReport> = {};
    const startedAt = this.clock.now();
    let readThisRun = 0;
    const stopReason = (): 'deadline' | 'stop' | undefined =>
      limits.shouldStop?.() === true ? 'stop' : limits.deadline !== undefined && this.clock.now() >= limits.deadline ? 'deadline' : undefined;
    /** Sleeps while this run is ahead of the rate cap (never past the deadline). */
    const throttle = async (): Promise<void> => {
      const rate = this.o.maxEventsPerSecond;
      if (rate === undefined) return;
      const due = startedAt + (readThisRun / rate) * 1000;
      const wait = Math.min(due, limits.deadline ?? Infinity) - this.clock.now();
      if (wait > 0) await this.sleep(wait);
    };

    let stopped: 'deadline' | 'stop' | undefined;
    const waiting: BackfillProgress[] = [];
    for (const record of records) {
      if (record.phase === 'repair') {
        waiting.push(record);
        continue;
      }
      const outcome = await this.copy(record, stopReason, throttle, (n) => {
        readThisRun += n;
      });
      peers[record.peer] = outcome.report;
      if (outcome.progress?.phase === 'repair') waiting.push(outcome.progress);
      if (outcome.stopped !== undefined) {
        stopped = outcome.stopped;
        break;
      }
    }
    const unfinished = records.length - waiting.length;
    if (stopped !== undefined || unfinished > 0 || waiting.length === 0) {
      return { peers, done: records.length === 0, ...(stopped === undefined ? {} : { stopped }) };
    }

    // Every copy is done: one anti-entropy run for all of them, then done.
    let reached = true;
    if (this.o.antiEntropy !== undefined) {
      try {
        reached = await this.o.antiEntropy();
      } catch (e) {
        this.o.log?.('anti-entropy after the backfill failed; the next run tries again', { error: (e as Error).message });
        reached = false;
      }
    }
    if (!reached) return { peers, done: false, antiEntropy: false };
    const now = this.clock.now();
    for (const p of waiting) {
      const done: BackfillProgress = { ...p, phase: 'done', updatedAt: now, finishedAt: now };
      await this.o.store.saveBackfill(done);
      peers[p.peer] = { ...(peers[p.peer] ?? emptyReport(done)), phase: 'done', bucket: done.bucket };
    }
    return { peers, done: true, ...(this.o.antiEntropy === undefined ? {} : { antiEntropy: true }) };
  }

  /** Copies one peer's events from its recorded position until the last bucket, a stop, or a failure. */
  private async copy(
    start: BackfillProgress,
    stopReason: () => 'deadline' | 'stop' | undefined,
    throttle: () => Promise<void>,
    counted: (read: number) => void,
  ): Promise<{ report: BackfillPeerReport; progress?: BackfillProgress; stopped?: 'deadline' | 'stop' }> {
    const source = this.o.source(start.peer);
    let progress = start;
    let report: BackfillPeerReport = emptyReport(start);
    if (source === undefined) return { report: { ...report, error: `no store for peer ${start.peer}` }, progress };
    /**
     * One batch from `at`: pages of successive buckets until `pageSize` events or the last bucket,
     * so a small table (a few dozen events a bucket) is still copied in full batches.
     */
    const gather = async (at: Position): Promise<{ events: StoredEvent[]; following: Position }> => {
      const events: StoredEvent[] = [];
      let pos = at;
      do {
        const page: Page = await source.eventsInBucket(pos.bucket, { limit: this.pageSize - events.length, ...(pos.after === undefined ? {} : { after: pos.after }) });
        events.push(...page.events);
        // Where the following page starts: the rest of this bucket, or the next bucket.
        pos = page.next !== undefined ? { bucket: pos.bucket, after: page.next } : { bucket: pos.bucket + 1, after: undefined };
      } while (events.length < this.pageSize && pos.after === undefined && pos.bucket < progress.buckets);
      return { events, following: pos };
    };
    let ahead: Promise<{ events: StoredEvent[]; following: Position }> | undefined;
    try {
      while (progress.bucket < progress.buckets) {
        const stopped = stopReason();
        if (stopped !== undefined) return { report, progress, stopped };
        const { events, following } = await (ahead ?? gather({ bucket: progress.bucket, after: progress.after }));
        ahead = undefined;
        if (following.bucket < progress.buckets) {
          // The next batch is read from the peer while this one is stored here.
          ahead = gather(following);
          // Handled here too, so a batch read ahead that is never awaited (a stop) is no unhandled rejection.
          ahead.catch(() => undefined);
        }
        const stored = await this.store(start.peer, events);
        counted(events.length);
        report = {
          ...report,
          pages: report.pages + 1,
          read: report.read + events.length,
          copied: report.copied + stored.copied,
          refused: report.refused + stored.refused,
          held: report.held + stored.held,
          bucket: following.bucket,
        };
        const next: BackfillProgress = {
          peer: progress.peer,
          phase: following.bucket >= progress.buckets ? 'repair' : 'copy',
          bucket: following.bucket,
          buckets: progress.buckets,
          ...(following.after === undefined ? {} : { after: following.after }),
          read: progress.read + events.length,
          copied: progress.copied + stored.copied,
          startedAt: progress.startedAt,
          updatedAt: this.clock.now(),
        };
        if (!(await this.o.store.saveBackfill(next))) {
          this.o.log?.('another backfill run is further along; this one stops', { peer: start.peer, bucket: next.bucket });
          return { report: { ...report, superseded: true } };
        }
        progress = next;
        report = { ...report, phase: next.phase };
        await throttle();
      }
      return { report, progress };
    } catch (e) {
      // Nothing past the last saved page counts as copied: the next run re-reads from there.
      return { report: { ...report, error: (e as Error).message }, progress };
    }
  }

  /** Checks and stores a page here; counts what was stored, refused and held. */
  private async store(peer: string, events: readonly StoredEvent[]): Promise<{ copied: number; refused: number; held: number }> {
    // This region's own events are here already (a write is stored before it is acknowledged).
    const items = events.filter((s) => s.event.origin !== this.o.region).map((s): IngestItem => ({ raw: s.event, via: { type: 'repair', peer } }));
    if (items.length === 0) return { copied: 0, refused: 0, held: 0 };
    const outcomes = await this.o.ingest(items);
    let copied = 0;
    let refused = 0;
    let held = 0;
    for (const [i, o] of outcomes.entries()) {
      if (o.ok) {
        if (o.status === 'stored') copied++;
        continue;
      }
      const id = (items[i]?.raw as { id?: unknown } | undefined)?.id;
      if (o.error instanceof PoisonMessageError) {
        refused++;
        this.o.log?.('peer holds an event this region refuses; not copied', { peer, id, reason: o.error.reason, detail: o.error.message });
      } else {
        // Stamped too far ahead of this clock: the anti-entropy run (or a later one) pulls it.
        held++;
        this.o.log?.('peer holds an event stamped too far ahead; left to anti-entropy', { peer, id, detail: o.error.message });
      }
    }
    return { copied, refused, held };
  }
}

function emptyReport(p: BackfillProgress): BackfillPeerReport {
  return { phase: p.phase, bucket: p.bucket, pages: 0, read: 0, copied: 0, refused: 0, held: 0 };
}
