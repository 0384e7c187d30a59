import { describe, expect, it } from 'vitest';
import { memoize } from '../../../../shared/util/memoize.ts';

describe('memoize', () => {
  it('makes a value once per key and answers it again after', () => {
    // Prepare
    const made: string[] = [];
    const clientFor = memoize((region: string) => {
      made.push(region);
      return { region };
    });
    // Act
    const first = clientFor('eu-west-1');
    const again = clientFor('eu-west-1');
    const other = clientFor('us-east-1');
    // Assess
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(made).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('caches an undefined result too', () => {
    let calls = 0;
    const nothing = memoize((_key: string): undefined => {
      calls++;
      return undefined;
    });
    nothing('a');
    nothing('a');
    expect(calls).toBe(1);
  });
});
