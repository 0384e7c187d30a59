import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { Doorbells } from '../../../../local/runtime/doorbells.ts';
import { Sleeper } from '../../../../local/runtime/sleep.ts';

/** A client whose requests never leave the process: the last middleware answers. */
function offline<T extends DynamoDBClient | SQSClient>(client: T): T {
  const stack = client.middlewareStack as unknown as { add(m: unknown, o: unknown): void };
  stack.add(() => async () => ({ output: { $metadata: {} } }), { step: 'initialize', name: 'offline', priority: 'low' });
  return client;
}

describe('Doorbells', () => {
  it('rings a table after a write through its client and a queue after a send to it, and nothing else', async () => {
    // Prepare
    const bells = new Doorbells();
    const dynamodb = offline(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
    const sqs = offline(new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, md5: false }));
    const rang: string[] = [];
    bells.ringOnTableWrites(dynamodb, 't');
    bells.ringOnQueueSends(sqs);
    bells.register('t', () => rang.push('t'));
    bells.register('https://q/a', () => rang.push('a'));
    bells.register('https://q/b', () => rang.push('b'));

    // Act
    await dynamodb.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'x' } } }));
    await sqs.send(new SendMessageCommand({ QueueUrl: 'https://q/a', MessageBody: 'm' }));

    // Assess
    expect(rang).toEqual(['t', 'a']);
  });
});

describe('Sleeper', () => {
  it('keeps a wake that came while nobody slept for the next sleep', async () => {
    const sleeper = new Sleeper();
    sleeper.wake();
    const started = Date.now();
    await sleeper.sleep(5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('cuts the current sleep short, once', async () => {
    const sleeper = new Sleeper();
    setTimeout(() => sleeper.wake(), 20);
    const started = Date.now();
    await sleeper.sleep(5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    const again = Date.now();
    await sleeper.sleep(50);
    expect(Date.now() - again).toBeGreaterThanOrEqual(40);
  });
});
