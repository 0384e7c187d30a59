/**
 * Benchmark of the linearizability checker: a 10,000-operation register history over 10 keys and
 * 8 clients, generated from a simulated linearizable register (each operation takes effect at a
 * random instant between its invocation and completion, some writes time out and are `info`), and
 * the same history with one stale read injected near the end (the worst place: the search must get
 * through almost everything before it can fail). Prints the decision time of each.
 *
 * Run: `npx tsx bench/linearizability.ts [operations] [keys] [clients]`
 *
 * @example
 * ```ts
 * import { generateRegisterHistory } from './linearizability.ts';
 * const history = generateRegisterHistory({ operations: 1000, keys: 3, clients: 4, seed: 1 });
 * ```
 */
import { pathToFileURL } from 'node:url';
import type { Op } from '../jepsen/history.ts';
import { checkLinearizable } from '../jepsen/checkers/linearizable.ts';
import { validityLabel } from '../jepsen/checkers/verdict.ts';
import { seededRandom } from '../shared/util/seeded-random.ts';

export interface GenerateOptions {
  readonly operations: number;
  readonly keys: number;
  readonly clients: number;
  readonly seed: number;
  /** Fraction of writes whose outcome is unknown (default 0.002). */
  readonly infoRate?: number;
  /** Inject one stale read this far into the history (0..1); none when absent. */
  readonly staleReadAt?: number;
}

interface SimOp {
  process: number; key: string; f: 'read' | 'write'; value: number | null;
  start: number; end: number; point: number; info: boolean;
}

/**
 * A linearizable register history by construction (optionally with one injected stale read).
 *
 * @example
 * ```ts
 * generateRegisterHistory({ operations: 10_000, keys: 10, clients: 8, seed: 42, staleReadAt: 0.95 });
 * ```
 */
export function generateRegisterHistory(o: GenerateOptions): Op[] {
  const random = seededRandom(o.seed);
  const ms = 1_000_000;
  const clock = Array.from({ length: o.clients }, () => random() * ms);
  const sims: SimOp[] = [];
  let nextValue = 1;
  for (let i = 0; i < o.operations; i++) {
    // The client that is free earliest goes next, as concurrent workers would.
    let p = 0;
    for (let c = 1; c < o.clients; c++) if ((clock[c] as number) < (clock[p] as number)) p = c;
    const start = clock[p] as number;
    const latency = (1 + random() * 20) * ms;
    const f = random() < 0.5 ? 'write' : 'read';
    const info = f === 'write' && random() < (o.infoRate ?? 0.002);
    sims.push({
      process: p, key: `k${Math.floor(random() * o.keys)}`, f, value: f === 'write' ? nextValue++ : null,
      start, end: start + latency, point: start + random() * latency, info,
    });
    clock[p] = start + latency + random() * 2 * ms;
  }
  // Apply in linearization-point order to give reads their values. A timed-out write takes effect
  // at its point too (Jepsen's info: it may well have happened).
  const current = new Map<string, number | null>();
  for (const s of [...sims].sort((a, b) => a.point - b.point)) {
    if (s.f === 'write') current.set(s.key, s.value);
    else s.value = current.get(s.key) ?? null;
  }
  if (o.staleReadAt !== undefined) injectStaleRead(sims, o.staleReadAt);
  const events: Array<{ time: number; op: Omit<Op, 'index'> }> = [];
  for (const s of sims) {
    events.push({ time: s.start, op: { type: 'invoke', process: s.process, f: s.f, key: s.key, value: s.f === 'write' ? s.value : null, time: Math.round(s.start) } });
    const type = s.info ? 'info' : 'ok';
    events.push({ time: s.end, op: { type, process: s.process, f: s.f, key: s.key, value: s.info && s.f === 'read' ? null : s.value, time: Math.round(s.end) } });
  }
  events.sort((a, b) => a.time - b.time);
  return events.map((e, index) => ({ index, ...e.op }));
}

/** Make one read at about `at` of the way through return the value before the latest completed write. */
function injectStaleRead(sims: SimOp[], at: number): void {
  const byStart = [...sims].sort((a, b) => a.start - b.start);
  for (let i = Math.floor(byStart.length * at); i < byStart.length; i++) {
    const r = byStart[i] as SimOp;
    if (r.f !== 'read') continue;
    const done = sims.filter((w) => w.f === 'write' && !w.info && w.key === r.key && w.end < r.start).sort((a, b) => a.end - b.end);
    const last = done.at(-1);
    const before = done.filter((w) => last !== undefined && w.end < last.start).at(-1);
    if (last === undefined || before === undefined || before.value === r.value) continue;
    r.value = before.value;
    return;
  }
  throw new Error('no read to make stale');
}

function main(): void {
  const [operations = 10_000, keys = 10, clients = 8] = process.argv.slice(2).map(Number);
  const runs = [
    { name: 'linearizable', history: generateRegisterHistory({ operations, keys, clients, seed: 7 }) },
    { name: 'stale read at 95%', history: generateRegisterHistory({ operations, keys, clients, seed: 7, staleReadAt: 0.95 }) },
    { name: 'stale read at 50%', history: generateRegisterHistory({ operations, keys, clients, seed: 11, staleReadAt: 0.5 }) },
    // Many timeouts, as under a partition: each open info write is what makes WGL exponential.
    { name: '5% info, linearizable', history: generateRegisterHistory({ operations, keys, clients, seed: 3, infoRate: 0.05 }) },
    { name: '5% info, stale at 95%', history: generateRegisterHistory({ operations, keys, clients, seed: 3, infoRate: 0.05, staleReadAt: 0.95 }) },
  ];
  console.log(`linearizability checker: ${operations} operations, ${keys} keys, ${clients} clients`);
  for (const { name, history } of runs) {
    const started = performance.now();
    const v = checkLinearizable(history, { timeBudgetMs: 120_000 });
    const ms = performance.now() - started;
    const search = v.details.searchMs;
    console.log(`  ${name.padEnd(24)} ${validityLabel(v.valid).padEnd(8)} decided in ${search.toFixed(0)} ms (with counterexample shrinking: ${ms.toFixed(0)} ms)` +
      (v.details.counterexample ? `, counterexample of ${v.details.counterexample.ops.length} ops` : ''));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
