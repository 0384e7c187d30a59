/**
 * Ingest of events that come from elsewhere — a peer's queue or a repair pull — in batches.
 *
 * Each event is checked before anything is stored or observed:
 * - shape and hash (`parseEvent`): otherwise a {@link PoisonMessageError} (never stored; the
 *   queue dead-letters it);
 * - trust: its origin must be a region of the mesh (current or retired), never this region (its
 *   own events never come back from outside), and on a queue, the link's source region (a peer
 *   sends only what it accepted): otherwise poison, reason `untrusted-origin`;
 * - clock: its stamp may be at most the maximum offset ahead of this region's wall clock (see
 *   `domain/hlc.ts`): otherwise a `ClockSkewError`, which is transient — the queue holds it and
 *   redelivers it, repair pulls it again — so an event a little ahead gets in once the clocks
 *   meet, and one far ahead never drags the clock.
 * Refusals are counted by reason (`GET /status` → `refused`). What passes is observed by the clock
 * and stored in one `appendBatch`.
 *
 * @example
 * ```ts
 * import { Ingestor } from './ingest.ts';
 * const ingest = new Ingestor({ region: 'us-east-1', origins: ['us-east-1', 'eu-west-1'], store, hlc });
 * const [outcome] = await ingest.batch([{ raw: JSON.parse(body), via: { type: 'peer', peer: 'eu-west-1' } }]);
 * ```
 */
import { ClockSkewError, UntrustedOriginError, checkClockOffset, isMeshError, parseEvent, DEFAULT_MAX_CLOCK_OFFSET_MS } from '../domain/index.ts';
import type { HybridClock, MeshEvent, ReceiptVia, WallClock } from '../domain/index.ts';
import type { AppendResult, EventStore } from '../ports/event-store.ts';
import { PoisonMessageError } from './poison-message-error.ts';

/** One message or pulled event: the raw event and how it came. */
export interface IngestItem {
  readonly raw: unknown;
  readonly via: ReceiptVia;
}

/** What became of one item: stored (or already known), or refused with the reason. */
export type IngestOutcome =
  | ({ readonly ok: true; readonly event: MeshEvent } & AppendResult)
  | { readonly ok: false; readonly error: PoisonMessageError | ClockSkewError };

export interface IngestorOptions {
  readonly region: string;
  /** Every region whose events this mesh holds: the current regions and the retired ones. */
  readonly origins: readonly string[];
  readonly store: EventStore;
  readonly hlc: HybridClock;
  readonly wall?: WallClock;
  /** Largest stamp lead accepted (default DEFAULT_MAX_CLOCK_OFFSET_MS). */
  readonly maxClockOffsetMs?: number;
}

export class Ingestor {
  private readonly region: string;
  private readonly origins: ReadonlySet<string>;
  private readonly store: EventStore;
  private readonly hlc: HybridClock;
  private readonly wall: WallClock;
  private readonly maxClockOffsetMs: number;

  constructor(options: IngestorOptions) {
    this.region = options.region;
    this.origins = new Set(options.origins);
    this.store = options.store;
    this.hlc = options.hlc;
    this.wall = options.wall ?? { now: () => Date.now() };
    this.maxClockOffsetMs = options.maxClockOffsetMs ?? DEFAULT_MAX_CLOCK_OFFSET_MS;
  }

  /**
   * Checks every item, stores what passes in one batch, counts what does not. Outcomes are in the
   * order of `items`. Throws only when storing fails (then nothing is acknowledged: retry).
   */
  async batch(items: readonly IngestItem[]): Promise<IngestOutcome[]> {
    const outcomes: Array<IngestOutcome | undefined> = [];
    const admitted: Array<{ index: number; event: MeshEvent; via: ReceiptVia }> = [];
    const refused: Record<string, number> = {};
    const now = this.wall.now();
    for (const [index, item] of items.entries()) {
      try {
        const event = this.check(item, now);
        admitted.push({ index, event, via: item.via });
        outcomes.push(undefined);
      } catch (e) {
        const error = e instanceof ClockSkewError || e instanceof PoisonMessageError ? e : toPoison(e);
        const reason = error instanceof ClockSkewError ? error.code : error.reason;
        if (error instanceof ClockSkewError || reason === 'untrusted-origin') refused[reason] = (refused[reason] ?? 0) + 1;
        outcomes.push({ ok: false, error });
      }
    }
    if (Object.keys(refused).length > 0) {
      // The count is advisory: failing the batch for it would refuse the good events too.
      await this.store.countRefusals(refused).catch(() => undefined);
    }
    if (admitted.length > 0) {
      for (const a of admitted) this.hlc.observe(a.event.hlc);
      const results = await this.store.appendBatch(admitted.map(({ event, via }) => ({ event, via })));
      for (const [i, a] of admitted.entries()) outcomes[a.index] = { ok: true, event: a.event, ...(results[i] as AppendResult) };
    }
    return outcomes as IngestOutcome[];
  }

  /** The event of an item if every check passes; else throws its refusal. */
  private check(item: IngestItem, now: number): MeshEvent {
    let event: MeshEvent;
    try {
      event = parseEvent(item.raw);
    } catch (e) {
      throw toPoison(e);
    }
    const refuse = (why: string): never => {
      const e = new UntrustedOriginError(why);
      throw new PoisonMessageError(e.code, e.message, { cause: e });
    };
    if (!this.origins.has(event.origin)) refuse(`origin ${event.origin} is not a region of this mesh (${[...this.origins].join(', ')})`);
    if (event.origin === this.region) refuse(`origin ${event.origin} is this region: its own events never come back from ${describeVia(item.via)}`);
    if (item.via.type === 'peer' && event.origin !== item.via.peer) {
      refuse(`origin ${event.origin} came over the link from ${item.via.peer}: a peer sends only the events it accepted`);
    }
    checkClockOffset(event.hlc, now, this.maxClockOffsetMs);
    return event;
  }
}

function describeVia(via: ReceiptVia): string {
  return via.type === 'local' ? 'a local path' : `${via.type} from ${via.peer}`;
}

function toPoison(e: unknown): PoisonMessageError {
  if (e instanceof PoisonMessageError) return e;
  if (isMeshError(e)) return new PoisonMessageError(e.code, e.message, { cause: e });
  throw e;
}
