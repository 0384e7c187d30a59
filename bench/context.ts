/**
 * What every benchmark gets from `bench/run.ts`, and what it gives back. A benchmark opens a
 * session (starting the meshes it needs through `env.startMesh`, loading data once), the runner
 * calls `session.run(i)` `--runs` times and keeps each run's figures, and the benchmark formats
 * the medians. Meshes are instrumented (requests and handlers metered) and always stopped by the
 * runner, also on a failure or Ctrl-C.
 *
 * @example
 * ```ts
 * import type { Benchmark } from './context.ts';
 * export const statusRate: Benchmark = {
 *   name: 'status', title: 'GET /status',
 *   async open(env) {
 *     const { clients } = await env.startMesh();
 *     return { run: async () => ({ figures: { events: (await clients[0]!.status()).events } }) };
 *   },
 *   format: (agg) => [`events: ${agg['events']?.median}`],
 * };
 * ```
 */
import type { Mesh, MeshOptions } from '../local/cloud.ts';
import type { MeshClient } from '../shared/client/mesh-client.ts';
import { DEFAULT_REGIONS } from '../shared/config/naming.ts';
import type { HandlerMeter } from './handler-meter.ts';
import type { RequestMeter } from './request-meter.ts';
import type { Aggregate, Figures } from './runs.ts';

/** Options of a whole `npm run bench` invocation. */
export interface BenchOptions {
  /** A short run: fewer samples, shorter windows, smaller histories. */
  readonly quick: boolean;
  /** How many times each benchmark runs (the figures are medians of these). */
  readonly runs: number;
  /** The longest account history and the largest table the read-cost benchmark loads (default 100 000). */
  readonly maxHistory: number;
  /**
   * The read-cost benchmark's large table, when it should differ from `maxHistory`: `GET /status`
   * at 100 000 events needs no 100 000-event account, whose one chain loads slowly, in order.
   * @default maxHistory
   */
  readonly maxTable?: number;
}

/** A started, instrumented local mesh. */
export interface MeshHarness {
  readonly mesh: Mesh;
  /** Region names, in `mesh.regions` order. */
  readonly regions: readonly string[];
  /** One client per region, in the same order. */
  readonly clients: readonly MeshClient[];
  /** The DynamoDB, Streams and SQS requests of every region's clients. */
  readonly requests: RequestMeter;
  /** The replicator and ingest invocations of every region. */
  readonly handlers: HandlerMeter;
}

export interface BenchEnv {
  readonly options: BenchOptions;
  /** A progress line on stderr (the figures go to stdout). */
  progress(line: string): void;
  /**
   * Starts a local mesh of `regions` regions (default 3) on free ports, DynamoDB Local included,
   * with the pollers at their default settings unless `options` says otherwise. The runner stops it.
   * `capacity`: the request meter also asks DynamoDB for the units consumed (see `RequestMeterOptions`;
   * off by default, as it slows DynamoDB Local down).
   */
  startMesh(o?: { readonly regions?: number; readonly options?: Partial<MeshOptions>; readonly clientTimeoutMs?: number; readonly capacity?: boolean }): Promise<MeshHarness>;
}

/** What one run gives back: figures (medians are taken per name) and anything else worth keeping in the JSON. */
export interface RunOutcome {
  readonly figures: Figures;
  readonly details?: unknown;
}

export interface Session {
  /** One measurement run; `index` is 0-based. */
  run(index: number): Promise<RunOutcome>;
  /** Anything the session learned once (load times), kept in the JSON beside the runs. */
  readonly setup?: unknown;
}

export interface Benchmark {
  /** What `--only` selects, e.g. `throughput`. */
  readonly name: string;
  readonly title: string;
  open(env: BenchEnv): Promise<Session>;
  /** The printed table: medians and spread of the runs' figures. */
  format(figures: Readonly<Record<string, Aggregate>>, runs: readonly RunOutcome[]): string[];
}

/**
 * Region names for a mesh of `n` regions: the default three, then more real region names.
 *
 * @example
 * ```ts
 * regionNames(4); // ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2']
 * ```
 */
export function regionNames(n: number): string[] {
  const names = [...DEFAULT_REGIONS, 'us-west-2', 'eu-central-1', 'ap-northeast-1', 'sa-east-1', 'ca-central-1'];
  if (!Number.isInteger(n) || n < 1 || n > names.length) throw new RangeError(`between 1 and ${names.length} regions, not ${n}`);
  return names.slice(0, n);
}
