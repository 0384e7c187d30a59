import { describe, expect, it } from 'vitest';
import { formatMs, formatRatio, percentile, ratio, summarize } from '../../../bench/stats.ts';

describe('percentile', () => {
  it('interpolates between the two closest ranks, whatever the input order', () => {
    // Prepare
    const values = [40, 10, 12, 11];

    // Act
    const [p0, p50, p95, p100] = [0, 50, 95, 100].map((p) => percentile(values, p));

    // Assess
    expect(p0).toBe(10);
    expect(p50).toBe(11.5);
    expect(p95).toBeCloseTo(35.8, 10);
    expect(p100).toBe(40);
  });

  it('is the value itself for a single sample and NaN for none', () => {
    // Act + Assess
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('does not reorder the caller’s array', () => {
    // Prepare
    const values = [3, 1, 2];

    // Act
    percentile(values, 50);

    // Assess
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses a percentile outside 0..100', () => {
    // Act + Assess
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('gives n, min, p50, p95, max and mean', () => {
    // Act
    const s = summarize([12, 10, 11, 40]);

    // Assess
    expect(s).toMatchObject({ n: 4, min: 10, p50: 11.5, max: 40, mean: 18.25 });
    expect(s.p95).toBeCloseTo(35.8, 10);
  });

  it('is all NaN with n 0 for an empty sample', () => {
    // Act
    const s = summarize([]);

    // Assess
    expect(s.n).toBe(0);
    for (const v of [s.min, s.p50, s.p95, s.max, s.mean]) expect(v).toBeNaN();
  });
});

describe('ratio', () => {
  it('divides by the baseline', () => {
    // Act + Assess
    expect(ratio(45, 15)).toBe(3);
  });

  it('is NaN against a zero or non-finite baseline rather than Infinity', () => {
    // Act + Assess
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(1, Number.NaN)).toBeNaN();
    expect(ratio(Infinity, 1)).toBeNaN();
  });
});

describe('formatting', () => {
  it('prints ratios with a precision that never rounds a small one to zero', () => {
    // Act + Assess
    expect(formatRatio(3.2)).toBe('×3.20');
    expect(formatRatio(12.46)).toBe('×12.5');
    expect(formatRatio(128.4)).toBe('×128');
    expect(formatRatio(0.123)).toBe('×0.12');
    expect(formatRatio(0.0043)).toBe('×0.0043');
    expect(formatRatio(0)).toBe('×0');
    expect(formatRatio(Number.NaN)).toBe('n/a');
  });

  it('prints milliseconds with about three significant digits', () => {
    // Act + Assess
    expect(formatMs(0.844)).toBe('0.84 ms');
    expect(formatMs(12.345)).toBe('12.3 ms');
    expect(formatMs(1520.4)).toBe('1520 ms');
    expect(formatMs(Number.NaN)).toBe('n/a');
  });
});
