/**
 * Convergence after heal: cut one region off (every link into and out of it) for T seconds while
 * clients write to both sides on the same keys (so the keys end in conflicts), then heal and time
 * until every region answers the same value and heads for every key and reports the same digest.
 * The time is given per queued event (the partition's backlog: the messages waiting in the cut
 * links' queues at the heal) and as a ratio to the plain replication lag of one write.
 *
 * @example
 * ```ts
 * import { runConvergence, formatConvergence } from './convergence.ts';
 * const result = await runConvergence(ctx, { partitionMs: 5000, keys: 8, replicationLagP50Ms: 400 });
 * console.log(formatConvergence(result).join('\n'));
 * ```
 */
import type { MeshClient } from '../shared/client/mesh-client.ts';
import { until } from '../shared/util/until.ts';
import { type BenchContext } from './context.ts';
import { closedLoop } from './load.ts';
import { agreeOn, digestsAgree, settle } from './mesh-state.ts';
import { formatMs, formatRatio, ratio } from './stats.ts';

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

export async function runConvergence(ctx: BenchContext, options: ConvergenceOptions): Promise<ConvergenceResult> {
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
    await new Promise((r) => setTimeout(r, ctx.pollIntervalMs * 4));
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

export function formatConvergence(r: ConvergenceResult): string[] {
  return [
    `Convergence after heal: ${r.isolated} cut off for ${formatMs(r.partitionMs)}, writes on both sides to ${r.keys} keys`,
    `  writes acknowledged: ${r.writesMajority} on the majority side, ${r.writesIsolated} in ${r.isolated}; ${r.backlog} events queued at the heal; ${r.conflictedKeys}/${r.keys} keys in conflict after`,
    `  heal → same value, heads and digest everywhere: ${formatMs(r.convergeMs)}`,
    `  = ${r.msPerQueuedEvent.toFixed(2)} ms per queued event, ${formatRatio(r.vsReplicationLag)} the p50 replication lag (${formatMs(r.replicationLagP50Ms)})`,
  ];
}
