/**
 * Linearizability of a register history: partitioned by key (each key is an independent register,
 * as `jepsen.independent` does), each partition decided by the WGL search with Porcupine's
 * memoisation, all within one time budget (`unknown` when it runs out, never a hang). An invalid
 * answer carries a minimal counterexample, printed as a readable list.
 *
 * What counts: `ok` reads and writes; `info` writes (outcome unknown: may take effect any time after
 * the call, or never); `fail` operations are dropped (they certainly did not happen), and so are
 * `info` reads (a read with no answer constrains nothing). An `info` write whose value nobody read
 * is dropped, and one whose value was read is bounded by the first such read (see
 * `info-writes.ts`): with values unique per write this changes no verdict and removes the
 * search's exponential blow-up on histories with many timeouts. A counterexample is cut from the
 * operations as recorded and bounded again from its own reads, so it is illegal on its own.
 *
 * @example
 * ```ts
 * import { checkLinearizable } from './linearizable.ts';
 * const v = checkLinearizable(history, { timeBudgetMs: 30_000 });
 * if (v.valid === false) console.log(v.details.counterexample?.text);
 * ```
 */
import type { Op, Operation } from '../history.ts';
import type { JsonValue } from '../../shared/domain/types.ts';
import { pairOperations, restrictHistory } from '../history.ts';
import type { Verdict, Validity } from './verdict.ts';
import type { LinOp } from './wgl.ts';
import { LinearizationSearch, searchLinearization } from './wgl.ts';
import { explainCounterexample, findLocalViolation, shrinkCounterexample } from './counterexample.ts';
import { boundInfoWrites } from './info-writes.ts';

export interface LinearizableOptions {
  /** Budget for the whole search, all keys together (default 60 s). */
  readonly timeBudgetMs?: number;
  /** Extra budget for shrinking the counterexample (default 10 s). */
  readonly shrinkBudgetMs?: number;
  /**
   * Find and print a minimal counterexample when invalid (default true). False = the verdict
   * only, as Porcupine's CheckOperations answers it: the check stops at the first key found not
   * linearizable.
   */
  readonly counterexample?: boolean;
}

/** One operation of a counterexample, as printed. */
export interface CounterexampleOp {
  readonly index: number;
  readonly process: number | 'nemesis';
  readonly region: string | undefined;
  readonly f: 'read' | 'write';
  readonly value: string;
  readonly outcome: 'ok' | 'info';
  /** ns since start. */
  readonly start: number;
  /** ns since start; null when the outcome is unknown. */
  readonly end: number | null;
}

export interface Counterexample {
  readonly key: string;
  readonly ops: readonly CounterexampleOp[];
  /** Why these operations cannot be ordered, in one sentence. */
  readonly why: string;
  /** The whole counterexample as plain text. */
  readonly text: string;
}

export interface KeyResult {
  readonly valid: Validity;
  readonly operations: number;
  readonly steps: number;
  readonly cached: number;
  readonly ms: number;
}

export interface LinearizabilityDetails {
  readonly keys: Readonly<Record<string, KeyResult>>;
  readonly operations: number;
  /** Whole check, shrinking included. */
  readonly elapsedMs: number;
  /** Deciding only (the search over every key), without shrinking the counterexample. */
  readonly searchMs: number;
  readonly counterexample?: Counterexample;
  /** Keys found not linearisable. */
  readonly invalidKeys: readonly string[];
}

/**
 * Steps the global search may take on a partition of n operations before it counts as hard and
 * pauses for a scan of local windows. Linearizable histories take far fewer (measured: 1.4 steps
 * an operation over 10 keys and 8 clients, 110 on one key), so the scan, which costs more than
 * such a search, only runs where a search may explode: many alternatives before a late violation.
 */
const hardAfter = (n: number): number => 200 * n + 20_000;

interface Partition {
  readonly key: string;
  /** The operations as recorded (an `info` write open to +∞): what a counterexample is cut from. */
  readonly ops: LinOp[];
  readonly sources: Operation[];
  /** The same with the info writes bounded (see `info-writes.ts`): what the search decides. */
  readonly bounded: LinOp[];
}

/** A value as JSON text, the register model's state; integers (the workload's) without JSON.stringify. */
function valueText(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return 'null';
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : JSON.stringify(v);
}

function partitions(history: readonly Op[]): Partition[] {
  const byKey = new Map<string, { key: string; ops: LinOp[]; sources: Operation[] }>();
  for (const o of pairOperations(history)) {
    if (o.process === 'nemesis' || o.key === undefined || (o.f !== 'read' && o.f !== 'write')) continue;
    if (o.outcome === 'fail') continue;
    if (o.outcome === 'info' && o.f === 'read') continue;
    const value = o.f === 'write' ? o.invoke.value : (o.complete as Op).value;
    let p = byKey.get(o.key);
    if (p === undefined) byKey.set(o.key, (p = { key: o.key, ops: [], sources: [] }));
    // Every op the same shape (`open` always present), so the code that reads them stays monomorphic.
    p.ops.push({ id: p.ops.length, f: o.f, value: valueText(value), call: o.start, ret: o.end, open: o.outcome === 'info' });
    p.sources.push(o);
  }
  return [...byKey.values()].map((p) => ({ ...p, bounded: boundInfoWrites(p.ops).ops })).sort((a, b) => a.key.localeCompare(b.key));
}

const seconds = (ns: number): string => `${(ns / 1e9).toFixed(3)} s`;
const shown = (v: string): string => (v === 'null' ? 'nil' : v);

function describe(o: CounterexampleOp): string {
  return `p${o.process}${o.region ? ` (${o.region})` : ''} ${o.f === 'read' ? 'read' : `write ${shown(o.value)}`}`;
}

function formatCounterexample(p: Partition, ids: readonly number[]): Counterexample {
  const chosen = [...ids].sort((a, b) => (p.ops[a] as LinOp).call - (p.ops[b] as LinOp).call);
  const ops: CounterexampleOp[] = chosen.map((id) => {
    const op = p.ops[id] as LinOp;
    const src = p.sources[id] as Operation;
    return {
      index: src.invoke.index, process: src.process, region: src.invoke.region, f: op.f, value: op.value,
      outcome: src.outcome === 'ok' ? 'ok' : 'info', start: op.call, end: src.outcome === 'ok' ? op.ret : null,
    };
  });
  // Explained as the search judged it: each info write bounded by the reads of the counterexample itself.
  const { ops: judged, from } = boundInfoWrites(chosen.map((id, i) => ({ ...(p.ops[id] as LinOp), id: i })));
  const why = explainCounterexample(judged, (op) => describe(ops[from[op.id] as number] as CounterexampleOp));
  const MAX_ROWS = 40;
  const rows = ops.slice(0, MAX_ROWS).map((o, i) => {
    const span = `${seconds(o.start).padStart(10)} → ${(o.end === null ? '?' : seconds(o.end)).padStart(10)}`;
    const result = o.outcome === 'info' ? 'unknown outcome' : o.f === 'read' ? `returned ${shown(o.value)}` : 'ok';
    return `  ${String(i + 1).padStart(2)}. [${span}] ${describe(o).padEnd(36)} ${result}   (history #${o.index})`;
  });
  const text = [
    `Key ${JSON.stringify(p.key)}: these ${ops.length} operations have no linearization (no single order consistent with real time in which every read returns the latest write):`,
    ...rows,
    ...(ops.length > MAX_ROWS ? [`  … and ${ops.length - MAX_ROWS} more (the search ran out of shrinking budget; see results.json)`] : []),
    `Why: ${why}`,
  ].join('\n');
  return { key: p.key, ops, why, text };
}

/**
 * Check a register history for linearizability (see the module doc).
 *
 * @example
 * ```ts
 * const v = checkLinearizable(parseJsonLines(readFileSync('history.jsonl', 'utf8')));
 * v.valid; // true | false | 'unknown'
 * ```
 */
export function checkLinearizable(history: readonly Op[], options: LinearizableOptions = {}): Verdict<LinearizabilityDetails> {
  const started = performance.now();
  const deadline = started + (options.timeBudgetMs ?? 60_000);
  const parts = partitions(history);
  const keys: Record<string, KeyResult> = {};
  const invalid: Partition[] = [];
  const local = new Map<Partition, number[]>();
  let operations = 0;
  for (const p of parts) {
    const t0 = performance.now();
    const search = new LinearizationSearch(p.bounded);
    let r = search.run(deadline, hardAfter(p.bounded.length));
    if (r === 'paused') {
      // A hard partition: a failing window of a few dozen operations proves it invalid in
      // milliseconds, where the global search may take minutes; else the search goes on.
      const window = findLocalViolation(p.ops, deadline);
      if (window !== undefined) local.set(p, window);
      r = window !== undefined ? 'invalid' : search.run(deadline);
    }
    const valid: Validity = r === 'valid' ? true : r === 'invalid' ? false : 'unknown';
    keys[p.key] = { valid, operations: p.bounded.length, steps: search.steps, cached: search.cached, ms: performance.now() - t0 };
    operations += p.bounded.length;
    if (valid === false) invalid.push(p);
    if (valid === false && options.counterexample === false) break;
  }
  const unknownKeys = Object.entries(keys).filter(([, k]) => k.valid === 'unknown').map(([k]) => k);
  const elapsedMs = () => performance.now() - started;
  const base = { keys, operations, invalidKeys: invalid.map((p) => p.key), searchMs: performance.now() - started };

  const first = invalid[0];
  if (first !== undefined && options.counterexample === false) {
    return {
      checker: 'linearizable', valid: false,
      explanation: `Not linearizable: key ${JSON.stringify(invalid[0]?.key)} has no legal order of its operations (the check stopped there, after ${Object.keys(keys).length} of ${parts.length} keys).`,
      details: { ...base, elapsedMs: elapsedMs() },
    };
  }
  if (first !== undefined) {
    const shrinkDeadline = performance.now() + (options.shrinkBudgetMs ?? 10_000);
    const shrunk = shrinkCounterexample(first.ops, shrinkDeadline, local.get(first));
    // Re-check what will be printed, as a history of its own operations: it must be illegal on its
    // own. The shrinker only keeps proven subsets, so this is a guard; should it ever fail, the
    // whole key (which the search proved illegal) is printed rather than a false counterexample.
    // (The whole key needs no second proof: the search just gave it.)
    const alone = shrunk.length === first.ops.length ? [] : partitions(restrictHistory(history, shrunk.map((id) => (first.sources[id] as Operation).invoke.index)));
    const illegal = shrunk.length === first.ops.length ||
      (alone.length === 1 && searchLinearization((alone[0] as Partition).bounded, { deadline: performance.now() + 10_000 }).result === 'invalid');
    const counterexample = formatCounterexample(first, illegal ? shrunk : first.ops.map((o) => o.id));
    return {
      checker: 'linearizable', valid: false,
      explanation: `Not linearizable: ${invalid.length} of ${parts.length} keys have no legal order of their ${operations} operations. ` +
        `Smallest counterexample (key ${JSON.stringify(first.key)}, ${counterexample.ops.length} operations): ${counterexample.why}`,
      details: { ...base, elapsedMs: elapsedMs(), counterexample },
    };
  }
  if (unknownKeys.length > 0) {
    return {
      checker: 'linearizable', valid: 'unknown',
      explanation: `Undecided: the search ran out of its ${options.timeBudgetMs ?? 60_000} ms budget on ${unknownKeys.length} of ${parts.length} keys (${unknownKeys.join(', ')}); no violation found in the others.`,
      details: { ...base, elapsedMs: elapsedMs() },
    };
  }
  return {
    checker: 'linearizable', valid: true,
    explanation: `Linearizable: all ${parts.length} keys (${operations} operations) have an order consistent with real time in which every read returns the latest write.`,
    details: { ...base, elapsedMs: elapsedMs() },
  };
}
