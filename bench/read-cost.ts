/**
 * Read cost vs history length: how `GET /accounts/{id}`, a withdrawal and `GET /status` slow
 * down as histories and tables grow, as ratios to the same request on a short history or a small
 * table, measured in the same run.
 *
 * - `GET /accounts/{id}` and `POST /accounts/{id}/withdraw` on accounts of 10, 10 000 (and
 *   100 000) deposits. A withdrawal at 10 events goes to a fresh 10-event account each time (so
 *   the history stays at 10); at 10 000 and more it goes to the long account itself (a few more
 *   events on 10 000 change nothing).
 * - `GET /status` of a region holding 1 000 events and of one holding 100 000.
 *
 * The histories are bulk-loaded once per session (`bench/bulk-load.ts`, test data through the
 * store's port): the small table into region 0, the accounts and the large table into region 1,
 * all with region 2 as origin, so no replicator ships them. Region 1's outbound links stay paused
 * for the session, so its withdrawals are not ingested by the others meanwhile. Samples are taken
 * in rounds, each round in a shuffled order, so a slow patch of the shared machine hits every
 * length alike; the slowest measurements (histories of 50 000 events or more) get only a few
 * samples. `GET /status` reads bounded digest cells, so both tables get the full count.
 *
 * @example
 * ```ts
 * import { readCost } from './read-cost.ts';
 * const session = await readCost.open(env);
 * const { figures } = await session.run(0);
 * figures['account.ratio.10000']; // p50 at 10 000 events ÷ p50 at 10
 * ```
 */
import { seededRandom } from '../shared/util/seeded-random.ts';
import { bulkLoad, chain, type BulkLoadResult } from './bulk-load.ts';
import type { BenchOptions, Benchmark, MeshHarness, RunOutcome, Session } from './context.ts';
import { openRegion } from './region-access.ts';
import { formatSpread, type Aggregate } from './runs.ts';
import { formatMs, formatRatio, percentile, ratio } from './stats.ts';

/** From this many events on, a measurement gets `heavySamples` per run instead of `samples`. */
const HEAVY = 50_000;

export interface ReadCostSizes {
  /** Account history lengths; the first is the baseline. */
  readonly histories: readonly number[];
  /** Events in the small and the large table (`GET /status`). */
  readonly smallTable: number;
  readonly largeTable: number;
  /** Samples per run of each light measurement, and of each heavy one. */
  readonly samples: number;
  readonly heavySamples: number;
  /** Withdrawals per run at each length (heavy lengths: `heavySamples`). */
  readonly withdrawals: number;
}

/**
 * The sizes of a run: accounts of 10, 10 000 and 100 000 events and tables of 1 000 and 100 000
 * events in a full run; `--max-history N` caps both the longest history and the large table at N,
 * `--max-table N` sets the large table apart (loading is the slow part: every event is one append
 * through the store, and one chain loads in order).
 *
 * @example
 * ```ts
 * readCostSizes({ quick: false, maxHistory: 10_000 }).histories; // [10, 10000]
 * readCostSizes({ quick: false, maxHistory: 10_000, maxTable: 100_000 }).largeTable; // 100000
 * ```
 */
export function readCostSizes(o: Pick<BenchOptions, 'quick' | 'maxHistory' | 'maxTable'>): ReadCostSizes {
  if (o.quick) return { histories: [10, 1000], smallTable: 200, largeTable: 2000, samples: 10, heavySamples: 2, withdrawals: 5 };
  const cap = Math.max(100, o.maxHistory);
  const longer = [10_000, 100_000].filter((n) => n <= cap);
  return { histories: [10, ...(longer.length > 0 ? longer : [cap])], smallTable: 1000, largeTable: Math.max(o.maxTable ?? cap, 1000), samples: 20, heavySamples: 3, withdrawals: 10 };
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

interface Measure {
  readonly name: string;
  readonly samples: number;
  sample(run: number, i: number): Promise<number>;
}

const accountKey = (n: number): string => `acct-${n}`;
const freshKey = (i: number): string => `acct-10-w${i}`;

interface Loaded {
  readonly small: BulkLoadResult;
  readonly large: BulkLoadResult;
  readonly smallEvents: number;
  readonly largeEvents: number;
}

/** Loads the small table into `small`, and the accounts and the large table into `large`. */
async function load(h: MeshHarness, s: ReadCostSizes, runs: number, progress: (line: string) => void): Promise<Loaded> {
  const [small, large, origin] = h.regions;
  if (small === undefined || large === undefined || origin === undefined) throw new Error('read cost needs three regions');
  const via = { type: 'peer', peer: origin } as const;
  const deposit = (amount: number) => (): number => amount;
  const value = (i: number): { i: number } => ({ i });

  // The large region: the accounts (fresh 10-event ones for the withdrawals at 10, one per
  // history length), then registers up to the large table's size.
  const fresh = Array.from({ length: s.withdrawals * runs }, (_, i) => chain({ kind: 'deposit', key: freshKey(i), count: s.histories[0] ?? 10, origin, payload: deposit(1_000_000) }));
  const accounts = s.histories.map((n) => chain({ kind: 'deposit', key: accountKey(n), count: n, origin, payload: deposit(1000) }));
  let largeEvents = [...fresh, ...accounts].reduce((n, c) => n + c.length, 0);
  const filler = [];
  for (let k = 0; largeEvents < s.largeTable; k++) {
    // Short chains: many load side by side (one chain loads in order).
    const count = Math.min(1000, s.largeTable - largeEvents);
    filler.push(chain({ kind: 'set', key: `fill-${k}`, count, origin, payload: value }));
    largeEvents += count;
  }
  // The small region: registers only, up to the small table's size.
  const smallChains = Array.from({ length: 10 }, (_, k) => chain({ kind: 'set', key: `small-${k}`, count: Math.ceil(s.smallTable / 10), origin, payload: value }));
  const smallEvents = smallChains.reduce((n, c) => n + c.length, 0);

  const open = [openRegion(h.mesh, small), openRegion(h.mesh, large)];
  try {
    const [a, b] = open as [ReturnType<typeof openRegion>, ReturnType<typeof openRegion>];
    progress(`read cost: bulk-loading ${smallEvents} events into ${small} and ${largeEvents} into ${large} (longest history ${Math.max(...s.histories)})`);
    const onProgress = (region: string) => (stored: number, total: number): void => progress(`read cost: ${region} ${stored}/${total} events loaded`);
    const smallLoad = await bulkLoad(a.deps.service, smallChains, { via, concurrency: 2, onProgress: onProgress(small) });
    // Longest chain first: one chain loads in order, so it sets the pace; the others fill in beside it.
    const largeChains = [...accounts, ...filler].sort((x, y) => y.length - x.length);
    const largeLoad = await bulkLoad(b.deps.service, [...largeChains, ...fresh], { via, concurrency: 4, onProgress: onProgress(large) });
    return { small: smallLoad, large: largeLoad, smallEvents, largeEvents };
  } finally {
    for (const r of open) r.close();
  }
}

export const readCost: Benchmark = {
  name: 'read-cost',
  title: 'Read cost vs history length',
  async open(env): Promise<Session> {
    const s = readCostSizes(env.options);
    const h = await env.startMesh({ clientTimeoutMs: 600_000 });
    const [small, large] = h.regions as [string, string];
    const [smallClient, largeClient] = h.clients as [NonNullable<MeshHarness['clients'][0]>, NonNullable<MeshHarness['clients'][1]>];
    // The large region's withdrawals stay in its outbound queues: nobody ingests them meanwhile.
    for (const to of h.regions) if (to !== large) await h.mesh.links.setLink(large, to, false);
    const loaded = await load(h, s, env.options.runs, env.progress);
    env.progress(`read cost: loaded ${loaded.small.events} events in ${(loaded.small.ms / 1000).toFixed(0)} s and ${loaded.large.events} in ${(loaded.large.ms / 1000).toFixed(0)} s; waiting for the stream pollers to catch up`);
    await h.requests.waitQuiet(large, 'streams', 'GetRecords', 3000, 1_800_000);
    await h.requests.waitQuiet(small, 'streams', 'GetRecords', 3000, 600_000);
    const [smallEvents, largeEvents] = (await Promise.all([smallClient.status(), largeClient.status()])).map((st) => st.events ?? Number.NaN) as [number, number];
    const base = s.histories[0] ?? 10;
    const samplesOf = (n: number): number => (n >= HEAVY ? s.heavySamples : s.samples);
    const measures: Measure[] = [
      ...s.histories.map((n) => ({ name: `account.${n}`, samples: samplesOf(n), sample: () => timed(() => largeClient.account(accountKey(n))) })),
      ...s.histories.map((n) => ({
        name: `withdraw.${n}`,
        samples: Math.min(samplesOf(n), s.withdrawals),
        sample: (run: number, i: number) => timed(() => largeClient.withdraw(n === base ? freshKey(run * s.withdrawals + i) : accountKey(n), 1)),
      })),
      // As many samples of each table: the digest read is bounded (its cells), so a large table is
      // no slower to sample, and fewer samples would all come from the first rounds of a run.
      { name: 'status.small', samples: s.samples, sample: () => timed(() => smallClient.status()) },
      { name: 'status.large', samples: s.samples, sample: () => timed(() => largeClient.status()) },
    ];
    // Warm-up, not counted: connections, JIT, DynamoDB Local's caches.
    await Promise.all([smallClient.status(), largeClient.status(), largeClient.account(accountKey(base))]);
    return {
      setup: { sizes: s, small, large, smallEvents, largeEvents, load: loaded },
      async run(run): Promise<RunOutcome> {
        const samples = new Map<string, number[]>(measures.map((m) => [m.name, []]));
        const random = seededRandom(42 + run);
        const rounds = Math.max(...measures.map((m) => m.samples));
        env.progress(`read cost: run ${run + 1}, ${rounds} rounds of ${measures.length} measurements`);
        for (let r = 0; r < rounds; r++) {
          for (const m of shuffled(measures, random)) {
            const got = samples.get(m.name) ?? [];
            if (got.length < m.samples) got.push(await m.sample(run, got.length));
          }
        }
        const p50 = (name: string): number => percentile(samples.get(name) ?? [], 50);
        const figures: Record<string, number> = {
          'status.events.small': smallEvents,
          'status.events.large': largeEvents,
          'status.p50.small': p50('status.small'),
          'status.p50.large': p50('status.large'),
          'status.ratio': ratio(p50('status.large'), p50('status.small')),
        };
        for (const n of s.histories) {
          for (const what of ['account', 'withdraw']) {
            figures[`${what}.p50.${n}`] = p50(`${what}.${n}`);
            figures[`${what}.ratio.${n}`] = ratio(p50(`${what}.${n}`), p50(`${what}.${base}`));
          }
        }
        return { figures, details: { samples: Object.fromEntries(samples) } };
      },
    };
  },
  format(f: Readonly<Record<string, Aggregate>>): string[] {
    const ms = (name: string): string => formatSpread(f[name], formatMs);
    const x = (name: string): string => formatSpread(f[name], formatRatio);
    const histories = [...new Set(Object.keys(f).filter((k) => k.startsWith('account.p50.')).map((k) => Number(k.slice('account.p50.'.length))))].sort((a, b) => a - b);
    const events = (name: string): string => String(f[name]?.median ?? 'n/a');
    const lines = [
      'Read cost vs history length (p50 per run; median [min–max] of the runs; ratio to the shortest history / smallest table, same run)',
      '   events  GET /accounts/{id}                    withdraw',
    ];
    for (const n of histories) lines.push(`  ${String(n).padStart(7)}  ${`${ms(`account.p50.${n}`)}  ${x(`account.ratio.${n}`)}`.padEnd(36)}  ${ms(`withdraw.p50.${n}`)}  ${x(`withdraw.ratio.${n}`)}`);
    lines.push(`  GET /status: ${events('status.events.small')} events ${ms('status.p50.small')}, ${events('status.events.large')} events ${ms('status.p50.large')}: ${x('status.ratio')}`);
    lines.push('  (histories bulk-loaded through the store port, see bench/bulk-load.ts; the loaded region\'s outbound links paused)');
    return lines;
  },
};
