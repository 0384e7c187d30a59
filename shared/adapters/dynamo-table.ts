/**
 * Creates a region's events table with the single-table layout of `dynamo-schema.ts`, for the
 * local cloud and for integration tests (in AWS the CDK stack creates it from the same constants).
 * Attribute types and index projections live here, in {@link EVENTS_TABLE_DEFINITION}, so the CDK
 * stack can mirror them exactly.
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { createEventsTable } from './dynamo-table.ts';
 * await createEventsTable(new DynamoDBClient({ endpoint: 'http://127.0.0.1:8000' }), 'ecmesh-events-us-east-1');
 * ```
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from './dynamo-schema.ts';

/**
 * Everything of the table but its name: key attribute types (`bucket` is a number, the rest
 * strings), the four GSIs and their projections, on-demand billing, and a NEW_IMAGE stream
 * (the replicator's outbox feed).
 */
export const EVENTS_TABLE_DEFINITION = {
  AttributeDefinitions: [
    { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
    { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: 'S' },
    { AttributeName: TABLE_SCHEMA.byIdIndex.partitionKey, AttributeType: 'S' },
    { AttributeName: TABLE_SCHEMA.byBucketIndex.partitionKey, AttributeType: 'N' },
    { AttributeName: TABLE_SCHEMA.conflictsIndex.partitionKey, AttributeType: 'S' },
    { AttributeName: TABLE_SCHEMA.catalogIndex.partitionKey, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
    { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      // KEYS_ONLY: the index gives the item's key, one read gives the item. ALL would write every
      // event (up to 64 KiB of value) twice, for a route that reads one event at a time.
      IndexName: TABLE_SCHEMA.byIdIndex.name,
      KeySchema: [{ AttributeName: TABLE_SCHEMA.byIdIndex.partitionKey, KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
    {
      IndexName: TABLE_SCHEMA.byBucketIndex.name,
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.byBucketIndex.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.byBucketIndex.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
    {
      IndexName: TABLE_SCHEMA.conflictsIndex.name,
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.conflictsIndex.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.conflictsIndex.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
    {
      // KEYS_ONLY with keys that never change: one index write per stream, not one per event.
      IndexName: TABLE_SCHEMA.catalogIndex.name,
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.catalogIndex.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.catalogIndex.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
} as const satisfies Omit<CreateTableCommandInput, 'TableName'>;

/**
 * Creates the table if it does not exist and waits until it is ACTIVE. Idempotent: an existing
 * table (or one another process is creating right now) is waited for, not recreated.
 */
export async function createEventsTable(client: DynamoDBClient, name: string, maxWaitSeconds = 120): Promise<void> {
  if (!(await tableExists(client, name))) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          ...structuredClone(EVENTS_TABLE_DEFINITION) as unknown as Omit<CreateTableCommandInput, 'TableName'>,
        }),
      );
    } catch (e) {
      if (!(e instanceof ResourceInUseException)) throw e;
    }
  }
  await waitUntilTableExists({ client, maxWaitTime: maxWaitSeconds, minDelay: 1, maxDelay: 2 }, { TableName: name });
  await waitUntilIndexesActive(client, name, maxWaitSeconds);
}

/**
 * Whether the table exists (DescribeTable answers ResourceNotFound otherwise); any other error is thrown.
 *
 * @example
 * ```ts
 * if (!(await tableExists(client, 'ecmesh-events-us-east-1'))) await createEventsTable(client, 'ecmesh-events-us-east-1');
 * ```
 */
export async function tableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (e) {
    if (e instanceof ResourceNotFoundException) return false;
    throw e;
  }
}

/** A table is ACTIVE before its GSIs are on real DynamoDB; queries on a CREATING index fail. */
async function waitUntilIndexesActive(client: DynamoDBClient, name: string, maxWaitSeconds: number): Promise<void> {
  const deadline = Date.now() + maxWaitSeconds * 1000;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    const pending = (Table?.GlobalSecondaryIndexes ?? []).filter((i) => i.IndexStatus !== undefined && i.IndexStatus !== 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`table ${name} not ACTIVE after ${maxWaitSeconds}s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
