/**
 * Throughput: acknowledged `PUT /kv` per second into one region with 1, 4 and 16 clients on
 * distinct keys (one key per client, closed loop), as a ratio to a raw "query + put" append
 * (`bench/raw-append.ts`) with as many clients on the same DynamoDB Local, measured just before
 * in the same run, and to a bare conditional `PutItem` of the same item (no read first), the
 * floor of any append. Then 16 clients on one key: throughput and how many answers were 5xx.
 *
 * Two ratios, because the local cloud runs every region on one DynamoDB Local:
 * - plain: acknowledged writes/s ÷ raw appends/s;
 * - per-region work: each acknowledged write is also appended by each of the N−1 peers, on the
 *   same DynamoDB Local and the same cores, so the mesh did N appends per write. The work rate is
 *   (acknowledged writes × N) ÷ (time from the window's start until every peer had ingested the
 *   last of them), and its ratio is that rate ÷ raw appends/s. It counts what the mesh really did
 *   in the time it really took, rather than assuming the peers kept up.
 *
 * @example
 * ```ts
 * import { throughput } from './throughput.ts';
 * const session = await throughput.open(env);
 * (await session.run(0)).figures['c16.ratio']; // mesh PUT/s ÷ raw append/s at 16 clients
 * ```
 */
import { MeshHttpError, MeshTimeoutError } from '../shared/client/errors.ts';
import type { BenchOptions, Benchmark, RunOutcome, Session } from './context.ts';
import { closedLoop, type ClosedLoopResult } from './load.ts';
import { RawAppender, sampleValue as value } from './raw-append.ts';
import { formatSpread, type Aggregate } from './runs.ts';
import { formatMs, formatRatio, ratio } from './stats.ts';

export interface ThroughputSizes {
  readonly concurrency: readonly number[];
  /** Window of each measurement, ms. */
  readonly windowMs: number;
  /** Clients on the one hot key. */
  readonly hotClients: number;
}

/**
 * Sizes of a run: 1, 4 and 16 clients, 4 s windows (1.5 s with `--quick`).
 *
 * @example
 * ```ts
 * throughputSizes({ quick: true }).windowMs; // 1500
 * ```
 */
export function throughputSizes(o: Pick<BenchOptions, 'quick'>): ThroughputSizes {
  return { concurrency: [1, 4, 16], windowMs: o.quick ? 1500 : 4000, hotClients: 16 };
}

/** How the failed answers of a window split: by HTTP status class, timeouts, anything else. */
export interface FailureCounts {
  http5xx: number;
  http4xx: number;
  timeouts: number;
  other: number;
}

function countFailure(f: FailureCounts, e: unknown): void {
  if (e instanceof MeshHttpError) {
    if (e.status >= 500) f.http5xx++;
    else f.http4xx++;
  } else if (e instanceof MeshTimeoutError) f.timeouts++;
  else f.other++;
}

const perSecondOf = (r: ClosedLoopResult): number => r.perSecond;

export const throughput: Benchmark = {
  name: 'throughput',
  title: 'Throughput vs a raw query + put append',
  async open(env): Promise<Session> {
    const s = throughputSizes(env.options);
    const h = await env.startMesh({ clientTimeoutMs: 60_000 });
    const [region] = h.regions as [string];
    const peers = h.regions.slice(1);
    const client = h.clients[0];
    if (client === undefined || peers.length === 0) throw new Error('throughput needs at least two regions');
    const raw = await RawAppender.create({ endpoint: h.mesh.dynamodbEndpoint, table: `${h.mesh.meshName}-bench-raw`, region });
    const n = h.regions.length;
    // Warm-up, not counted: connections, JIT, DynamoDB Local's first transactions.
    const warm: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [put] = await Promise.all([client.put('tp-warm-up', i), raw.append('raw-warm-up', i)]);
      warm.push(put.event.id);
    }
    await h.handlers.waitIngested(warm, peers, 120_000);
    return {
      setup: { sizes: s, region, regions: n },
      async run(run): Promise<RunOutcome> {
        const figures: Record<string, number> = {};
        for (const c of s.concurrency) {
          const window = { concurrency: c, durationMs: s.windowMs };
          env.progress(`throughput: run ${run + 1}, ${c} client(s), ${s.windowMs} ms windows`);
          const bare = await closedLoop({ ...window, op: (w, i) => raw.put(`put-${run}-${c}-${w}-${i}`, value(w, i)) });
          const base = await closedLoop({ ...window, op: (w, i) => raw.append(`raw-${run}-${c}-${w}`, value(w, i)) });
          const ids: string[] = [];
          const t0 = performance.now();
          const mesh = await closedLoop({
            ...window,
            op: async (w, i) => ids.push((await client.put(`tp-${run}-${c}-${w}`, value(w, i))).event.id),
          });
          // The work is done when every peer has ingested every acknowledged write.
          await h.handlers.waitIngested(ids, peers, 300_000);
          const workMs = performance.now() - t0;
          const workRate = (mesh.ok * n * 1000) / workMs;
          Object.assign(figures, {
            [`c${c}.raw`]: perSecondOf(base),
            [`c${c}.put`]: perSecondOf(bare),
            [`c${c}.putRatio`]: ratio(mesh.perSecond, bare.perSecond),
            [`c${c}.mesh`]: perSecondOf(mesh),
            [`c${c}.meshP50`]: mesh.latency.p50,
            [`c${c}.meshFailed`]: mesh.failed,
            [`c${c}.rawFailed`]: base.failed,
            [`c${c}.ratio`]: ratio(mesh.perSecond, base.perSecond),
            [`c${c}.workRate`]: workRate,
            [`c${c}.workRatio`]: ratio(workRate, base.perSecond),
          });
        }
        env.progress(`throughput: run ${run + 1}, ${s.hotClients} clients on one key`);
        const failures: FailureCounts = { http5xx: 0, http4xx: 0, timeouts: 0, other: 0 };
        const hotIds: string[] = [];
        const hot = await closedLoop({
          concurrency: s.hotClients,
          durationMs: s.windowMs,
          op: async (w, i) => {
            try {
              hotIds.push((await client.put(`hot-${run}`, value(w, i))).event.id);
            } catch (e) {
              countFailure(failures, e);
              throw e;
            }
          },
        });
        await h.handlers.waitIngested(hotIds, peers, 300_000);
        Object.assign(figures, {
          'hot.perSecond': hot.perSecond,
          'hot.p50': hot.latency.p50,
          'hot.ok': hot.ok,
          'hot.5xx': failures.http5xx,
          'hot.4xx': failures.http4xx,
          'hot.timeouts': failures.timeouts,
          'hot.otherFailures': failures.other,
          'hot.vsDistinct': ratio(hot.perSecond, figures[`c${s.hotClients}.mesh`] ?? Number.NaN),
        });
        return { figures, details: { hotFirstError: hot.firstError } };
      },
    };
  },
  format(f: Readonly<Record<string, Aggregate>>): string[] {
    const rate = (name: string): string => formatSpread(f[name], (v) => `${v.toFixed(0)}/s`);
    const x = (name: string): string => formatSpread(f[name], formatRatio);
    const count = (name: string): string => formatSpread(f[name], (v) => v.toFixed(0));
    const clients = [...new Set(Object.keys(f).filter((k) => /^c\d+\.mesh$/.test(k)).map((k) => Number(k.slice(1, -'.mesh'.length))))].sort((a, b) => a - b);
    const lines = [
      'Throughput: acknowledged PUT /kv into region 0, closed loop, one key per client; baselines = raw Query + PutItem, and a bare PutItem, on the same DynamoDB Local, same run',
      '  clients  mesh PUT             (p50)           raw query+put        PUT ÷ raw          per-region work ÷ raw   bare PutItem         PUT ÷ PutItem',
    ];
    for (const c of clients) {
      lines.push(`  ${String(c).padStart(7)}  ${rate(`c${c}.mesh`).padEnd(19)}  ${`(${formatSpread(f[`c${c}.meshP50`], formatMs)})`.padEnd(14)}  ${rate(`c${c}.raw`).padEnd(19)}  ${x(`c${c}.ratio`).padEnd(17)}  ${x(`c${c}.workRatio`).padEnd(22)}  ${rate(`c${c}.put`).padEnd(19)}  ${x(`c${c}.putRatio`)}`);
    }
    lines.push(`  per-region work = acknowledged writes × regions ÷ (window start → last peer ingested), i.e. the local append plus every peer's append, all on the one DynamoDB Local`);
    lines.push(`  16 clients on one key: ${rate('hot.perSecond')} (p50 ${formatSpread(f['hot.p50'], formatMs)}), ${x('hot.vsDistinct')} of distinct keys; ` +
      `5xx answers ${count('hot.5xx')}, 4xx ${count('hot.4xx')}, timeouts ${count('hot.timeouts')}, acknowledged ${count('hot.ok')}`);
    return lines;
  },
};
