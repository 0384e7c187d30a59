/**
 * Replication lag: N sequential writes into region A, each timed from its 201 to the moment
 * every other region answers it on `GET /kv/{key}` (each region polled every few ms on its own).
 * Baselines measured in the same run: the mesh's poll interval (the stream and queue pollers idle
 * that long, so a hop costs up to one interval per poller) and a same-region read-after-write
 * (one GET in A right after the 201: what "readable" costs with no replication at all).
 *
 * @example
 * ```ts
 * import { runReplicationLag, formatReplicationLag } from './replication-lag.ts';
 * const result = await runReplicationLag(ctx, { writes: 20 });
 * console.log(formatReplicationLag(result).join('\n'));
 * ```
 */
import type { MeshClient } from '../shared/client/mesh-client.ts';
import { until } from '../shared/util/until.ts';
import { clientAt, type BenchContext } from './context.ts';
import { keyIfPresent } from './mesh-state.ts';
import { formatMs, formatRatio, ratio, summarize, type Summary } from './stats.ts';

export interface ReplicationLagOptions {
  readonly writes: number;
  /** How often each peer is polled, ms (default 5). */
  readonly pollEveryMs?: number;
  /** Give up on one write after this long, ms (default 30 000). */
  readonly timeoutMs?: number;
}

export interface ReplicationLagResult {
  readonly from: string;
  readonly to: readonly string[];
  readonly writes: number;
  /** 201 → readable in each peer, ms: one sample per (write, peer). */
  readonly perPeer: Readonly<Record<string, Summary>>;
  /** 201 → readable in every peer (the slower of the two), ms. */
  readonly all: Summary;
  /** One same-region GET right after the 201, ms. */
  readonly readAfterWrite: Summary;
  readonly pollIntervalMs: number;
  /** all.p50 / pollIntervalMs and all.p50 / readAfterWrite.p50. */
  readonly p50VsPollInterval: number;
  readonly p50VsReadAfterWrite: number;
}

async function readable(client: MeshClient, key: string, expected: number): Promise<boolean> {
  return (await keyIfPresent(client, key))?.value === expected;
}

export async function runReplicationLag(ctx: BenchContext, options: ReplicationLagOptions): Promise<ReplicationLagResult> {
  const source = clientAt(ctx, 0);
  const regions = ctx.mesh.regions.map((r) => r.region);
  const [from = 'region-0', ...to] = regions;
  const peers = ctx.clients.slice(1);
  if (peers.length === 0) throw new Error('replication lag needs at least two regions');
  const every = options.pollEveryMs ?? 5;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const samples = new Map<string, number[]>(to.map((r) => [r, []]));
  const all: number[] = [];
  const raw: number[] = [];
  ctx.progress(`replication lag: ${options.writes} writes into ${from}, polled in ${to.join(', ')} every ${every} ms`);
  for (let i = 0; i < options.writes; i++) {
    const key = `lag-${i}`;
    await source.put(key, i);
    const acked = performance.now();
    const seen = peers.map(async (peer, p) => {
      await until(`${key} in ${to[p] ?? '?'}`, () => readable(peer, key, i), timeoutMs, every);
      const ms = performance.now() - acked;
      samples.get(to[p] ?? '')?.push(ms);
      return ms;
    });
    // Same-region read-after-write, concurrently with the peers' polls (they share the machine).
    const s = performance.now();
    if (!(await readable(source, key, i))) throw new Error(`${from} did not read its own write ${key}`);
    raw.push(performance.now() - s);
    all.push(Math.max(...(await Promise.all(seen))));
  }
  const allSummary = summarize(all);
  const readAfterWrite = summarize(raw);
  return {
    from,
    to,
    writes: options.writes,
    perPeer: Object.fromEntries([...samples].map(([r, v]) => [r, summarize(v)])),
    all: allSummary,
    readAfterWrite,
    pollIntervalMs: ctx.pollIntervalMs,
    p50VsPollInterval: ratio(allSummary.p50, ctx.pollIntervalMs),
    p50VsReadAfterWrite: ratio(allSummary.p50, readAfterWrite.p50),
  };
}

const row = (s: Summary): string => `p50 ${formatMs(s.p50).padEnd(9)} p95 ${formatMs(s.p95).padEnd(9)} max ${formatMs(s.max)}`;

export function formatReplicationLag(r: ReplicationLagResult): string[] {
  return [
    `Replication lag: ${r.writes} writes into ${r.from}, 201 → readable in ${r.to.join(' and ')}`,
    ...Object.entries(r.perPeer).map(([region, s]) => `  ${region.padEnd(16)} ${row(s)}`),
    `  ${'every peer'.padEnd(16)} ${row(r.all)}`,
    `  baseline: poll interval ${formatMs(r.pollIntervalMs)}, same-region read-after-write ${row(r.readAfterWrite)}`,
    `  p50 lag = ${formatRatio(r.p50VsPollInterval)} the poll interval, ${formatRatio(r.p50VsReadAfterWrite)} a same-region read-after-write`,
  ];
}
