/**
 * Convergence after heal: cut one region off (every link into and out of it) for T seconds while
 * clients write to both sides on the same keys (so the keys end in conflicts), then heal and time
 * until every region answers the same value and heads for every key and reports the same digest.
 * The time is given per queued event (the partition's backlog: the messages waiting in the cut
 * links' queues at the heal) and as a ratio to the replication lag of one write in the same run
 * (the p50 of a few single writes, each timed until every peer's ingest stored it).
 *
 * @example
 * ```ts
 * import { convergence } from './convergence.ts';
 * const session = await convergence.open(env);
 * (await session.run(0)).figures['convergeMs'];
 * ```
 */
import type { MeshClient } from '../shared/client/mesh-client.ts';
import { until } from '../shared/util/until.ts';
import type { BenchOptions, Benchmark, BenchEnv, MeshHarness, RunOutcome, Session } from './context.ts';
import { closedLoop } from './load.ts';
import { agreeOn, digestsAgree, settle } from './mesh-state.ts';
import { formatSpread, type Aggregate } from './runs.ts';
import { formatMs, formatRatio, percentile, ratio } from './stats.ts';

export interface ConvergenceOptions {
  /** How long the region stays cut off while both sides write, ms. */
  readonly partitionMs: number;
  /** Keys written on both sides. */
  readonly keys: number;
  /**
   * Writes per side at the most (default 1000): the backlog, hence the time to converge, stays
   * bounded on a fast machine; writers that reach it wait out the partition.
   */
  readonly maxWritesPerSide?: number;
  /** Concurrent writers on each side (default 2). */
  readonly writersPerSide?: number;
  /** The replication lag's p50 measured in this run (the second baseline), ms. */
  readonly replicationLagP50Ms: number;
  /** Give up waiting for convergence after this long, ms (default 120 000). */
  readonly timeoutMs?: number;
}

export interface ConvergenceResult {
  readonly isolated: string;
  readonly partitionMs: number;
  readonly keys: number;
  /** Acknowledged writes on the majority side and on the isolated region. */
  readonly writesMajority: number;
  readonly writesIsolated: number;
  /** Messages waiting in the cut links' queues at the heal (one message = one event delivery). */
  readonly backlog: number;
  /** Heal → every region agrees on every key and on the digest, ms. */
  readonly convergeMs: number;
  /** Keys in conflict (more than one head) once converged. */
  readonly conflictedKeys: number;
  readonly msPerQueuedEvent: number;
  readonly replicationLagP50Ms: number;
  readonly vsReplicationLag: number;
}

export async function runConvergence(ctx: MeshHarness & { readonly progress: BenchEnv['progress'] }, options: ConvergenceOptions): Promise<ConvergenceResult> {
  const regions = ctx.mesh.regions.map((r) => r.region);
  const isolated = regions.at(-1);
  const isolatedClient = ctx.clients.at(-1);
  const majorityClient = ctx.clients[0];
  if (regions.length < 2 || isolated === undefined || isolatedClient === undefined || majorityClient === undefined) {
    throw new Error('convergence needs at least two regions');
  }
  const cut = regions.filter((r) => r !== isolated).flatMap((r) => [[r, isolated], [isolated, r]] as const);
  const keys = Array.from({ length: options.keys }, (_, i) => `conv-${i}`);
  const perSide = options.writersPerSide ?? 2;

  await settle(ctx.clients);
  ctx.progress(`convergence: ${isolated} cut off for ${options.partitionMs} ms while both sides write ${keys.length} keys`);
  for (const [from, to] of cut) await ctx.mesh.links.setLink(from, to, false);
  let healed = false;
  try {
    const side = (client: MeshClient, name: string): ReturnType<typeof closedLoop> =>
      closedLoop({
        concurrency: perSide,
        durationMs: options.partitionMs,
        maxOps: options.maxWritesPerSide ?? 1000,
        op: (w, i) => client.put(keys[(w * 7919 + i) % keys.length] as string, { side: name, w, i }),
      });
    const cutAt = performance.now();
    const [majority, minority] = await Promise.all([side(majorityClient, 'majority'), side(isolatedClient, 'isolated')]);
    // Writers that hit the cap wait out the rest of the partition.
    await new Promise((r) => setTimeout(r, Math.max(0, options.partitionMs - (performance.now() - cutAt))));
    // Let the isolated region's stream poller hand its last writes to the (paused) queues.
    await ctx.requests.waitQuiet(isolated, 'streams', 'GetRecords', 1000, 60_000);
    const backlog = (await ctx.mesh.links.links())
      .filter((l) => l.from === isolated || l.to === isolated)
      .reduce((n, l) => n + (l.backlog ?? 0) + (l.inFlight ?? 0), 0);

    ctx.progress(`convergence: healing (${backlog} queued events)`);
    const t0 = performance.now();
    for (const [from, to] of cut) await ctx.mesh.links.setLink(from, to, true);
    healed = true;
    await until('every region to agree after the heal', async () => (await digestsAgree(ctx.clients)) && agreeOn(ctx.clients, keys), options.timeoutMs ?? 120_000, 50);
    const convergeMs = performance.now() - t0;
    const views = await Promise.all(keys.map((k) => majorityClient.get(k)));
    return {
      isolated,
      partitionMs: options.partitionMs,
      keys: keys.length,
      writesMajority: majority.ok,
      writesIsolated: minority.ok,
      backlog,
      convergeMs,
      conflictedKeys: views.filter((v) => v.heads.length > 1).length,
      msPerQueuedEvent: ratio(convergeMs, backlog),
      replicationLagP50Ms: options.replicationLagP50Ms,
      vsReplicationLag: ratio(convergeMs, options.replicationLagP50Ms),
    };
  } finally {
    // A failed run must not leave the mesh cut for the next benchmark.
    if (!healed) for (const [from, to] of cut) await ctx.mesh.links.setLink(from, to, true);
  }
}

/**
 * Sizes of a run: a 20 s partition in a full run, 5 s with `--quick`.
 *
 * @example
 * ```ts
 * convergenceSizes({ quick: true }).partitionMs; // 5000
 * ```
 */
export function convergenceSizes(o: Pick<BenchOptions, 'quick'>): Omit<ConvergenceOptions, 'replicationLagP50Ms'> {
  return o.quick ? { partitionMs: 5000, keys: 8, maxWritesPerSide: 150 } : { partitionMs: 20_000, keys: 16, maxWritesPerSide: 800 };
}

/** The p50 of `writes` single writes into region 0, each timed from its 201 until every peer's ingest stored it, ms. */
async function singleWriteLag(h: MeshHarness, writes: number, run: number): Promise<number> {
  const peers = h.regions.slice(1);
  const samples: number[] = [];
  for (let i = 0; i < writes; i++) {
    const { event } = await (h.clients[0] as MeshClient).put(`conv-lag-${run}-${i}`, i);
    const acked = Date.now();
    await h.handlers.waitIngested([event.id], peers, 60_000);
    samples.push(Math.max(...peers.map((p) => h.handlers.ingestedAt(p, event.id) ?? Number.NaN)) - acked);
  }
  return percentile(samples, 50);
}

export const convergence: Benchmark = {
  name: 'convergence',
  title: 'Convergence after heal',
  async open(env): Promise<Session> {
    const s = convergenceSizes(env.options);
    const h = await env.startMesh();
    return {
      setup: { sizes: s },
      async run(run): Promise<RunOutcome> {
        const lag = await singleWriteLag(h, 10, run);
        const r = await runConvergence({ ...h, progress: env.progress }, { ...s, replicationLagP50Ms: lag });
        return {
          figures: {
            partitionMs: r.partitionMs, keys: r.keys, writesMajority: r.writesMajority, writesIsolated: r.writesIsolated, backlog: r.backlog,
            convergeMs: r.convergeMs, conflictedKeys: r.conflictedKeys, msPerQueuedEvent: r.msPerQueuedEvent, replicationLagP50Ms: r.replicationLagP50Ms, vsReplicationLag: r.vsReplicationLag,
          },
          details: { isolated: r.isolated },
        };
      },
    };
  },
  format(f: Readonly<Record<string, Aggregate>>): string[] {
    const n = (name: string): string => formatSpread(f[name], (v) => v.toFixed(0));
    const ms = (name: string): string => formatSpread(f[name], formatMs);
    return [
      `Convergence after heal: the last region cut off for ${ms('partitionMs')}, writes on both sides to ${n('keys')} keys`,
      `  writes acknowledged: ${n('writesMajority')} on the majority side, ${n('writesIsolated')} in the isolated region; ${n('backlog')} events queued at the heal; ${n('conflictedKeys')} keys in conflict after`,
      `  heal → same value, heads and digest everywhere: ${ms('convergeMs')}`,
      `  = ${formatSpread(f['msPerQueuedEvent'], (v) => v.toFixed(2))} ms per queued event, ${formatSpread(f['vsReplicationLag'], formatRatio)} the p50 lag of a single write (${ms('replicationLagP50Ms')})`,
    ];
  },
};
