import { describe, expect, it } from 'vitest';
import { openLoop } from '../../../bench/open-loop.ts';

describe('openLoop', () => {
  it('starts every operation on schedule without waiting for earlier ones to complete', async () => {
    // Prepare: no operation completes before the last one has started; a generator that waited
    // for completions (a closed loop) would never start it and this test would time out.
    const total = 10;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const op = async (i: number): Promise<number> => {
      if (i === total - 1) release();
      await gate;
      return i * 2;
    };

    // Act
    const r = await openLoop({ ratePerSecond: 100, durationMs: 100, op });

    // Assess
    expect(r.samples).toHaveLength(total);
    expect(r.maxInFlight).toBe(total);
    expect(r.samples.map((s) => s.result)).toEqual(Array.from({ length: total }, (_, i) => i * 2));
    r.samples.forEach((s, i) => {
      expect(s.dueAt - (r.samples[0]?.dueAt ?? 0)).toBeCloseTo(i * 10, 6);
      expect(s.startedAt).toBeGreaterThanOrEqual(s.dueAt);
      expect(s.endedAt).toBeGreaterThanOrEqual(s.startedAt);
    });
  });

  it('records a failed operation with its error and goes on with the others', async () => {
    // Act
    const r = await openLoop({
      ratePerSecond: 200,
      durationMs: 20,
      op: async (i) => {
        if (i === 1) throw new Error('refused');
        return i;
      },
    });

    // Assess
    expect(r.samples.map((s) => s.ok)).toEqual([true, false, true, true]);
    expect(r.samples[1]?.error).toBe('refused');
    expect(r.samples[1]?.result).toBeUndefined();
  });

  it('refuses a rate or a duration that is not positive', async () => {
    // Act + Assess
    await expect(openLoop({ ratePerSecond: 0, durationMs: 10, op: async () => 1 })).rejects.toThrow(RangeError);
    await expect(openLoop({ ratePerSecond: 10, durationMs: -1, op: async () => 1 })).rejects.toThrow(RangeError);
  });
});
