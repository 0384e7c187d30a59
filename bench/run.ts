/**
 * `npm run bench`: runs the benchmarks, each `--runs` times (default 3) on a local mesh of its own
 * (DynamoDB Local included, loopback, free ports, pollers at their default settings, instrumented
 * clients), prints per figure the median and the spread of the runs, each a ratio to a baseline
 * measured in the same run where it is one, and writes everything as JSON. Every mesh and its Java
 * process is stopped at the end, on a failure and on Ctrl-C / SIGTERM.
 *
 * ```bash
 * npm run bench                                  # every benchmark, medians of 3 runs
 * npm run bench -- --only counts,throughput      # some of them (names: --list)
 * npm run bench -- --runs 1 --quick              # one short run of each
 * npm run bench -- --max-history 10000           # read cost up to 10 000-event histories and tables
 * npm run bench -- --max-history 10000 --max-table 100000  # … and GET /status on a 100 000-event table
 * npm run bench -- --out /tmp/bench              # results JSON in /tmp/bench/<timestamp>.json
 * ```
 *
 * @example
 * ```ts
 * import { parseBenchArgs } from './run.ts';
 * parseBenchArgs(['--only', 'lag', '--runs', '1']); // { only: ['lag'], runs: 1, quick: false, ... }
 * ```
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startMesh, type Mesh } from '../local/cloud.ts';
import { MeshClient } from '../shared/client/mesh-client.ts';
import { regionNames, type BenchEnv, type BenchOptions, type Benchmark, type MeshHarness, type RunOutcome } from './context.ts';
import { convergence } from './convergence.ts';
import { HandlerMeter } from './handler-meter.ts';
import { ingestDrain } from './ingest-drain.ts';
import { checker } from './linearizability-figure.ts';
import { readCost } from './read-cost.ts';
import { replicationLag, replicationLagPerRegion } from './replication-lag.ts';
import { RequestMeter } from './request-meter.ts';
import { requestCounts } from './request-counts.ts';
import { aggregateRuns, type Aggregate } from './runs.ts';
import { seedWorkload } from './seed-workload.ts';
import { throughput } from './throughput.ts';

// The SDK warns once per process that its 2027 releases need Node 22; the machine pins Node 20.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

/** Every benchmark, in the order a full run runs them. */
export const BENCHMARKS: readonly Benchmark[] = [requestCounts, throughput, ingestDrain, replicationLag, replicationLagPerRegion, readCost, convergence, checker, seedWorkload];

export interface BenchArgs extends BenchOptions {
  /** Benchmark names to run (empty = all). */
  readonly only: readonly string[];
  /** Where the results JSON goes (default bench-results/). */
  readonly outDir: string;
  readonly help: boolean;
  readonly list: boolean;
}

const USAGE = 'usage: npm run bench -- [--only NAME[,NAME…]] [--runs N] [--quick] [--max-history N] [--max-table N] [--out DIR] [--list]';

/**
 * Parses the command line; throws with the usage on anything unknown or malformed.
 *
 * @example
 * ```ts
 * parseBenchArgs(['--quick']).runs; // 3
 * ```
 */
export function parseBenchArgs(argv: readonly string[], known: readonly string[] = BENCHMARKS.map((b) => b.name)): BenchArgs {
  let quick = false;
  let help = false;
  let list = false;
  let outDir = 'bench-results';
  let runs = 3;
  let maxHistory = 100_000;
  let maxTable: number | undefined;
  let only: string[] = [];
  const valueOf = (flag: string, i: number): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
    return v;
  };
  const positive = (flag: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, not ${v}\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a === '--list') list = true;
    else if (a === '--out') outDir = valueOf(a, ++i);
    else if (a === '--runs') runs = positive(a, valueOf(a, ++i));
    else if (a === '--max-history') maxHistory = positive(a, valueOf(a, ++i));
    else if (a === '--max-table') maxTable = positive(a, valueOf(a, ++i));
    else if (a === '--only') {
      only = valueOf(a, ++i).split(',').map((s) => s.trim()).filter((s) => s !== '');
      const unknown = only.filter((n) => !known.includes(n));
      if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')} (known: ${known.join(', ')})\n${USAGE}`);
    } else throw new Error(`unknown argument ${String(a)}\n${USAGE}`);
  }
  return { quick, runs, maxHistory, ...(maxTable === undefined ? {} : { maxTable }), only, outDir, help, list };
}

/** The 1-minute load average, e.g. 1.25. */
const load = (): number => Number((loadavg()[0] ?? 0).toFixed(2));

interface BenchmarkResult {
  readonly title: string;
  readonly setup?: unknown;
  readonly runs: readonly RunOutcome[];
  readonly figures: Readonly<Record<string, Aggregate>>;
  readonly durationMs: number;
  readonly loadAtStart: number;
  readonly loadAtEnd: number;
  readonly error?: string;
}

async function main(): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 2;
    return;
  }
  if (args.help || args.list) {
    console.log(args.help ? USAGE : BENCHMARKS.map((b) => `${b.name.padEnd(12)} ${b.title}`).join('\n'));
    return;
  }
  const selected = BENCHMARKS.filter((b) => args.only.length === 0 || args.only.includes(b.name));
  const progress = (line: string): void => console.error(`[bench] ${line}`);
  const started = Date.now();
  const stamp = new Date(started).toISOString();
  const meshes = new Set<Mesh>();
  let stopping = false;
  const stopMeshes = async (): Promise<void> => {
    await Promise.allSettled([...meshes].map((m) => m.stop()));
    meshes.clear();
  };
  const onSignal = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    progress(`${signal}: stopping the meshes…`);
    stopMeshes().finally(() => process.exit(130));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  // The benchmarks' options, once: the run gets them and the results JSON records them.
  const options: BenchOptions = { quick: args.quick, runs: args.runs, maxHistory: args.maxHistory, ...(args.maxTable === undefined ? {} : { maxTable: args.maxTable }) };
  let meshCount = 0;
  const env: BenchEnv = {
    options,
    progress,
    async startMesh(o = {}): Promise<MeshHarness> {
      const requests = new RequestMeter({ capacity: o.capacity });
      const handlers = new HandlerMeter();
      const t0 = Date.now();
      const mesh = await startMesh({
        basePort: 0,
        regions: regionNames(o.regions ?? 3),
        meshName: `bench${started.toString(36)}${meshCount++}`,
        // No scheduled repair: its table scans would load the figures at random moments.
        repairIntervalMs: 0,
        log: (line) => {
          if (/error|gave up/i.test(line)) progress(line);
        },
        ...o.options,
        instrument: requests.instrument,
        wrap: handlers.wrap,
      });
      meshes.add(mesh);
      progress(`mesh of ${mesh.regions.length} regions up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return {
        mesh,
        regions: mesh.regions.map((r) => r.region),
        clients: mesh.regions.map((r) => new MeshClient({ baseUrl: r.url, timeoutMs: o.clientTimeoutMs ?? 30_000 })),
        requests,
        handlers,
      };
    },
  };

  console.log(`eventually-consistent-mesh benchmarks, ${stamp}, ${args.quick ? 'quick' : 'full'} sizes, medians of ${args.runs} run(s) [min–max], ` +
    `${cpus().length} CPUs, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, load ${load()}, Node ${process.version}\n`);
  const results: Record<string, BenchmarkResult> = {};
  mkdirSync(args.outDir, { recursive: true });
  const file = join(args.outDir, `${stamp.replace(/[:.]/g, '-')}.json`);
  const save = (): void => {
    const doc = {
      startedAt: stamp,
      options: { ...options, only: args.only },
      durationMs: Date.now() - started,
      // The load says how busy the machine was with other work: the ratios absorb some of it, not all.
      machine: { cpus: cpus().length, memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)), node: process.version, platform: process.platform, loadAtEnd: load() },
      benchmarks: results,
    };
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  };

  for (const b of selected) {
    if (stopping) break;
    const t0 = Date.now();
    const loadAtStart = load();
    const runs: RunOutcome[] = [];
    let setup: unknown;
    let error: string | undefined;
    progress(`${b.name}: ${b.title}`);
    try {
      const session = await b.open(env);
      setup = session.setup;
      for (let i = 0; i < args.runs && !stopping; i++) runs.push(await session.run(i));
    } catch (e) {
      error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      progress(`${b.name} failed: ${error}`);
      process.exitCode = 1;
    } finally {
      await stopMeshes();
    }
    const figures = aggregateRuns(runs.map((r) => r.figures));
    results[b.name] = { title: b.title, setup, runs, figures, durationMs: Date.now() - t0, loadAtStart, loadAtEnd: load(), ...(error === undefined ? {} : { error }) };
    if (runs.length > 0) console.log(`${b.format(figures, runs).join('\n')}\n  (${runs.length} run(s), ${((Date.now() - t0) / 1000).toFixed(0)} s, load ${loadAtStart} → ${load()})\n`);
    if (error !== undefined) console.log(`${b.title}: FAILED (${error.split('\n')[0] ?? ''})\n`);
    save();
  }
  console.log(`results: ${resolve(file)} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
}
