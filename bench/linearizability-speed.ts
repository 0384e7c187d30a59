/**
 * Checker speed against a Porcupine-style reference, in the same run: the project's
 * linearizability checker and the TypeScript port of Porcupine's algorithm
 * (`linearizability-porcupine.ts` — a port, not Porcupine itself) decide the same generated
 * register histories, in alternating order, several times; the figures are the medians and the
 * ratio project ÷ reference (below 1 = the project is faster).
 *
 * What is timed: for the project, `checkLinearizable` deciding (`counterexample: false`: pairing
 * the history, partitioning by key, bounding info writes, the search, stopping at the first key
 * that fails, as Porcupine does); beside it, in brackets, the full check a run does (every key
 * judged, the counterexample shrunk and re-checked). For the reference, `CheckOperations` on
 * operations already converted from the history (the conversion, which Porcupine users do with
 * their own parser, is not counted, though the project's pairing is), and beside it the same with
 * the conversion from the recorded history (`toPorcupineOperations`): both sides then start from
 * the same input. Each checker runs once on each history before the timed runs (JIT warm-up).
 *
 * Both are timed in CPU time of this process (`process.cpuUsage`, user + system, so garbage
 * collection counts) as well as wall time: on a machine shared with other work, wall time
 * mostly measures how long the process waited for a core. The ratio is of CPU times.
 *
 * Run: `npx tsx bench/linearizability-speed.ts [--runs 5] [--quick] [--timeout-ms 60000]`
 *
 * @example
 * ```ts
 * import { runSpeedComparison } from './linearizability-speed.ts';
 * const rows = runSpeedComparison({ runs: 3, cases: SPEED_CASES.slice(0, 1) });
 * rows[0].ratio; // project ÷ Porcupine-style reference
 * ```
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { checkLinearizable } from '../jepsen/checkers/linearizable.ts';
import { validityLabel } from '../jepsen/checkers/verdict.ts';
import type { GenerateOptions } from './linearizability.ts';
import { generateRegisterHistory } from './linearizability.ts';
import type { PorcupineResult } from './linearizability-porcupine.ts';
import { porcupineCheckTimeout, toPorcupineOperations } from './linearizability-porcupine.ts';
import { formatMs, formatRatio, percentile, ratio } from './stats.ts';

export interface SpeedCase {
  readonly name: string;
  readonly options: GenerateOptions;
}

/**
 * The histories compared: linearizable ones of 10,000 and 100,000 operations (10 keys, 8
 * clients), the same with one stale read late or midway, and with 5% unknown-outcome writes.
 *
 * @example
 * ```ts
 * SPEED_CASES.map((c) => c.name);
 * ```
 */
export const SPEED_CASES: readonly SpeedCase[] = [
  { name: '10k linearizable', options: { operations: 10_000, keys: 10, clients: 8, seed: 7 } },
  { name: '100k linearizable', options: { operations: 100_000, keys: 10, clients: 8, seed: 7 } },
  { name: '10k stale read at 95%', options: { operations: 10_000, keys: 10, clients: 8, seed: 7, staleReadAt: 0.95 } },
  { name: '10k stale read at 50%', options: { operations: 10_000, keys: 10, clients: 8, seed: 11, staleReadAt: 0.5 } },
  { name: '100k stale read at 95%', options: { operations: 100_000, keys: 10, clients: 8, seed: 7, staleReadAt: 0.95 } },
  { name: '10k 5% info, linearizable', options: { operations: 10_000, keys: 10, clients: 8, seed: 3, infoRate: 0.05 } },
  { name: '10k 5% info, stale at 95%', options: { operations: 10_000, keys: 10, clients: 8, seed: 3, infoRate: 0.05, staleReadAt: 0.95 } },
];

export interface SpeedRow {
  readonly name: string;
  readonly operations: number;
  readonly verdict: string;
  readonly reference: PorcupineResult;
  /** Medians, ms of CPU time. */
  readonly projectMs: number;
  readonly referenceMs: number;
  /** Medians, ms of wall time. */
  readonly projectWallMs: number;
  readonly referenceWallMs: number;
  /** Median CPU ms of the project's full check: every key, the counterexample shrunk (≈ projectMs when valid). */
  readonly projectWithShrinkMs: number;
  /** projectMs ÷ referenceMs (CPU). */
  readonly ratio: number;
  /** Median CPU ms of the reference with the conversion from the history, and projectMs ÷ it. */
  readonly referenceFromHistoryMs: number;
  readonly ratioFromHistory: number;
  readonly runs: number;
}

const median = (xs: readonly number[]): number => percentile(xs, 50);

/** CPU and wall ms of `f`. */
function timed<T>(f: () => T): { value: T; cpu: number; wall: number } {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const value = f();
  const wall = performance.now() - w0;
  const c = process.cpuUsage(c0);
  return { value, cpu: (c.user + c.system) / 1000, wall };
}

/**
 * Time both checkers on each case, `runs` times in alternating order.
 *
 * @example
 * ```ts
 * runSpeedComparison({ runs: 5 }).map((r) => formatRatio(r.ratio));
 * ```
 */
export function runSpeedComparison(o: { readonly runs: number; readonly cases?: readonly SpeedCase[]; readonly timeoutMs?: number; readonly log?: (line: string) => void }): SpeedRow[] {
  const timeoutMs = o.timeoutMs ?? 60_000;
  return (o.cases ?? SPEED_CASES).map(({ name, options }) => {
    const history = generateRegisterHistory(options);
    const operations = toPorcupineOperations(history);
    const t = { project: [] as number[], projectWall: [] as number[], shrink: [] as number[], reference: [] as number[], referenceWall: [] as number[], conversion: [] as number[] };
    let verdict = '';
    let result: PorcupineResult = 'unknown';
    // Warm-up, untimed: the first run of each pays for compiling the code.
    checkLinearizable(history, { timeBudgetMs: timeoutMs, counterexample: false });
    result = porcupineCheckTimeout(operations, timeoutMs);
    for (let i = 0; i < o.runs && result !== 'unknown'; i++) {
      const runReference = (): void => {
        t.conversion.push(timed(() => toPorcupineOperations(history)).cpu);
        const r = timed(() => porcupineCheckTimeout(operations, timeoutMs));
        result = r.value;
        t.reference.push(r.cpu);
        t.referenceWall.push(r.wall);
      };
      const runProject = (): void => {
        const p = timed(() => checkLinearizable(history, { timeBudgetMs: timeoutMs, counterexample: false }));
        verdict = validityLabel(p.value.valid);
        t.project.push(p.cpu);
        t.projectWall.push(p.wall);
      };
      if (i % 2 === 0) { runProject(); runReference(); } else { runReference(); runProject(); }
    }
    // The full check apart, so the garbage it leaves is not collected during a timed verdict.
    for (let i = 0; i < o.runs && result !== 'unknown'; i++) t.shrink.push(timed(() => checkLinearizable(history, { timeBudgetMs: timeoutMs })).cpu);
    // A reference that ran out of time in the warm-up would every time: the warm-up is the figure.
    if (result === 'unknown') {
      const p = timed(() => checkLinearizable(history, { timeBudgetMs: timeoutMs, counterexample: false }));
      verdict = validityLabel(p.value.valid);
      t.project.push(p.cpu);
      t.projectWall.push(p.wall);
      t.shrink.push(timed(() => checkLinearizable(history, { timeBudgetMs: timeoutMs })).cpu);
      const r = timed(() => porcupineCheckTimeout(operations, timeoutMs));
      t.reference.push(r.cpu);
      t.referenceWall.push(r.wall);
    }
    const row: SpeedRow = {
      name, operations: options.operations, verdict, reference: result,
      projectMs: median(t.project), referenceMs: median(t.reference), projectWallMs: median(t.projectWall), referenceWallMs: median(t.referenceWall),
      projectWithShrinkMs: median(t.shrink), ratio: result === 'unknown' ? Number.NaN : ratio(median(t.project), median(t.reference)), runs: t.project.length,
      referenceFromHistoryMs: median(t.conversion) + median(t.reference),
      ratioFromHistory: result === 'unknown' ? Number.NaN : ratio(median(t.project), median(t.conversion) + median(t.reference)),
    };
    o.log?.(formatRow(row));
    return row;
  });
}

/**
 * One line of the printed table.
 *
 * @example
 * ```ts
 * formatRow(row); // '  10k linearizable  valid / ok  12.3 ms  20.1 ms  ×0.61'
 * ```
 */
export function formatRow(r: SpeedRow): string {
  const ref = r.reference === 'unknown' ? `> ${formatMs(r.referenceMs)}` : formatMs(r.referenceMs);
  const fromHistory = r.reference === 'unknown' ? '' : `${formatMs(r.referenceFromHistoryMs).padStart(10)}   ${formatRatio(r.ratioFromHistory).padEnd(7)}`;
  return `  ${r.name.padEnd(27)} ${`${r.verdict} / ${r.reference}`.padEnd(18)} ${formatMs(r.projectMs).padStart(10)} ${`(${formatMs(r.projectWithShrinkMs)})`.padStart(12)} ${ref.padStart(11)}   ${formatRatio(r.ratio).padEnd(7)}` +
    ` ${fromHistory.padEnd(20)}   wall ${formatMs(r.projectWallMs)} / ${formatMs(r.referenceWallMs)}`;
}

function main(): void {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { runs: { type: 'string', default: '5' }, quick: { type: 'boolean', default: false }, 'timeout-ms': { type: 'string', default: '60000' } } });
  const runs = Number(values.runs);
  const cases = values.quick ? SPEED_CASES.filter((c) => c.options.operations <= 10_000) : SPEED_CASES;
  console.log(`linearizability checkers on the same histories, median of ${runs} runs each, alternating order (Node ${process.version})`);
  console.log('  reference: a TypeScript port of Porcupine\'s algorithm (bench/linearizability-porcupine.ts), not Porcupine itself');
  console.log('  CPU time of this process (user + system), median; project = the verdict, (full) = every key and the counterexample;');
  console.log('  ratio = project ÷ reference, of CPU times; then the reference with its conversion from the history, and that ratio; wall times');
  console.log(`  ${'history'.padEnd(27)} ${'verdicts'.padEnd(18)} ${'project'.padStart(10)} ${'(full)'.padStart(12)} ${'reference'.padStart(11)}   ratio   ${'ref+conv'.padStart(10)}   ratio`);
  runSpeedComparison({ runs, cases, timeoutMs: Number(values['timeout-ms']), log: (line) => console.log(line) });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
