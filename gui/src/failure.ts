/**
 * What a failed request means for the person looking: a region that does not answer is not the
 * same as a region that refuses a request (a 4xx says the request was wrong, and nothing was
 * stored) or one that failed on its side (5xx). Pure.
 *
 * @example
 * ```ts
 * import { describeFailure } from './failure.ts';
 * describeFailure(new MeshHttpError(400, 'invalid-key', 'key: must match …'));
 * // { kind: 'refused', text: 'Refused (400 invalid-key): key: must match …' }
 * ```
 */
import { MeshClientError, MeshHttpError } from '../../shared/client/errors.ts';
import { formatDuration } from './format.ts';

/** The kind of failure and a sentence for people. */
export interface Failure {
  /**
   * `busy`: a 503 `contended` — the key kept colliding with other writers, the region stored
   * nothing and says when to try again (`retryAfterMs`, from its `Retry-After`).
   */
  readonly kind: 'unreachable' | 'refused' | 'busy' | 'failed';
  /** For `busy`: how long the region asked to wait before trying again, when it said. */
  readonly retryAfterMs?: number;
  readonly text: string;
}

/**
 * Describes any error a request threw. The `mesh gui` relay answers 502 `unreachable` when it
 * cannot reach the region: that is a region not answering too.
 *
 * @example
 * ```ts
 * describeFailure(new MeshNetworkError('GET', url, new Error('ECONNREFUSED'))).kind; // 'unreachable'
 * describeFailure(new MeshHttpError(503, 'contended', 'key busy', 2000)).text;
 * // 'Busy (503 contended): key busy. Nothing was stored; try again in 2.0 s.'
 * ```
 */
export function describeFailure(error: unknown): Failure {
  if (error instanceof MeshHttpError) {
    if (error.status === 502 && error.code === 'unreachable') return { kind: 'unreachable', text: `Not answering: ${error.message}` };
    if (error.status >= 400 && error.status < 500) return { kind: 'refused', text: `Refused (${error.status} ${error.code}): ${error.message}` };
    if (error.status === 503 && error.code === 'contended') {
      const wait = error.retryAfterMs;
      const when = wait === undefined ? 'try again shortly' : `try again in ${formatDuration(wait)}`;
      return { kind: 'busy', text: `Busy (503 contended): ${error.message}. Nothing was stored; ${when}.`, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
    }
    // Any other 5xx: the region failed on its side, and a write may or may not have been stored.
    return { kind: 'failed', text: `Failed (${error.status} ${error.code}): ${error.message}` };
  }
  if (error instanceof MeshClientError) return { kind: 'unreachable', text: `Not answering: ${error.message}` };
  return { kind: 'failed', text: `Failed: ${error instanceof Error ? error.message : String(error)}` };
}
