/**
 * Soak: many short randomized runs in a row — a workload (register with bound clients, register
 * with clients that switch regions, bank), a nemesis schedule and a seed drawn for each — and one
 * summary with the counts a user asks for: runs, operations, acknowledged writes, lost writes,
 * runs still divergent after the heal, and every checker's verdicts.
 *
 * The plan is drawn from one seed, so `--seed` reproduces the sequence of runs (not their timing:
 * that is the real mesh's). Each run is kept in its own folder as `history.jsonl`, `final.json`
 * and `results.json` (enough to re-check it), and in full (report, EDN) when it broke a promise.
 *
 * @example
 * ```ts
 * import { planSoak, runSoak } from './soak.ts';
 * planSoak(3, 42).map((p) => `${p.workload}/${p.clients} ${p.nemesis}`); // ['bank/bound isolate', …]
 * const summary = await runSoak({ runs: 100, timeS: 20, seed: 42, out: 'jepsen-runs/soak', mesh });
 * ```
 */
import type { WorkloadName } from './workloads/workload.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import type { FaultKind } from './nemesis.ts';
import type { ClientMode, RunOptions, RunResult } from './runner.ts';
import { runJepsen } from './runner.ts';
import { resultsJson, writeRun } from './output.ts';
import { toJsonLines } from './history.ts';
import { validityLabel } from './checkers/verdict.ts';
import type { LostWritesDetails } from './checkers/lost-writes.ts';
import type { ConvergenceDetails } from './checkers/convergence.ts';
import type { SessionDetails } from './checkers/session-guarantees.ts';
import { SESSION_GUARANTEES } from './checkers/session-guarantees.ts';
import { seededRandom } from '../shared/util/seeded-random.ts';

/** One planned run. */
export interface SoakPlan {
  /** 1-based position in the soak. */
  readonly n: number;
  readonly workload: WorkloadName;
  readonly clients: ClientMode;
  /** Every kind of fault, or one kind for the whole run. */
  readonly nemesis: 'partition' | FaultKind;
  readonly seed: number;
  readonly concurrency: number;
  readonly keys: number;
}

/** What the summary keeps of one run. */
export interface SoakRecord extends SoakPlan {
  readonly ok: boolean;
  readonly operations: number;
  readonly acknowledgedWrites: number;
  /** Distinct acknowledged writes missing from at least one region at the end. */
  readonly lostWrites: number;
  /** Answers on which regions still disagreed after the heal, the quiet period and the settle rounds. */
  readonly disagreements: number;
  readonly faults: number;
  /** Seconds under a fault (sum of the nemesis windows). */
  readonly faultS: number;
  readonly finalReadRounds: number;
  /** Checker (session guarantees of switching runs suffixed ` (switching)`) → valid | invalid | unknown. */
  readonly verdicts: Readonly<Record<string, 'valid' | 'invalid' | 'unknown'>>;
  /** Checkers whose verdict broke a promise. */
  readonly breaches: readonly string[];
  /** The run could not complete (the mesh or the tool failed); no verdicts then. */
  readonly error?: string;
  /** Folder of the run, relative to the soak's. */
  readonly dir: string;
  /** The machine's 1-minute load average when the run began (a busy machine slows every region). */
  readonly loadAverage: number;
}

export interface SoakSummary {
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The command that reproduces the plan. */
  readonly command: string;
  readonly seed: number;
  readonly timeS: number;
  readonly runs: number;
  readonly operations: number;
  readonly acknowledgedWrites: number;
  readonly lostWrites: number;
  readonly runsWithLostWrites: number;
  /** Runs whose regions still disagreed at the end (convergence invalid). */
  readonly divergentRuns: number;
  readonly brokenRuns: number;
  readonly erroredRuns: number;
  readonly faults: number;
  readonly faultS: number;
  readonly byWorkload: Readonly<Record<string, number>>;
  /** Checker → how many runs answered each verdict, and how many of those broke a promise. */
  readonly verdicts: Readonly<Record<string, { valid: number; invalid: number; unknown: number; breaches: number }>>;
  readonly records: readonly SoakRecord[];
}

const WORKLOADS: ReadonlyArray<Pick<SoakPlan, 'workload' | 'clients'>> = [
  { workload: 'register', clients: 'bound' }, { workload: 'register', clients: 'switching' }, { workload: 'bank', clients: 'bound' },
];
const NEMESES: ReadonlyArray<SoakPlan['nemesis']> = ['partition', 'isolate', 'split', 'one-way', 'flap'];

/**
 * The runs of a soak, drawn from `seed`: each workload, nemesis, run seed, concurrency (4–12)
 * and key count (1–5) at random.
 *
 * @example
 * ```ts
 * planSoak(100, 7).filter((p) => p.clients === 'switching').length; // about a third
 * ```
 */
export function planSoak(runs: number, seed: number): SoakPlan[] {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  return Array.from({ length: runs }, (_, i) => ({
    n: i + 1, ...pick(WORKLOADS), nemesis: pick(NEMESES), seed: Math.floor(random() * 2 ** 31),
    concurrency: 4 + Math.floor(random() * 9), keys: 1 + Math.floor(random() * 5),
  }));
}

const WRITES: ReadonlySet<string> = new Set(['write', 'deposit', 'withdraw']);

/** The name a verdict is counted under: a session guarantee of switching clients is its own claim. */
function verdictName(checker: string, details: unknown): string {
  const switching = (SESSION_GUARANTEES as readonly string[]).includes(checker) && (details as SessionDetails).mode === 'switching';
  return switching ? `${checker} (switching)` : checker;
}

/**
 * What the summary keeps of a finished run.
 *
 * @example
 * ```ts
 * recordOf(plan, await runJepsen(options), '001-register-bound-isolate').lostWrites; // 0
 * ```
 */
export function recordOf(plan: SoakPlan, run: RunResult, dir: string, loadAverage = 0): SoakRecord {
  const client = run.history.filter((o) => o.process !== 'nemesis');
  const lost = run.verdicts.find((v) => v.checker === 'lost-writes')?.details as LostWritesDetails | undefined;
  const convergence = run.verdicts.find((v) => v.checker === 'convergence')?.details as ConvergenceDetails | undefined;
  return {
    ...plan, ok: run.ok, dir, loadAverage,
    operations: client.filter((o) => o.type === 'invoke').length,
    acknowledgedWrites: client.filter((o) => o.type === 'ok' && WRITES.has(o.f)).length,
    lostWrites: new Set((lost?.lost ?? []).map((l) => l.eventId)).size,
    disagreements: convergence?.disagreements.length ?? 0,
    faults: run.windows.length,
    faultS: run.windows.reduce((s, w) => s + (Math.min(w.end, run.loadEnd) - w.start) / 1e9, 0),
    finalReadRounds: run.final.attempts,
    verdicts: Object.fromEntries(run.verdicts.map((v) => [verdictName(v.checker, v.details), validityLabel(v.valid)])),
    breaches: run.verdicts.filter((v) => v.breach).map((v) => v.checker),
  };
}

/**
 * Add up the runs.
 *
 * @example
 * ```ts
 * summarizeSoak(records, { startedAt, seed: 7, timeS: 20, command }).lostWrites; // 0
 * ```
 */
export function summarizeSoak(records: readonly SoakRecord[], meta: { startedAt: string; seed: number; timeS: number; command: string }): SoakSummary {
  const sum = (f: (r: SoakRecord) => number): number => records.reduce((s, r) => s + f(r), 0);
  const verdicts: Record<string, { valid: number; invalid: number; unknown: number; breaches: number }> = {};
  const byWorkload: Record<string, number> = {};
  for (const r of records) {
    const w = `${r.workload}/${r.clients}`;
    byWorkload[w] = (byWorkload[w] ?? 0) + 1;
    for (const [checker, label] of Object.entries(r.verdicts)) {
      const c = (verdicts[checker] ??= { valid: 0, invalid: 0, unknown: 0, breaches: 0 });
      c[label]++;
      if (r.breaches.includes(checker.replace(/ \(switching\)$/, ''))) c.breaches++;
    }
  }
  return {
    startedAt: meta.startedAt, finishedAt: new Date().toISOString(), command: meta.command, seed: meta.seed, timeS: meta.timeS,
    runs: records.length, operations: sum((r) => r.operations), acknowledgedWrites: sum((r) => r.acknowledgedWrites),
    lostWrites: sum((r) => r.lostWrites), runsWithLostWrites: records.filter((r) => r.lostWrites > 0).length,
    divergentRuns: records.filter((r) => r.verdicts['convergence'] === 'invalid').length,
    brokenRuns: records.filter((r) => !r.ok).length, erroredRuns: records.filter((r) => r.error !== undefined).length,
    faults: sum((r) => r.faults), faultS: sum((r) => r.faultS), byWorkload, verdicts, records,
  };
}

const SHORT: Readonly<Record<string, string>> = {
  linearizable: 'lin', 'read-your-writes': 'ryw', 'monotonic-reads': 'mr', 'monotonic-writes': 'mw', 'writes-follow-reads': 'wfr',
  convergence: 'conv', 'lost-writes': 'lost', bank: 'bank', escrow: 'escrow',
};

/** A run's verdicts in a few words: `lin invalid · ryw mr mw wfr valid · conv lost valid`. */
function verdictWords(verdicts: SoakRecord['verdicts']): string {
  const groups: Array<[string, string[]]> = [];
  for (const [checker, label] of Object.entries(verdicts)) {
    const name = SHORT[checker.replace(/ \(switching\)$/, '')] ?? checker;
    const last = groups.at(-1);
    if (last !== undefined && last[0] === label) last[1].push(name);
    else groups.push([label, [name]]);
  }
  return groups.map(([label, names]) => `${names.join(' ')} ${label}`).join(' · ');
}

/**
 * The summary as Markdown: the headline sentence, the counts, the verdicts by checker, and one
 * line per run.
 *
 * @example
 * ```ts
 * writeFileSync('soak.md', soakMarkdown(summary));
 * ```
 */
export function soakMarkdown(s: SoakSummary): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const lines = [
    `# Soak: ${s.runs} randomized Jepsen-style runs`,
    '',
    `**${n(s.lostWrites)} acknowledged writes lost in ${n(s.runs)} runs and ${n(s.operations)} operations under partitions** ` +
      `(${n(s.acknowledgedWrites)} acknowledged writes; ${n(s.faults)} faults, ${n(Math.round(s.faultS))} s under a fault); ` +
      `${s.divergentRuns} run${s.divergentRuns === 1 ? '' : 's'} still divergent after the heal; ${s.brokenRuns} broke a promise; ${s.erroredRuns} could not complete.`,
    '',
    `Started ${s.startedAt}, finished ${s.finishedAt}; ${s.timeS} s of load per run. Reproduce the plan: \`${s.command}\`.`,
    '',
    '| | |', '|---|---:|',
    `| runs | ${n(s.runs)} (${Object.entries(s.byWorkload).map(([w, c]) => `${w} ${c}`).join(', ')}) |`,
    `| operations | ${n(s.operations)} |`,
    `| acknowledged writes | ${n(s.acknowledgedWrites)} |`,
    `| lost (acknowledged, missing in a region at the end) | ${n(s.lostWrites)} in ${s.runsWithLostWrites} runs |`,
    `| divergent after heal | ${s.divergentRuns} runs |`,
    `| faults injected | ${n(s.faults)} (${n(Math.round(s.faultS))} s) |`,
    '',
    '| checker | valid | invalid | unknown | broke a promise |', '|---|---:|---:|---:|---:|',
    ...Object.entries(s.verdicts).map(([c, v]) => `| ${c} | ${v.valid} | ${v.invalid} | ${v.unknown} | ${v.breaches} |`),
    '',
    'Load: the machine\'s 1-minute load average as the run began (it has 2 cores, shared). Verdicts per run: lin = linearizable, ryw / mr / mw / wfr = read-your-writes / monotonic reads / monotonic writes / writes-follow-reads, conv = convergence, lost = lost-writes.',
    '',
    '| # | workload | nemesis | seed | workers | keys | load | ops | acked | lost | faults | verdicts | ok |', '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
    ...s.records.map((r) => `| ${r.n} | ${r.workload}/${r.clients} | ${r.nemesis} | ${r.seed} | ${r.concurrency} | ${r.keys} | ${r.loadAverage.toFixed(1)} | ${r.operations} | ${r.acknowledgedWrites} | ${r.lostWrites} | ${r.faults} | ` +
      `${r.error !== undefined ? `error: ${r.error.replace(/\|/g, '/')}` : verdictWords(r.verdicts)} | ${r.ok ? 'yes' : '**no**'} |`),
    '',
  ];
  return lines.join('\n');
}

/** Regions to run against; the soak asks again every `freshEvery` runs (a local mesh restarts empty). */
export interface SoakMesh {
  readonly endpoints: RunOptions['endpoints'];
  readonly stop: () => Promise<void>;
}

export interface SoakOptions {
  readonly runs: number;
  readonly timeS: number;
  readonly seed: number;
  readonly out: string;
  /** Gives the regions of the next runs. */
  readonly mesh: () => Promise<SoakMesh>;
  /** Ask `mesh` for fresh regions every this many runs (default: never). */
  readonly freshEvery?: number;
  /** The command line, for the summary. */
  readonly command: string;
  /** Passed to every run (timeouts, quiet period, signer, …). */
  readonly run?: Partial<Omit<RunOptions, 'workload' | 'clients' | 'nemesis' | 'seed' | 'concurrency' | 'keys' | 'timeS' | 'endpoints'>>;
  readonly log?: (line: string) => void;
}

/**
 * Run the soak, writing each run's folder and, after every run, `soak.json` and `soak.md` in `out`
 * (so an interrupted soak still leaves a true summary of what ran).
 *
 * @example
 * ```ts
 * const s = await runSoak({ runs: 10, timeS: 20, seed: 1, out: '/tmp/soak', mesh, command: 'npm run jepsen -- --runs 10' });
 * ```
 */
export async function runSoak(o: SoakOptions): Promise<SoakSummary> {
  const log = o.log ?? ((): void => {});
  const startedAt = new Date().toISOString();
  const records: SoakRecord[] = [];
  await mkdir(o.out, { recursive: true });
  let mesh: SoakMesh | undefined;
  let summary = summarizeSoak(records, { startedAt, seed: o.seed, timeS: o.timeS, command: o.command });
  try {
    for (const plan of planSoak(o.runs, o.seed)) {
      if (mesh === undefined || (o.freshEvery !== undefined && (plan.n - 1) % o.freshEvery === 0 && plan.n > 1)) {
        await mesh?.stop();
        mesh = undefined;
        mesh = await o.mesh();
      }
      const dir = `${String(plan.n).padStart(3, '0')}-${plan.workload}-${plan.clients}-${plan.nemesis}`;
      log(`run ${plan.n}/${o.runs}: ${plan.workload}, ${plan.clients} clients, nemesis ${plan.nemesis}, seed ${plan.seed}, ${plan.concurrency} workers, ${plan.keys} keys`);
      let record: SoakRecord;
      const load = loadavg()[0] ?? 0;
      try {
        const run = await runJepsen({
          ...o.run, workload: plan.workload, clients: plan.clients, nemesis: plan.nemesis, seed: plan.seed,
          concurrency: plan.concurrency, keys: plan.keys, timeS: o.timeS, endpoints: mesh.endpoints,
        });
        record = recordOf(plan, run, dir, load);
        if (run.ok) {
          // Enough to re-check the run later (recheck.ts), without the report and EDN copy.
          await mkdir(join(o.out, dir), { recursive: true });
          await writeFile(join(o.out, dir, 'results.json'), JSON.stringify(resultsJson(run), null, 2) + '\n');
          await writeFile(join(o.out, dir, 'history.jsonl'), toJsonLines(run.history));
          await writeFile(join(o.out, dir, 'final.json'), JSON.stringify(run.final) + '\n');
        } else {
          await writeRun(join(o.out, dir), run);
        }
      } catch (e) {
        record = {
          ...plan, ok: false, dir, loadAverage: load, operations: 0, acknowledgedWrites: 0, lostWrites: 0, disagreements: 0, faults: 0, faultS: 0,
          finalReadRounds: 0, verdicts: {}, breaches: [], error: (e as Error).message,
        };
        // A mesh that failed is not trusted for the next run.
        await mesh.stop().catch(() => {});
        mesh = undefined;
      }
      records.push(record);
      log(`  ${record.error ?? `${record.operations} ops, ${record.acknowledgedWrites} acknowledged writes, ${record.lostWrites} lost; ${record.ok ? 'every promise held' : `BROKEN: ${record.breaches.join(', ')}`}`}`);
      summary = summarizeSoak(records, { startedAt, seed: o.seed, timeS: o.timeS, command: o.command });
      await writeFile(join(o.out, 'soak.json'), JSON.stringify(summary, null, 2) + '\n');
      await writeFile(join(o.out, 'soak.md'), soakMarkdown(summary));
    }
  } finally {
    await mesh?.stop();
  }
  return summary;
}
