/**
 * What the page shows, kept in the URL's fragment so a view can be shared or reloaded:
 * `#key=colour&event=<id>&account=alice`. Pure: parse and format only.
 *
 * @example
 * ```ts
 * import { formatHash, parseHash } from './hash-state.ts';
 * parseHash('#key=colour&account=alice'); // { key: 'colour', account: 'alice' }
 * formatHash({ key: 'a b' });               // '#key=a+b'
 * ```
 */

/** The open key, event and account; each absent when nothing of that kind is open. */
export interface ViewState {
  readonly key?: string;
  readonly event?: string;
  readonly account?: string;
}

const FIELDS = ['key', 'event', 'account'] as const;

/**
 * Reads a fragment (with or without its `#`); unknown or empty parameters are ignored.
 *
 * @example
 * ```ts
 * parseHash('#key='); // {}
 * ```
 */
export function parseHash(hash: string): ViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const state: Record<string, string> = {};
  for (const field of FIELDS) {
    const value = params.get(field)?.trim();
    if (value) state[field] = value;
  }
  return state;
}

/**
 * Writes a fragment, fields in a fixed order; `''` when nothing is open.
 *
 * @example
 * ```ts
 * formatHash({ account: 'alice', key: 'colour' }); // '#key=colour&account=alice'
 * ```
 */
export function formatHash(state: ViewState): string {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    const value = state[field];
    if (value) params.set(field, value);
  }
  const text = params.toString();
  return text ? `#${text}` : '';
}
