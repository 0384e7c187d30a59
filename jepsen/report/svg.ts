/**
 * Tiny helpers to write inline SVG and HTML by hand (the report has no external assets).
 *
 * @example
 * ```ts
 * import { esc, axisTicks } from './svg.ts';
 * esc('<b>'); // '&lt;b&gt;'
 * axisTicks(0, 23); // [0, 5, 10, 15, 20]
 * ```
 */

/**
 * Escape text for HTML and SVG content and attributes.
 *
 * @example
 * ```ts
 * esc('a & "b"'); // 'a &amp; &quot;b&quot;'
 * ```
 */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Round tick values covering [min, max], about `target` of them.
 *
 * @example
 * ```ts
 * axisTicks(0, 1, 5); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * ```
 */
export function axisTicks(min: number, max: number, target = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

/**
 * Colours of outcomes, shared by every chart and the legend.
 *
 * @example
 * ```ts
 * OUTCOME_COLOURS.info; // '#f0a202'
 * ```
 */
export const OUTCOME_COLOURS = { ok: '#2e9d4f', fail: '#d64541', info: '#f0a202' } as const;
