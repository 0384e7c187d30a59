/**
 * Paging of every list answer: `?limit=` (1..`max`, default `default`) and `?cursor=` (the `next`
 * of the previous page, opaque), and a byte budget so that no page of large events gets anywhere
 * near Lambda's 6 MB response limit, however large the values.
 *
 * @example
 * ```ts
 * import { pageParams, withinBudget } from './paging.ts';
 * const { limit, cursor } = pageParams({ limit: '20' }, { default: 100, max: 1000 });
 * const kept = withinBudget(events, (e) => JSON.stringify(e).length); // a prefix of at most ~1 MiB
 * ```
 */
import { ValidationError } from '../domain/errors.ts';

/** Query parameters as the API passes them. */
export type Query = Readonly<Record<string, string | undefined>>;

/** A page request. */
export interface PageParams {
  readonly limit: number;
  readonly cursor?: string;
}

/** Bytes of items per page before the page ends early: far below the 6 MB limit, JSON overhead included. */
export const PAGE_BYTE_BUDGET = 1024 * 1024;

/**
 * Reads `limit` and `cursor`. Throws `ValidationError('invalid-limit')` on a limit that is not an
 * integer in 1..max.
 *
 * @example
 * ```ts
 * pageParams({}, { default: 50, max: 500 }); // { limit: 50 }
 * ```
 */
export function pageParams(query: Query, bounds: { readonly default: number; readonly max: number }): PageParams {
  const raw = query['limit'];
  let limit = bounds.default;
  if (raw !== undefined) {
    if (!/^\d{1,7}$/.test(raw) || Number(raw) < 1 || Number(raw) > bounds.max) {
      throw new ValidationError('invalid-limit', `limit: must be an integer from 1 to ${bounds.max}, got ${JSON.stringify(raw.slice(0, 40))}`);
    }
    limit = Number(raw);
  }
  const cursor = query['cursor'];
  return cursor === undefined || cursor === '' ? { limit } : { limit, cursor };
}

/**
 * The longest prefix of `items` whose sizes fit the budget — at least one item, so a page always
 * makes progress (a single item is bounded by the value limits).
 *
 * @example
 * ```ts
 * withinBudget([a, b, c], () => 600_000).length; // 1
 * ```
 */
export function withinBudget<T>(items: readonly T[], size: (item: T) => number, budget: number = PAGE_BYTE_BUDGET): T[] {
  const out: T[] = [];
  let used = 0;
  for (const item of items) {
    const n = size(item);
    if (out.length > 0 && used + n > budget) break;
    out.push(item);
    used += n;
  }
  return out;
}

/**
 * The JSON size of a value in bytes, as it will be sent.
 *
 * @example
 * ```ts
 * jsonBytes({ a: 'é' }); // 10
 * ```
 */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}
