/**
 * Read cost vs history length: `GET /kv/{key}` and `GET /accounts/{id}` latency for a key and an
 * account whose histories hold 1, 10, 100, 1000 events, as a ratio to length 1. A register is read
 * from its heads item and the head events alone (the winner is always a head), so it should stay
 * flat; an account's balance is a replay of all its events in total order, so it grows with the
 * history, and the figure says by how much.
 *
 * @example
 * ```ts
 * import { runReadCost, formatReadCost } from './read-cost.ts';
 * const result = await runReadCost(ctx, { lengths: [1, 10, 100], reads: 50 });
 * console.log(formatReadCost(result).join('\n'));
 * ```
 */
import { clientAt, type BenchContext } from './context.ts';
import { seededRandom } from '../shared/util/seeded-random.ts';
import { withOutboundPaused } from './mesh-state.ts';
import { formatMs, formatRatio, ratio, summarize, type Summary } from './stats.ts';

export interface ReadCostOptions {
  /** History lengths; the first is the baseline (1). */
  readonly lengths: readonly number[];
  /** Reads per length and route. */
  readonly reads: number;
}

export interface ReadCostRow {
  readonly length: number;
  readonly register: Summary;
  readonly account: Summary;
  /** p50 / p50 of the first length. */
  readonly registerRatio: number;
  readonly accountRatio: number;
}

export interface ReadCostResult {
  readonly region: string;
  readonly reads: number;
  /** How long writing the histories took, ms (sequential writes per key, replication paused). */
  readonly writeMs: number;
  readonly rows: readonly ReadCostRow[];
}

async function timed(op: () => Promise<unknown>): Promise<number> {
  const s = performance.now();
  await op();
  return performance.now() - s;
}

/** A Fisher–Yates shuffle of a copy. */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export async function runReadCost(ctx: BenchContext, options: ReadCostOptions): Promise<ReadCostResult> {
  const client = clientAt(ctx, 0);
  const region = ctx.mesh.regions[0]?.region ?? 'region-0';
  const run = Date.now().toString(36);
  const key = (n: number): string => `rc-${run}-${n}`;

  // The reads are timed in one region only, so its links out are cut while the histories are
  // written and read: the peers' ingest of thousands of events would otherwise triple the load on
  // the one DynamoDB Local and slow both the writing and the reads being timed.
  const reg = new Map<number, number[]>(options.lengths.map((n) => [n, []]));
  const acc = new Map<number, number[]>(options.lengths.map((n) => [n, []]));
  const writeMs = await withOutboundPaused(ctx.mesh, region, async () => {
    ctx.progress(`read cost: writing histories of ${options.lengths.join(', ')} events (a register and an account each)`);
    const w0 = performance.now();
    // Each history is written sequentially (a writer waits for its own heads), histories in parallel.
    await Promise.all(options.lengths.flatMap((n) => [
      (async () => { for (let i = 0; i < n; i++) await client.put(key(n), { i }); })(),
      (async () => { for (let i = 0; i < n; i++) await client.deposit(key(n), 1); })(),
    ]));
    const ms = performance.now() - w0;

    ctx.progress(`read cost: ${options.reads} reads per length and route`);
    // Warm-up reads (connections, JIT, DynamoDB Local's caches), not counted.
    for (const n of options.lengths) await Promise.all([client.get(key(n)), client.account(key(n))]);
    // Interleaved rounds, so a slow patch of the machine hits every length alike, each round in a
    // shuffled order: a fixed (or rotated) order would have one length always read right after the
    // heaviest one (the longest account replay) and pay for its garbage.
    const random = seededRandom(42);
    for (let r = 0; r < options.reads; r++) {
      for (const n of shuffled(options.lengths, random)) {
        reg.get(n)?.push(await timed(() => client.get(key(n))));
        acc.get(n)?.push(await timed(() => client.account(key(n))));
      }
    }
    return ms;
  });
  const summaries = options.lengths.map((n) => ({ n, register: summarize(reg.get(n) ?? []), account: summarize(acc.get(n) ?? []) }));
  const base = summaries[0];
  return {
    region,
    reads: options.reads,
    writeMs,
    rows: summaries.map((s) => ({
      length: s.n,
      register: s.register,
      account: s.account,
      registerRatio: ratio(s.register.p50, base?.register.p50 ?? Number.NaN),
      accountRatio: ratio(s.account.p50, base?.account.p50 ?? Number.NaN),
    })),
  };
}

export function formatReadCost(r: ReadCostResult): string[] {
  const lines = [
    `Read cost vs history length (${r.region}, ${r.reads} reads each, p50 / p95, ratio of p50 to length ${r.rows[0]?.length ?? 1})`,
    '   events  GET /kv/{key}                     GET /accounts/{id}',
  ];
  for (const row of r.rows) {
    const cell = (s: Summary, x: number): string => `${formatMs(s.p50)} / ${formatMs(s.p95)}  ${formatRatio(x)}`.padEnd(32);
    lines.push(`  ${String(row.length).padStart(7)}  ${cell(row.register, row.registerRatio)}  ${cell(row.account, row.accountRatio)}`);
  }
  lines.push('  registers read the heads item and the head events only (flat by design); accounts replay every event (linear by design)');
  lines.push(`  (histories written in ${(r.writeMs / 1000).toFixed(1)} s with the region's outbound links paused, so peers' ingest does not load the reads)`);
  return lines;
}
