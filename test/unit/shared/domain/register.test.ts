import { describe, expect, it } from 'vitest';
import { registerView, sameHeads } from '../../../../shared/domain/register.ts';
import { chain, deleteEvent, deposit, resolveEvent, setEvent } from '../../../support/factories.ts';

describe('registerView', () => {
  it('is undefined without register events for the key', () => {
    // Prepare
    const other = setEvent('other', 1);
    const money = deposit('k', 5);

    // Act / Assess
    expect(registerView('k', [])).toBeUndefined();
    expect(registerView('k', [other, money])).toBeUndefined();
  });

  it('answers the last write of a linear history, without conflict', () => {
    // Prepare
    const history = chain('colour', ['red', 'green', { shade: 'blue' }]);

    // Act
    const view = registerView('colour', [...history].reverse());

    // Assess
    expect(view).toEqual({ key: 'colour', value: { shade: 'blue' }, deleted: false, conflict: false, winner: history[2], heads: [history[2]] });
  });

  it('a delete wins as "no value"', () => {
    // Prepare
    const a = setEvent('k', 'v');
    const d = deleteEvent('k', { parents: [a] });

    // Act
    const view = registerView('k', [a, d]);

    // Assess
    expect(view).toMatchObject({ value: null, deleted: true, conflict: false, winner: d });
  });

  it('concurrent writes: LWW by (hlc, origin, id) and a visible conflict; a resolve ends it', () => {
    // Prepare: both wrote at the same wall time after seeing a.
    const a = setEvent('k', 'base', { wall: 10 });
    const us = setEvent('k', 'us', { parents: [a], origin: 'us-east-1', wall: 20 });
    const eu = setEvent('k', 'eu', { parents: [a], origin: 'eu-west-1', wall: 20 });

    // Act
    const conflicted = registerView('k', [a, us, eu]);
    const r = resolveEvent('k', 'merged', { parents: (conflicted?.heads ?? []).slice(), origin: 'ap-southeast-2' });
    const resolved = registerView('k', [a, us, eu, r]);

    // Assess
    expect(conflicted).toMatchObject({ value: 'us', conflict: true, winner: us, heads: [eu, us] });
    expect(resolved).toMatchObject({ value: 'merged', conflict: false, winner: r, heads: [r] });
  });

  it('a newer stamp wins over a concurrent older one whatever the origin; a concurrent delete can win', () => {
    // Prepare
    const a = setEvent('k', 'old', { wall: 10, origin: 'us-east-1' });
    const b = deleteEvent('k', { wall: 11, origin: 'ap-southeast-2' });

    // Act
    const view = registerView('k', [a, b]);

    // Assess
    expect(view).toMatchObject({ deleted: true, value: null, conflict: true, winner: b });
  });

  it('a resolve that misses a head leaves the conflict', () => {
    // Prepare
    const x = setEvent('k', 'x', { origin: 'us-east-1' });
    const y = setEvent('k', 'y', { origin: 'eu-west-1' });
    const z = setEvent('k', 'z', { origin: 'ap-southeast-2' });
    const partial = resolveEvent('k', 'xy', { parents: [x, y] });

    // Act
    const view = registerView('k', [x, y, z, partial]);

    // Assess
    expect(view?.conflict).toBe(true);
    expect(view?.heads).toEqual([z, partial]);
    expect(view?.value).toBe('xy');
  });
});

describe('sameHeads', () => {
  it('compares as sets', () => {
    // Act / Assess
    expect(sameHeads(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameHeads(['a', 'a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameHeads(['a'], ['a', 'b'])).toBe(false);
    expect(sameHeads(['a', 'c'], ['a', 'b'])).toBe(false);
    expect(sameHeads([], [])).toBe(true);
  });
});
