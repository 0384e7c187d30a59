/**
 * The bulk loader of the read-cost benchmark: puts N events into one region quickly, **as test
 * data**, through the store's port, so it works with whatever layout the store has. It is not a
 * client path: it skips HTTP and the api handler and hands ready-made events to the region's
 * batch ingest (hash and shape checked, clock folded, stored idempotently), exactly as
 * ingest stores a peer's events: `RegionService.ingestBatch`, a chain's events in slices of
 * `batchSize`, so the store writes each slice as ingest writes a delivered batch.
 *
 * Histories are chains: event i+1 of a stream names event i as its parent, with a later HLC, so
 * the stream has one head at every step, like a key or an account written by one writer. The
 * events are stamped in the past and carry a peer's origin, so the loading region's replicator
 * ships none of them (it sends only its own region's events) and no clock moves ahead.
 *
 * Streams load in parallel (`concurrency` at a time); the events of one stream load in order.
 *
 * @example
 * ```ts
 * import { bulkLoad, chain } from './bulk-load.ts';
 * const deposits = chain({ kind: 'deposit', key: 'acct-1', count: 10_000, origin: 'eu-west-1', payload: () => 1 });
 * const r = await bulkLoad(service, [deposits], { via: { type: 'peer', peer: 'eu-west-1' } });
 * r.perSecond; // events stored per second
 * ```
 */
import { createEvent, formatHlc } from '../shared/domain/index.ts';
import type { IngestItem, IngestOutcome } from '../shared/app/ingest.ts';
import type { EventKind, JsonValue, MeshEvent, ReceiptVia } from '../shared/domain/types.ts';

export interface ChainOptions {
  readonly kind: EventKind;
  readonly key: string;
  readonly count: number;
  /** Origin of every event: a peer of the loading region, so its replicator sends none of them. */
  readonly origin: string;
  readonly payload: (i: number) => JsonValue;
  /** Wall ms of the first stamp (default: `count` ms plus a minute before now, so every stamp is in the past). */
  readonly startWall?: number;
}

/**
 * `count` events of one stream, each the parent of the next, stamped 1 ms apart.
 *
 * @example
 * ```ts
 * const events = chain({ kind: 'set', key: 'k', count: 3, origin: 'eu-west-1', payload: (i) => ({ i }) });
 * events[1]!.parents; // [events[0]!.id]
 * ```
 */
export function chain(o: ChainOptions): MeshEvent[] {
  const start = o.startWall ?? Date.now() - o.count - 60_000;
  const out: MeshEvent[] = [];
  let parent: string | undefined;
  for (let i = 0; i < o.count; i++) {
    const e = createEvent({
      kind: o.kind, key: o.key, payload: o.payload(i), hlc: formatHlc({ wall: start + i, counter: 0 }), origin: o.origin, parents: parent === undefined ? [] : [parent],
    });
    out.push(e);
    parent = e.id;
  }
  return out;
}

/** What the loader needs of a region: its service's batch ingest (`RegionService.ingestBatch`). */
export interface BulkTarget {
  ingestBatch(items: readonly IngestItem[]): Promise<IngestOutcome[]>;
}

export interface BulkLoadOptions {
  readonly via: ReceiptVia;
  /** Streams loaded at once (default 8). */
  readonly concurrency?: number;
  /** Events per ingested batch (default 25; the store splits a batch larger than one transaction). */
  readonly batchSize?: number;
  /** Called now and then with the events stored so far. */
  readonly onProgress?: (stored: number, total: number) => void;
}

export interface BulkLoadResult {
  readonly events: number;
  readonly ms: number;
  readonly perSecond: number;
}

/**
 * Loads every chain (in order within a chain, `concurrency` chains at a time).
 *
 * @example
 * ```ts
 * const { perSecond } = await bulkLoad(service, chains, { via: { type: 'peer', peer: 'eu-west-1' }, concurrency: 2 });
 * ```
 */
export async function bulkLoad(target: BulkTarget, chains: readonly (readonly MeshEvent[])[], options: BulkLoadOptions): Promise<BulkLoadResult> {
  const total = chains.reduce((n, c) => n + c.length, 0);
  const size = options.batchSize ?? 25;
  let stored = 0;
  let reported = 0;
  const progressed = (n: number): void => {
    stored += n;
    if (options.onProgress !== undefined && (stored - reported >= 5000 || stored === total)) {
      reported = stored;
      options.onProgress(stored, total);
    }
  };
  const loadChain = async (events: readonly MeshEvent[]): Promise<void> => {
    for (let i = 0; i < events.length; i += size) {
      const slice = events.slice(i, i + size);
      const outcomes = await target.ingestBatch(slice.map((raw) => ({ raw, via: options.via })));
      // Test data the loader made itself: a refusal is a bug in the loader, not a figure.
      const refused = outcomes.find((o) => !o.ok);
      if (refused !== undefined && !refused.ok) throw refused.error;
      progressed(slice.length);
    }
  };
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chains.length) {
      const c = chains[next++];
      if (c !== undefined) await loadChain(c);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, chains.length)) }, worker));
  const ms = performance.now() - t0;
  return { events: total, ms, perSecond: (total * 1000) / ms };
}
