/**
 * Bank workload: deposits, withdrawals and balance reads of small amounts on a few accounts.
 * Withdrawals are sized so that, during a partition, two regions often both accept one their own
 * view covers and the merge bounces the later: the case the bank checker exists for.
 *
 * @example
 * ```ts
 * import { bankWorkload } from './bank.ts';
 * const w = bankWorkload({ prefix: 'jb-run1' });
 * w.next(Math.random); // { workload: 'bank', f: 'withdraw', key: 'jb-run1-a0', value: 7 }
 * ```
 */
import type { Workload } from './workload.ts';

export interface BankWorkloadOptions {
  /** Prefix of every account id, unique per run. */
  readonly prefix: string;
  /** Number of accounts (default 3). */
  readonly accounts?: number;
  /** Largest amount moved (default 10). */
  readonly maxAmount?: number;
  /** Escrow accounts: every deposit and withdrawal names the mode, so a region that has not yet seen the `escrow-open` cannot make a plain account of the id. */
  readonly escrow?: boolean;
}

/**
 * Build the bank workload: 30% deposits, 30% withdrawals, 40% balance reads.
 *
 * @example
 * ```ts
 * bankWorkload({ prefix: 'jb', accounts: 1 }).keys; // ['jb-a0']
 * ```
 */
export function bankWorkload(options: BankWorkloadOptions): Workload {
  const keys = Array.from({ length: options.accounts ?? 3 }, (_, i) => `${options.prefix}-a${i}`);
  const max = options.maxAmount ?? 10;
  return {
    keys,
    next(random) {
      const key = keys[Math.floor(random() * keys.length)] as string;
      const roll = random();
      const amount = 1 + Math.floor(random() * max);
      const workload = options.escrow === true ? 'escrow' : 'bank';
      if (roll < 0.3) return { workload, f: 'deposit', key, value: amount };
      if (roll < 0.6) return { workload, f: 'withdraw', key, value: amount };
      return { workload, f: 'read', key, value: null };
    },
  };
}
