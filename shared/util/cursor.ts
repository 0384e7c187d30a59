/**
 * Opaque page cursors: what a list answer gives as `next` and takes back as `?cursor=`. A cursor
 * is base64url JSON `{ k: kind, v: value }`, so a cursor of one list is refused by another, and
 * anything a client made up is a clear 400 (`invalid-cursor`), never a 500 or a wrong page.
 *
 * @example
 * ```ts
 * import { decodeCursor, encodeCursor } from './cursor.ts';
 * const next = encodeCursor('history', '000001732600000000-00000#us-east-1#9f2c…');
 * decodeCursor(next, 'history'); // '000001732600000000-00000#us-east-1#9f2c…'
 * ```
 */
import { ValidationError } from '../domain/errors.ts';

/** Longest cursor accepted (a position, or a DynamoDB key of two short strings, fits easily). */
export const MAX_CURSOR_LENGTH = 2048;

/**
 * Encodes `value` (JSON data) as a cursor of list `kind`.
 *
 * @example
 * ```ts
 * encodeCursor('conflicts', { pk: 'R#k', sk: 'HEADS' });
 * ```
 */
export function encodeCursor(kind: string, value: unknown): string {
  return Buffer.from(JSON.stringify({ k: kind, v: value }), 'utf8').toString('base64url');
}

/**
 * The value of a cursor of list `kind`; `check` (default: a non-empty string) validates its shape.
 * Throws `ValidationError('invalid-cursor')` on anything else.
 *
 * @example
 * ```ts
 * decodeCursor(cursor, 'conflicts', isKey); // { pk: 'R#k', sk: 'HEADS' }
 * ```
 */
export function decodeCursor<T = string>(cursor: string, kind: string, check: (v: unknown) => v is T = isNonEmptyString as (v: unknown) => v is T): T {
  const refuse = (why: string): never => {
    throw new ValidationError('invalid-cursor', `cursor: ${why}; pass back the \`next\` of the previous page unchanged`);
  };
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    return refuse('not a cursor this API issued');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return refuse('not a cursor this API issued');
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { k?: unknown }).k !== kind) return refuse(`not a cursor of this list (${kind})`);
  const value = (parsed as { v?: unknown }).v;
  if (!check(value)) return refuse('malformed');
  return value;
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_CURSOR_LENGTH;
}
