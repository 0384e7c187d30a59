/**
 * What a function throws, as a value, so a test can assert on its class, code and fields.
 *
 * @example
 * ```ts
 * const err = errorOf(() => checkEscrowWithdraw(state, 'eu-west-1', 31)) as InsufficientRightsError;
 * expect(err.details.rights).toBe('30');
 * ```
 */

/** The error `fn` throws, or `undefined` when it returns. @example `errorOf(() => JSON.parse('{'))` */
export function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
