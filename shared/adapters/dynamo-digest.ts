/**
 * The table's digest cells: per (stripe, bucket) a count and a weight sum of the event ids stored
 * (see `domain/digest.ts`), added to with `ADD` inside the very transaction that stores the events,
 * so the digest is exact and a read of it costs O(buckets × stripes) small items, never a scan.
 * The stripe comes from the id too, so concurrent appends of one bucket usually touch different
 * cells and do not make each other's transactions conflict.
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

/** Cells per bucket. More stripes: fewer conflicts between concurrent appends, a larger digest read. */
export const DIGEST_STRIPES = 16;

/** The stripe of an id: its hex digits 21–22 (bits the bucket and the weight do not use). */
function stripeOf(id: string): number {
  return Number.parseInt(id.slice(20, 22), 16) % DIGEST_STRIPES;
}

function cellKey(stripe: number, bucket: number): Item {
  return itemKey(`${ITEM_KEYS.digestPkPrefix}${String(stripe).padStart(2, '0')}`, `${ITEM_KEYS.digestSkPrefix}${String(bucket).padStart(4, '0')}`);
}

/**
 * The `Update` items of a TransactWriteItems that add `ids` (new, distinct) to their cells: one per
 * cell touched, deltas summed (a transaction may name an item only once). Sums are BigInt, so a
 * delta of many 48-bit weights stays exact.
 *
 * @example
 * ```ts
 * digestAdds('ecmesh-events-us-east-1', [a.id, b.id]).length; // 1 or 2
 * ```
 */
export function digestAdds(table: string, ids: readonly string[]): Array<{ Update: { TableName: string; Key: Item; UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Item } }> {
  const cells = new Map<string, { stripe: number; bucket: number; count: number; sum: bigint }>();
  for (const id of ids) {
    const stripe = stripeOf(id);
    const bucket = bucketOf(id, DEFAULT_BUCKETS);
    const k = `${stripe}/${bucket}`;
    const c = cells.get(k) ?? { stripe, bucket, count: 0, sum: 0n };
    cells.set(k, { ...c, count: c.count + 1, sum: c.sum + BigInt(digestWeight(id)) });
  }
  return [...cells.values()].map((c) => ({
    Update: {
      TableName: table,
      Key: cellKey(c.stripe, c.bucket),
      UpdateExpression: 'SET #t = :t, #b = :b ADD #c :c, #s :s',
      ExpressionAttributeNames: { '#t': TABLE_SCHEMA.typeAttribute, '#b': 'digestBucket', '#c': 'count', '#s': 'sum' },
      ExpressionAttributeValues: { ':t': 'digest', ':b': c.bucket, ':c': c.count, ':s': c.sum },
    },
  }));
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
            ExpressionAttributeValues: { ':pk': { S: cellKey(stripe, 0)[TABLE_SCHEMA.partitionKey] as string } },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          out.push({ bucket: Number(item['digestBucket']?.N), count: Number(item['count']?.N ?? 0), sum: item['sum']?.N ?? '0' });
        }
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return out;
    }),
  );
  return digestOfCells(stripes.flat(), DEFAULT_BUCKETS);
}
