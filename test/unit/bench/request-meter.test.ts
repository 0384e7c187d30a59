import { Readable } from 'node:stream';
import { DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { RequestMeter, byCommand, diffSnapshots, totalOf } from '../../../bench/request-meter.ts';

interface SeenRequest {
  readonly body: string;
  readonly target: string;
}

/**
 * A client whose requests never leave the process: each is recorded and answered with the next
 * canned JSON (status 200 unless given), with a content-length like a real endpoint sends.
 */
function fakeHandler(answers: Array<{ status?: number; body: unknown }>, seen: SeenRequest[]) {
  return {
    handle: async (request: { body?: unknown; headers: Record<string, string> }) => {
      seen.push({ body: String(request.body ?? ''), target: request.headers['x-amz-target'] ?? '' });
      const answer = answers.shift() ?? { body: {} };
      const text = JSON.stringify(answer.body);
      return {
        response: {
          statusCode: answer.status ?? 200,
          reason: '',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(Buffer.byteLength(text)) },
          body: Readable.from([Buffer.from(text)]),
        },
      };
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
  };
}

const local = { region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 } as const;

describe('RequestMeter on DynamoDB', () => {
  it('with capacity on, asks for the consumed capacity, and counts the request, its bytes, units, index units and items written', async () => {
    // Prepare: DynamoDB Local reports a two-put transaction's table units as if it were one item (2).
    const seen: SeenRequest[] = [];
    const client = new DynamoDBClient({
      ...local,
      requestHandler: fakeHandler([{ body: { ConsumedCapacity: [{ TableName: 't', CapacityUnits: 6, Table: { CapacityUnits: 2 }, GlobalSecondaryIndexes: { byId: { CapacityUnits: 3 }, byBucket: { CapacityUnits: 1 } } }] } }], seen),
    });
    const meter = new RequestMeter({ capacity: true });
    meter.instrument('us-east-1', { dynamodb: client });

    // Act
    await client.send(new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: 'ttt', Item: { pk: { S: 'a' } } } },
        { Put: { TableName: 'ttt', Item: { pk: { S: 'b' } } } },
      ],
    }));

    // Assess
    expect(JSON.parse(seen[0]?.body ?? '{}')).toMatchObject({ ReturnConsumedCapacity: 'INDEXES' });
    const t = byCommand(meter.snapshot(), 'dynamodb')['TransactWriteItems'];
    expect(t).toMatchObject({ requests: 1, errors: 0, writeUnits: 6, readUnits: 0, indexUnits: 4, itemsWritten: 2, requestBytes: Buffer.byteLength(seen[0]?.body ?? '') });
    // AWS bills each put of the transaction 2 units (small items), plus the index units.
    expect(t?.billedWriteUnits).toBe(2 * 2 + 4);
    expect(t?.responseBytes).toBeGreaterThan(0);
  });

  it('by default sends the request as the caller wrote it, and still counts its items and bytes', async () => {
    // Prepare: DynamoDB Local computes units item by item when asked, so a meter on a speed
    // benchmark must not ask.
    const seen: SeenRequest[] = [];
    const client = new DynamoDBClient({ ...local, requestHandler: fakeHandler([{ body: {} }], seen) });
    const meter = new RequestMeter();
    meter.instrument('us-east-1', { dynamodb: client });

    // Act
    await client.send(new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: 'ttt', Item: { pk: { S: 'a' } } } },
        { Put: { TableName: 'ttt', Item: { pk: { S: 'b' } } } },
      ],
    }));

    // Assess
    expect(JSON.parse(seen[0]?.body ?? '{}')).not.toHaveProperty('ReturnConsumedCapacity');
    expect(byCommand(meter.snapshot(), 'dynamodb')['TransactWriteItems']).toMatchObject({ requests: 1, itemsWritten: 2, writeUnits: 0, requestBytes: Buffer.byteLength(seen[0]?.body ?? '') });
  });

  it('keeps a ReturnConsumedCapacity the caller asked for, and counts an error answer as a request and an error', async () => {
    // Prepare
    const seen: SeenRequest[] = [];
    const client = new DynamoDBClient({
      ...local,
      requestHandler: fakeHandler([{ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'no' } }], seen),
    });
    const meter = new RequestMeter();
    meter.instrument('r1', { dynamodb: client });

    // Act
    const sent = client.send(new PutItemCommand({ TableName: 'ttt', Item: { pk: { S: 'a' } }, ReturnConsumedCapacity: 'TOTAL' }));

    // Assess
    await expect(sent).rejects.toThrow();
    expect(JSON.parse(seen[0]?.body ?? '{}')).toMatchObject({ ReturnConsumedCapacity: 'TOTAL' });
    expect(totalOf(meter.snapshot(), { region: 'r1', command: 'PutItem' })).toMatchObject({ requests: 1, errors: 1, itemsWritten: 1, writeUnits: 0 });
  });
});

describe('RequestMeter on SQS', () => {
  it('counts the messages a request carried, the receives that came back empty, and the 64 KiB chunks billed', async () => {
    // Prepare
    const seen: SeenRequest[] = [];
    const client = new SQSClient({
      ...local,
      md5: false, // the canned answers carry no real checksums
      requestHandler: fakeHandler([
        { body: { Successful: [{ Id: 'a', MessageId: 'm1', MD5OfMessageBody: 'x' }, { Id: 'b', MessageId: 'm2', MD5OfMessageBody: 'x' }], Failed: [] } },
        { body: {} },
        { body: { Messages: [{ MessageId: 'm1', ReceiptHandle: 'h', Body: 'x'.repeat(70 * 1024) }] } },
      ], seen),
    });
    const meter = new RequestMeter();
    meter.instrument('eu-west-1', { sqs: client });
    const url = 'http://127.0.0.1:1/000000000000/q';

    // Act
    await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: '1' }, { Id: 'b', MessageBody: '2' }] }));
    await client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    await client.send(new ReceiveMessageCommand({ QueueUrl: url }));

    // Assess
    const sqs = byCommand(meter.snapshot(), 'sqs');
    expect(sqs['SendMessageBatch']).toMatchObject({ requests: 1, entries: 2, empty: 0, chunks64k: 1 });
    expect(sqs['ReceiveMessage']).toMatchObject({ requests: 2, entries: 1, empty: 1, chunks64k: 1 + 2 });
  });
});

describe('snapshots', () => {
  it('diff to what happened in between, and sum over the regions and commands a filter names', async () => {
    // Prepare
    const seen: SeenRequest[] = [];
    const answers = Array.from({ length: 3 }, () => ({ body: { ConsumedCapacity: { TableName: 't', CapacityUnits: 1 } } }));
    const a = new DynamoDBClient({ ...local, requestHandler: fakeHandler(answers, seen) });
    const b = new DynamoDBClient({ ...local, requestHandler: fakeHandler([{ body: {} }], seen) });
    const meter = new RequestMeter();
    meter.instrument('a', { dynamodb: a });
    meter.instrument('b', { dynamodb: b });
    const put = (): PutItemCommand => new PutItemCommand({ TableName: 'ttt', Item: { pk: { S: 'k' } } });
    await a.send(put());
    const before = meter.snapshot();

    // Act
    await a.send(put());
    await a.send(put());
    await b.send(put());
    const spent = diffSnapshots(meter.snapshot(), before);

    // Assess
    expect(totalOf(spent, { region: 'a' })).toMatchObject({ requests: 2, writeUnits: 2 });
    expect(totalOf(spent, { region: ['a', 'b'], service: 'dynamodb', command: 'PutItem' }).requests).toBe(3);
    expect(totalOf(spent, { service: 'sqs' }).requests).toBe(0);
    expect(totalOf(before, { region: 'a' }).requests).toBe(1);
  });
});
