/**
 * Input limits and the validators that enforce them. Limits are part of the protocol: every
 * region must accept and refuse exactly the same events, or replicas would diverge on what they
 * store, so they live in the domain and not in a handler.
 *
 * @example
 * ```ts
 * import { LIMITS, validateKey, validateAmount, validateValue } from './limits.ts';
 * validateKey('colour', 'key');  // 'colour'
 * validateAmount(250);           // 250
 * validateValue({ hex: '#00f' }); // { hex: '#00f' }
 * LIMITS.maxParents;             // 64
 * ```
 */
import { canonicalSize, MAX_JSON_DEPTH } from './canonical.ts';
import { ValidationError } from './errors.ts';
import type { JsonValue } from './types.ts';

/**
 * Protocol limits. `maxValueBytes` is measured on the canonical UTF-8 encoding; `maxParents`
 * bounds the fan-in of a write (a resolve names every head); `maxAmount` keeps money exact in a
 * JS number; `maxValueDepth` bounds payload nesting; `maxOriginLength` bounds region names.
 *
 * @example
 * ```ts
 * if (body.length > LIMITS.maxValueBytes) reject();
 * ```
 */
export const LIMITS = {
  maxKeyLength: 256,
  maxValueBytes: 65536,
  maxParents: 64,
  maxAmount: Number.MAX_SAFE_INTEGER,
  maxValueDepth: MAX_JSON_DEPTH,
  maxOriginLength: 64,
} as const;

/**
 * Register keys and account ids: URL-safe without escaping, and free of `#` (the table's sort-key
 * separator) and `/` (the API's path separator).
 *
 * @example
 * ```ts
 * KEY_PATTERN.test('user:42@eu'); // true
 * KEY_PATTERN.test('a/b');        // false
 * ```
 */
export const KEY_PATTERN = /^[A-Za-z0-9._:~@+-]{1,256}$/;

/**
 * Region names as they appear in `origin` (e.g. `us-east-1`, `local-a`): lower-case so that the
 * total order on origins is the same everywhere, and `#`-free so `eventSortKey` stays ordered.
 *
 * @example
 * ```ts
 * ORIGIN_PATTERN.test('eu-west-1'); // true
 * ```
 */
export const ORIGIN_PATTERN = /^[a-z0-9-]{1,64}$/;

/**
 * Checks a register key or account id; `what` names it in the message (e.g. `'account'`).
 * Returns the key so it can be used inline. Throws `ValidationError('invalid-key')`.
 *
 * @example
 * ```ts
 * validateKey('acct-1', 'account'); // 'acct-1'
 * validateKey('a#b', 'key');        // throws: key: must match /^[A-Za-z0-9._:~@+-]{1,256}$/
 * ```
 */
export function validateKey(key: unknown, what = 'key'): string {
  if (typeof key !== 'string') throw new ValidationError('invalid-key', `${what}: must be a string, got ${describe(key)}`);
  if (!KEY_PATTERN.test(key)) {
    throw new ValidationError(
      'invalid-key',
      `${what}: must be 1-${LIMITS.maxKeyLength} characters of A-Z a-z 0-9 . _ : ~ @ + -, got ${JSON.stringify(key.slice(0, 80))}${key.length > 80 ? '…' : ''}`,
    );
  }
  return key;
}

/**
 * Checks a money amount: a positive safe integer in minor units (cents), so arithmetic is exact.
 * Throws `ValidationError('invalid-amount')`.
 *
 * @example
 * ```ts
 * validateAmount(100); // 100
 * validateAmount(1.5); // throws
 * ```
 */
export function validateAmount(x: unknown, what = 'amount'): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x <= 0 || x > LIMITS.maxAmount) {
    throw new ValidationError('invalid-amount', `${what}: must be a positive integer of minor units up to ${LIMITS.maxAmount}, got ${describe(x)}`);
  }
  return x;
}

/**
 * Checks a register value: plain JSON whose canonical encoding is at most `maxValueBytes`.
 * Throws `ValidationError('invalid-value')` or `ValidationError('value-too-large')`.
 *
 * @example
 * ```ts
 * validateValue([1, 'two']);           // [1, 'two']
 * validateValue('x'.repeat(70_000));   // throws value-too-large
 * ```
 */
export function validateValue(x: unknown, what = 'value'): JsonValue {
  if (x === undefined) throw new ValidationError('invalid-value', `${what}: is required (any JSON value, null included)`);
  let size: number;
  try {
    size = canonicalSize(x as JsonValue);
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError(e.code, `${what}: ${e.message}`);
    throw e;
  }
  if (size > LIMITS.maxValueBytes) {
    throw new ValidationError('value-too-large', `${what}: canonical JSON is ${size} bytes, more than the ${LIMITS.maxValueBytes} allowed`);
  }
  return x as JsonValue;
}

/**
 * Checks a region name as used in `origin`. Throws `ValidationError('invalid-event')`.
 *
 * @example
 * ```ts
 * validateOrigin('us-east-1'); // 'us-east-1'
 * ```
 */
export function validateOrigin(x: unknown, what = 'origin'): string {
  if (typeof x !== 'string' || !ORIGIN_PATTERN.test(x)) {
    throw new ValidationError('invalid-event', `${what}: must be a region name of 1-${LIMITS.maxOriginLength} characters a-z 0-9 -, got ${describe(x)}`);
  }
  return x;
}

/**
 * Short, safe rendering of an offending input for error messages (never the whole payload).
 *
 * @example
 * ```ts
 * describe([1, 2]); // 'an array of 2'
 * ```
 */
export function describe(x: unknown): string {
  if (x === undefined) return 'undefined';
  if (typeof x === 'string') return JSON.stringify(x.length > 80 ? `${x.slice(0, 80)}…` : x);
  if (typeof x === 'number' || typeof x === 'boolean' || x === null) return String(x);
  if (Array.isArray(x)) return `an array of ${x.length}`;
  return typeof x;
}
