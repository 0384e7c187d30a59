/**
 * Thrown by {@link EventStore.appendIfHeads} when the stream's heads changed since the caller read
 * them: the caller's decision (parents, a balance check) was taken on a stale view and must be
 * taken again. Nothing was stored.
 *
 * @example
 * ```ts
 * import { HeadsMovedError } from './heads-moved-error.ts';
 * try { await store.appendIfHeads(event, version); }
 * catch (e) { if (e instanceof HeadsMovedError) { ... re-read and decide again ... } }
 * ```
 */
export class HeadsMovedError extends Error {
  readonly code = 'heads-moved';
  constructor(
    readonly stream: string,
    readonly expectedVersion: number,
  ) {
    super(`heads of ${stream} moved since version ${expectedVersion}`);
    this.name = 'HeadsMovedError';
  }
}
