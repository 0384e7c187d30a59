/**
 * Aligned plain-text tables for people: columns padded to their widest cell, no colour, so the
 * output reads the same in a terminal, a log and a test snapshot.
 *
 * @example
 * ```ts
 * import { table } from './table.ts';
 * table(['KEY', 'HEADS'], [['colour', '2'], ['size', '3']]);
 * // 'KEY     HEADS\ncolour  2\nsize    3'
 * ```
 */

/** Renders rows under headers; the last column is never padded (no trailing spaces). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) => headers.map((_, i) => (i === headers.length - 1 ? (row[i] ?? '') : (row[i] ?? '').padEnd(widths[i] ?? 0))).join('  ').trimEnd())
    .join('\n');
}

/**
 * `label  value` lines with the labels aligned.
 *
 * @example
 * ```ts
 * fields([['key', 'colour'], ['value', '"blue"']]); // 'key    colour\nvalue  "blue"'
 * ```
 */
export function fields(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${value}`.trimEnd()).join('\n');
}
