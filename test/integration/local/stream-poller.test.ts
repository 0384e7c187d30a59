/**
 * The stream poller against DynamoDB Local's real Streams API: filter criteria on NEW_IMAGE, and
 * recovery of an expired iterator with AFTER_SEQUENCE_NUMBER (no record lost or repeated).
 */
import { DeleteTableCommand, DescribeTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localClients, type RegionClients } from '../../../local/aws-clients.ts';
import { StreamPoller } from '../../../local/runtime/stream-poller.ts';
import { sdkStreamsApi, type StreamsApi } from '../../../local/runtime/streams-api.ts';
import { createEventsTable } from '../../../shared/adapters/dynamo-table.ts';
import { tableName } from '../../../shared/config/naming.ts';
import { until } from '../../../shared/util/until.ts';

const REGION = 'us-east-1';
const TABLE = tableName(`itstream${Date.now().toString(36)}`, REGION);
let clients: RegionClients;
let streamArn: string;

beforeAll(async () => {
  const endpoint = inject('dynamodbEndpoint');
  if (endpoint === '') return;
  clients = localClients(REGION, { dynamodb: endpoint, sqs: 'http://127.0.0.1:1' });
  await createEventsTable(clients.dynamodb, TABLE);
  const table = await clients.dynamodb.send(new DescribeTableCommand({ TableName: TABLE }));
  streamArn = table.Table?.LatestStreamArn ?? '';
});

afterAll(async () => {
  // Against LocalStack the table would otherwise outlive the run.
  await clients?.dynamodb.send(new DeleteTableCommand({ TableName: TABLE })).catch(() => undefined);
  clients?.destroy();
});

async function put(n: number, origin: string, type = 'event'): Promise<void> {
  await clients.dynamodb.send(
    new PutItemCommand({ TableName: TABLE, Item: { pk: { S: `R#k${n}` }, sk: { S: `E#${n}` }, origin: { S: origin }, type: { S: type }, n: { N: String(n) } } }),
  );
}

// Against real AWS ('' endpoint) there is no local stream to drive: the mesh test covers it there.
describe.skipIf(inject('dynamodbEndpoint') === '')('StreamPoller on DynamoDB Local', () => {
  it('delivers only matching records, in order, across an expired iterator', async () => {
    // Prepare
    const real = sdkStreamsApi(clients.streams);
    let expireOnce = false;
    const api: StreamsApi = {
      describeStream: (i) => real.describeStream(i),
      getShardIterator: (i) => real.getShardIterator(i),
      getRecords: async (i) => {
        if (expireOnce) {
          expireOnce = false;
          throw Object.assign(new Error('Iterator expired'), { name: 'ExpiredIteratorException' });
        }
        return real.getRecords(i);
      },
    };
    const seen: DynamoDBRecord[] = [];
    const poller = new StreamPoller({
      api,
      streamArn,
      region: REGION,
      handler: async (e) => {
        seen.push(...e.Records);
      },
      filters: [{ dynamodb: { NewImage: { origin: { S: [REGION] }, type: { S: ['event'] } } } }],
      pollIntervalMs: 20,
    });
    await put(1, REGION);
    await put(2, 'eu-west-1');
    await put(3, REGION, 'heads');

    // Act
    poller.start();
    await until('the first record', () => seen.length === 1);
    expireOnce = true;
    await put(4, REGION);
    await until('the record after the expired iterator', () => seen.length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    await poller.stop();

    // Assess
    expect(seen.map((r) => r.dynamodb?.NewImage?.['n']?.N)).toEqual(['1', '4']);
    expect(seen[0]).toMatchObject({ eventName: 'INSERT', eventSource: 'aws:dynamodb', eventSourceARN: streamArn, dynamodb: { StreamViewType: 'NEW_IMAGE' } });
    expect(typeof seen[0]?.dynamodb?.ApproximateCreationDateTime).toBe('number');
    expect(poller.stats.filteredOut).toBe(2);
  });
});
