/**
 * The DynamoDB grants of infra/table-access.ts against what the code really sends: each
 * function's paths run on DynamoDB Local through a client that records every command as the IAM
 * actions DynamoDB would authorize (an item of a transaction as its own action, a query or scan
 * on the index it names). Each function must send only what its role is granted — else it would
 * fail with AccessDenied in AWS, which DynamoDB Local never enforces — and must use every grant
 * it holds (least privilege: an unused grant is a stale one).
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeIngestHandler } from '../../../functions/ingest.ts';
import { makeRepairHandler } from '../../../functions/repair.ts';
import { TABLE_ACCESS } from '../../../infra/table-access.ts';
import type { TableAccess } from '../../../infra/table-access.ts';
import { createClients } from '../../../shared/adapters/clients.ts';
import { DynamoEventStore } from '../../../shared/adapters/dynamo-event-store.ts';
import { createEventsTable } from '../../../shared/adapters/dynamo-table.ts';
import { MemoryLinkControl } from '../../../shared/adapters/memory-link-control.ts';
import { createRegionDeps } from '../../../shared/app/wiring.ts';
import type { RegionDeps } from '../../../shared/app/wiring.ts';
import type { RegionConfig } from '../../../shared/config/env.ts';
import { appendOne } from '../../support/store-reads.ts';

const US = 'us-east-1';
const EU = 'eu-west-1';
const run = randomUUID().slice(0, 8);
const TABLES: Readonly<Record<string, string>> = { [US]: `ecmesh-grants-${US}-${run}`, [EU]: `ecmesh-grants-${EU}-${run}` };
const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/** One authorized action: `GetItem` on `table`, `Query` on `table/index/byId`, … (the table by role: here or peer). */
type Use = `${string} ${string}`;

type Item = Record<string, unknown>;

/** The IAM actions DynamoDB authorizes for one SDK command (low-level or document client). */
function iamUses(command: string, input: Item, tableRole: (name: string) => string): Use[] {
  const on = (action: string, table: unknown, index?: unknown): Use =>
    `${action} ${tableRole(String(table))}${index === undefined ? '' : `/index/${String(index)}`}`;
  const name = command.replace(/Command$/, '');
  switch (name) {
    case 'Get': case 'GetItem': return [on('GetItem', input['TableName'])];
    case 'Put': case 'PutItem': return [on('PutItem', input['TableName'])];
    case 'Update': case 'UpdateItem': return [on('UpdateItem', input['TableName'])];
    case 'Delete': case 'DeleteItem': return [on('DeleteItem', input['TableName'])];
    case 'Query': return [on('Query', input['TableName'], input['IndexName'])];
    case 'Scan': return [on('Scan', input['TableName'], input['IndexName'])];
    case 'BatchGet': case 'BatchGetItem': return Object.keys(input['RequestItems'] as Item).map((t) => on('BatchGetItem', t));
    case 'BatchWrite': case 'BatchWriteItem': return Object.keys(input['RequestItems'] as Item).map((t) => on('BatchWriteItem', t));
    case 'TransactGet': case 'TransactGetItems':
      return (input['TransactItems'] as Array<{ Get: Item }>).map((i) => on('GetItem', i.Get['TableName']));
    case 'TransactWrite': case 'TransactWriteItems':
      return (input['TransactItems'] as Item[]).map((i) => {
        const [kind, op] = Object.entries(i)[0] as [string, Item];
        const action = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' }[kind] ?? kind;
        return on(action, op['TableName']);
      });
    default: return [on(name, input['TableName'])];
  }
}

/** A DynamoDB client of region `region` that records every action it sends into `uses`. */
function recordingClient(endpoint: string, uses: Set<Use>, here: string): DynamoDBClient {
  const { dynamodb } = createClients({ region: here, ...(endpoint === '' ? {} : { dynamodbEndpoint: endpoint }) });
  const tableRole = (name: string) => (name === TABLES[here] ? 'table' : `peer:${name}`);
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      for (const u of iamUses(String(context.commandName), args.input as Item, tableRole)) uses.add(u);
      return next(args);
    },
    { step: 'initialize', name: 'recordIamActions' },
  );
  return dynamodb;
}

/** The grants of one TableAccess entry in the same notation. */
function granted(access: TableAccess, table = 'table'): Set<Use> {
  return new Set<Use>([
    ...access.table.map((a): Use => `${a} ${table}`),
    ...Object.entries(access.indexes).flatMap(([index, actions]) => (actions ?? []).map((a): Use => `${a} ${table}/index/${index}`)),
  ]);
}

const config = (region: string, peer: string): RegionConfig => ({
  meshName: 'ecmesh-grants',
  region,
  table: TABLES[region]!,
  peers: [peer],
  peerQueueUrls: {},
  inboundQueueUrls: {},
  account: '000000000000',
});

let endpoint: string;
const clients: DynamoDBClient[] = [];
/** Region EU, unrecorded: it writes the events that reach US as deliveries and through repair. */
let eu: RegionDeps;
/** Region US, unrecorded: what the test itself reads or plants there is no function's use. */
let us: RegionDeps;

function depsOf(uses: Set<Use>): RegionDeps {
  const dynamodb = recordingClient(endpoint, uses, US);
  clients.push(dynamodb);
  const { sqs } = createClients({ region: US, endpoint: 'http://127.0.0.1:9' });
  return createRegionDeps(config(US, EU), { dynamodb, sqs }, new MemoryLinkControl([US, EU]));
}

beforeAll(async () => {
  endpoint = inject('dynamodbEndpoint');
  const setup = createClients({ region: US, ...(endpoint === '' ? {} : { dynamodbEndpoint: endpoint }) });
  clients.push(setup.dynamodb);
  await Promise.all(Object.values(TABLES).map((t) => createEventsTable(setup.dynamodb, t)));
  eu = createRegionDeps(config(EU, US), setup, new MemoryLinkControl([US, EU]));
  us = createRegionDeps(config(US, EU), setup, new MemoryLinkControl([US, EU]));
});

afterAll(async () => {
  const [setup] = clients;
  for (const t of Object.values(TABLES)) await setup?.send(new DeleteTableCommand({ TableName: t })).catch(() => undefined);
  for (const c of clients) c.destroy();
});

/** An SQS batch as the ingest mapping delivers it from EU's queue into US. */
function delivery(events: readonly unknown[]): SQSEvent {
  return {
    Records: events.map((e, i) => ({
      messageId: `m${i}`, receiptHandle: `r${i}`, body: JSON.stringify(e), md5OfBody: '',
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: { sender: { dataType: 'String', stringValue: EU } },
      eventSource: 'aws:sqs', eventSourceARN: `arn:aws:sqs:${US}:000000000000:ecmesh-grants-in-${EU}-to-${US}`, awsRegion: US,
    })),
  } as SQSEvent;
}

describe('DynamoDB actions each function sends, against its grants', () => {
  it('api: every data route', async () => {
    // Prepare
    const uses = new Set<Use>();
    const { service } = depsOf(uses);
    // Act: every data route of RegionService, a conflict included (a concurrent write from EU)
    const first = await service.put('colour', 'blue');
    const concurrent = await eu.service.put('colour', 'red');
    await appendOne(eu.store, first.event, { type: 'peer', peer: US }); // EU knows both; US learns EU's below
    await appendOne(us.store, concurrent.event, { type: 'peer', peer: EU });
    await service.get('colour');
    await service.history('colour');
    const conflicts = await service.conflicts();
    await service.resolve('colour', 'purple', (await service.get('colour')).heads.map((h: { id: string }) => h.id));
    await service.delete('colour');
    await service.deposit('alice', 100);
    await service.withdraw('alice', 30);
    await expect(service.withdraw('alice', 1000)).rejects.toThrow();
    await service.account('alice');
    await service.accountHistory('alice');
    await service.event(first.event.id);
    await service.keys({ prefix: 'col' });
    await service.accountList();
    await service.status();
    // Assess
    expect(conflicts.conflicts.map((c: { key: string }) => c.key)).toEqual(['colour']);
    expect([...uses].sort()).toEqual([...granted(TABLE_ACCESS.api)].sort());
  });

  it('ingest: a delivery, a redelivery, and the link\'s delivery record', async () => {
    // Prepare
    const uses = new Set<Use>();
    const deps = depsOf(uses);
    const events = await Promise.all([eu.service.put('ingested-1', 1), eu.service.put('ingested-2', 2)]);
    // Two deposits delivered newest first: the older one lands before the account's snapshot (a replay).
    const d1 = await eu.service.deposit('ingested-acct', 5);
    const d2 = await eu.service.deposit('ingested-acct', 7);
    const ingest = makeIngestHandler(deps, { logger: silent });
    // Act
    const once = await ingest(delivery(events.map((e) => e.event)));
    const again = await ingest(delivery(events.map((e) => e.event)));
    const newer = await ingest(delivery([d2.event]));
    const older = await ingest(delivery([d1.event]));
    // Assess
    expect([once, again, newer, older]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }, { batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect((await us.service.account('ingested-acct')).balance).toBe(12);
    expect([...uses].sort()).toEqual([...granted(TABLE_ACCESS.ingest)].sort());
  });

  it('repair: digests here and at the peer, pulls what is missing', async () => {
    // Prepare
    const uses = new Set<Use>();
    const deps = depsOf(uses);
    const missing = await eu.service.put('repaired', 'from-eu');
    const peerClient = recordingClient(endpoint, uses, US);
    clients.push(peerClient);
    const peer = new DynamoEventStore({ client: peerClient, table: TABLES[EU]!, region: EU });
    // Act
    const report = await makeRepairHandler(deps, { [EU]: peer }, { logger: silent })();
    // Assess
    expect(report[EU]).toMatchObject({ pulled: expect.any(Number) });
    expect((await us.store.get(missing.event.id))?.event.id).toBe(missing.event.id);
    const peerTable = `peer:${TABLES[EU]}`;
    expect([...uses].sort()).toEqual([...granted(TABLE_ACCESS.repair), ...granted(TABLE_ACCESS.repairPeers, peerTable)].sort());
  });
});
