/**
 * Replication lag under an open-loop load: writes offered to region 0 at a constant rate (a
 * window at 50/s, then one at 100/s, per run), arrivals independent of completions (`bench/open-loop.ts`), over 100 keys, in a
 * 3-region mesh with its pollers at their default settings. For each acknowledged write and each
 * peer, the lag is the peer's receipt `receivedAt` (its wall clock when its ingest stored the
 * event) minus the moment the 201 reached the client; both clocks are this machine's `Date.now()`.
 * Receipts are read back after the run (`GET /kv/{key}/history` in each peer), so nothing polls
 * the peers while the lag is measured.
 *
 * Before the first run, one window at the highest rate warms the mesh and DynamoDB Local's JVM
 * up, not counted.
 *
 * Also given: the write latency from each write's due time to its 201 (no coordinated omission),
 * the lag from the due time, and the CPU that DynamoDB Local and this process (the mesh and the
 * load generator) used during each window, as % of one core: a DynamoDB Local near a whole core,
 * or the two together near every core, means the box, not the mesh's pollers, sets the lag. So
 * does DynamoDB Local's SQLite thread near 100 %: it runs every statement of the database one
 * at a time, so it caps DynamoDB Local at one core's worth of item reads and writes.
 *
 * `lag` runs every region on one DynamoDB Local, `lag-per-region` gives each region its own
 * (`dynamodbPerRegion`), as AWS does: one DynamoDB Local stores writes on about one core, so the
 * second shows what the lag is when the regions' writes do not queue for that one core.
 *
 * Targets (issue 9), at 100 writes/s: p50 ≤ 100 ms, p99 ≤ 300 ms.
 * Figures are named per rate: `r50.lag.p50`, `r100.lag.p99`, …
 *
 * @example
 * ```ts
 * import { replicationLag } from './replication-lag.ts';
 * const session = await replicationLag.open(env);
 * (await session.run(0)).figures['r100.lag.p99']; // ms, ack in region 0 → stored in a peer, at 100 writes/s
 * ```
 */
import type { BenchOptions, Benchmark, RunOutcome, Session } from './context.ts';
import { cpus } from 'node:os';
import { openLoop } from './open-loop.ts';
import { CpuWindow, threadNamed, type ThreadRef } from './process-cpu.ts';
import { formatSpread, type Aggregate } from './runs.ts';
import { formatMs, percentile } from './stats.ts';

export interface ReplicationLagSizes {
  /** Offered rates, writes/s, one open-loop window each per run. */
  readonly rates: readonly number[];
  readonly durationMs: number;
  readonly keys: number;
}

/**
 * Sizes of a run: 50 and then 100 writes/s, each for 10 s (3 s with `--quick`) over 100 keys.
 *
 * @example
 * ```ts
 * replicationLagSizes({ quick: false }).rates; // [50, 100]
 * ```
 */
export function replicationLagSizes(o: Pick<BenchOptions, 'quick'>): ReplicationLagSizes {
  return { rates: [50, 100], durationMs: o.quick ? 3000 : 10_000, keys: 100 };
}

const pcts = (prefix: string, values: readonly number[]): Record<string, number> => ({
  [`${prefix}.p50`]: percentile(values, 50),
  [`${prefix}.p95`]: percentile(values, 95),
  [`${prefix}.p99`]: percentile(values, 99),
  [`${prefix}.max`]: values.length === 0 ? Number.NaN : Math.max(...values),
});

/** Where the regions' tables live: one DynamoDB Local for all, or one each. */
function makeReplicationLag(perRegion: boolean): Benchmark {
  const storage = perRegion ? 'one DynamoDB Local per region' : 'one DynamoDB Local for all';
  return {
    name: perRegion ? 'lag-per-region' : 'lag',
    title: `Replication lag, open loop, ${storage}`,
    async open(env): Promise<Session> {
      const s = replicationLagSizes(env.options);
      // A long client timeout: a write the mesh is slow to acknowledge still yields a lag sample
      // (and no write is left running in the mesh after the run).
      const h = await env.startMesh({ clientTimeoutMs: 900_000, options: { dynamodbPerRegion: perRegion } });
      // DynamoDB Local runs every SQLite statement on one thread: near 100 % it is the ceiling,
      // whatever the process's total says.
      const sqliteThreads = h.mesh.dynamodbLocalPids.flatMap((pid, i): Array<[string, ThreadRef]> => {
        const t = threadNamed(pid, 'SQLiteQueue');
        return t === undefined ? [] : [[`sqliteThread${i}`, t]];
      });
      const cpuPids: Record<string, number | ThreadRef> = { ...Object.fromEntries(h.mesh.dynamodbLocalPids.map((pid, i) => [`dynamodbLocal${i}`, pid])), ...Object.fromEntries(sqliteThreads) };
      const [from] = h.regions as [string];
      const peers = h.regions.slice(1);
      const source = h.clients[0];
      const peerClients = h.clients.slice(1);
      if (source === undefined || peers.length === 0) throw new Error('replication lag needs at least two regions');
      // Warm-up, not counted: one window at the highest rate, on keys of its own. A fresh
      // DynamoDB Local's JVM has not compiled its hot paths yet; measured cold, the first run's lag
      // at 100 writes/s was ×20 the next two runs' (1 677 ms against 85 and 70 ms at p50).
      const top = Math.max(...s.rates);
      const warm = await openLoop({ ratePerSecond: top, durationMs: s.durationMs, op: (i) => source.put(`lag-warm-${i % s.keys}`, i) });
      const warmIds = warm.samples.flatMap((x) => (x.ok && x.result !== undefined ? [x.result.event.id] : []));
      await h.handlers.waitIngested(warmIds, peers, 600_000);
      return {
        setup: { sizes: s, from, peers },
        async run(run): Promise<RunOutcome> {
          const figures: Record<string, number> = {};
          const details: Record<string, unknown> = {};
          for (const rate of s.rates) {
            const key = (i: number): string => `lag-${run}-${rate}-${i % s.keys}`;
            env.progress(`replication lag: run ${run + 1}, ${rate} writes/s offered to ${from} for ${s.durationMs} ms`);
            const cpu = CpuWindow.start(cpuPids);
            const load = await openLoop({ ratePerSecond: rate, durationMs: s.durationMs, op: (i) => source.put(key(i), i) });
            const used = cpu.stop();
            const ddbCpu = Object.entries(used).filter(([name]) => name.startsWith('dynamodbLocal')).map(([, pct]) => pct);
            const sqliteCpu = Object.entries(used).filter(([name]) => name.startsWith('sqliteThread')).map(([, pct]) => pct);
            const acked = load.samples.filter((x) => x.ok && x.result !== undefined);
            await h.handlers.waitIngested(acked.map((x) => x.result?.event.id ?? ''), peers, 600_000);
            // Each peer's receipts, read once the window is over.
            const receivedAt = new Map<string, Map<string, number>>();
            const keys = [...new Set(acked.map((x) => key(x.i)))];
            await Promise.all(peers.map(async (peer, p) => {
              const got = new Map<string, number>();
              receivedAt.set(peer, got);
              for (const k of keys) {
                const history = await peerClients[p]?.history(k);
                for (const e of history?.events ?? []) if (e.receipt !== undefined) got.set(e.event.id, e.receipt.receivedAt);
              }
            }));
            const lag: number[] = [];
            const fromDue: number[] = [];
            const everyPeer: number[] = [];
            let missing = 0;
            for (const x of acked) {
              const id = x.result?.event.id ?? '';
              const at = peers.map((peer) => receivedAt.get(peer)?.get(id));
              for (const t of at) {
                if (t === undefined) missing++;
                else {
                  lag.push(t - x.endedAtWall);
                  fromDue.push(t - x.dueAtWall);
                }
              }
              if (at.every((t) => t !== undefined)) everyPeer.push(Math.max(...(at as number[])) - x.endedAtWall);
            }
            const writeLatency = acked.map((x) => x.endedAt - x.dueAt);
            // What the mesh actually absorbed: acknowledgements per second from the first due time to the last 201.
            const span = Math.max(...acked.map((x) => x.endedAt)) - (load.samples[0]?.dueAt ?? 0);
            const windowFigures: Record<string, number> = {
              offered: rate,
              startedPerSecond: load.startedPerSecond,
              acked: acked.length,
              ackedPerSecond: acked.length === 0 ? Number.NaN : (acked.length * 1000) / span,
              failed: load.samples.length - acked.length,
              missingReceipts: missing,
              maxInFlight: load.maxInFlight,
              'generator.startLagP99': percentile(load.samples.map((x) => x.startedAt - x.dueAt), 99),
              cores: cpus().length,
              'cpu.self': used['self'] ?? Number.NaN,
              ...(ddbCpu.length === 0 ? {} : { 'cpu.dynamodbLocal': ddbCpu.reduce((a, b) => a + b, 0), dynamodbLocals: ddbCpu.length }),
              ...(sqliteCpu.length === 0 ? {} : { 'cpu.sqliteThread': Math.max(...sqliteCpu) }),
              ...pcts('lag', lag),
              ...pcts('everyPeer', everyPeer),
              ...pcts('fromDue', fromDue),
              ...pcts('write', writeLatency),
            };
            for (const [name, v] of Object.entries(windowFigures)) figures[`r${rate}.${name}`] = v;
            details[`r${rate}`] = { firstError: load.samples.find((x) => !x.ok)?.error };
          }
          return { figures, details };
        },
      };
    },
    format(f: Readonly<Record<string, Aggregate>>): string[] {
      const ms = (name: string): string => formatSpread(f[name], formatMs);
      const n = (name: string): string => formatSpread(f[name], (v) => v.toFixed(0));
      const rates = [...new Set(Object.keys(f).map((k) => /^r(\d+)\.offered$/.exec(k)?.[1]).filter((r): r is string => r !== undefined))].map(Number).sort((a, b) => a - b);
      const lines: string[] = [];
      for (const rate of rates) {
        const r = `r${rate}.`;
        const row = (label: string, p: string): string => `  ${label.padEnd(34)} p50 ${ms(`${r}${p}.p50`).padEnd(22)} p95 ${ms(`${r}${p}.p95`).padEnd(22)} p99 ${ms(`${r}${p}.p99`).padEnd(22)} max ${ms(`${r}${p}.max`)}`;
        lines.push(
          `Replication lag: ${rate} writes/s offered to region 0, open loop (started ${formatSpread(f[`${r}startedPerSecond`], (v) => v.toFixed(1))}/s, acknowledged ${formatSpread(f[`${r}ackedPerSecond`], (v) => v.toFixed(1))}/s), 3 regions, default pollers, ${storage}`,
          row('201 in region 0 → receipt in a peer', 'lag'),
          row('201 → receipt in every peer', 'everyPeer'),
          row('due time → receipt in a peer', 'fromDue'),
          row('write: due time → 201', 'write'),
          `  acknowledged ${n(`${r}acked`)}, failed ${n(`${r}failed`)}, receipts missing ${n(`${r}missingReceipts`)}, at most ${n(`${r}maxInFlight`)} writes in flight; generator start lag p99 ${ms(`${r}generator.startLagP99`)}`,
        );
        const cores = f[`${r}cores`]?.median;
        if (cores !== undefined) {
          const locals = f[`${r}dynamodbLocals`]?.median;
          const sqlite = f[`${r}cpu.sqliteThread`] === undefined ? '' : ` (${locals !== undefined && locals > 1 ? 'the busiest SQLite thread' : 'its SQLite thread'}, at most 100 %: ${n(`${r}cpu.sqliteThread`)} %)`;
          const ddb = locals === undefined ? 'DynamoDB Local not measured' : `DynamoDB Local${locals > 1 ? ` (${locals} processes)` : ''} ${n(`${r}cpu.dynamodbLocal`)} %${sqlite}`;
          lines.push(`  CPU during the window, % of one core: ${ddb}, the mesh and the load generator (this process) ${n(`${r}cpu.self`)} %, of ${cores * 100} % (${cores} cores)`);
        }
      }
      lines.push('  targets (issue 9), at 100 writes/s: p50 ≤ 100 ms, p99 ≤ 300 ms');
      return lines;
    },
  };
}

/** Every region on one DynamoDB Local (the local cloud's default). */
export const replicationLag: Benchmark = makeReplicationLag(false);

/** Each region on a DynamoDB Local of its own, as each AWS region has its own DynamoDB. */
export const replicationLagPerRegion: Benchmark = makeReplicationLag(true);
