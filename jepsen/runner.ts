/**
 * One Jepsen-style run: concurrent workers spread over every region (worker i bound to region
 * i mod n, or, with `clients: 'switching'`, each operation sent to another region than the
 * worker's previous one), a nemesis schedule of link faults, then a heal, a quiet period, final
 * reads of every region, and the checkers. Each worker is one client session.
 *
 * @example
 * ```ts
 * import { runJepsen } from './runner.ts';
 * const run = await runJepsen({ workload: 'register', timeS: 20, nemesis: 'partition', concurrency: 8,
 *   endpoints: [{ region: 'us-east-1', url: 'http://127.0.0.1:3001' }, { region: 'eu-west-1', url: 'http://127.0.0.1:3002' }] });
 * run.ok; // true when every promise held
 * ```
 */
import type { RequestSigner } from '../shared/client/signer.ts';
import type { Fault, NemesisMode } from './nemesis.ts';
import type { ReportInput } from './report/html.ts';
import type { Workload, WorkloadName } from './workloads/workload.ts';
import { JepsenClient } from './client.ts';
import { Recorder } from './recorder.ts';
import { healAll, planFaults, runNemesis } from './nemesis.ts';
import { JOINING_REGIONS, RegionPool, runMembershipNemesis } from './nemesis-membership.ts';
import { confirmMissing, readFinalStates } from './final-reads.ts';
import { registerWorkload } from './workloads/register.ts';
import { bankWorkload } from './workloads/bank.ts';
import { seededRandom } from '../shared/util/seeded-random.ts';
import { checkRun } from './checks.ts';

/** `bound`: each worker talks to one region; `switching`: every operation goes to another region. */
export type ClientMode = 'bound' | 'switching';

/**
 * Every accepted `--clients` value.
 *
 * @example
 * ```ts
 * CLIENT_MODES.includes('switching'); // true
 * ```
 */
export const CLIENT_MODES: readonly ClientMode[] = ['bound', 'switching'];

export interface RunOptions {
  readonly workload: WorkloadName;
  /** How workers use regions (default `bound`). */
  readonly clients?: ClientMode;
  /** Seconds of client load (the nemesis acts within it). */
  readonly timeS: number;
  readonly nemesis: NemesisMode;
  /** Number of workers (default 8). */
  readonly concurrency?: number;
  readonly endpoints: ReadonlyArray<{ readonly region: string; readonly url: string }>;
  /** Per-request timeout, ms (default 5000). */
  readonly timeoutMs?: number;
  /** Seconds of quiet after the heal before the final reads (default 5). */
  readonly quietS?: number;
  /** Seconds to keep re-reading while regions disagree (default 30). */
  readonly settleS?: number;
  /** A fault schedule to run instead of the one `nemesis` plans (e.g. one chosen cut, for a test). */
  readonly faults?: readonly Fault[];
  /** Length of each fault and of the gap after it, ms (defaults scale with timeS). */
  readonly faultMs?: number;
  readonly gapMs?: number;
  /** Mean pause between a worker's operations, ms (default 10). */
  readonly staggerMs?: number;
  /** Keys or accounts (default 3). */
  readonly keys?: number;
  readonly seed?: number;
  /** The `membership` nemesis: the region that joins (default the first free of JOINING_REGIONS) and the one retired (default the first endpoint). */
  readonly membership?: { readonly add?: string; readonly remove?: string };
  /** Prefix of keys and accounts (default: unique per run). */
  readonly prefix?: string;
  readonly signer?: RequestSigner;
  /** Linearizability search budget, ms (default 60 000). */
  readonly checkBudgetMs?: number;
  /** Progress lines for a person watching. */
  readonly log?: (line: string) => void;
}

export interface RunConfig {
  readonly workload: WorkloadName;
  /** Absent in runs recorded before it existed: those were `bound`. */
  readonly clients?: ClientMode;
  readonly timeS: number;
  readonly nemesis: NemesisMode;
  readonly concurrency: number;
  readonly regions: ReadonlyArray<{ readonly region: string; readonly url: string }>;
  readonly timeoutMs: number;
  readonly quietS: number;
  readonly seed: number;
  readonly keys: readonly string[];
  readonly startedAt: string;
}

/**
 * What a run produces: exactly what its report shows and its files keep, so it is the report's
 * input type (a recheck rebuilds the same shape from a run's files).
 */
export type RunResult = ReportInput;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Run a workload against the given regions and check the history.
 *
 * @example
 * ```ts
 * const { verdicts } = await runJepsen({ workload: 'bank', timeS: 10, nemesis: 'isolate', endpoints });
 * ```
 */
export async function runJepsen(options: RunOptions): Promise<RunResult> {
  const log = options.log ?? ((): void => {});
  const concurrency = options.concurrency ?? 8;
  const timeoutMs = options.timeoutMs ?? 5000;
  const quietS = options.quietS ?? 5;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const prefix = options.prefix ?? `j${options.workload[0]}-${Date.now().toString(36)}-${seed.toString(36)}`;
  const random = seededRandom(seed);
  const workload: Workload = options.workload === 'register'
    ? registerWorkload({ prefix, keys: options.keys ?? 3 })
    : bankWorkload({ prefix, accounts: options.keys ?? 3, escrow: options.workload === 'escrow' });
  const clients = options.endpoints.map((e) => new JepsenClient({ ...e, timeoutMs, ...(options.signer ? { signer: options.signer } : {}) }));
  if (clients.length === 0) throw new Error('no regions to run against');
  const mode = options.clients ?? 'bound';
  const config: RunConfig = {
    workload: options.workload, clients: mode, timeS: options.timeS, nemesis: options.nemesis, concurrency,
    regions: options.endpoints.map((e) => ({ region: e.region, url: e.url })), timeoutMs, quietS, seed, keys: workload.keys,
    startedAt: new Date().toISOString(),
  };

  // Start from a healed mesh: a previous run may have been interrupted mid-fault.
  await healAll(clients);
  // Escrow accounts are opened before the load, one per region in turn (a fixed mode from the first
  // event). A first write may meet a cold store: a longer timeout, and retries (opening is idempotent).
  if (options.workload === 'escrow') {
    for (const [i, key] of workload.keys.entries()) {
      const e = options.endpoints[i % options.endpoints.length] as { region: string; url: string };
      const opener = new JepsenClient({ ...e, timeoutMs: Math.max(timeoutMs, 30_000), ...(options.signer ? { signer: options.signer } : {}) });
      for (let attempt = 1; ; attempt++) {
        try {
          await opener.mesh.createAccount(key, 'escrow');
          break;
        } catch (err) {
          if (attempt >= 5) throw err;
          await sleep(1000);
        }
      }
    }
  }
  const recorder = new Recorder();
  const loadMs = options.timeS * 1000;
  const faultMs = options.faultMs ?? Math.min(10_000, Math.max(2_000, loadMs / 6));
  const gapMs = options.gapMs ?? Math.max(500, faultMs / 3);
  const faults = options.faults ?? planFaults(clients.map((c) => c.region), options.nemesis, Math.ceil(loadMs / (faultMs + gapMs)) + 1);
  log(`${options.workload}: ${concurrency} ${mode} workers on ${clients.map((c) => c.region).join(', ')} for ${options.timeS} s, nemesis ${options.nemesis}`);

  const stagger = options.staggerMs ?? 10;
  // The regions serving: the membership nemesis adds and retires one while the workers run.
  const pool = new RegionPool(clients);
  // A membership change takes as long as it takes (a backfill, a drain): the load goes on until it
  // is over and then a fifth of the run more, so the regions serve writes after each change too.
  let membershipDone = options.nemesis !== 'membership';
  let loadUntilMs = loadMs;
  const loading = (): boolean => !membershipDone || recorder.elapsed() / 1e6 < loadUntilMs;
  const worker = async (w: number): Promise<void> => {
    let at = w;
    let process = w;
    for (let n = 0; loading(); n++) {
      // The regions serving now (the membership nemesis changes them); a bound worker keeps its index.
      const active = pool.active;
      // A switching client moves to one of the other regions before every operation but its first.
      if (mode === 'switching' && n > 0 && active.length > 1) at = ((at % active.length) + 1 + Math.floor(random() * (active.length - 1))) % active.length;
      const client = active[at % active.length] as JepsenClient;
      const done = await client.perform(recorder, process, workload.next(random), w);
      // An unknown outcome may still be in flight: continue as a fresh process, as Jepsen does.
      if (done.type === 'info') process += concurrency;
      await sleep(random() * 2 * stagger);
    }
  };
  const nemesis = options.nemesis === 'membership'
    ? runMembershipNemesis({
      pool, recorder,
      add: options.membership?.add ?? JOINING_REGIONS.find((r) => !clients.some((c) => c.region === r)) ?? 'joining-1',
      remove: options.membership?.remove ?? (clients[0] as JepsenClient).region,
      addAtMs: loadMs / 5, removeAtMs: loadMs / 2,
      makeClient: (region, url) => new JepsenClient({ region, url, timeoutMs, ...(options.signer ? { signer: options.signer } : {}) }),
    }).finally(() => {
      loadUntilMs = Math.max(loadMs, recorder.elapsed() / 1e6 + loadMs / 5);
      membershipDone = true;
    })
    : runNemesis({
      endpoints: clients, recorder, faults, startMs: Math.min(2000, loadMs / 10), faultMs, gapMs, untilMs: loadMs - gapMs,
    });
  const [windows] = await Promise.all([nemesis, Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)))]);
  const loadEnd = recorder.elapsed();
  const healErrors = await healAll(pool.active);
  if (healErrors.length > 0) log(`heal failed on: ${healErrors.join('; ')}`);
  log(`load done: ${recorder.history.length} ops; healed; quiet for ${quietS} s`);
  await sleep(quietS * 1000);
  const quietEnd = recorder.elapsed();
  // The regions serving at the end: a retired region's acknowledged writes must be in each of them.
  const readers = pool.active.map((c) => new JepsenClient({ region: c.region, url: c.mesh.baseUrl, timeoutMs: Math.max(timeoutMs, 10_000), ...(options.signer ? { signer: options.signer } : {}) }));
  const history = [...recorder.history];
  const final = await confirmMissing(
    await readFinalStates({ clients: readers, workload: options.workload, keys: workload.keys, recorder, settleMs: (options.settleS ?? 30) * 1000 }),
    history, readers,
  );
  log(`final reads: ${final.attempts} round(s)`);

  const judged = checkRun(options.workload, history, final, { timeBudgetMs: options.checkBudgetMs ?? 60_000 });
  return { config, history, final, windows, verdicts: judged.verdicts, ok: judged.ok, loadEnd, quietEnd };
}
