/**
 * Whole-result reads of the events table: every page of a Query or a Scan, and a BatchGetItem of
 * any number of keys (100 per request, unprocessed keys retried with backoff). DynamoDB answers
 * each of these in pieces; the store and its bookkeeping want the lot.
 *
 * @example
 * ```ts
 * import { batchGetAll, queryAll } from './dynamo-reads.ts';
 * const states = await batchGetAll(doc, 'ecmesh-events-us-east-1', [stateKey('R#colour')]);
 * const progress = await queryAll(doc, { TableName: table, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':pk': 'BACKFILL' } });
 * ```
 */
import { BatchGetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandInput, ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { keyString } from './dynamo-items.ts';
import type { Item } from './dynamo-items.ts';

/** Items by key, read consistently, retrying unprocessed keys; in no particular order, each key once. */
export async function batchGetAll(doc: DynamoDBDocumentClient, table: string, keys: readonly Item[]): Promise<Item[]> {
  const unique = [...new Map(keys.map((k) => [keyString(k), k])).values()];
  const chunks: Item[][] = [];
  for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
  const pages = await Promise.all(
    chunks.map(async (chunk) => {
      const out: Item[] = [];
      let pendingKeys: Item[] = chunk;
      for (let attempt = 0; pendingKeys.length > 0; attempt++) {
        if (attempt > 0) await backoff(attempt);
        const res = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pendingKeys, ConsistentRead: true } } }));
        out.push(...(res.Responses?.[table] ?? []));
        pendingKeys = (res.UnprocessedKeys?.[table]?.Keys ?? []) as Item[];
      }
      return out;
    }),
  );
  return pages.flat();
}

/** Every item a Query matches, page after page (from `input.ExclusiveStartKey` when given). */
export function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  return allPages((start) => doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start })), input.ExclusiveStartKey);
}

/** Every item a Scan returns, page after page. */
export function scanAll(doc: DynamoDBDocumentClient, input: ScanCommandInput): Promise<Item[]> {
  return allPages((start) => doc.send(new ScanCommand({ ...input, ExclusiveStartKey: start })));
}

/** Follows `LastEvaluatedKey` until DynamoDB has no more pages. */
async function allPages(page: (start: Item | undefined) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>, first?: Item): Promise<Item[]> {
  const out: Item[] = [];
  let start = first;
  do {
    const res = await page(start);
    out.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start !== undefined);
  return out;
}

/** Full jitter, capped: contention on one hot key spreads out instead of retrying in lockstep. */
export function backoff(attempt: number): Promise<void> {
  const cap = Math.min(1000, 10 * 2 ** Math.min(attempt, 10));
  return new Promise((r) => setTimeout(r, Math.random() * cap));
}
