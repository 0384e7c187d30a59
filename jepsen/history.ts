/**
 * The recorded history of a Jepsen-style run: every client operation appears twice, once when it is
 * invoked and once when it completes (`ok`, `fail`, or `info` when the outcome is unknown), with
 * monotonic timestamps in nanoseconds since the start of the run. Nemesis actions are recorded in
 * the same history under the process `'nemesis'`.
 *
 * Stored as JSON lines: one {@link Op} per line, in the order they happened.
 *
 * @example
 * ```ts
 * import { toJsonLines, parseJsonLines } from './history.ts';
 * const text = toJsonLines([
 *   { index: 0, type: 'invoke', process: 0, f: 'write', key: 'k0', value: 1, time: 0 },
 *   { index: 1, type: 'ok', process: 0, f: 'write', key: 'k0', value: 1, time: 1_200_000 },
 * ]);
 * parseJsonLines(text).length; // 2
 * ```
 */
import type { JsonValue } from '../shared/domain/types.ts';

/**
 * `invoke` opens an operation; the next op of the same process closes it: `ok` (it happened, with
 * its result), `fail` (it certainly did not happen), `info` (unknown: it may take effect at any time
 * after its invocation, or never). Nemesis actions are `info`, as in Jepsen.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** Register: `read`, `write`. Bank: `deposit`, `withdraw`, `read` (balance). Nemesis: `start`, `stop`. */
export type OpF = 'read' | 'write' | 'deposit' | 'withdraw' | 'start' | 'stop';

/** A client process is a number (a worker); the fault injector is `'nemesis'`. */
export type Process = number | 'nemesis';

/**
 * An event as a client saw it — a write's answer, or a head a read returned: what the session
 * checkers order (`(hlc, origin, id)`, the mesh's total order) and chain through `parents`.
 */
export interface EventStamp {
  readonly id: string;
  readonly hlc: string;
  readonly origin: string;
  /** Ids of the key's heads the origin saw when it accepted the write. */
  readonly parents: readonly string[];
}

/** One line of the history. */
export interface Op {
  /** Position in the history, from 0. */
  readonly index: number;
  readonly type: OpType;
  readonly process: Process;
  readonly f: OpF;
  /** Register key or account id; absent for nemesis ops. */
  readonly key?: string;
  /**
   * Invoke: the written value / the amount / `null` for reads. Completion: the same for writes,
   * the value read (`null` when the key has no value) or the balance read.
   * Nemesis: a description of the fault.
   */
  readonly value: JsonValue;
  /** Nanoseconds since the start of the run (monotonic clock). */
  readonly time: number;
  /** Region whose endpoint served the operation. */
  readonly region?: string;
  /** Id of the event an acknowledged write created (for the lost-writes checker). */
  readonly eventId?: string;
  /** Why a `fail` or `info` completion happened (`timeout`, `insufficient-funds`, …). */
  readonly error?: string;
  /**
   * The client session (worker) that issued the op. It outlives the process: after an `info` the
   * worker continues as a new process, but it is the same client, with the same session.
   */
  readonly session?: number;
  /** An acknowledged write: the stored event as the region answered it. */
  readonly event?: EventStamp;
  /** A register read: the heads the region answered (empty when it had no event for the key). */
  readonly heads?: readonly EventStamp[];
  /** A register read: id of the LWW winner the value came from. */
  readonly winner?: string;
}

/**
 * Serialise a history as JSON lines (one op per line, trailing newline).
 *
 * @example
 * ```ts
 * toJsonLines([{ index: 0, type: 'invoke', process: 0, f: 'read', key: 'k', value: null, time: 5 }]);
 * // '{"index":0,"type":"invoke","process":0,"f":"read","key":"k","value":null,"time":5}\n'
 * ```
 */
export function toJsonLines(history: readonly Op[]): string {
  return history.map((op) => JSON.stringify(op)).join('\n') + (history.length > 0 ? '\n' : '');
}

const TYPES: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);
const FS: ReadonlySet<string> = new Set(['read', 'write', 'deposit', 'withdraw', 'start', 'stop']);

/**
 * Parse JSON lines back into ops, validating each line's shape; blank lines are skipped.
 * Throws with the line number on a malformed line.
 *
 * @example
 * ```ts
 * parseJsonLines('{"index":0,"type":"invoke","process":1,"f":"read","key":"k","value":null,"time":0}\n');
 * ```
 */
export function parseJsonLines(text: string): Op[] {
  const ops: Op[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new Error(`history line ${i + 1}: not JSON (${(e as Error).message})`);
    }
    ops.push(parseOp(raw, i + 1));
  }
  return ops;
}

function parseOp(raw: unknown, line: number): Op {
  const bad = (why: string): Error => new Error(`history line ${line}: ${why}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('not an object');
  const o = raw as Record<string, unknown>;
  if (typeof o.index !== 'number') throw bad('index must be a number');
  if (typeof o.type !== 'string' || !TYPES.has(o.type)) throw bad(`unknown type ${String(o.type)}`);
  if (typeof o.f !== 'string' || !FS.has(o.f)) throw bad(`unknown f ${String(o.f)}`);
  if (typeof o.process !== 'number' && o.process !== 'nemesis') throw bad('process must be a number or "nemesis"');
  if (typeof o.time !== 'number' || !Number.isFinite(o.time)) throw bad('time must be a finite number');
  if (o.key !== undefined && typeof o.key !== 'string') throw bad('key must be a string');
  if (!('value' in o)) throw bad('value is missing');
  for (const name of ['region', 'eventId', 'error', 'winner'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'string') throw bad(`${name} must be a string`);
  }
  if (o.session !== undefined && typeof o.session !== 'number') throw bad('session must be a number');
  if (o.event !== undefined && !isStamp(o.event)) throw bad('event must be {id, hlc, origin, parents}');
  if (o.heads !== undefined && !(Array.isArray(o.heads) && o.heads.every(isStamp))) throw bad('heads must be a list of {id, hlc, origin, parents}');
  return o as unknown as Op;
}

function isStamp(x: unknown): x is EventStamp {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return typeof e.id === 'string' && typeof e.hlc === 'string' && typeof e.origin === 'string' &&
    Array.isArray(e.parents) && e.parents.every((p) => typeof p === 'string');
}

/** A client operation with its invocation and its completion (absent when the run ended first). */
export interface Operation {
  readonly invoke: Op;
  /** The completion; `undefined` when the history ends before it (treated like `info`). */
  readonly complete: Op | undefined;
  /** `ok`, `fail` or `info` (`info` also when the completion is missing). */
  readonly outcome: 'ok' | 'fail' | 'info';
  readonly process: Process;
  readonly f: OpF;
  readonly key: string | undefined;
  /** ns since start. */
  readonly start: number;
  /** ns since start; `Infinity` when the outcome is unknown. */
  readonly end: number;
}

/**
 * Pair each invocation with its process's next completion. Throws when a process invokes twice
 * without completing (a malformed history: each process is single-threaded).
 *
 * @example
 * ```ts
 * const [op] = pairOperations(history); // op.outcome === 'ok', op.end - op.start = latency in ns
 * ```
 */
export function pairOperations(history: readonly Op[]): Operation[] {
  const open = new Map<Process, { invoke: Op; slot: number }>();
  // Each operation goes in the slot of its invocation: in a history in time order that is start
  // order already, so no sort is needed (one is done only if the times say otherwise).
  const done: Array<Operation | undefined> = [];
  const close = (invoke: Op, complete: Op | undefined, slot: number): void => {
    const outcome = complete === undefined || complete.type === 'info' ? 'info' : complete.type === 'fail' ? 'fail' : 'ok';
    done[slot] = {
      invoke, complete, outcome, process: invoke.process, f: invoke.f, key: invoke.key,
      start: invoke.time, end: outcome === 'info' ? Infinity : (complete as Op).time,
    };
  };
  for (const op of history) {
    if (op.type === 'invoke') {
      if (open.has(op.process)) throw new Error(`process ${op.process} invoked op ${op.index} while op ${open.get(op.process)?.invoke.index} is open`);
      open.set(op.process, { invoke: op, slot: done.length });
      done.push(undefined);
    } else {
      const pending = open.get(op.process);
      // A bare info (e.g. a nemesis note) with no invocation stands alone.
      if (pending === undefined) {
        if (op.type === 'info') continue;
        throw new Error(`process ${op.process} completed op ${op.index} without an invocation`);
      }
      open.delete(op.process);
      close(pending.invoke, op, pending.slot);
    }
  }
  for (const { invoke, slot } of open.values()) close(invoke, undefined, slot);
  const ops = done as Operation[];
  const byStart = (a: Operation, b: Operation): number => a.start - b.start || a.invoke.index - b.invoke.index;
  for (let i = 1; i < ops.length; i++) if (byStart(ops[i - 1] as Operation, ops[i] as Operation) > 0) return ops.sort(byStart);
  return ops;
}

/**
 * The sub-history of some operations: each operation whose invocation index is listed, with its
 * completion, and nothing else, re-indexed from 0 in history order. What a counterexample is
 * re-checked on, on its own (here or by another tool, such as Knossos or Porcupine).
 *
 * @example
 * ```ts
 * const ce = checkLinearizable(history).details.counterexample;
 * checkLinearizable(restrictHistory(history, ce.ops.map((o) => o.index))).valid; // false
 * ```
 */
export function restrictHistory(history: readonly Op[], invokeIndexes: Iterable<number>): Op[] {
  const wanted = new Set(invokeIndexes);
  const kept = new Set<number>();
  for (const o of pairOperations(history)) {
    if (!wanted.has(o.invoke.index)) continue;
    kept.add(o.invoke.index);
    if (o.complete !== undefined) kept.add(o.complete.index);
  }
  return history.filter((op) => kept.has(op.index)).map((op, index) => ({ ...op, index }));
}
