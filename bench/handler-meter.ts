/**
 * Counts the Lambda work of a local mesh: per region and function (replicator, ingest), how many
 * invocations, how many records they were given, how many failed, and how long they ran. It wraps
 * the handlers through `startMesh({ wrap: meter.wrap })`, so it sees exactly what the local event
 * source mappings hand them, like Lambda's own metrics would. It also remembers which event ids
 * each region's ingest stored, and when, so a benchmark can wait until a set of writes has reached
 * every peer without asking the API (which would add its own requests to the counts).
 *
 * @example
 * ```ts
 * import { HandlerMeter } from './handler-meter.ts';
 * const handlers = new HandlerMeter();
 * const mesh = await startMesh({ basePort: 0, wrap: handlers.wrap });
 * const { event } = await client.put('colour', 'blue');
 * await handlers.waitIngested([event.id], ['eu-west-1', 'ap-southeast-2'], 30_000);
 * handlers.stats('eu-west-1', 'ingest').invocations; // 1
 * ```
 */
import type { SQSBatchResponse } from 'aws-lambda';
import type { IngestHandler } from '../functions/ingest.ts';
import type { ReplicatorHandler } from '../functions/replicator.ts';
import { until } from '../shared/util/until.ts';

export type MeteredFunction = 'replicator' | 'ingest';

/** What one function of one region did; every counter adds up. */
export interface HandlerStats {
  invocations: number;
  /** Records handed to it (stream records, or SQS messages). */
  records: number;
  /** Records it reported as failed (partial batch response), or all of a batch that threw. */
  failed: number;
  /** Sum of the invocations' durations, ms (what Lambda bills, before rounding up per invocation). */
  busyMs: number;
  /** Sum of the durations rounded up to whole ms per invocation, as Lambda bills them. */
  billedMs: number;
}

/** region -> function -> stats. */
export type HandlerSnapshot = Record<string, Partial<Record<MeteredFunction, HandlerStats>>>;

const emptyStats = (): HandlerStats => ({ invocations: 0, records: 0, failed: 0, busyMs: 0, billedMs: 0 });

/**
 * `after - before`, function by function.
 *
 * @example
 * ```ts
 * const spent = diffHandlerSnapshots(handlers.snapshot(), before);
 * ```
 */
export function diffHandlerSnapshots(after: HandlerSnapshot, before: HandlerSnapshot): HandlerSnapshot {
  const out: HandlerSnapshot = {};
  for (const [region, fns] of Object.entries(after)) {
    for (const [fn, s] of Object.entries(fns) as Array<[MeteredFunction, HandlerStats]>) {
      const b = before[region]?.[fn] ?? emptyStats();
      (out[region] ??= {})[fn] = {
        invocations: s.invocations - b.invocations,
        records: s.records - b.records,
        failed: s.failed - b.failed,
        busyMs: s.busyMs - b.busyMs,
        billedMs: s.billedMs - b.billedMs,
      };
    }
  }
  return out;
}

/**
 * The sum of one function's stats over some regions.
 *
 * @example
 * ```ts
 * handlerTotal(spent, 'ingest', ['eu-west-1', 'ap-southeast-2']).records;
 * ```
 */
export function handlerTotal(snapshot: HandlerSnapshot, fn: MeteredFunction, regions?: readonly string[]): HandlerStats {
  const sum = emptyStats();
  for (const [region, fns] of Object.entries(snapshot)) {
    if (regions !== undefined && !regions.includes(region)) continue;
    const s = fns[fn];
    if (s === undefined) continue;
    sum.invocations += s.invocations;
    sum.records += s.records;
    sum.failed += s.failed;
    sum.busyMs += s.busyMs;
    sum.billedMs += s.billedMs;
  }
  return sum;
}

/** The event id in an SQS message body (ingest's messages are MeshEvents as JSON), if any. */
function idOfBody(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

export class HandlerMeter {
  private readonly stats_: HandlerSnapshot = {};
  /** region -> event id -> Date.now() when ingest first returned having stored it. */
  private readonly ingested = new Map<string, Map<string, number>>();

  /** Pass as `startMesh({ wrap })`. */
  readonly wrap = {
    replicator: (region: string, handler: ReplicatorHandler): ReplicatorHandler => async (event) => {
      const s = this.statsOf(region, 'replicator');
      return this.timed(s, event.Records.length, () => handler(event));
    },
    ingest: (region: string, handler: IngestHandler): IngestHandler => async (event) => {
      const s = this.statsOf(region, 'ingest');
      const response = await this.timed(s, event.Records.length, () => handler(event));
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      const seen = this.ingested.get(region) ?? new Map<string, number>();
      this.ingested.set(region, seen);
      const now = Date.now();
      for (const r of event.Records) {
        const id = failed.has(r.messageId) ? undefined : idOfBody(r.body);
        if (id !== undefined && !seen.has(id)) seen.set(id, now);
      }
      return response;
    },
  };

  /** A deep copy of every function's stats so far. */
  snapshot(): HandlerSnapshot {
    return structuredClone(this.stats_);
  }

  /** Stats of one function in one region so far (zeros before its first invocation). */
  stats(region: string, fn: MeteredFunction): HandlerStats {
    return { ...(this.stats_[region]?.[fn] ?? emptyStats()) };
  }

  /** When `region`'s ingest stored event `id` (Date.now()), or undefined. */
  ingestedAt(region: string, id: string): number | undefined {
    return this.ingested.get(region)?.get(id);
  }

  /** Resolves once every id is stored by the ingest of every region given; rejects after `timeoutMs`. */
  async waitIngested(ids: readonly string[], regions: readonly string[], timeoutMs: number): Promise<void> {
    await until(
      `${ids.length} events ingested in ${regions.join(', ')}`,
      () => regions.every((r) => ids.every((id) => this.ingested.get(r)?.has(id) === true)),
      timeoutMs,
      20,
    );
  }

  private statsOf(region: string, fn: MeteredFunction): HandlerStats {
    return ((this.stats_[region] ??= {})[fn] ??= emptyStats());
  }

  private async timed<T extends SQSBatchResponse | { batchItemFailures: unknown[] }>(s: HandlerStats, records: number, run: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    s.invocations++;
    s.records += records;
    try {
      const response = await run();
      s.failed += response.batchItemFailures.length;
      return response;
    } catch (e) {
      s.failed += records;
      throw e;
    } finally {
      const ms = performance.now() - t0;
      s.busyMs += ms;
      s.billedMs += Math.ceil(ms);
    }
  }
}
