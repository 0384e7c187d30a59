import { describe, expect, it } from 'vitest';
import { sparkline } from '../../../gui/src/spark.ts';

describe('sparkline', () => {
  it('scales time to the width (newest at the right) and values from 0 at the bottom to the largest at the top', () => {
    const spark = sparkline(
      [
        { t: 0, v: 0 },
        { t: 500, v: 2 },
        { t: 1000, v: 4 },
      ],
      { width: 100, height: 20, span: 1000 },
    );
    expect(spark).toEqual({ path: 'M0,20 L50,10 L100,0', max: 4, last: 4 });
  });

  it('leaves a gap where a value is unknown, drops what is older than the span, and scales a flat zero line to 1', () => {
    const points = [
      { t: 0, v: 9 },
      { t: 2000, v: 0 },
      { t: 2500, v: undefined },
      { t: 3000, v: 0 },
    ];
    expect(sparkline(points, { width: 10, height: 10, span: 1000 })).toEqual({ path: 'M0,10 M10,10', max: 1, last: 0 });
    expect(sparkline([], { width: 10, height: 10, span: 1000 })).toEqual({ path: '', max: 1, last: undefined });
  });
});
