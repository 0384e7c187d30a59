/**
 * What a {@link MeshClient} call throws when it gets no usable answer. Three cases, because a
 * caller (a person, or the Jepsen history recorder) treats them differently:
 * - {@link MeshHttpError}: the region answered with a 4xx/5xx. A 4xx is a definite refusal
 *   (the design guarantees nothing was stored); a 5xx may or may not have stored the write.
 * - {@link MeshTimeoutError}: no answer in time — the write may still have been stored.
 * - {@link MeshNetworkError}: the connection failed (refused, reset, DNS).
 *
 * @example
 * ```ts
 * import { MeshHttpError } from './errors.ts';
 * try { await client.get('colour'); }
 * catch (e) { if (e instanceof MeshHttpError && e.status === 404) console.log('no such key'); }
 * ```
 */

/**
 * Base class of every error the client throws; `definite` = the request surely stored nothing.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof MeshClientError && !e.definite) history.recordIndeterminate(op); }
 * ```
 */
export abstract class MeshClientError extends Error {
  /** True when the request surely had no effect (a 4xx refusal). */
  abstract readonly definite: boolean;
}

/**
 * A 4xx/5xx answer, with the design's error shape `{"error":{"code","message"}}` parsed.
 *
 * @example
 * ```ts
 * new MeshHttpError(409, 'stale-heads', 'heads moved on'); // e.status === 409, e.definite === true
 * ```
 */
export class MeshHttpError extends MeshClientError {
  override readonly name = 'MeshHttpError';
  readonly definite: boolean;

  /**
   * `retryAfterMs`: the answer's `Retry-After` (seconds, or an HTTP date) in ms, when it had one.
   * A 503 `contended` is definite too: the region refused the write before storing anything.
   * `details`: the error's `details` as the region sent them, unchecked (a 409
   * `insufficient-rights` carries its figures there), for a caller that shows more than the message.
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.definite = (status >= 400 && status < 500) || (status === 503 && code === 'contended');
  }
}

/**
 * The region did not answer within the client's timeout. Indeterminate: the write may have landed.
 *
 * @example
 * ```ts
 * new MeshTimeoutError('PUT', 'http://127.0.0.1:3001/kv/a', 2000);
 * ```
 */
export class MeshTimeoutError extends MeshClientError {
  override readonly name = 'MeshTimeoutError';
  readonly definite = false;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`${method} ${url} timed out after ${timeoutMs} ms`);
  }
}

/**
 * The connection failed before an answer (refused, reset, DNS). Indeterminate for writes, since a
 * reset can come after the region stored the event.
 *
 * @example
 * ```ts
 * new MeshNetworkError('GET', 'http://127.0.0.1:3001/status', new Error('ECONNREFUSED'));
 * ```
 */
export class MeshNetworkError extends MeshClientError {
  override readonly name = 'MeshNetworkError';
  readonly definite = false;

  constructor(
    readonly method: string,
    readonly url: string,
    cause: unknown,
  ) {
    super(`${method} ${url} failed: ${describeCause(cause)}`, { cause });
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    // undici hides the socket error (ECONNREFUSED, …) in `cause`: surface it for people.
    const inner: unknown = cause.cause;
    if (inner instanceof Error && inner.message) return inner.message;
    return cause.message;
  }
  return String(cause);
}
