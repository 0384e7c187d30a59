import { describe, expect, it } from 'vitest';
import { readCostSizes } from '../../../bench/read-cost.ts';

describe('readCostSizes', () => {
  it('compares 10, 10 000 and 100 000-event accounts and a 1 000 with a 100 000-event table in a full run', () => {
    // Act
    const s = readCostSizes({ quick: false, maxHistory: 100_000 });

    // Assess
    expect(s).toMatchObject({ histories: [10, 10_000, 100_000], smallTable: 1000, largeTable: 100_000 });
  });

  it('caps the longest history and the large table at --max-history', () => {
    // Act + Assess
    expect(readCostSizes({ quick: false, maxHistory: 10_000 })).toMatchObject({ histories: [10, 10_000], largeTable: 10_000 });
    expect(readCostSizes({ quick: false, maxHistory: 5000 })).toMatchObject({ histories: [10, 5000], largeTable: 5000 });
  });

  it('sizes the large table apart with --max-table, keeping the histories at --max-history', () => {
    // Act + Assess
    expect(readCostSizes({ quick: false, maxHistory: 10_000, maxTable: 100_000 })).toMatchObject({ histories: [10, 10_000], smallTable: 1000, largeTable: 100_000 });
  });

  it('keeps a quick run small whatever the cap', () => {
    // Act
    const s = readCostSizes({ quick: true, maxHistory: 100_000 });

    // Assess
    expect(Math.max(...s.histories)).toBeLessThanOrEqual(1000);
    expect(s.largeTable).toBeLessThanOrEqual(2000);
  });
});
