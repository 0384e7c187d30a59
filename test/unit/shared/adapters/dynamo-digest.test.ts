/**
 * The digest rows' codec: what one transaction adds (one `Update` per row of 32 buckets touched,
 * exact BigInt sums) and how a stripe's items, rows and the cells of the older layout, read back
 * into the same digest as the ids themselves give.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { DIGEST_LANES, DIGEST_ROWS_PER_TRANSACTION, DIGEST_STRIPES, cellsOfDigestItem, digestAdds } from '../../../../shared/adapters/dynamo-digest.ts';
import { digestOf, digestOfCells } from '../../../../shared/domain/index.ts';

/** An id in `bucket` (digits 1–8), with weight `weight` (digits 9–20), stripe digits `stripe` (21–22) and lane digits `lane` (23–24). */
const idOf = (bucket: number, weight: number, stripe = 0, tail = 0, lane = 0): string =>
  bucket.toString(16).padStart(8, '0') + weight.toString(16).padStart(12, '0') + stripe.toString(16).padStart(2, '0') + lane.toString(16).padStart(2, '0') + tail.toString(16).padStart(40, '0');

/** The AttributeValue item an `Update` would leave on a fresh row (as DynamoDB answers it). */
function itemAfter(update: ReturnType<typeof digestAdds>[number]): Record<string, AttributeValue> {
  const { ExpressionAttributeNames: names, ExpressionAttributeValues: values } = update.Update;
  const item: Record<string, AttributeValue> = { type: { S: 'digest' } };
  for (const [placeholder, name] of Object.entries(names)) {
    if (placeholder === '#t') continue;
    item[name] = { N: String(values[`:${placeholder.slice(1)}`]) };
  }
  return item;
}

describe('digestAdds', () => {
  it('adds a batch to at most two rows, in the stripe and lane of its first id, with the deltas of each bucket summed', () => {
    // Prepare: five ids over buckets 3, 3, 40 and 63, in different stripes and lanes.
    const ids = [idOf(3, 10, 5, 0, 6), idOf(3, 20, 9, 0, 1), idOf(40, 7, 1, 0, 2), idOf(63, 2 ** 47, 2), idOf(63 + 64, 1, 3)];
    // Act
    const updates = digestAdds('t', ids);
    // Assess
    expect(updates).toHaveLength(DIGEST_ROWS_PER_TRANSACTION);
    expect(updates.map((u) => u.Update.Key)).toEqual([{ pk: 'DIGEST#05', sk: 'R#00#2' }, { pk: 'DIGEST#05', sk: 'R#01#2' }]);
    expect(updates[0]?.Update.UpdateExpression).toBe('SET #t = :t ADD #c3 :c3, #s3 :s3');
    expect(updates[0]?.Update.ExpressionAttributeValues).toMatchObject({ ':c3': 2, ':s3': 30n });
    expect(updates[1]?.Update.ExpressionAttributeValues).toMatchObject({ ':c40': 1, ':s40': 7n, ':c63': 2, ':s63': BigInt(2 ** 47) + 1n });
    expect(updates[1]?.Update.ExpressionAttributeNames).toMatchObject({ '#c40': 'c40', '#s63': 's63' });
  });

  it('spreads single-event commits over all 128 rows, so concurrent transactions rarely meet on one', () => {
    // Prepare: ids as SHA-256 gives them.
    const ids = Array.from({ length: 4_000 }, (_, i) => createHash('sha256').update(String(i)).digest('hex'));
    // Act
    const keys = new Map<string, number>();
    for (const id of ids) {
      const [u] = digestAdds('t', [id]);
      const k = `${String(u?.Update.Key['pk'])}/${String(u?.Update.Key['sk'])}`;
      keys.set(k, (keys.get(k) ?? 0) + 1);
    }
    // Assess: every row used, none more than twice its share (31.25).
    expect(keys.size).toBe(DIGEST_STRIPES * DIGEST_ROWS_PER_TRANSACTION * DIGEST_LANES);
    expect(Math.max(...keys.values())).toBeLessThan(2 * (ids.length / keys.size));
  });

  it('writes one row for ids of one half of the buckets, and nothing for no ids', () => {
    expect(digestAdds('t', [idOf(1, 1), idOf(31, 1)])).toHaveLength(1);
    expect(digestAdds('t', [])).toEqual([]);
  });
});

describe('cellsOfDigestItem', () => {
  it('reads a row back into the digest of its ids', () => {
    // Prepare
    const ids = Array.from({ length: 200 }, (_, i) => idOf((i * 37) % 64, 1_000_003 * i + 17, i % 16, i, i % 7));
    // Act
    const cells = digestAdds('t', ids).flatMap((u) => cellsOfDigestItem(itemAfter(u)));
    // Assess
    expect(digestOfCells(cells)).toEqual(digestOf(ids));
  });

  it('reads a cell of the layout before rows, so an older table needs no migration', () => {
    const cell = { pk: { S: 'DIGEST#03' }, sk: { S: 'B#0007' }, type: { S: 'digest' }, digestBucket: { N: '7' }, count: { N: '4' }, sum: { N: '123456789012345678901' } };
    expect(cellsOfDigestItem(cell)).toEqual([{ bucket: 7, count: 4, sum: '123456789012345678901' }]);
  });

  it('adds rows and older cells of one bucket together', () => {
    const row = { pk: { S: 'DIGEST#03' }, sk: { S: 'R#00#3' }, type: { S: 'digest' }, c7: { N: '1' }, s7: { N: '5' }, c9: { N: '2' }, s9: { N: '6' } };
    const cell = { digestBucket: { N: '7' }, count: { N: '4' }, sum: { N: '10' } };
    const digest = digestOfCells([...cellsOfDigestItem(row), ...cellsOfDigestItem(cell)]);
    expect(digest.entries[7]).toEqual({ count: 5, sum: '15' });
    expect(digest.entries[9]).toEqual({ count: 2, sum: '6' });
  });
});
