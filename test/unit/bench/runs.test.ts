import { describe, expect, it } from 'vitest';
import { aggregateRuns, formatSpread, median } from '../../../bench/runs.ts';

describe('median', () => {
  it('is the middle value of an odd count and the mean of the middle two of an even one, whatever the order', () => {
    // Act + Assess
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('ignores values that are not finite, and is NaN when none is', () => {
    // Act + Assess
    expect(median([Number.NaN, 5, 1, Number.POSITIVE_INFINITY, 3])).toBe(3);
    expect(median([Number.NaN])).toBeNaN();
    expect(median([])).toBeNaN();
  });
});

describe('aggregateRuns', () => {
  it('gives each figure its median, min and max over the runs, and keeps every run value in order', () => {
    // Prepare
    const runs = [{ a: 10, b: 1 }, { a: 14, b: 1 }, { a: 11, b: 1 }];

    // Act
    const agg = aggregateRuns(runs);

    // Assess
    expect(agg['a']).toEqual({ median: 11, min: 10, max: 14, values: [10, 14, 11] });
    expect(agg['b']).toEqual({ median: 1, min: 1, max: 1, values: [1, 1, 1] });
  });

  it('counts a figure missing from a run as NaN there, so the spread is over the runs that measured it', () => {
    // Act
    const agg = aggregateRuns([{ a: 1 }, {}, { a: 5 }]);

    // Assess
    expect(agg['a']?.values).toEqual([1, Number.NaN, 5]);
    expect(agg['a']?.median).toBe(3);
    expect(agg['a']?.min).toBe(1);
    expect(agg['a']?.max).toBe(5);
  });
});

describe('formatSpread', () => {
  it('prints the median and the range, or the median alone when every run printed the same', () => {
    // Prepare
    const fmt = (v: number): string => v.toFixed(1);

    // Act + Assess
    expect(formatSpread({ median: 2, min: 1, max: 3.04, values: [1, 2, 3.04] }, fmt)).toBe('2.0 [1.0–3.0]');
    expect(formatSpread({ median: 2, min: 2.01, max: 1.99, values: [2.01, 1.99] }, fmt)).toBe('2.0');
    expect(formatSpread(undefined, fmt)).toBe('n/a');
    expect(formatSpread({ median: Number.NaN, min: Number.NaN, max: Number.NaN, values: [Number.NaN] }, fmt)).toBe('n/a');
  });
});
