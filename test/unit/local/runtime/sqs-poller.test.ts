import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClients, type RegionClients } from '../../../../local/aws-clients.ts';
import { createMeshQueues, type LinkQueues } from '../../../../local/mesh-queues.ts';
import { SqsPoller, type SqsBatchHandler } from '../../../../local/runtime/sqs-poller.ts';
import { startSqsServer, type SqsServer } from '../../../../local/sqs-server.ts';
import { until } from '../../../../shared/util/until.ts';

const REGIONS = ['r-a', 'r-b'];
let server: SqsServer;
let clients: RegionClients;
let sqs: SQSClient;
let meshSeq = 0;

beforeAll(async () => {
  server = await startSqsServer({ port: 0 });
  clients = localClients('r-b', { dynamodb: 'http://127.0.0.1:1', sqs: server.endpoint });
  sqs = clients.sqs;
});

afterAll(async () => {
  clients.destroy();
  await server.stop();
});

/** A fresh link queue (VT 1 s, 2 receives before the DLQ) so each test starts empty. */
async function freshLink(): Promise<LinkQueues> {
  meshSeq += 1;
  const queues = await createMeshQueues(sqs, `t${meshSeq}`, REGIONS, { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
  const link = queues.get('r-a', 'r-b');
  if (link === undefined) throw new Error('no link queue');
  return link;
}

async function send(url: string, body: string): Promise<string> {
  const res = await sqs.send(
    new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageAttributes: { origin: { DataType: 'String', StringValue: 'r-a' } } }),
  );
  return res.MessageId ?? '';
}

async function depth(url: string): Promise<{ visible: number; inFlight: number }> {
  const res = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return {
    visible: Number(res.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

function poller(link: LinkQueues, handler: SqsBatchHandler, enabled = true): SqsPoller {
  return new SqsPoller({ client: sqs, queueUrl: link.url, queueArn: link.arn, region: 'r-b', handler, waitTimeSeconds: 0, idleDelayMs: 20, enabled });
}

describe('SqsPoller (SQS event source mapping)', () => {
  it('delivers an SQSEvent shaped like Lambda’s and deletes what succeeded', async () => {
    // Prepare
    const link = await freshLink();
    const events: SQSEvent[] = [];
    const p = poller(link, async (e) => {
      events.push(e);
    });
    await send(link.url, '{"n":1}');

    // Act
    p.start();
    await until('a delivery', () => events.length > 0);
    await p.stop();

    // Assess
    const record = events[0]?.Records[0];
    expect(record).toMatchObject({
      body: '{"n":1}',
      eventSource: 'aws:sqs',
      eventSourceARN: link.arn,
      awsRegion: 'r-b',
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: { origin: { stringValue: 'r-a', dataType: 'String' } },
    });
    expect(record?.messageId).toMatch(/.+/);
    expect(record?.receiptHandle).toMatch(/.+/);
    await until('the queue to be empty', async () => (await depth(link.url)).inFlight === 0);
    expect(await depth(link.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('keeps only the messages named in batchItemFailures; they come back after the visibility timeout', async () => {
    // Prepare
    const link = await freshLink();
    const bad = await send(link.url, 'bad');
    await send(link.url, 'good-1');
    await send(link.url, 'good-2');
    const seen: Array<{ body: string; count: string; at: number }> = [];
    const p = poller(link, async (e): Promise<SQSBatchResponse> => {
      for (const r of e.Records) seen.push({ body: r.body, count: r.attributes.ApproximateReceiveCount, at: Date.now() });
      const failing = e.Records.filter((r) => r.body === 'bad' && r.attributes.ApproximateReceiveCount === '1');
      return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
    });

    // Act
    p.start();
    await until('the retry of the failed message', () => seen.filter((s) => s.body === 'bad').length === 2);
    await p.stop();

    // Assess
    const bads = seen.filter((s) => s.body === 'bad');
    expect(bads.map((s) => s.count)).toEqual(['1', '2']);
    expect((bads[1]?.at ?? 0) - (bads[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(seen.filter((s) => s.body.startsWith('good')).map((s) => s.count)).toEqual(['1', '1']);
    expect(bad).not.toBe('');
    await until('the queue to be empty', async () => (await depth(link.url)).inFlight === 0);
  });

  it('gathers a batch above 10 from several receives, and deletes all of it but the failures', async () => {
    // Prepare: 25 queued messages, a batch size of 100 (ingest's), one of them failing once.
    const link = await freshLink();
    for (let i = 0; i < 25; i++) await send(link.url, `m-${i}`);
    const batches: string[][] = [];
    const p = new SqsPoller({
      client: sqs, queueUrl: link.url, queueArn: link.arn, region: 'r-b', waitTimeSeconds: 0, idleDelayMs: 20, batchSize: 100,
      handler: async (e): Promise<SQSBatchResponse> => {
        batches.push(e.Records.map((r) => r.body));
        const failing = e.Records.filter((r) => r.body === 'm-7' && r.attributes.ApproximateReceiveCount === '1');
        return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });

    // Act
    await p.pollOnce();

    // Assess: one invocation with all 25; the 24 that succeeded are gone, the failure waits.
    expect(batches).toHaveLength(1);
    expect(new Set(batches[0])).toEqual(new Set(Array.from({ length: 25 }, (_, i) => `m-${i}`)));
    expect(p.stats).toMatchObject({ batches: 1, received: 25, deleted: 24, failed: 1 });
    await p.stop();
    const left: string[] = [];
    await until('the failed message back after its visibility timeout', async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: link.url, MaxNumberOfMessages: 10 }));
      left.push(...(r.Messages ?? []).map((m) => m.Body ?? ''));
      return left.length > 0;
    });
    expect(left).toEqual(['m-7']);
  });

  it('moves a message that keeps failing to the DLQ after maxReceiveCount receives', async () => {
    // Prepare
    const link = await freshLink();
    await send(link.url, 'poison');
    let receives = 0;
    const p = poller(link, async (e) => {
      receives += e.Records.length;
      return { batchItemFailures: e.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    });

    // Act
    p.start();
    await until('the DLQ to hold it', async () => (await depth(link.dlqUrl)).visible === 1);
    await p.stop();

    // Assess
    expect(receives).toBe(2);
    expect(await depth(link.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('fails the whole batch when the handler throws or names an unknown message', async () => {
    // Prepare
    const link = await freshLink();
    await send(link.url, 'x');
    await send(link.url, 'y');
    let calls = 0;
    const p = poller(link, async (): Promise<SQSBatchResponse> => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      return { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] };
    });

    // Act
    p.start();
    await until('both messages in the DLQ', async () => (await depth(link.dlqUrl)).visible === 2);
    await p.stop();

    // Assess: two receives each (maxReceiveCount 2), nothing deleted, so the DLQ got both
    expect(calls).toBe(2);
    expect(p.stats.deleted).toBe(0);
  });

  it('holds messages while disabled and drains them when enabled', async () => {
    // Prepare
    const link = await freshLink();
    const bodies: string[] = [];
    const p = poller(link, async (e) => {
      for (const r of e.Records) bodies.push(r.body);
    });
    p.start();
    await p.disable();

    // Act
    for (let i = 0; i < 15; i += 1) await send(link.url, `m${i}`);
    await new Promise((r) => setTimeout(r, 300));
    const whileDisabled = [...bodies];
    const held = await depth(link.url);
    p.enable();
    await until('every message', () => bodies.length === 15);
    await p.stop();

    // Assess
    expect(whileDisabled).toEqual([]);
    expect(held.visible).toBe(15);
    expect(new Set(bodies).size).toBe(15);
  });
});
