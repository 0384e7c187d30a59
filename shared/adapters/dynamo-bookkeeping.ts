/**
 * The region's records beside its events, in the same table: how far each backfill got, each
 * link's last delivery (the lag `GET /status` shows), and the count of refused events by reason.
 * Each is one small item, written with one request and never in an event's transaction, so none
 * of them can hold up or cancel a write of events.
 *
 * @example
 * ```ts
 * import { DynamoBookkeeping } from './dynamo-bookkeeping.ts';
 * const book = new DynamoBookkeeping(doc, 'ecmesh-events-us-east-1');
 * await book.recordDelivery({ from: 'eu-west-1', receivedAt: Date.now(), originAt: Date.now() - 80, lagMs: 80, events: 10 });
 * (await book.deliveries(['eu-west-1']))[0]?.lagMs; // 80
 * ```
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BackfillPhase, BackfillProgress, DeliveryBatch, LinkDelivery } from '../ports/event-store.ts';
import { backfillPosition } from '../ports/backfill-progress.ts';
import { itemKey } from './dynamo-items.ts';
import { batchGetAll, queryAll } from './dynamo-reads.ts';
import { ITEM_KEYS, TABLE_SCHEMA } from './dynamo-schema.ts';

/** Backfill progress, link deliveries and refusal counts of one region's table. */
export class DynamoBookkeeping {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.#doc = doc;
    this.#table = table;
  }

  async saveBackfill(progress: BackfillProgress): Promise<boolean> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...itemKey(ITEM_KEYS.backfillPk, progress.peer),
            [TABLE_SCHEMA.typeAttribute]: 'backfill',
            ...progress,
            // Not `bucket`: that name is the bucket index's key, which only event items carry.
            bucket: undefined,
            copyBucket: progress.bucket,
            position: backfillPosition(progress),
          },
          // Forward only: a run that finds the record further along is a stale, concurrent one.
          ConditionExpression: 'attribute_not_exists(#pk) OR #pos <= :pos',
          ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey, '#pos': 'position' },
          ExpressionAttributeValues: { ':pos': backfillPosition(progress) },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof Error && e.name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async backfills(): Promise<BackfillProgress[]> {
    const items = await queryAll(this.#doc, {
      TableName: this.#table,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey },
      ExpressionAttributeValues: { ':pk': ITEM_KEYS.backfillPk },
      ConsistentRead: true,
    });
    return items.map((i): BackfillProgress => ({
      peer: String(i['peer']),
      phase: String(i['phase']) as BackfillPhase,
      bucket: Number(i['copyBucket']),
      buckets: Number(i['buckets']),
      ...(i['after'] === undefined ? {} : { after: String(i['after']) }),
      read: Number(i['read']),
      copied: Number(i['copied']),
      startedAt: Number(i['startedAt']),
      updatedAt: Number(i['updatedAt']),
      ...(i['finishedAt'] === undefined ? {} : { finishedAt: Number(i['finishedAt']) }),
    }));
  }

  async recordDelivery(batch: DeliveryBatch): Promise<void> {
    const key = itemKey(`${ITEM_KEYS.linkPkPrefix}${batch.from}`, ITEM_KEYS.linkSk);
    const names = { '#n': 'events' };
    try {
      // One conditional update: the last delivery moves forward in time only, the count always grows.
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: key,
          UpdateExpression: 'SET #t = :t, #from = :from, #r = :r, #o = :o, #l = :l ADD #n :n',
          ConditionExpression: 'attribute_not_exists(#r) OR #r <= :r',
          ExpressionAttributeNames: { ...names, '#t': TABLE_SCHEMA.typeAttribute, '#from': 'from', '#r': 'receivedAt', '#o': 'originAt', '#l': 'lagMs' },
          ExpressionAttributeValues: { ':t': 'link', ':from': batch.from, ':r': batch.receivedAt, ':o': batch.originAt, ':l': batch.lagMs, ':n': batch.events },
        }),
      );
    } catch (e) {
      if (!(e instanceof Error) || e.name !== 'ConditionalCheckFailedException') throw e;
      // A newer batch was recorded first (concurrent ingest batches): keep its lag, count ours.
      await this.#doc.send(
        new UpdateCommand({ TableName: this.#table, Key: key, UpdateExpression: 'ADD #n :n', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':n': batch.events } }),
      );
    }
  }

  async deliveries(from: readonly string[]): Promise<LinkDelivery[]> {
    const senders = [...new Set(from)];
    const items = await batchGetAll(this.#doc, this.#table, senders.map((f) => itemKey(`${ITEM_KEYS.linkPkPrefix}${f}`, ITEM_KEYS.linkSk)));
    const byFrom = new Map(items.map((i) => [String(i[TABLE_SCHEMA.partitionKey]).slice(ITEM_KEYS.linkPkPrefix.length), i]));
    return senders.flatMap((f) => {
      const i = byFrom.get(f);
      if (i === undefined) return [];
      return [{ from: f, receivedAt: Number(i['receivedAt']), originAt: Number(i['originAt']), lagMs: Number(i['lagMs']), events: Number(i['events'] ?? 0) }];
    });
  }

  async countRefusals(counts: Readonly<Record<string, number>>): Promise<void> {
    const entries = Object.entries(counts).filter(([, n]) => n > 0);
    if (entries.length === 0) return;
    const names = Object.fromEntries(entries.map(([reason], i) => [`#r${i}`, reason]));
    const values = Object.fromEntries(entries.map(([, n], i) => [`:n${i}`, n]));
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: itemKey(ITEM_KEYS.statsPk, ITEM_KEYS.refusedSk),
        UpdateExpression: `SET #t = :t ADD ${entries.map((_, i) => `#r${i} :n${i}`).join(', ')}`,
        ExpressionAttributeNames: { ...names, '#t': TABLE_SCHEMA.typeAttribute },
        ExpressionAttributeValues: { ...values, ':t': 'stats' },
      }),
    );
  }

  async refusals(): Promise<Record<string, number>> {
    const { Item } = await this.#doc.send(new GetCommand({ TableName: this.#table, Key: itemKey(ITEM_KEYS.statsPk, ITEM_KEYS.refusedSk), ConsistentRead: true }));
    const skip = new Set<string>([TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey, TABLE_SCHEMA.typeAttribute]);
    return Object.fromEntries(Object.entries(Item ?? {}).filter(([k]) => !skip.has(k)).map(([k, v]) => [k, Number(v)]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)));
  }
}
