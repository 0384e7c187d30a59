/**
 * How hard the domain's fast-check properties try, in one place: every property runs 1,000 times
 * (the figure the README promises), with a timeout generous enough for a loaded two-core machine.
 *
 * @example
 * ```ts
 * import { RUNS, SLOW } from '../../../support/property-runs.ts';
 * it('is order-independent', () => fc.assert(fc.property(arb, check), RUNS), SLOW);
 * ```
 */

/** fast-check parameters of every domain property: 1,000 runs. */
export const RUNS = { numRuns: 1000 } as const;

/** Test timeout (ms) of a property: 1,000 runs typically take well under a few seconds. */
export const SLOW = 120_000;
