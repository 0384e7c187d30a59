/**
 * What every checker answers: valid, invalid, or unknown (it could not decide, e.g. out of time or
 * missing data), with a sentence a person can read and machine-readable details.
 *
 * @example
 * ```ts
 * import type { Verdict } from './verdict.ts';
 * const v: Verdict = { checker: 'convergence', valid: true, explanation: 'all 3 regions agree', details: {} };
 * ```
 */

/** `true` = valid, `false` = invalid, `'unknown'` = undecided. */
export type Validity = true | false | 'unknown';

export interface Verdict<D = unknown> {
  /** Checker name, e.g. `linearizable`, `convergence`, `lost-writes`, `bank`. */
  readonly checker: string;
  readonly valid: Validity;
  /** One or more sentences: what was checked, and why this answer. */
  readonly explanation: string;
  readonly details: D;
}

/**
 * Human label of a validity.
 *
 * @example
 * ```ts
 * validityLabel(false); // 'invalid'
 * ```
 */
export function validityLabel(v: Validity): 'valid' | 'invalid' | 'unknown' {
  return v === true ? 'valid' : v === false ? 'invalid' : 'unknown';
}
