import { describe, expect, it } from 'vitest';
import { ancestorsOf, commonAncestor, headsOf } from '../../../gui/src/ancestry.ts';
import { setEvent } from '../../support/factories.ts';

// root ← a ← left; a ← right; an unrelated first write `other`.
const root = setEvent('k', 0);
const a = setEvent('k', 1, { parents: [root] });
const left = setEvent('k', 'L', { parents: [a], origin: 'us-east-1' });
const right = setEvent('k', 'R', { parents: [a], origin: 'eu-west-1' });
const other = setEvent('k', 'O', { origin: 'ap-southeast-2', wall: 1 });

describe('ancestry', () => {
  it('finds the heads: the events nobody names as a parent', () => {
    expect(headsOf([right, root, a, left]).map((e) => e.id).sort()).toEqual([left.id, right.id].sort());
  });

  it('walks an event\'s ancestors through the parents it knows', () => {
    expect(ancestorsOf(left.id, [root, a, left, right])).toEqual(new Set([a.id, root.id]));
    expect(ancestorsOf(left.id, [a, left])).toEqual(new Set([a.id, root.id]));
  });

  it('finds the newest common ancestor of the heads, or none', () => {
    expect(commonAncestor([left.id, right.id], [root, a, left, right])?.id).toBe(a.id);
    expect(commonAncestor([left.id, a.id], [root, a, left])?.id).toBe(a.id);
    expect(commonAncestor([left.id, other.id], [root, a, left, other])).toBeUndefined();
    expect(commonAncestor([left.id, right.id], [left, right])).toBeUndefined();
  });
});
