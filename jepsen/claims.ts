/**
 * What the mesh claims, checker by checker, and what each verdict means for a user. A run is
 * "as claimed" when every safety checker (convergence, no lost writes, bank) is valid.
 * Linearizability is not claimed: `invalid` is the expected answer and shows what a client can
 * observe; a `valid` answer only means this run did not happen to exercise the anomaly (a
 * non-guarantee is not a promise to fail), so it does not make the run fail.
 *
 * @example
 * ```ts
 * import { judge } from './claims.ts';
 * const { ok, verdicts } = judge([linearizable, convergence, lostWrites]);
 * process.exitCode = ok ? 0 : 1;
 * ```
 */
import type { Verdict } from './checkers/verdict.ts';
import { validityLabel } from './checkers/verdict.ts';

export interface Claim {
  /** The verdict the mesh's design predicts. */
  readonly expected: 'valid' | 'invalid';
  /** Whether a different verdict breaks a promise (only the safety properties do). */
  readonly promise: boolean;
  /** What the verdict means for someone choosing this system. */
  readonly meaning: string;
}

/**
 * The claim behind each checker.
 *
 * @example
 * ```ts
 * CLAIMS['lost-writes']?.expected; // 'valid'
 * ```
 */
export const CLAIMS: Readonly<Record<string, Claim>> = {
  linearizable: {
    expected: 'invalid', promise: false,
    meaning: 'Not promised. Every region answers from its own copy at once, even when cut off, so a read can miss a write another region already acknowledged (a stale read), and two regions can briefly disagree on the order of writes. Do not use it where a read must reflect every completed write (locks, unique-name claims, compare-and-set).',
  },
  convergence: {
    expected: 'valid', promise: true,
    meaning: 'Promised. Once links heal and replication catches up, every region gives the same value, heads, balance and bounced set, whatever order the events arrived in.',
  },
  'lost-writes': {
    expected: 'valid', promise: true,
    meaning: 'Promised. A write the mesh acknowledged (201) is durable in its region and reaches every other region, through any partition; concurrent writes are kept as visible conflicts, never silently dropped.',
  },
  bank: {
    expected: 'valid', promise: true,
    meaning: 'Promised. Balances agree everywhere, never go negative in the merged replay, and equal deposits minus applied withdrawals. The price of availability: a withdrawal a region accepted during a partition may be bounced after the merge (listed as a reversed decision), so do not hand out cash on a local balance.',
  },
};

/** A verdict with the claim it is judged against. */
export interface JudgedVerdict extends Verdict {
  readonly expected: 'valid' | 'invalid';
  /** The verdict is what the design predicts. */
  readonly asExpected: boolean;
  /** The verdict breaks a promise (a safety checker not valid). */
  readonly breach: boolean;
  readonly meaning: string;
}

/**
 * Judge verdicts against the claims; `ok` when no promise is broken.
 *
 * @example
 * ```ts
 * judge([{ checker: 'convergence', valid: true, explanation: '…', details: {} }]).ok; // true
 * ```
 */
export function judge(verdicts: readonly Verdict[]): { ok: boolean; verdicts: JudgedVerdict[] } {
  const judged = verdicts.map((v): JudgedVerdict => {
    const claim = CLAIMS[v.checker] ?? { expected: 'valid', promise: true, meaning: '' };
    return { ...v, expected: claim.expected, asExpected: validityLabel(v.valid) === claim.expected, breach: claim.promise && v.valid !== true, meaning: claim.meaning };
  });
  return { ok: judged.every((v) => !v.breach), verdicts: judged };
}
