/**
 * Local writes, "as fast as it can" and never a 500 under contention.
 *
 * Every local write reads its stream's state, decides on that view (its parents are the heads; a
 * withdrawal checks the balance), stamps above the heads, and stores with `appendOn`, which
 * succeeds only if the stream did not move meanwhile — what keeps two withdrawals from both
 * passing one balance check and a region from creating conflicts with itself.
 *
 * Writes to one stream queue behind each other in this process (a Lambda instance serves one
 * request at a time; the local cloud serves many), and whatever queued while one commit was in
 * flight goes out together in the next: each decided on the view that includes the ones before it,
 * chained through `parents`, one read and one transaction for the lot (group commit). A hot key
 * then costs one round trip per batch of writers instead of a storm of optimistic retries.
 *
 * What still collides (another process, an ingest batch) is decided again on a fresh read, with
 * full-jitter backoff, until `budgetMs` from the request: then it is refused with
 * `ContendedError` (503 + Retry-After), having stored nothing — well inside API Gateway's 29 s.
 *
 * The state a commit leaves is what the next group on that stream decides on, for `stateCacheMs`,
 * without reading it again: a client writing one key again and again then costs one request per
 * write, not two. It is only a guess. The commit is still conditional on the version, so a stream
 * moved meanwhile (an ingested event, another process) refuses it, and the group is decided again
 * on a fresh read, at once, with no backoff. A refusal decided on a remembered state (a balance
 * too low) is never answered from it: it is decided again on a fresh read first.
 *
 * @example
 * ```ts
 * import { LocalWriter } from './local-writer.ts';
 * const writer = new LocalWriter({ store, clock: hlc });
 * const { events, receipts } = await writer.write('R#colour', (view) => ({ kind: 'set', key: 'colour', payload: 'blue' }));
 * ```
 */
import { ContendedError, LIMITS, createEvent, hlcOfPosition, idOfPosition, isEscrowKind, parentGroups } from '../domain/index.ts';
import type { EventKind, HybridClock, JsonValue, MeshEvent, Receipt, WallClock } from '../domain/index.ts';
import type { EventStore, StreamState } from '../ports/event-store.ts';
import { HeadsMovedError } from '../ports/heads-moved-error.ts';
import type { StreamId } from '../ports/stream.ts';
import { planReplay, transition } from '../adapters/stream-transition.ts';

/** What a decision writes: one logical write (the writer turns it into one or more events). */
export interface Decision {
  readonly kind: EventKind;
  readonly key: string;
  readonly payload: JsonValue;
}

/**
 * Decides a write on the stream's current view (its state, including every write of the same
 * group before it), or refuses it by throwing a `MeshError` (nothing is stored for it).
 */
export type Decide = (view: StreamState) => Decision;

/** A committed local write: its events (more than one when it had to cover many heads) and receipts. */
export interface LocalWrite {
  readonly events: readonly MeshEvent[];
  readonly receipts: readonly Receipt[];
}

export interface LocalWriterOptions {
  readonly store: EventStore;
  readonly region: string;
  /** The region's hybrid clock: stamps every local event. */
  readonly hlc: HybridClock;
  /** Wall clock for deadlines and backoff (defaults to Date). */
  readonly wall?: WallClock;
  /** How long a write may keep losing to contention before it is refused with 503 (default 5 000 ms). */
  readonly budgetMs?: number;
  /**
   * Events one group commit gathers from several writes (default 24). A single write may carry
   * more (a chain over many heads), up to what one transaction holds beside the state item and two
   * digest rows: about 3,000 heads, as many as a state item can list.
   */
  readonly maxGroupEvents?: number;
  /** Seconds a contended client is told to wait (Retry-After; default 1). */
  readonly retryAfterSeconds?: number;
  /**
   * How long the state its own commit left is decided on without a read, in ms (0: read before
   * every group).
   * @default 1000
   */
  readonly stateCacheMs?: number;
  /**
   * Streams whose last committed state is remembered (the least recently written are forgotten).
   * @default 10000
   */
  readonly stateCacheSize?: number;
}

/** What one group commit came to: committed (or refused), the stream moved, or to be decided again on a fresh read. */
type GroupOutcome = 'done' | 'moved' | 'reread';

interface Pending {
  readonly decide: Decide;
  readonly enqueuedAt: number;
  /** A state of the stream the caller has just read, to decide on instead of reading it again (once). */
  seen?: StreamState;
  resolve(w: LocalWrite): void;
  reject(e: unknown): void;
}

export class LocalWriter {
  private readonly store: EventStore;
  private readonly region: string;
  private readonly hlc: HybridClock;
  private readonly wall: WallClock;
  private readonly budgetMs: number;
  private readonly maxGroupEvents: number;
  private readonly retryAfterSeconds: number;
  private readonly stateCacheMs: number;
  private readonly stateCacheSize: number;
  private readonly queues = new Map<StreamId, Pending[]>();
  /** The state each stream's last commit here left, and when (insertion order: least recent first). */
  private readonly known = new Map<StreamId, { readonly state: StreamState; readonly at: number }>();

  constructor(options: LocalWriterOptions) {
    this.store = options.store;
    this.region = options.region;
    this.hlc = options.hlc;
    this.wall = options.wall ?? { now: () => Date.now() };
    this.budgetMs = options.budgetMs ?? 5_000;
    this.maxGroupEvents = options.maxGroupEvents ?? 24;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.stateCacheMs = options.stateCacheMs ?? 1_000;
    this.stateCacheSize = options.stateCacheSize ?? 10_000;
  }

  /**
   * Queues a write on `stream`; resolves once it is durably stored, or rejects with its refusal.
   * `seen`: the stream's state the caller has just read, if it has; the write then decides on it
   * when nothing newer is remembered, as it would on a remembered state (checked by the version).
   */
  write(stream: StreamId, decide: Decide, seen?: StreamState): Promise<LocalWrite> {
    return new Promise<LocalWrite>((resolve, reject) => {
      const queue = this.queues.get(stream);
      const pending: Pending = { decide, enqueuedAt: this.wall.now(), resolve, reject, ...(seen === undefined ? {} : { seen }) };
      if (queue !== undefined) {
        queue.push(pending);
        return;
      }
      this.queues.set(stream, [pending]);
      void this.drain(stream);
    });
  }

  /** Commits the stream's queue group by group until it is empty; one drain per stream at a time. */
  private async drain(stream: StreamId): Promise<void> {
    const queue = this.queues.get(stream) as Pending[];
    try {
      for (let attempt = 0; queue.length > 0; ) {
        const outcome = await this.commitGroup(stream, queue);
        if (outcome === 'done') {
          attempt = 0;
          continue;
        }
        // A remembered state was out of date: not contention, read and decide again at once.
        if (outcome === 'reread') continue;
        attempt++;
        const now = this.wall.now();
        // Whoever has used up its budget is refused, storing nothing; the rest try again.
        for (let i = queue.length - 1; i >= 0; i--) {
          const p = queue[i] as Pending;
          if (now - p.enqueuedAt >= this.budgetMs) {
            queue.splice(i, 1);
            p.reject(new ContendedError(`writes to ${stream} in ${this.region} kept colliding for ${this.budgetMs} ms; nothing was stored, retry after ${this.retryAfterSeconds} s`, this.retryAfterSeconds));
          }
        }
        const oldest = Math.min(...queue.map((p) => p.enqueuedAt));
        const left = queue.length === 0 ? 0 : this.budgetMs - (now - oldest);
        await sleep(Math.min(left, Math.random() * Math.min(250, 5 * 2 ** Math.min(attempt, 8))));
      }
    } catch (e) {
      // An unexpected failure (the store is down): every queued write learns it, nothing hangs.
      for (const p of queue.splice(0)) p.reject(e);
    } finally {
      this.queues.delete(stream);
    }
  }

  /**
   * Takes the head of the queue as one group: decides each on the view including the previous
   * ones, commits them in one `appendOn`. Answers 'moved' when the stream moved under a fresh read
   * and 'reread' when a remembered state was out of date or refused a write (the group stays
   * queued, to be decided again); refusals on a fresh read leave the queue at once.
   */
  private async commitGroup(stream: StreamId, queue: Pending[]): Promise<GroupOutcome> {
    // A caller's state is used once: if it was out of date, the next round reads.
    const seen = queue[0]?.seen;
    if (queue[0] !== undefined) delete queue[0].seen;
    const kept = this.remembered(stream);
    const given = seen?.stream === stream ? seen : undefined;
    // A state not read here and now, the newer of the two (versions only grow): only a guess.
    const guess = kept === undefined || (given !== undefined && given.version > kept.version) ? given : kept;
    const state = guess ?? (await this.store.stateOf(stream));
    let view = state;
    const members: Array<{ pending: Pending; events: MeshEvent[] }> = [];
    const refused: Array<{ pending: Pending; error: unknown }> = [];
    let count = 0;
    for (const pending of queue) {
      let decision: Decision;
      try {
        decision = pending.decide(view);
      } catch (e) {
        refused.push({ pending, error: e });
        continue;
      }
      const events = this.materialize(decision, view);
      if (members.length > 0 && count + events.length > this.maxGroupEvents) break;
      members.push({ pending, events });
      count += events.length;
      view = transition(view, events, new Set(), this.wall.now()).state;
    }
    if (guess !== undefined && refused.length > 0) {
      this.known.delete(stream);
      return 'reread';
    }
    for (const r of refused) {
      queue.splice(queue.indexOf(r.pending), 1);
      r.pending.reject(r.error);
    }
    if (members.length === 0) return 'done';
    const events = members.flatMap((m) => m.events);
    let receipts: Receipt[];
    try {
      receipts = await this.store.appendOn(state, events, { type: 'local' });
    } catch (e) {
      this.known.delete(stream);
      if (e instanceof HeadsMovedError) return guess === undefined ? 'moved' : 'reread';
      throw e;
    }
    // Only a state that simply extends the last one is sure to be what the store wrote.
    if (planReplay(state, events) === undefined) this.remember(stream, view);
    let at = 0;
    for (const m of members) {
      queue.splice(queue.indexOf(m.pending), 1);
      m.pending.resolve({ events: m.events, receipts: receipts.slice(at, at + m.events.length) });
      at += m.events.length;
    }
    return 'done';
  }

  /** The state this writer's last commit on `stream` left, while it is recent enough to decide on. */
  private remembered(stream: StreamId): StreamState | undefined {
    const k = this.known.get(stream);
    if (k === undefined) return undefined;
    if (this.wall.now() - k.at < this.stateCacheMs) return k.state;
    this.known.delete(stream);
    return undefined;
  }

  private remember(stream: StreamId, state: StreamState): void {
    if (this.stateCacheMs <= 0) return;
    const now = this.wall.now();
    this.known.delete(stream);
    this.known.set(stream, { state, at: now });
    // Least recently written first: forget those too old to be used, and any beyond the bound, so
    // memory holds at most the streams written in the last `stateCacheMs`.
    for (const [oldest, k] of this.known) {
      if (this.known.size <= this.stateCacheSize && now - k.at < this.stateCacheMs) break;
      this.known.delete(oldest);
    }
  }

  /**
   * The events of one decision on `view`. Each names the heads (at most `LIMITS.maxParents`
   * each): a register write over more heads than that becomes a chain, each event naming the
   * previous one and the next heads, so any number of heads is covered and the last event is the
   * only head left. A money event is one event (it moves money once) naming the newest heads.
   * An escrow event must also move money once, yet name every head (an accepted debit relies on
   * its whole view being its ancestry, see `domain/escrow.ts`): over more heads, the links of its
   * chain are `escrow-open` events, which change nothing in the fold, and the decision is last.
   * Every event stamps above every head.
   */
  private materialize(d: Decision, view: StreamState): MeshEvent[] {
    const headIds = view.heads.map(idOfPosition);
    const floor = view.heads.map(hlcOfPosition);
    if (d.kind === 'deposit' || d.kind === 'withdraw') {
      const parents = view.heads.slice(-LIMITS.maxParents).map(idOfPosition);
      return [createEvent({ ...d, hlc: this.hlc.tick(floor), origin: this.region, parents })];
    }
    const groups = parentGroups(headIds, LIMITS.maxParents);
    const out: MeshEvent[] = [];
    for (const [i, group] of groups.entries()) {
      const prev = out.at(-1);
      const parents = prev === undefined ? group : [...group, prev.id];
      const link = isEscrowKind(d.kind) && i < groups.length - 1 ? { kind: 'escrow-open' as const, key: d.key, payload: null } : d;
      out.push(createEvent({ ...link, hlc: this.hlc.tick(prev === undefined ? floor : [prev.hlc]), origin: this.region, parents }));
    }
    return out;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
