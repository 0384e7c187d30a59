/**
 * `npm run bench`: starts a local mesh (DynamoDB Local included) on free loopback ports, runs
 * every benchmark against it, prints each figure as a ratio to a baseline measured in the same
 * run, writes the results as JSON, and stops the mesh and its Java process at the end, on a
 * failure and on Ctrl-C / SIGTERM.
 *
 * ```bash
 * npm run bench                       # full run (a few minutes on 2 cores)
 * npm run bench -- --quick            # short run (about a minute)
 * npm run bench -- --out /tmp/bench   # results JSON in /tmp/bench/<timestamp>.json
 * ```
 *
 * @example
 * ```ts
 * import { parseBenchArgs } from './run.ts';
 * parseBenchArgs(['--quick', '--out', 'x']); // { quick: true, outDir: 'x', help: false }
 * ```
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startMesh, type Mesh } from '../local/cloud.ts';
import { MeshClient } from '../shared/client/mesh-client.ts';
import type { BenchContext } from './context.ts';
import { formatConvergence, runConvergence } from './convergence.ts';
import { formatLinearizabilityFigure, runLinearizabilityFigure } from './linearizability-figure.ts';
import { formatReadCost, runReadCost } from './read-cost.ts';
import { formatReplicationLag, runReplicationLag } from './replication-lag.ts';
import { formatThroughput, runThroughput } from './throughput.ts';

// The SDK warns once per process that its 2027 releases need Node 22; the machine pins Node 20.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

export interface BenchArgs {
  readonly quick: boolean;
  /** Where the results JSON goes (default bench-results/). */
  readonly outDir: string;
  readonly help: boolean;
}

const USAGE = 'usage: npm run bench -- [--quick] [--out DIR]';

/** Parses the command line; throws with the usage on anything unknown. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let help = false;
  let outDir = 'bench-results';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a === '--out') {
      const dir = argv[++i];
      if (dir === undefined || dir.startsWith('--')) throw new Error(`--out needs a directory\n${USAGE}`);
      outDir = dir;
    } else throw new Error(`unknown argument ${String(a)}\n${USAGE}`);
  }
  return { quick, outDir, help };
}

/** Sizes of a run: `--quick` keeps under ~90 s on 2 cores, the full run under ~5 min. */
function plan(quick: boolean) {
  return quick
    ? { concurrency: [1, 4, 16], windowMs: 1000, lagWrites: 15, partitionMs: 5000, convergenceKeys: 8, convergenceWrites: 150, lengths: [1, 10, 100], reads: 30, checkerOps: 2000 }
    : { concurrency: [1, 4, 16], windowMs: 3000, lagWrites: 60, partitionMs: 20_000, convergenceKeys: 16, convergenceWrites: 800, lengths: [1, 10, 100, 1000], reads: 100, checkerOps: 10_000 };
}

const POLL_INTERVAL_MS = 250;

/** The 1-minute load average, e.g. '1.25'. */
const load = (): string => (loadavg()[0] ?? 0).toFixed(2);

async function main(): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const sizes = plan(args.quick);
  const progress = (line: string): void => console.error(`[bench] ${line}`);
  const started = Date.now();
  const loadAtStart = load();

  let mesh: Mesh | undefined;
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    progress(`${signal}: stopping the mesh…`);
    // Without a mesh yet, exiting is enough: DynamoDB Local kills its JVM on process exit.
    const done = mesh === undefined ? Promise.resolve() : mesh.stop();
    done.finally(() => process.exit(130));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    progress(`starting a local mesh (DynamoDB Local, loopback, free ports)${args.quick ? ', quick run' : ''}…`);
    mesh = await startMesh({
      basePort: 0,
      meshName: `bench${started.toString(36)}`,
      pollIntervalMs: POLL_INTERVAL_MS,
      // No scheduled repair: convergence is measured on the queues alone, and a repair's table
      // scans would load the other measurements at random moments.
      repairIntervalMs: 0,
      log: (line) => {
        if (/error|gave up/i.test(line)) progress(line);
      },
    });
    progress(`mesh up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${mesh.regions.map((r) => `${r.region} ${r.url}`).join(', ')}`);
    const ctx: BenchContext = {
      mesh,
      clients: mesh.regions.map((r) => new MeshClient({ baseUrl: r.url, timeoutMs: 30_000 })),
      quick: args.quick,
      pollIntervalMs: POLL_INTERVAL_MS,
      progress,
    };
    const print = (lines: string[]): void => console.log(`${lines.join('\n')}\n`);
    const stamp = new Date(started).toISOString();
    console.log(`eventually-consistent-mesh benchmarks, ${stamp}, ${args.quick ? 'quick' : 'full'} run, ` +
      `${mesh.regions.length} regions on one machine (${cpus().length} CPUs, load ${load()}, Node ${process.version}), every figure a ratio to a baseline of this run\n`);

    const throughput = await runThroughput(ctx, { concurrency: sizes.concurrency, durationMs: sizes.windowMs });
    print(formatThroughput(throughput));
    const replicationLag = await runReplicationLag(ctx, { writes: sizes.lagWrites });
    print(formatReplicationLag(replicationLag));
    const convergence = await runConvergence(ctx, {
      partitionMs: sizes.partitionMs, keys: sizes.convergenceKeys, maxWritesPerSide: sizes.convergenceWrites, replicationLagP50Ms: replicationLag.all.p50,
    });
    print(formatConvergence(convergence));
    const readCost = await runReadCost(ctx, { lengths: sizes.lengths, reads: sizes.reads });
    print(formatReadCost(readCost));
    progress('linearizability checker…');
    const linearizability = runLinearizabilityFigure({ operations: sizes.checkerOps });
    print(formatLinearizabilityFigure(linearizability));

    const results = {
      startedAt: stamp,
      quick: args.quick,
      durationMs: Date.now() - started,
      // The load says how busy the machine was with other work: the ratios absorb some of it, not all.
      machine: { cpus: cpus().length, node: process.version, platform: process.platform, loadAtStart, loadAtEnd: load() },
      mesh: { regions: mesh.regions.map((r) => r.region), pollIntervalMs: POLL_INTERVAL_MS },
      throughput, replicationLag, convergence, readCost, linearizability,
    };
    mkdirSync(args.outDir, { recursive: true });
    const file = join(args.outDir, `${stamp.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`results: ${resolve(file)} (${((Date.now() - started) / 1000).toFixed(0)} s in all, load ${loadAtStart} at the start, ${load()} at the end)`);
  } finally {
    if (!stopping) {
      stopping = true;
      progress('stopping the mesh…');
      await mesh?.stop();
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
}
