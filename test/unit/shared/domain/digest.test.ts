import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf, DEFAULT_BUCKETS, diffDigests, digestOf, emptyDigest, xorHex, ZERO_XOR } from '../../../../shared/domain/digest.ts';
import { ValidationError } from '../../../../shared/domain/errors.ts';
import { idArb } from '../../../support/arbitraries.ts';
import { RUNS, SLOW } from '../../../support/property-runs.ts';

const id = (prefix: string, fill = '0'): string => prefix + fill.repeat(64 - prefix.length);

describe('bucketOf', () => {
  it('takes the first 8 hex digits modulo the bucket count (known answers)', () => {
    // Act / Assess
    expect(DEFAULT_BUCKETS).toBe(64);
    expect(bucketOf(id('00000003'))).toBe(3);
    expect(bucketOf(id('00000043'))).toBe(3); // 0x43 = 67 = 64 + 3
    expect(bucketOf(id('ffffffff'))).toBe(63);
    expect(bucketOf(id('ffffffff'), 10)).toBe(4294967295 % 10);
    expect(bucketOf(id('12345678'), 1)).toBe(0);
  });

  it('refuses malformed ids and bucket counts', () => {
    // Act / Assess
    expect(() => bucketOf('xyz')).toThrow(ValidationError);
    expect(() => bucketOf(id('A'))).toThrow(ValidationError);
    expect(() => bucketOf(id('0'), 0)).toThrow(/buckets/);
    expect(() => bucketOf(id('0'), 2.5)).toThrow(/buckets/);
  });
});

describe('digestOf', () => {
  it('counts and XORs per bucket (known answer)', () => {
    // Prepare
    const a = id('00000001', '1');
    const b = id('00000041', '3'); // also bucket 1 of 64

    // Act
    const d = digestOf([a, b, a], 64);

    // Assess
    expect(d.buckets).toBe(64);
    expect(d.entries).toHaveLength(64);
    expect(d.entries[1]).toEqual({ count: 2, xor: `00000040${'2'.repeat(56)}` });
    expect(d.entries[0]).toEqual({ count: 0, xor: ZERO_XOR });
    expect(digestOf([], 4)).toEqual(emptyDigest(4));
  });

  it('xorHex is the per-bucket combiner', () => {
    // Prepare
    const a = id('0f', 'a');

    // Act / Assess
    expect(xorHex(ZERO_XOR, a)).toBe(a);
    expect(xorHex(a, a)).toBe(ZERO_XOR);
    expect(xorHex(id('f0'), id('0f'))).toBe(id('ff'));
    expect(() => xorHex('x', a)).toThrow(ValidationError);
  });

  it('property: independent of order and duplicates', () => {
    fc.assert(
      fc.property(fc.array(idArb, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 20 }), fc.integer({ min: 1, max: 200 }), (ids, dupIdx, buckets) => {
        // Prepare
        const dups = ids.length === 0 ? [] : dupIdx.map((i) => ids[i % ids.length] as string);
        const shuffled = [...ids, ...dups].sort();

        // Act
        const a = digestOf(ids, buckets);
        const b = digestOf(shuffled.reverse(), buckets);

        // Assess
        expect(b).toEqual(a);
        expect(a.entries.reduce((n, e) => n + e.count, 0)).toBe(new Set(ids).size);
        expect(diffDigests(a, b)).toEqual([]);
      }),
      RUNS,
    );
  }, SLOW);

  it('property: diffDigests names exactly the buckets whose id sets differ', () => {
    fc.assert(
      fc.property(fc.array(idArb, { maxLength: 30 }), fc.array(idArb, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }), (common, onlyA, dropIdx) => {
        // Prepare: A = common + onlyA; B = common minus some dropped.
        const dropped = new Set(dropIdx.map((i) => common[i % Math.max(common.length, 1)]).filter((x): x is string => x !== undefined));
        const a = [...common, ...onlyA];
        const b = common.filter((x) => !dropped.has(x));
        const setA = new Set(a);
        const setB = new Set(b);
        const differing = new Set<number>();
        for (const x of setA) if (!setB.has(x)) differing.add(bucketOf(x, 16));
        for (const x of setB) if (!setA.has(x)) differing.add(bucketOf(x, 16));

        // Act
        const diff = diffDigests(digestOf(a, 16), digestOf(b, 16));

        // Assess
        expect(diff).toEqual([...differing].sort((x, y) => x - y));
      }),
      RUNS,
    );
  }, SLOW);
});

describe('diffDigests', () => {
  it('names differing buckets in ascending order (known answer)', () => {
    // Prepare
    const a = digestOf([id('00000002'), id('00000005')], 8);
    const b = digestOf([id('00000005', '1'), id('00000005')], 8);

    // Act / Assess
    expect(diffDigests(a, b)).toEqual([2, 5]);
  });

  it('throws on digests with different bucket counts or malformed entries', () => {
    // Act / Assess
    expect(() => diffDigests(emptyDigest(64), emptyDigest(32))).toThrow(ValidationError);
    expect(() => diffDigests({ buckets: 2, entries: [] }, emptyDigest(2))).toThrow(/not comparable/);
  });
});
