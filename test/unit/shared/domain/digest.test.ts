import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf, DEFAULT_BUCKETS, diffDigests, digestOf, digestOfCells, digestWeight, emptyDigest } from '../../../../shared/domain/digest.ts';
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
  it('counts and sums the 48-bit weights per bucket (known answer)', () => {
    // Prepare
    const a = id('00000001', '1'); // weight 0x111111111111
    const b = id('00000041', '3'); // also bucket 1 of 64; weight 0x333333333333

    // Act
    const d = digestOf([a, b, a], 64);

    // Assess
    expect(d.buckets).toBe(64);
    expect(d.entries).toHaveLength(64);
    expect(d.entries[1]).toEqual({ count: 2, sum: String(0x111111111111 + 0x333333333333) });
    expect(d.entries[0]).toEqual({ count: 0, sum: '0' });
    expect(digestOf([], 4)).toEqual(emptyDigest(4));
  });

  it('digestWeight reads hex digits 9-20, and refuses a malformed id', () => {
    // Act / Assess
    expect(digestWeight(`ffffffff${'000000000001'}${'f'.repeat(44)}`)).toBe(1);
    expect(digestWeight(id('00000000', 'f'))).toBe(2 ** 48 - 1);
    expect(() => digestWeight('x')).toThrow(ValidationError);
  });

  it('digestOfCells adds striped cells of a bucket exactly, past 2^53', () => {
    // Prepare: two cells of bucket 0 whose sums together leave the safe-integer range.
    const big = String(Number.MAX_SAFE_INTEGER);

    // Act
    const d = digestOfCells([{ bucket: 0, count: 3, sum: big }, { bucket: 0, count: 4, sum: big }, { bucket: 1, count: 1, sum: '7' }], 2);

    // Assess
    expect(d.entries).toEqual([{ count: 7, sum: '18014398509481982' }, { count: 1, sum: '7' }]);
    expect(() => digestOfCells([{ bucket: 2, count: 1, sum: '1' }], 2)).toThrow(/bucket 2/);
    expect(() => digestOfCells([{ bucket: 0, count: 1, sum: '-1' }], 2)).toThrow(ValidationError);
  });

  it('property: cells in any split add up to the digest of the ids', () => {
    fc.assert(
      fc.property(fc.uniqueArray(idArb, { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (ids, stripes) => {
        // Prepare: one cell per (bucket, stripe), like a store striping hot buckets.
        const cells = new Map<string, { bucket: number; count: number; sum: bigint }>();
        for (const [i, x] of ids.entries()) {
          const k = `${bucketOf(x)}/${i % stripes}`;
          const c = cells.get(k) ?? { bucket: bucketOf(x), count: 0, sum: 0n };
          cells.set(k, { ...c, count: c.count + 1, sum: c.sum + BigInt(digestWeight(x)) });
        }

        // Act
        const d = digestOfCells([...cells.values()].map((c) => ({ ...c, sum: String(c.sum) })));

        // Assess
        expect(d).toEqual(digestOf(ids));
      }),
      RUNS,
    );
  }, SLOW);

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
