import { describe, expect, it } from 'vitest';
import { formatPath, mergeFields, mergedValue, pathKey, sameJson } from '../../../gui/src/three-way-merge.ts';
import type { FieldChoice } from '../../../gui/src/three-way-merge.ts';

const base = { name: 'Ann', city: 'Oslo', zip: '0150', address: { street: 'A 1', floor: 2 }, tags: ['x'] };

describe('mergeFields', () => {
  it('compares objects field by field, nested ones too, and takes a change only one head made', () => {
    // Prepare
    const left = { ...base, city: 'Bergen', address: { street: 'B 2', floor: 2 } };
    const right = { ...base, name: 'Ann B.', tags: ['x', 'y'] };

    // Act
    const fields = mergeFields(base, [left, right], 1);

    // Assess
    expect(fields.map((f) => [formatPath(f.path), f.status, f.proposal])).toEqual([
      ['name', 'taken', { source: 'head', head: 1 }],
      ['city', 'taken', { source: 'head', head: 0 }],
      ['zip', 'same', { source: 'head', head: 0 }],
      ['address.street', 'taken', { source: 'head', head: 0 }],
      ['address.floor', 'same', { source: 'head', head: 0 }],
      ['tags', 'taken', { source: 'head', head: 1 }],
    ]);
    expect(mergedValue(base, [left, right], new Map(), 1)).toEqual({ name: 'Ann B.', city: 'Bergen', zip: '0150', address: { street: 'B 2', floor: 2 }, tags: ['x', 'y'] });
  });

  it('marks a field changed differently by two heads as a conflict, proposing the preferred head', () => {
    const fields = mergeFields(base, [{ ...base, city: 'Bergen' }, { ...base, city: 'Trondheim' }], 1);
    expect(fields.find((f) => f.path[0] === 'city')).toMatchObject({ status: 'conflict', ancestor: 'Oslo', heads: ['Bergen', 'Trondheim'], proposal: { source: 'head', head: 1 } });
  });

  it('keeps fields one head added or removed, and the same change on both sides once', () => {
    // Prepare: left adds `phone` and removes `zip`; both change `name` the same way.
    const { zip: _zip, ...withoutZip } = base;
    const left = { ...withoutZip, name: 'Ann B.', phone: '+47 555' };
    const right = { ...base, name: 'Ann B.' };

    // Act
    const fields = mergeFields(base, [left, right], 0);
    const merged = mergedValue(base, [left, right], new Map(), 0);

    // Assess
    expect(fields.find((f) => f.path[0] === 'zip')).toMatchObject({ status: 'taken', heads: [undefined, '0150'], proposal: { source: 'head', head: 0 } });
    expect(fields.find((f) => f.path[0] === 'phone')).toMatchObject({ status: 'taken', ancestor: undefined });
    expect(fields.find((f) => f.path[0] === 'name')?.status).toBe('same');
    expect(merged).toEqual({ name: 'Ann B.', city: 'Oslo', address: base.address, tags: ['x'], phone: '+47 555' });
  });

  it('treats a value that is not an object (or not one on every side) as one field, and no ancestor as all new', () => {
    expect(mergeFields('blue', ['green', 'red'], 0)).toEqual([{ path: [], ancestor: 'blue', heads: ['green', 'red'], status: 'conflict', proposal: { source: 'head', head: 0 } }]);
    expect(mergeFields({ a: 1 }, [{ a: 2 }, 'gone'], 1).map((f) => [f.path, f.status])).toEqual([[[], 'conflict']]);
    expect(mergeFields({ a: 1 }, [{ a: 1 }, 'gone'], 0).map((f) => [f.path, f.status, f.proposal])).toEqual([[[], 'taken', { source: 'head', head: 1 }]]);
    expect(mergeFields(undefined, [{ a: 1, b: 1 }, { a: 1, b: 2 }], 1).map((f) => [f.path, f.status])).toEqual([
      [['a'], 'same'],
      [['b'], 'conflict'],
    ]);
  });

  it('builds the value from each field\'s choice: a head, the ancestor, or the person\'s own value', () => {
    // Prepare
    const heads = [{ ...base, city: 'Bergen', zip: '5003' }, { ...base, city: 'Trondheim' }];
    const choices = new Map<string, FieldChoice>([
      [pathKey(['city']), { source: 'ancestor' }],
      [pathKey(['zip']), { source: 'custom', value: '7010' }],
      [pathKey(['tags']), { source: 'custom', value: undefined }],
    ]);

    // Act
    const merged = mergedValue(base, heads, choices, 1);

    // Assess
    expect(merged).toEqual({ name: 'Ann', city: 'Oslo', zip: '7010', address: base.address });
  });
});

describe('formatPath and sameJson', () => {
  it('spells paths for people and compares values whatever the field order', () => {
    expect(formatPath(['address', 'city'])).toBe('address.city');
    expect(formatPath(['odd.name', 'x'])).toBe('["odd.name"].x');
    expect(formatPath([])).toBe('(whole value)');
    expect(sameJson({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson(undefined, null)).toBe(false);
  });
});
