/**
 * The mesh's error taxonomy. Every refusal the domain makes is a `MeshError` carrying a stable
 * machine-readable `code` and the HTTP `status` the API answers with, so handlers map errors to
 * responses without string matching and without knowing which module threw.
 *
 * @example
 * ```ts
 * import { ValidationError, isMeshError } from './errors.ts';
 * try { throw new ValidationError('invalid-key', 'key: must match ...'); }
 * catch (e) { if (isMeshError(e)) console.log(e.status, e.code); } // 400 'invalid-key'
 * ```
 */

/** Codes a `ValidationError` may carry (400). Open-ended so callers can add precise ones. */
export type ValidationCode =
  | 'invalid-key'
  | 'invalid-value'
  | 'value-too-large'
  | 'invalid-amount'
  | 'invalid-event'
  | 'bad-request'
  | (string & {});

/**
 * Base of every domain error: `code` is stable (clients branch on it), `status` is the HTTP status.
 *
 * @example
 * ```ts
 * const e = new MeshError('teapot', 418, 'short and stout');
 * e.code; // 'teapot'
 * ```
 */
export class MeshError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = status;
    // new.target keeps the subclass name in stack traces and logs.
    this.name = new.target.name;
  }
}

/**
 * Malformed input: a bad key, value, amount, event field or request (400).
 *
 * @example
 * ```ts
 * throw new ValidationError('invalid-amount', 'amount: must be a positive safe integer');
 * ```
 */
export class ValidationError extends MeshError {
  constructor(code: ValidationCode, message: string, options?: { cause?: unknown }) {
    super(code, 400, message, options);
  }
}

/**
 * An event whose `id` is not the SHA-256 of its content: tampered with or corrupted (400).
 *
 * @example
 * ```ts
 * throw new HashMismatchError('id abc… does not match content hash def…');
 * ```
 */
export class HashMismatchError extends MeshError {
  constructor(message: string) {
    super('hash-mismatch', 400, message);
  }
}

/**
 * The region holds nothing under that key or id (404).
 *
 * @example
 * ```ts
 * throw new NotFoundError('no event with id abc…');
 * ```
 */
export class NotFoundError extends MeshError {
  constructor(message: string) {
    super('not-found', 404, message);
  }
}

/**
 * A withdrawal this region's own view cannot cover; nothing is stored (409).
 *
 * @example
 * ```ts
 * throw new InsufficientFundsError('balance 5 cannot cover 10');
 * ```
 */
export class InsufficientFundsError extends MeshError {
  constructor(message: string) {
    super('insufficient-funds', 409, message);
  }
}

/**
 * A resolve (or conditional write) named heads that are no longer the key's heads here (409):
 * the client must re-read and decide again, otherwise it would silently drop a newer write.
 *
 * @example
 * ```ts
 * throw new StaleHeadsError('heads changed since read');
 * ```
 */
export class StaleHeadsError extends MeshError {
  constructor(message: string) {
    super('stale-heads', 409, message);
  }
}

/**
 * An event stamped too far ahead of this region's clock (see `hlc.ts`): not stored, not folded
 * into the clock. Transient for a queue (it is retried, then dead-lettered; repair pulls it again
 * later), never a 5xx. `aheadMs` says by how much.
 *
 * @example
 * ```ts
 * throw new ClockSkewError('hlc: 31536000000 ms ahead', 31_536_000_000);
 * ```
 */
export class ClockSkewError extends MeshError {
  constructor(
    message: string,
    readonly aheadMs: number,
  ) {
    super('clock-skew', 400, message);
  }
}

/**
 * Writes to one stream keep colliding (optimistic concurrency lost every attempt within the time
 * budget): nothing was stored; the client should retry after `retryAfterSeconds` (503).
 *
 * @example
 * ```ts
 * throw new ContendedError('key k is contended', 1);
 * ```
 */
export class ContendedError extends MeshError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('contended', 503, message);
  }
}

/**
 * A deposit that would take an account's cumulative deposits past the exact range (409).
 *
 * @example
 * ```ts
 * throw new LimitExceededError('deposits of a would pass 9007199254740991');
 * ```
 */
export class LimitExceededError extends MeshError {
  constructor(message: string) {
    super('limit-exceeded', 409, message);
  }
}

/**
 * An event from a path that may not carry it: an origin that is no region of this mesh, this
 * region's own origin from outside, or a queue delivery whose origin is not the link's source.
 * Never stored; a queue sends it to the dead-letter queue.
 *
 * @example
 * ```ts
 * throw new UntrustedOriginError('origin zzzz is not a region of this mesh');
 * ```
 */
export class UntrustedOriginError extends MeshError {
  constructor(message: string) {
    super('untrusted-origin', 400, message);
  }
}

/**
 * Type guard for handlers that map errors to HTTP responses.
 *
 * @example
 * ```ts
 * isMeshError(new NotFoundError('x')); // true
 * isMeshError(new Error('x'));         // false
 * ```
 */
export function isMeshError(e: unknown): e is MeshError {
  return e instanceof MeshError;
}
