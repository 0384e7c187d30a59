/**
 * Register workload: half reads, half writes of small integers on a few keys. Every written value
 * is unique in the run (a counter), so the checker can tell which write a read saw. With workers
 * bound to different regions, a write in one region and a read in another during a partition (or
 * just within replication lag) shows a stale read: what makes non-linearizability observable.
 *
 * @example
 * ```ts
 * import { registerWorkload } from './register.ts';
 * const w = registerWorkload({ prefix: 'jr-run1', keys: 3 });
 * w.next(Math.random); // { workload: 'register', f: 'read', key: 'jr-run1-k2', value: null }
 * ```
 */
import type { Workload } from './workload.ts';

export interface RegisterWorkloadOptions {
  /** Prefix of every key, unique per run so earlier runs' data never leaks in. */
  readonly prefix: string;
  /** Number of keys (default 3). */
  readonly keys?: number;
  /** Fraction of reads (default 0.5). */
  readonly readRatio?: number;
}

/**
 * Build the register workload.
 *
 * @example
 * ```ts
 * registerWorkload({ prefix: 'jr-x', keys: 2 }).keys; // ['jr-x-k0', 'jr-x-k1']
 * ```
 */
export function registerWorkload(options: RegisterWorkloadOptions): Workload {
  const keys = Array.from({ length: options.keys ?? 3 }, (_, i) => `${options.prefix}-k${i}`);
  const readRatio = options.readRatio ?? 0.5;
  let counter = 0;
  return {
    keys,
    next(random) {
      const key = keys[Math.floor(random() * keys.length)] as string;
      if (random() < readRatio) return { workload: 'register', f: 'read', key, value: null };
      return { workload: 'register', f: 'write', key, value: ++counter };
    },
  };
}
