/**
 * `npm run bench:backfill`: how fast a region that joins a running mesh backfills, against the
 * raw ingest rate of the same events on the same DynamoDB in the same run.
 *
 * A two-region local mesh is loaded with N events (in both tables, as replication leaves them).
 * Then, three times:
 * - **raw ingest** (the baseline): `appendBatch` of the same N events into a fresh table, 100 a
 *   batch, one batch at a time — the store's bulk write path, with no reading, checking or
 *   network hop in front of it;
 * - **backfill**: `addRegion` of a new region, from the moment its backfill starts until it is
 *   done (copy of every bucket — a Query of the bucket index and a BatchGetItem on the peer, then
 *   `ingestBatch` here — and the anti-entropy run after it), as its progress record says; then
 *   the region is retired again, so every run starts from the same two-region mesh.
 * It prints the medians of the three, the backfill's as a ratio to the raw rate, and the time a
 * region took to join and to be retired.
 *
 * ```bash
 * npm run bench:backfill               # 2,000 events
 * npm run bench:backfill -- --quick    # 500 events
 * npm run bench:backfill -- --events 5000
 * ```
 *
 * @example
 * ```ts
 * import { formatBackfill } from './backfill.ts';
 * console.log(formatBackfill(result).join('\n'));
 * ```
 */
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { startMesh, type Mesh } from '../local/cloud.ts';
import { createClients } from '../shared/adapters/clients.ts';
import { DynamoEventStore } from '../shared/adapters/dynamo-event-store.ts';
import { createEventsTable } from '../shared/adapters/dynamo-table.ts';
import type { MeshEvent } from '../shared/domain/types.ts';
import { createEvent, formatHlc } from '../shared/domain/index.ts';
import { formatRatio, percentile, ratio } from './stats.ts';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const A = 'us-east-1';
const B = 'eu-west-1';
const RUNS = 3;
const BATCH = 100;

export interface BackfillRun {
  /** Events/s of `appendBatch` of the N events into an empty table. */
  readonly rawPerS: number;
  /** Events/s of the backfill: events read from the peer / (finished − started). */
  readonly backfillPerS: number;
  /** ms from `addRegion` to its answer (table, queues, rewiring, servers), and of its removal. */
  readonly joinMs: number;
  readonly retireMs: number;
  readonly read: number;
  readonly copied: number;
}

export interface BackfillResult {
  readonly events: number;
  readonly runs: readonly BackfillRun[];
  readonly rawPerS: number;
  readonly backfillPerS: number;
  /** backfill / raw, of the medians. */
  readonly ratio: number;
  readonly joinMs: number;
  readonly retireMs: number;
}

/** N events of both regions, a tenth of them deposits, some keys written on both sides. */
function eventsOf(n: number): MeshEvent[] {
  const wall = Date.now() - 3_600_000;
  return Array.from({ length: n }, (_, i) => {
    const origin = i % 2 === 0 ? A : B;
    const hlc = formatHlc({ wall: wall + i, counter: 0 });
    return i % 10 === 0
      ? createEvent({ kind: 'deposit', key: `bf-acct-${i % 7}`, payload: 1 + (i % 13), hlc, origin, parents: [] })
      : createEvent({ kind: 'set', key: `bf-${i % 3 === 0 ? Math.floor(i / 2) : i}`, payload: i, hlc, origin, parents: [] });
  });
}

/** The events in both tables, as replication leaves them (the streams still send them; ingest finds them stored). */
async function preload(mesh: Mesh, events: readonly MeshEvent[]): Promise<void> {
  await Promise.all([A, B].map(async (region) => {
    const store = mesh.store(region);
    for (let i = 0; i < events.length; i += BATCH) {
      await store.appendBatch(events.slice(i, i + BATCH).map((event) => ({ event, via: event.origin === region ? { type: 'local' as const } : { type: 'peer' as const, peer: event.origin } })));
    }
  }));
}

/** The baseline: events/s of appendBatch of `events` into a fresh table, a batch at a time. */
async function rawIngest(mesh: Mesh, events: readonly MeshEvent[], run: number): Promise<number> {
  const { dynamodb } = createClients({ region: A, endpoint: mesh.dynamodbEndpoint });
  const table = `${mesh.meshName}-raw-${run}`;
  await createEventsTable(dynamodb, table);
  const store = new DynamoEventStore({ client: dynamodb, table, region: 'raw' });
  const started = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    await store.appendBatch(events.slice(i, i + BATCH).map((event) => ({ event, via: { type: 'repair' as const, peer: A } })));
  }
  const ms = performance.now() - started;
  dynamodb.destroy();
  return (events.length / ms) * 1000;
}

/** One backfill: a region joins, copies from A, catches up; then it is retired again. */
async function backfill(mesh: Mesh, run: number): Promise<Omit<BackfillRun, 'rawPerS'>> {
  const name = `bf-run-${run}`;
  const t0 = performance.now();
  const added = await mesh.addRegion(name, { backfillFrom: [A] });
  const joinMs = performance.now() - t0;
  await added.backfilled;
  const [progress] = await mesh.store(name).backfills();
  if (progress?.finishedAt === undefined) throw new Error(`${name}: backfill not finished`);
  const t1 = performance.now();
  await mesh.removeRegion(name);
  const retireMs = performance.now() - t1;
  return { backfillPerS: (progress.read / (progress.finishedAt - progress.startedAt)) * 1000, joinMs, retireMs, read: progress.read, copied: progress.copied };
}

/** Runs the benchmark on a mesh that holds nothing yet. */
export async function runBackfillBench(mesh: Mesh, options: { readonly events: number; readonly progress?: (line: string) => void }): Promise<BackfillResult> {
  const progress = options.progress ?? ((): void => {});
  const events = eventsOf(options.events);
  progress(`preloading ${events.length} events into ${A} and ${B}…`);
  await preload(mesh, events);
  const runs: BackfillRun[] = [];
  for (let run = 1; run <= RUNS; run++) {
    // Alternate the order, so neither side always runs on a warmer (or more loaded) JVM.
    let rawPerS = 0;
    let bf: Omit<BackfillRun, 'rawPerS'>;
    if (run % 2 === 1) {
      rawPerS = await rawIngest(mesh, events, run);
      bf = await backfill(mesh, run);
    } else {
      bf = await backfill(mesh, run);
      rawPerS = await rawIngest(mesh, events, run);
    }
    runs.push({ rawPerS, ...bf });
    progress(`run ${run}: raw ${rawPerS.toFixed(0)} events/s, backfill ${bf.backfillPerS.toFixed(0)} events/s (read ${bf.read}, copied ${bf.copied}), join ${bf.joinMs.toFixed(0)} ms, retire ${bf.retireMs.toFixed(0)} ms`);
  }
  const median = (xs: number[]): number => percentile(xs, 50);
  const rawPerS = median(runs.map((r) => r.rawPerS));
  const backfillPerS = median(runs.map((r) => r.backfillPerS));
  return {
    events: events.length, runs, rawPerS, backfillPerS, ratio: ratio(backfillPerS, rawPerS),
    joinMs: median(runs.map((r) => r.joinMs)), retireMs: median(runs.map((r) => r.retireMs)),
  };
}

/** The result as the lines the benchmark prints. */
export function formatBackfill(r: BackfillResult): string[] {
  return [
    `backfill of a joining region (${r.events} events, medians of ${r.runs.length} runs)`,
    `  raw ingest (appendBatch, ${BATCH} a batch, empty table)  ${r.rawPerS.toFixed(0).padStart(6)} events/s  (baseline)`,
    `  backfill into the new region (copy + anti-entropy)  ${r.backfillPerS.toFixed(0).padStart(6)} events/s  ${formatRatio(r.ratio)} of raw`,
    `  region joins (answer of addRegion) in ${r.joinMs.toFixed(0)} ms; is retired (drain, check, stop) in ${r.retireMs.toFixed(0)} ms`,
  ];
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--events');
  const events = at >= 0 ? Number(argv[at + 1]) : argv.includes('--quick') ? 500 : 2_000;
  if (!Number.isInteger(events) || events < 1) throw new Error('usage: npm run bench:backfill -- [--quick] [--events N]');
  const progress = (line: string): void => console.error(`[bench] ${line}`);
  const load = (): string => (loadavg()[0] ?? 0).toFixed(2);
  const loadAtStart = load();
  const mesh = await startMesh({ regions: [A, B], basePort: 0, meshName: `bfbench${Date.now().toString(36)}`, repairIntervalMs: 0, handlerLogLevel: 'SILENT' });
  try {
    const result = await runBackfillBench(mesh, { events, progress });
    console.log(`eventually-consistent-mesh backfill benchmark, ${new Date().toISOString()}, ${cpus().length} CPUs, load ${loadAtStart} at the start, ${load()} at the end, Node ${process.version}\n`);
    console.log(formatBackfill(result).join('\n'));
    console.log(`\n${JSON.stringify(result)}`);
  } finally {
    await mesh.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
}
