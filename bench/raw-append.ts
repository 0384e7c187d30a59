/**
 * The baseline every write figure is compared with: a raw append to the same DynamoDB Local the
 * mesh runs on, with none of the mesh's bookkeeping. One append = a consistent `Query` for the
 * key's latest event (its parent) + one conditional `PutItem` of an event item of the same
 * content as the mesh stores (the canonical event as JSON, a receipt, the id and bucket attributes
 * the mesh's indexes key on), into a table created with the mesh's own table definition (same
 * indexes, same stream). It is what "append an event after the one I read" costs when nothing
 * else is kept: no heads item, no parent refs, no transaction, no HTTP, no replication.
 *
 * @example
 * ```ts
 * import { RawAppender } from './raw-append.ts';
 * const raw = await RawAppender.create({ endpoint: mesh.dynamodbEndpoint, table: 'bench-raw', region: 'us-east-1' });
 * await raw.append('k1', { i: 1 });  // Query + PutItem
 * raw.destroy();
 * ```
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '../local/aws-clients.ts';
import { createEventsTable } from '../shared/adapters/dynamo-table.ts';
import { bucketOf, createEvent, eventSortKey, formatHlc } from '../shared/domain/index.ts';
import type { JsonValue, MeshEvent } from '../shared/domain/types.ts';

/**
 * The value every benchmark write carries (a short JSON object), so the mesh's writes, the raw
 * baseline's and the Global Tables comparison's are of the same size.
 *
 * @example
 * ```ts
 * sampleValue(2, 7); // { worker: 2, i: 7, note: 'benchmark write of a small JSON value' }
 * ```
 */
export function sampleValue(worker: number, i: number): { worker: number; i: number; note: string } {
  return { worker, i, note: 'benchmark write of a small JSON value' };
}

export interface RawAppenderOptions {
  /** The DynamoDB endpoint (the mesh's DynamoDB Local). */
  readonly endpoint: string;
  /** A table of its own, created with the mesh's table definition. */
  readonly table: string;
  /** The origin written into events, and the SDK region. */
  readonly region: string;
  /** Called with the raw client before use, e.g. to meter its requests. */
  readonly instrument?: (client: DynamoDBClient) => void;
}

/**
 * The item of a raw append: the event and its receipt, keyed like a mesh event item (partition
 * per key, sort key in total order), with the attributes the table's indexes project.
 *
 * @example
 * ```ts
 * rawEventItem(event, Date.now()); // { pk: 'R#k1', sk: 'E#…', eid, bucket, event: '{…}', receipt: {…}, … }
 * ```
 */
export function rawEventItem(event: MeshEvent, receivedAt: number): Record<string, unknown> {
  return {
    pk: `R#${event.key}`,
    sk: `E#${eventSortKey(event)}`,
    type: 'event',
    eid: event.id,
    origin: event.origin,
    event: JSON.stringify(event),
    receipt: { eventId: event.id, region: event.origin, receivedAt, via: { type: 'local' } },
    bucket: bucketOf(event.id),
  };
}

export class RawAppender {
  readonly client: DynamoDBClient;
  private readonly doc: DynamoDBDocumentClient;
  private counter = 0;

  private constructor(private readonly o: RawAppenderOptions) {
    // One attempt: a baseline that retried behind our back would hide its own failures.
    this.client = new DynamoDBClient({ endpoint: o.endpoint, region: o.region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    o.instrument?.(this.client);
    this.doc = DynamoDBDocumentClient.from(this.client);
  }

  /** Creates the table (idempotent) and the client. */
  static async create(o: RawAppenderOptions): Promise<RawAppender> {
    const raw = new RawAppender(o);
    await createEventsTable(raw.client, o.table);
    return raw;
  }

  /** Query the key's latest event, then put the next one with it as parent. */
  async append(key: string, value: JsonValue): Promise<MeshEvent> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.o.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
        ExpressionAttributeValues: { ':pk': `R#${key}`, ':e': 'E#' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const parent = Items?.[0]?.['eid'];
    return this.put(key, value, typeof parent === 'string' ? [parent] : []);
  }

  /** One conditional PutItem of a new event item (no read first). */
  async put(key: string, value: JsonValue, parents: readonly string[] = []): Promise<MeshEvent> {
    const event = createEvent({
      kind: 'set', key, payload: value, hlc: formatHlc({ wall: Date.now(), counter: this.counter++ % 1000 }), origin: this.o.region, parents: [...parents],
    });
    await this.doc.send(new PutCommand({ TableName: this.o.table, Item: rawEventItem(event, Date.now()), ConditionExpression: 'attribute_not_exists(pk)' }));
    return event;
  }

  destroy(): void {
    this.client.destroy();
  }
}
