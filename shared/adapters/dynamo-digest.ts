/**
 * The table's digest rows: per (stripe, row of 32 buckets, lane) a count and a weight sum of the event
 * ids stored in each bucket (see `domain/digest.ts`), added to with `ADD` inside the very
 * transaction that stores the events, so the digest is exact and a read of it costs O(stripes)
 * small items, never a scan. A transaction picks its stripe and lane from its first id, so concurrent
 * commits usually touch different rows and do not make each other's transactions conflict.
 *
 * @example
 * ```ts
 * import { digestAdds, readDigest } from './dynamo-digest.ts';
 * const items = digestAdds(table, events.map((e) => e.id)); // Update items for TransactWriteItems
 * const digest = await readDigest(client, table);           // Digest of 64 buckets
 * ```
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_BUCKETS, bucketOf, digestOfCells, digestWeight } from '../domain/index.ts';
import type { Digest, DigestCell } from '../domain/index.ts';
import type { Item } from './dynamo-items.ts';
import { itemKey } from './dynamo-items.ts';
import { ITEM_KEYS, TABLE_SCHEMA } from './dynamo-schema.ts';

/** Stripes of rows (one partition key each, one Query each). */
export const DIGEST_STRIPES = 16;

/**
 * Copies of each row within a stripe. DynamoDB cancels a transaction that touches an item another
 * transaction is writing (TransactionConflict), so concurrent commits should rarely share a row:
 * 16 stripes × 2 rows × 4 lanes = 128 items to spread over, where a cell per event had 1 024 and
 * touched one per event. More lanes: fewer conflicts, a larger digest read (each row up to 1 KB).
 */
export const DIGEST_LANES = 4;

/**
 * Buckets per digest row: a row of 32 buckets stays under 1 KB (one write unit in AWS) while its
 * sums are below 10^25, and a transaction adds to at most 64 / 32 = 2 rows however many events it
 * stores. DynamoDB Local charges per item written, so a commit of k events now writes at most 2
 * digest items where a cell per event wrote k (`npm run bench:ops`: ×1.23 the writes/s at k = 8).
 */
export const DIGEST_ROW_BUCKETS = 32;

/** Digest rows a transaction can add to: the limit that `packTransactions` reserves. */
export const DIGEST_ROWS_PER_TRANSACTION = Math.ceil(DEFAULT_BUCKETS / DIGEST_ROW_BUCKETS);

/** The stripe of an id: its hex digits 21–22 (bits the bucket and the weight do not use). */
function stripeOf(id: string): number {
  return Number.parseInt(id.slice(20, 22), 16) % DIGEST_STRIPES;
}

/** The lane of an id: its hex digits 23–24. */
function laneOf(id: string): number {
  return Number.parseInt(id.slice(22, 24), 16) % DIGEST_LANES;
}

function stripePk(stripe: number): string {
  return `${ITEM_KEYS.digestPkPrefix}${String(stripe).padStart(2, '0')}`;
}

function rowKey(stripe: number, row: number, lane: number): Item {
  return itemKey(stripePk(stripe), `${ITEM_KEYS.digestRowSkPrefix}${String(row).padStart(2, '0')}#${lane}`);
}

/** One `Update` of a TransactWriteItems. */
export interface DigestUpdate {
  readonly Update: { TableName: string; Key: Item; UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Item };
}

/**
 * The `Update` items of a TransactWriteItems that add `ids` (new, distinct) to the digest: one per
 * row of {@link DIGEST_ROW_BUCKETS} buckets touched, so at most
 * {@link DIGEST_ROWS_PER_TRANSACTION}, each `ADD`ing a count `c<bucket>` and a weight sum
 * `s<bucket>` per bucket. All rows of one transaction are in the stripe and lane of its first id,
 * so concurrent commits usually touch different items. Sums are BigInt, so a delta of many 48-bit
 * weights stays exact. No ids, no items.
 *
 * @example
 * ```ts
 * digestAdds('ecmesh-events-us-east-1', [a.id, b.id]).length; // 1 or 2
 * ```
 */
export function digestAdds(table: string, ids: readonly string[]): DigestUpdate[] {
  if (ids.length === 0) return [];
  const stripe = stripeOf(ids[0] as string);
  const lane = laneOf(ids[0] as string);
  const rows = new Map<number, Map<number, { count: number; sum: bigint }>>();
  for (const id of ids) {
    const bucket = bucketOf(id, DEFAULT_BUCKETS);
    const row = Math.floor(bucket / DIGEST_ROW_BUCKETS);
    const cells = rows.get(row) ?? new Map<number, { count: number; sum: bigint }>();
    const c = cells.get(bucket) ?? { count: 0, sum: 0n };
    cells.set(bucket, { count: c.count + 1, sum: c.sum + BigInt(digestWeight(id)) });
    rows.set(row, cells);
  }
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([row, cells]) => {
    const names: Record<string, string> = { '#t': TABLE_SCHEMA.typeAttribute };
    const values: Item = { ':t': 'digest' };
    const adds: string[] = [];
    for (const [bucket, c] of [...cells.entries()].sort(([a], [b]) => a - b)) {
      names[`#c${bucket}`] = `c${bucket}`;
      names[`#s${bucket}`] = `s${bucket}`;
      values[`:c${bucket}`] = c.count;
      values[`:s${bucket}`] = c.sum;
      adds.push(`#c${bucket} :c${bucket}`, `#s${bucket} :s${bucket}`);
    }
    return {
      Update: {
        TableName: table,
        Key: rowKey(stripe, row, lane),
        UpdateExpression: `SET #t = :t ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
}

/**
 * The cells an item of a digest stripe holds: a row's `c<bucket>` / `s<bucket>` pairs, or the one
 * bucket of a cell item of the layout before rows (`digestBucket`, `count`, `sum`: one item per
 * stripe and bucket, still read so a table written by older code needs no migration). Numbers as
 * the exact decimal strings DynamoDB sends.
 *
 * @example
 * ```ts
 * cellsOfDigestItem({ c3: { N: '2' }, s3: { N: '99' } }); // [{ bucket: 3, count: 2, sum: '99' }]
 * ```
 */
export function cellsOfDigestItem(item: Record<string, AttributeValue>): DigestCell[] {
  if (item['digestBucket'] !== undefined) {
    return [{ bucket: Number(item['digestBucket'].N), count: Number(item['count']?.N ?? 0), sum: item['sum']?.N ?? '0' }];
  }
  const out: DigestCell[] = [];
  for (const [name, value] of Object.entries(item)) {
    const m = /^c(\d+)$/.exec(name);
    if (m === null) continue;
    out.push({ bucket: Number(m[1]), count: Number(value.N ?? 0), sum: item[`s${m[1] as string}`]?.N ?? '0' });
  }
  return out;
}

/**
 * The region's digest of {@link DEFAULT_BUCKETS} buckets, from its cells: one Query per stripe,
 * on the plain client, reading numbers as the exact decimal strings DynamoDB sends (sums outgrow 2^53).
 *
 * @example
 * ```ts
 * (await readDigest(client, table)).entries.length; // 64
 * ```
 */
export async function readDigest(client: DynamoDBClient, table: string): Promise<Digest> {
  const stripes = await Promise.all(
    Array.from({ length: DIGEST_STRIPES }, async (_, stripe): Promise<DigestCell[]> => {
      const out: DigestCell[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey },
            ExpressionAttributeValues: { ':pk': { S: stripePk(stripe) } },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) out.push(...cellsOfDigestItem(item));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return out;
    }),
  );
  return digestOfCells(stripes.flat(), DEFAULT_BUCKETS);
}
