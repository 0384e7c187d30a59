/**
 * The geometry of a small line chart ("sparkline") of a series over time: points scaled into a
 * box, gaps where a value is unknown, and the scale's top for its label. Pure; the view draws it.
 *
 * @example
 * ```ts
 * import { sparkline } from './spark.ts';
 * sparkline([{ t: 0, v: 0 }, { t: 2000, v: 4 }], { width: 100, height: 20, span: 2000 });
 * // { path: 'M0,20 L100,0', max: 4, last: 4 }
 * ```
 */

/** One point of a series: a time and a value (undefined: not known then). */
export interface SparkPoint {
  readonly t: number;
  readonly v: number | undefined;
}

/** The chart's box, and how much time it spans (the newest point is at the right edge). */
export interface SparkBox {
  readonly width: number;
  readonly height: number;
  readonly span: number;
}

/** A drawn series: SVG path data, the value at the top of the scale, and the newest value. */
export interface Spark {
  readonly path: string;
  readonly max: number;
  readonly last: number | undefined;
}

/**
 * Scales `points` (oldest first) into `box`: x by time with the newest point at the right edge,
 * y from 0 at the bottom to the largest value (at least 1) at the top.
 *
 * @example
 * ```ts
 * sparkline([], { width: 100, height: 20, span: 1000 }); // { path: '', max: 1, last: undefined }
 * ```
 */
export function sparkline(points: readonly SparkPoint[], box: SparkBox): Spark {
  const newest = points.at(-1)?.t ?? 0;
  const shown = points.filter((p) => p.t >= newest - box.span);
  const values = shown.map((p) => p.v).filter((v): v is number => v !== undefined);
  const max = Math.max(1, ...values);
  let path = '';
  let pen = false;
  for (const p of shown) {
    if (p.v === undefined) {
      pen = false;
      continue;
    }
    const x = round(box.width - ((newest - p.t) / box.span) * box.width);
    const y = round(box.height - (Math.max(0, p.v) / max) * box.height);
    path += `${path ? ' ' : ''}${pen ? 'L' : 'M'}${x},${y}`;
    pen = true;
  }
  return { path, max, last: points.at(-1)?.v };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
