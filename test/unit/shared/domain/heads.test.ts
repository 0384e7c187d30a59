import { describe, expect, it } from 'vitest';
import { computeHeads, headIds, nextHeads } from '../../../../shared/domain/heads.ts';
import { setEvent } from '../../../support/factories.ts';

describe('computeHeads', () => {
  it('is empty for no events and the single event of a one-event history', () => {
    // Prepare
    const a = setEvent('k', 1);

    // Act / Assess
    expect(computeHeads([])).toEqual([]);
    expect(computeHeads([a, a])).toEqual([a]);
  });

  it('keeps concurrent branches as heads, in total order, and drops covered events', () => {
    // Prepare: a <- b (us-east-1) and a <- c (eu-west-1), concurrent.
    const a = setEvent('k', 'a', { wall: 1 });
    const b = setEvent('k', 'b', { parents: [a], origin: 'us-east-1' });
    const c = setEvent('k', 'c', { parents: [a], origin: 'eu-west-1' });

    // Act
    const heads = computeHeads([b, a, c]);

    // Assess: same stamp, so origin decides the order.
    expect(heads).toEqual([c, b]);
  });

  it('lets a child that arrived without its parent keep the parent out', () => {
    // Prepare
    const a = setEvent('k', 'a');
    const b = setEvent('k', 'b', { parents: [a] });

    // Act / Assess
    expect(computeHeads([b])).toEqual([b]);
    expect(computeHeads([b, a])).toEqual([b]);
  });
});

describe('nextHeads', () => {
  it('replaces the parents by the new event and sorts by id', () => {
    // Prepare
    const a = setEvent('k', 'a');
    const b = setEvent('k', 'b', { origin: 'eu-west-1' });
    const m = setEvent('k', 'merge', { parents: [a, b] });

    // Act
    const one = nextHeads([], a, false);
    const two = nextHeads(one, b, false);
    const three = nextHeads(two, m, false);

    // Assess
    expect(one).toEqual([a.id]);
    expect(two).toEqual([a.id, b.id].sort());
    expect(three).toEqual([m.id]);
  });

  it('does not add an event that a known event already names as parent, and is idempotent', () => {
    // Prepare
    const a = setEvent('k', 'a');
    const b = setEvent('k', 'b', { parents: [a] });

    // Act
    const afterChild = nextHeads([], b, false);
    const afterParent = nextHeads(afterChild, a, true);
    const again = nextHeads(afterParent, b, false);

    // Assess
    expect(afterParent).toEqual([b.id]);
    expect(again).toEqual([b.id]);
    expect(nextHeads([a.id], a, true)).toEqual([]);
    expect(headIds([a, b])).toEqual(afterParent);
  });
});
