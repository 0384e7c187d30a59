/**
 * The region's handlers on real AWS APIs: two regions' tables in DynamoDB (Local by default) and
 * an SQS queue (the in-process local SQS server by default; LocalStack/AWS when an SQS endpoint is
 * given, see test/support/mesh-test-options.ts). An event written through one region's service
 * travels as the replicator sends it, through the queue, into the other region's ingest handler.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Message } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeIngestHandler } from '../../../functions/ingest.ts';
import { makeReplicatorHandler } from '../../../functions/replicator.ts';
import { makeRepairHandler } from '../../../functions/repair.ts';
import { createClients } from '../../../shared/adapters/clients.ts';
import type { RegionClients } from '../../../shared/adapters/clients.ts';
import { eventItem } from '../../../shared/adapters/dynamo-event-store.ts';
import { createEventsTable } from '../../../shared/adapters/dynamo-table.ts';
import { MemoryLinkControl } from '../../../shared/adapters/memory-link-control.ts';
import { createRegionDeps } from '../../../shared/app/wiring.ts';
import type { RegionDeps } from '../../../shared/app/wiring.ts';
import type { RegionConfig } from '../../../shared/config/env.ts';
import { InsufficientFundsError } from '../../../shared/domain/index.ts';
import { startSqsServer } from '../../../local/sqs-server.ts';
import type { SqsServer } from '../../../local/sqs-server.ts';
import { meshTestOptions } from '../../support/mesh-test-options.ts';

const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const US = 'us-east-1';
const EU = 'eu-west-1';
const run = randomUUID().slice(0, 8);

let sqsServer: SqsServer | undefined;
let clients: RegionClients;
let us: RegionDeps;
let eu: RegionDeps;
let queueUrl: string;

function toSqsRecord(m: Message, queueArn: string): SQSRecord {
  const attrs = Object.fromEntries(
    Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, { dataType: v.DataType ?? 'String', stringValue: v.StringValue }]),
  );
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: attrs,
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: EU,
  };
}

async function receiveAll(expected: number): Promise<Message[]> {
  const out: Message[] = [];
  const deadline = Date.now() + 20_000;
  while (out.length < expected && Date.now() < deadline) {
    const { Messages } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
    );
    out.push(...(Messages ?? []));
    // Consumed here, as the event source mapping would after a successful batch: never seen twice.
    for (const m of Messages ?? []) await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
  }
  return out;
}

beforeAll(async () => {
  const ddbEndpoint = inject('dynamodbEndpoint');
  let { sqsEndpoint } = meshTestOptions();
  if (sqsEndpoint === undefined && ddbEndpoint !== '') {
    sqsServer = await startSqsServer();
    sqsEndpoint = sqsServer.endpoint;
  }
  clients = createClients({
    region: US,
    ...(ddbEndpoint === '' ? {} : { dynamodbEndpoint: ddbEndpoint }),
    ...(sqsEndpoint === undefined || sqsEndpoint === '' ? {} : { sqsEndpoint }),
  });
  const q = await clients.sqs.send(new CreateQueueCommand({ QueueName: `ecmesh-test-in-${US}-to-${EU}-${run}` }));
  queueUrl = q.QueueUrl ?? '';
  const config = (region: string, peer: string): RegionConfig => ({
    meshName: 'ecmesh-test',
    region,
    table: `ecmesh-test-events-${region}-${run}`,
    peers: [peer],
    peerQueueUrls: region === US ? { [EU]: queueUrl } : ({} as Record<string, string>),
    inboundQueueUrls: {},
    account: '000000000000',
  });
  us = createRegionDeps(config(US, EU), clients, new MemoryLinkControl([US, EU]));
  eu = createRegionDeps(config(EU, US), clients, new MemoryLinkControl([US, EU]));
  await Promise.all([createEventsTable(clients.dynamodb, us.config.table), createEventsTable(clients.dynamodb, eu.config.table)]);
});

afterAll(async () => {
  for (const t of [us?.config.table, eu?.config.table]) {
    if (t !== undefined) await clients.dynamodb.send(new DeleteTableCommand({ TableName: t })).catch(() => undefined);
  }
  if (queueUrl) await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
  clients?.dynamodb.destroy();
  clients?.sqs.destroy();
  await sqsServer?.stop();
});

describe('replication through the real APIs', () => {
  it('replicates a write: stream record -> replicator -> SQS -> ingest -> the peer table', async () => {
    // Prepare: a write in us-east-1, and the stream record DynamoDB would emit for it.
    const written = await us.service.put('colour', { hue: 'teal' });
    const record = {
      eventName: 'INSERT' as const,
      dynamodb: { SequenceNumber: '1', NewImage: marshall(eventItem(written.event, written.receipt)) as never },
    };
    // Act
    const replicated = await makeReplicatorHandler(us, { logger: silent })({ Records: [record] });
    const messages = await receiveAll(1);
    const ingest = makeIngestHandler(eu, { logger: silent });
    const ingested = await ingest({ Records: messages.map((m) => toSqsRecord(m, `arn:aws:sqs:${EU}:000000000000:q`)) } as SQSEvent);
    // Assess
    expect(replicated).toEqual({ batchItemFailures: [] });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.MessageAttributes?.['sender']?.StringValue).toBe(US);
    expect(ingested).toEqual({ batchItemFailures: [] });
    expect(await eu.service.get('colour')).toMatchObject({ value: { hue: 'teal' }, region: EU });
    expect((await eu.store.get(written.event.id))?.receipt).toMatchObject({ region: EU, via: { type: 'peer', peer: US } });
  });

  it('sends more than one SendMessageBatch worth of events and loses none', async () => {
    const events = await Promise.all(Array.from({ length: 23 }, (_, i) => us.service.put(`bulk-${i}`, i)));
    const { failed } = await us.transport.send(EU, events.map((e) => e.event));
    expect(failed).toEqual([]);
    const messages = await receiveAll(23);
    expect(new Set(messages.map((m) => (JSON.parse(m.Body ?? '{}') as { id: string }).id))).toEqual(new Set(events.map((e) => e.event.id)));
  });

  it('keeps a poison message out of the table and reports it for the DLQ', async () => {
    const ingest = makeIngestHandler(eu, { logger: silent });
    const before = await eu.store.count();
    const res = await ingest({ Records: [toSqsRecord({ MessageId: 'poison', Body: '{"id":"nope"}' }, 'arn:aws:sqs:x:0:q')] });
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison' }] });
    expect(await eu.store.count()).toBe(before);
  });

  it('repair pulls what the peer table has and this one lacks, by digest diff', async () => {
    // Prepare: events written in eu-west-1 that never travelled (a lost message, a new region).
    const written = await Promise.all(Array.from({ length: 12 }, (_, i) => eu.service.put(`lost-${run}-${i}`, i)));
    // Act
    const report = await makeRepairHandler(us, { [EU]: eu.store }, { logger: silent })();
    // Assess
    expect(report[EU]).toMatchObject({ pulled: 12, poison: 0 });
    for (const w of written) {
      expect((await us.store.get(w.event.id))?.receipt.via).toEqual({ type: 'repair', peer: EU });
    }
    const again = await makeRepairHandler(us, { [EU]: eu.store }, { logger: silent })();
    expect(again[EU]).toMatchObject({ pulled: 0 });
  });

  it('lets only one of two concurrent withdrawals through on DynamoDB', async () => {
    const account = `acct-${run}`;
    await us.service.deposit(account, 100);
    const results = await Promise.allSettled([us.service.withdraw(account, 70), us.service.withdraw(account, 70), us.service.withdraw(account, 70)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(InsufficientFundsError);
    expect((await us.service.account(account)).balance).toBe(30);
  });
});
