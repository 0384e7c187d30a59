/**
 * Records a history as it happens: one shared monotonic clock (`process.hrtime.bigint()` relative
 * to the recorder's creation), indices in order of recording.
 *
 * @example
 * ```ts
 * import { Recorder } from './recorder.ts';
 * const rec = new Recorder();
 * rec.invoke({ process: 0, f: 'write', key: 'k0', value: 7, region: 'us-east-1' });
 * rec.complete('ok', { process: 0, f: 'write', key: 'k0', value: 7, region: 'us-east-1', eventId: 'ab…' });
 * rec.history.length; // 2
 * ```
 */
import type { Op, OpType } from './history.ts';

/** The fields of an op the caller supplies; the recorder adds `index`, `type` and `time`. */
export type OpFields = Omit<Op, 'index' | 'type' | 'time'>;

/**
 * An append-only history with a shared monotonic clock.
 *
 * @example
 * ```ts
 * const rec = new Recorder(); rec.elapsed(); // ns since construction
 * ```
 */
export class Recorder {
  readonly #origin: bigint;
  readonly #ops: Op[] = [];

  /** @param now monotonic clock in ns; injectable for tests. */
  constructor(private readonly now: () => bigint = () => process.hrtime.bigint()) {
    this.#origin = now();
  }

  /** The history so far (live view; do not mutate). */
  get history(): readonly Op[] {
    return this.#ops;
  }

  /** Nanoseconds since the recorder started. */
  elapsed(): number {
    return Number(this.now() - this.#origin);
  }

  invoke(fields: OpFields): Op {
    return this.#record('invoke', fields);
  }

  complete(type: Exclude<OpType, 'invoke'>, fields: OpFields): Op {
    return this.#record(type, fields);
  }

  #record(type: OpType, fields: OpFields): Op {
    const op: Op = { index: this.#ops.length, type, ...fields, time: this.elapsed() };
    this.#ops.push(op);
    return op;
  }
}
