/**
 * The commit barrier of the local cloud's DynamoDB clients: a transaction is answered only after a
 * request sent behind it has been answered (DynamoDB Local runs its jobs in order, so that request
 * completes only after the transaction's COMMIT). Against a recording HTTP handler.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { HttpRequest } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { awaitTransactionCommits } from '../../../local/durable-dynamodb.ts';
import { localClients } from '../../../local/aws-clients.ts';

/** A client whose HTTP layer records each operation (X-Amz-Target) and when its answer was given. */
function recording(answer: (op: string) => Promise<void> = async () => {}) {
  const log: string[] = [];
  const client = new DynamoDBClient({
    endpoint: 'http://127.0.0.1:1',
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (req: HttpRequest) => {
        const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '?';
        log.push(`${op} sent`);
        await answer(op);
        log.push(`${op} answered`);
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from('{}')]) } };
      },
    },
  });
  return { client, log };
}

const TX = { TransactItems: [{ Put: { TableName: 't', Item: { pk: { S: 'a' } } } }] };

describe('awaitTransactionCommits', () => {
  it('answers a TransactWriteItems only after a ListTables sent behind it has answered', async () => {
    // Prepare
    const { client, log } = recording();
    awaitTransactionCommits(client);
    let resolvedAt = -1;

    // Act
    await client.send(new TransactWriteItemsCommand(TX)).then(() => (resolvedAt = log.length));

    // Assess
    expect(log).toEqual(['TransactWriteItems sent', 'TransactWriteItems answered', 'ListTables sent', 'ListTables answered']);
    expect(resolvedAt).toBe(4);
  });

  it('applies to a DocumentClient made from the client, and to nothing but transactions', async () => {
    // Prepare
    const { client, log } = recording();
    const doc = DynamoDBDocumentClient.from(awaitTransactionCommits(client));

    // Act
    await doc.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 't', Item: { pk: 'a' } } }] }));
    await client.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'b' } } }));
    await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'b' } } }));

    // Assess
    expect(log.filter((l) => l.endsWith('sent'))).toEqual(['TransactWriteItems sent', 'ListTables sent', 'PutItem sent', 'GetItem sent']);
  });

  it('fails the write when the barrier fails: its outcome is then unknown', async () => {
    // Prepare
    const { client } = recording(async (op) => {
      if (op === 'ListTables') throw new Error('connection refused');
    });
    awaitTransactionCommits(client);

    // Act
    const sent = client.send(new TransactWriteItemsCommand(TX));

    // Assess
    await expect(sent).rejects.toThrow(/connection refused/);
  });

  it('is added once, and by the local cloud to clients of a local endpoint only, unless asked not to', async () => {
    // Prepare
    const { client } = recording();
    awaitTransactionCommits(awaitTransactionCommits(client));
    const local = localClients('us-east-1', { dynamodb: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:2' });
    const aws = localClients('us-east-1', { dynamodb: '', sqs: '' });
    const inMemory = localClients('us-east-1', { dynamodb: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:2' }, { awaitTransactionCommits: false });

    // Act
    const names = (c: DynamoDBClient): string[] => c.middlewareStack.identify().filter((m) => m.startsWith('awaitTransactionCommit'));

    // Assess
    expect(names(client)).toHaveLength(1);
    expect(names(local.dynamodb)).toHaveLength(1);
    expect(names(aws.dynamodb)).toHaveLength(0);
    expect(names(inMemory.dynamodb)).toHaveLength(0);
    inMemory.destroy();
    local.destroy();
    aws.destroy();
  });
});
