/**
 * A workload: which keys or accounts a run uses, and what each worker does next.
 *
 * @example
 * ```ts
 * import type { Workload } from './workload.ts';
 * const call = workload.next(Math.random); // { workload: 'register', f: 'write', key: 'jr-…-k1', value: 42 }
 * ```
 */
import type { Invocation } from '../client.ts';

/**
 * The workloads a run can drive: registers, plain bank accounts, or escrow bank accounts (the
 * bank workload on accounts opened in escrow mode).
 *
 * @example
 * ```ts
 * const w: WorkloadName = 'escrow';
 * ```
 */
export type WorkloadName = 'register' | 'bank' | 'escrow';

export interface Workload {
  /** Register keys or account ids this run touches (read by every region at the end). */
  readonly keys: readonly string[];
  /** The next operation; `random` in [0, 1). */
  next(random: () => number): Invocation;
}
