import { describe, expect, it } from 'vitest';
import { until } from '../../../../shared/util/until.ts';

describe('until', () => {
  it('polls until the check holds and answers the ms waited', async () => {
    // Prepare
    let calls = 0;

    // Act
    const waited = await until('the third call', async () => ++calls === 3, 1_000, 5);

    // Assess
    expect(calls).toBe(3);
    expect(waited).toBeGreaterThanOrEqual(0);
    expect(waited).toBeLessThan(1_000);
  });

  it('answers at once when the check already holds', async () => {
    expect(await until('nothing', () => true)).toBeLessThan(25);
  });

  it('throws, naming what it waited for, once the timeout has passed', async () => {
    await expect(until('a region that never answers', () => false, 30, 5)).rejects.toThrow('timed out after 30 ms waiting for a region that never answers');
  });
});
