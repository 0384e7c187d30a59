/**
 * The local SQS server refuses the message bodies real SQS refuses (InvalidMessageContents), so a
 * test of the local cloud catches a body that could not leave a region in AWS.
 */
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../../local/aws-clients.ts';
import { startSqsServer, type SqsServer } from '../../../local/sqs-server.ts';

let server: SqsServer;
let sqs: SQSClient;

beforeAll(async () => {
  server = await startSqsServer({ port: 0 });
  sqs = new SQSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  sqs.destroy();
  await server.stop();
});

async function queue(name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (QueueUrl === undefined) throw new Error('no queue URL');
  return QueueUrl;
}

async function bodies(url: string): Promise<string[]> {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return (Messages ?? []).map((m) => m.Body ?? '').sort();
}

describe('local SQS server: message contents', () => {
  it('refuses a SendMessage whose body has a character outside the SQS set, with InvalidMessageContents', async () => {
    // Prepare
    const url = await queue('contents-single');

    // Act
    const sent = sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"v":"\uffff"}' }));

    // Assess
    await expect(sent).rejects.toMatchObject({
      name: 'InvalidMessageContents',
      message: expect.stringContaining("Invalid binary character '#xFFFF' was found in the message body"),
      $metadata: { httpStatusCode: 400 },
    });
    expect(await bodies(url)).toEqual([]);
  });

  it('refuses U+FFFE, a lone surrogate and C0 controls too, and accepts the escaped form', async () => {
    // Prepare
    const url = await queue('contents-others');
    const refused = ['\ufffe', '\ud800', '\u0000', '\u001f'];

    // Act
    const results = await Promise.allSettled(refused.map((c) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `x${c}` }))));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"v":"\\uffff\\ud800"}' }));

    // Assess
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'sent'))).toEqual(refused.map(() => 'InvalidMessageContents'));
    expect(await bodies(url)).toEqual(['{"v":"\\uffff\\ud800"}']);
  });

  it('lists a refused batch entry in Failed and sends the others', async () => {
    // Prepare
    const url = await queue('contents-batch');

    // Act
    const res = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'fine' },
          { Id: 'b', MessageBody: 'bad\uffff' },
          { Id: 'c', MessageBody: 'also fine \t\n\r😀' },
        ],
      }),
    );

    // Assess
    expect(res.Successful?.map((s) => s.Id).sort()).toEqual(['a', 'c']);
    expect(res.Failed).toEqual([{ Id: 'b', SenderFault: true, Code: 'InvalidMessageContents', Message: expect.stringContaining("'#xFFFF'") }]);
    expect(await bodies(url)).toEqual(['also fine \t\n\r😀', 'fine']);
  });

  it('refuses any request from a web page (a form POST needs no preflight)', async () => {
    // Prepare
    const url = await queue('from-a-page');
    const form = new URLSearchParams({ Action: 'SendMessage', QueueUrl: url, MessageBody: 'from evil.example' });

    // Act
    const res = await fetch(server.endpoint, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: form });

    // Assess
    expect(res.status).toBe(403);
    expect(await bodies(url)).toEqual([]);
  });

  it('answers a batch of only refused entries with every entry in Failed', async () => {
    // Prepare
    const url = await queue('contents-batch-all');

    // Act
    const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'x', MessageBody: '\uffff' }, { Id: 'y', MessageBody: '\u0001' }] }));

    // Assess
    expect(res.Successful ?? []).toEqual([]);
    expect(res.Failed?.map((f) => [f.Id, f.Code])).toEqual([['x', 'InvalidMessageContents'], ['y', 'InvalidMessageContents']]);
    expect(await bodies(url)).toEqual([]);
  });
});
