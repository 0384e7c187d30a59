/**
 * A small builder for hand-written histories: times in plain units (multiplied into ns), one call
 * per event, so a test reads like the timeline it describes.
 *
 * @example
 * ```ts
 * import { HistoryBuilder } from '../support/history-builder.ts';
 * const h = new HistoryBuilder()
 *   .invoke(0, 'write', 'x', 1, 0).ok(0, 1, 10)
 *   .invoke(1, 'read', 'x', null, 20).ok(1, null, 30)
 *   .build(); // a stale read: not linearizable
 * ```
 */
import type { JsonValue } from '../../../shared/domain/types.ts';
import type { Op, OpF, OpType } from '../../../jepsen/history.ts';

export class HistoryBuilder {
  readonly #ops: Op[] = [];
  readonly #open = new Map<number, Op>();

  /** @param unit ns per time unit (default 1 ms). */
  constructor(private readonly unit = 1_000_000) {}

  invoke(process: number, f: OpF, key: string, value: JsonValue, time: number, extra: Partial<Op> = {}): this {
    const op: Op = { index: this.#ops.length, type: 'invoke', process, f, key, value, time: time * this.unit, ...extra };
    this.#ops.push(op);
    this.#open.set(process, op);
    return this;
  }

  ok(process: number, value: JsonValue, time: number, extra: Partial<Op> = {}): this {
    return this.#complete('ok', process, value, time, extra);
  }

  fail(process: number, time: number, error = 'refused', extra: Partial<Op> = {}): this {
    return this.#complete('fail', process, undefined, time, { error, ...extra });
  }

  info(process: number, time: number, error = 'timeout', extra: Partial<Op> = {}): this {
    return this.#complete('info', process, undefined, time, { error, ...extra });
  }

  nemesis(f: 'start' | 'stop', value: string, time: number): this {
    this.#ops.push({ index: this.#ops.length, type: 'info', process: 'nemesis', f, value, time: time * this.unit });
    return this;
  }

  build(): Op[] {
    return [...this.#ops];
  }

  #complete(type: Exclude<OpType, 'invoke'>, process: number, value: JsonValue | undefined, time: number, extra: Partial<Op>): this {
    const inv = this.#open.get(process);
    if (inv === undefined) throw new Error(`process ${process} has no open invocation`);
    this.#open.delete(process);
    this.#ops.push({
      index: this.#ops.length, type, process, f: inv.f, key: inv.key, value: value === undefined ? inv.value : value,
      time: time * this.unit, ...(inv.region ? { region: inv.region } : {}), ...extra,
    });
    return this;
  }
}

/** Shorthand: a complete sequential write then stale read, the textbook violation. */
export function staleRead(key = 'x'): Op[] {
  return new HistoryBuilder().invoke(0, 'write', key, 1, 0).ok(0, 1, 10).invoke(1, 'read', key, null, 20).ok(1, null, 30).build();
}
