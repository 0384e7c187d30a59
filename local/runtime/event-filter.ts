/**
 * Lambda event filtering (event source mapping `FilterCriteria`), the subset the mesh uses and a
 * little more: nested objects, lists of allowed values, `exists`, `prefix` and `anything-but`.
 * A record is delivered when any of the filters matches it; the others are dropped, as in AWS.
 *
 * @example
 * ```ts
 * import { matchesAnyFilter } from './event-filter.ts';
 * const filter = { dynamodb: { NewImage: { origin: { S: ['us-east-1'] }, type: { S: ['event'] } } } };
 * matchesAnyFilter([filter], record); // true only for event items written by us-east-1
 * ```
 */

/** A filter pattern as written in `FilterCriteria.Filters[].Pattern` (parsed JSON). */
export type FilterPattern = { readonly [field: string]: FilterPattern | readonly FilterValue[] };
export type FilterValue = string | number | boolean | null | ContentFilter;
export type ContentFilter =
  | { readonly exists: boolean }
  | { readonly prefix: string }
  | { readonly 'anything-but': string | number | readonly (string | number)[] };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valueMatches(allowed: FilterValue, actual: unknown): boolean {
  if (!isObject(allowed)) return actual === allowed;
  if ('prefix' in allowed) return typeof actual === 'string' && actual.startsWith(allowed.prefix);
  if ('anything-but' in allowed) {
    const banned = allowed['anything-but'];
    const list: readonly unknown[] = Array.isArray(banned) ? banned : [banned];
    return actual !== undefined && !list.includes(actual);
  }
  return false;
}

function fieldMatches(allowed: readonly FilterValue[], actual: unknown): boolean {
  for (const a of allowed) {
    if (isObject(a) && 'exists' in a) {
      if (a.exists === (actual !== undefined)) return true;
      continue;
    }
    if (actual === undefined) continue;
    const candidates: readonly unknown[] = Array.isArray(actual) ? actual : [actual];
    if (candidates.some((c) => valueMatches(a, c))) return true;
  }
  return false;
}

/** Whether one pattern matches a record (every field of the pattern must match). */
export function matchesFilter(pattern: FilterPattern, record: unknown): boolean {
  for (const [field, expected] of Object.entries(pattern)) {
    const actual = isObject(record) ? record[field] : undefined;
    if (Array.isArray(expected)) {
      if (!fieldMatches(expected as readonly FilterValue[], actual)) return false;
    } else if (!matchesFilter(expected as FilterPattern, actual)) {
      return false;
    }
  }
  return true;
}

/** No filters = every record; otherwise a record passes when at least one filter matches. */
export function matchesAnyFilter(patterns: readonly FilterPattern[], record: unknown): boolean {
  return patterns.length === 0 || patterns.some((p) => matchesFilter(p, record));
}
