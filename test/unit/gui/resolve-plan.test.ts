import { describe, expect, it } from 'vitest';
import { planResolve } from '../../../gui/src/resolve-plan.ts';

const regions = [
  { region: 'ap', heads: ['a'] },
  { region: 'us', heads: ['b', 'a'] },
  { region: 'eu', heads: ['a', 'b'] },
  { region: 'down', heads: undefined },
];

describe('planResolve', () => {
  it('proposes the first region that sees every head', () => {
    expect(planResolve(['a', 'b'], regions)).toEqual({ region: 'us', complete: true, missing: [], completeRegions: ['us', 'eu'] });
  });

  it('says what a resolve in a region that misses a head would leave', () => {
    expect(planResolve(['a', 'b'], regions, 'ap')).toEqual({ region: 'ap', complete: false, missing: ['b'], completeRegions: ['us', 'eu'] });
    expect(planResolve(['a', 'b'], regions, 'down')).toMatchObject({ region: 'down', complete: false, missing: ['a', 'b'] });
  });

  it('falls back to a region with some view when none sees every head', () => {
    expect(planResolve(['a', 'b', 'c'], regions)).toEqual({ region: 'ap', complete: false, missing: ['b', 'c'], completeRegions: [] });
  });

  it('does not count a region that sees more (an older head beside the newer ones) as complete', () => {
    expect(planResolve(['a'], [{ region: 'x', heads: ['a', 'z'] }]).complete).toBe(false);
  });
});
