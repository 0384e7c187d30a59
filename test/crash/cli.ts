/**
 * `npm run crash`: kill -9 durability of the local cloud, with figures.
 *
 * ```bash
 * npm run crash -- --runs 11                      # the whole local cloud (npm start --data-dir), 3 regions
 * npm run crash -- --runs 3 --regions a,b         # fewer regions, quicker
 * npm run crash -- --dynamodb-only --runs 5       # DynamoDB Local alone: PutItem vs TransactWriteItems vs the barrier
 * ```
 *
 * Exits 1 if an acknowledged write was lost or the regions did not converge (or, with
 * `--dynamodb-only`, if a write through the local cloud's barrier was lost).
 *
 * @example
 * ```ts
 * import { parseCrashArgs } from './cli.ts';
 * parseCrashArgs(['--runs', '3']); // { runs: 3, regions: [...], dynamodbOnly: false, … }
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_REGIONS } from '../../shared/config/naming.ts';
import { crashRun, type CrashRunResult } from './crash-run.ts';
import { durabilityRun, killOnAckTrial, WRITE_PATHS, type WritePath } from './dynamodb-local-durability.ts';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const USAGE = 'usage: npm run crash -- [--runs N] [--regions a,b,c] [--load-ms N] [--writers N] [--seed N] | --dynamodb-only [--runs N]';

export interface CrashArgs {
  readonly runs: number;
  readonly regions: readonly string[];
  readonly loadMs: number;
  readonly writers: number;
  readonly seed: number;
  readonly dynamodbOnly: boolean;
  readonly help: boolean;
}

/** Parses the command line; throws with the usage on anything unknown or malformed. */
export function parseCrashArgs(argv: readonly string[]): CrashArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      runs: { type: 'string' },
      regions: { type: 'string' },
      'load-ms': { type: 'string' },
      writers: { type: 'string' },
      seed: { type: 'string' },
      'dynamodb-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const int = (raw: string | undefined, what: string, fallback: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${raw}\n${USAGE}`);
    return n;
  };
  return {
    runs: int(values.runs, '--runs', 3),
    regions: values.regions?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? [...DEFAULT_REGIONS],
    loadMs: int(values['load-ms'], '--load-ms', 3000),
    writers: int(values.writers, '--writers', 3),
    seed: int(values.seed, '--seed', 1),
    dynamodbOnly: values['dynamodb-only'] === true,
    help: values.help === true,
  };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.floor((s.length - 1) / 2)] ?? 0);
};

/** The figures of `results` as lines a person reads. */
export function formatCrashRuns(results: readonly CrashRunResult[]): string {
  const acked = results.reduce((n, r) => n + r.acknowledged, 0);
  const lost = results.reduce((n, r) => n + r.lost.length, 0);
  const notEverywhere = results.reduce((n, r) => n + r.notEverywhere.length, 0);
  const converge = results.map((r) => r.convergeMs / 1000);
  return [
    `runs              ${results.length} (${results[0]?.regions.length ?? 0} regions, kill -9 of the whole npm start tree the moment a write was acknowledged)`,
    `acknowledged      ${acked}`,
    `lost              ${lost} (acknowledged, missing from the region that acknowledged it after the restart)`,
    `not everywhere    ${notEverywhere} (acknowledged, missing from some region after convergence)`,
    `converged         ${results.filter((r) => r.converged).length} of ${results.length} runs; after restart: median ${median(converge).toFixed(1)} s, max ${Math.max(0, ...converge).toFixed(1)} s`,
    `restart           median ${(median(results.map((r) => r.restartMs)) / 1000).toFixed(1)} s (JVM, tables, every region listening)`,
  ].join('\n');
}

async function dynamodbOnly(runs: number): Promise<boolean> {
  console.log(`DynamoDB Local alone (-dbPath, -sharedDb), ${runs} trial(s) per path: a few writes, one more, kill -9 the moment it is answered, restart, is it there?`);
  const survived: Record<WritePath, number> = { put: 0, transact: 0, 'transact+barrier': 0 };
  for (const path of WRITE_PATHS) {
    for (let i = 0; i < runs; i++) {
      const dir = await mkdtemp(join(tmpdir(), 'ddb-ack-'));
      try {
        if (await killOnAckTrial(dir, path)) survived[path] += 1;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    console.log(`  ${path.padEnd(18)} survived ${survived[path]} of ${runs}`);
  }
  console.log(`and under load (4 writers per path, kill -9 after 3 s), ${runs} run(s):`);
  const totals: Record<WritePath, { acked: number; lost: number }> = { put: { acked: 0, lost: 0 }, transact: { acked: 0, lost: 0 }, 'transact+barrier': { acked: 0, lost: 0 } };
  for (let i = 0; i < runs; i++) {
    const dir = await mkdtemp(join(tmpdir(), 'ddb-load-'));
    try {
      const r = await durabilityRun({ dataDir: dir });
      for (const path of WRITE_PATHS) {
        totals[path].acked += r.paths[path].acknowledged;
        totals[path].lost += r.paths[path].lost;
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  for (const path of WRITE_PATHS) console.log(`  ${path.padEnd(18)} lost ${totals[path].lost} of ${totals[path].acked} acknowledged`);
  return survived['transact+barrier'] === runs && totals['transact+barrier'].lost === 0;
}

async function main(): Promise<void> {
  let args: CrashArgs;
  try {
    args = parseCrashArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  if (args.dynamodbOnly) {
    process.exitCode = (await dynamodbOnly(args.runs)) ? 0 : 1;
    return;
  }
  const results: CrashRunResult[] = [];
  for (let i = 0; i < args.runs; i++) {
    const r = await crashRun({ regions: args.regions, loadMs: args.loadMs, writers: args.writers, seed: args.seed + i, log: (line) => console.error(`[crash ${i + 1}/${args.runs}] ${line}`) });
    results.push(r);
    for (const a of r.lost) console.error(`[crash ${i + 1}/${args.runs}] LOST ${a.region} ${a.what} ${a.id}`);
  }
  console.log(formatCrashRuns(results));
  process.exitCode = results.every((r) => r.lost.length === 0 && r.notEverywhere.length === 0 && r.converged) ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
