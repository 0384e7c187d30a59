/**
 * A mesh on endpoints it did not start (what a LocalStack or AWS run does): it uses the given SQS
 * instead of starting its own, replicates through it, stops without touching the servers, and
 * deletes on stop only the tables and queues it created when asked to (`cleanup`). By default the
 * "external" SQS is a local-aws-sqs this test starts; with endpoints in the environment, those.
 */
import { CreateTableCommand, DeleteTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DeleteQueueCommand, GetQueueUrlCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClients, type RegionClients } from '../../../local/aws-clients.ts';
import { startMesh } from '../../../local/cloud.ts';
import { startSqsServer, type SqsServer } from '../../../local/sqs-server.ts';
import { EVENTS_TABLE_DEFINITION } from '../../../shared/adapters/dynamo-table.ts';
import { inboundQueueName, tableName } from '../../../shared/config/naming.ts';
import { until } from '../../../shared/util/until.ts';
import { call } from '../../support/mesh-http.ts';
import { meshTestOptions } from '../../support/mesh-test-options.ts';

const REGIONS = ['us-east-1', 'eu-west-1'] as const;
const [A, B] = REGIONS;
const run = Date.now().toString(36);
let server: SqsServer | undefined;
let dynamodbEndpoint: string;
let sqsEndpoint: string;
const clients = new Map<string, RegionClients>();
const clientOf = (region: string): RegionClients => {
  const c = clients.get(region);
  if (c === undefined) throw new Error(`no clients for ${region}`);
  return c;
};

beforeAll(async () => {
  const given = meshTestOptions();
  if (given.sqsEndpoint === undefined) server = await startSqsServer();
  sqsEndpoint = given.sqsEndpoint ?? server?.endpoint ?? '';
  dynamodbEndpoint = given.dynamodbEndpoint ?? '';
  for (const r of REGIONS) clients.set(r, localClients(r, { dynamodb: dynamodbEndpoint, sqs: sqsEndpoint }));
});

afterAll(async () => {
  for (const c of clients.values()) c.destroy();
  await server?.stop();
});

async function tables(mesh: string): Promise<string[]> {
  const names = await Promise.all(REGIONS.map(async (r) => (await clientOf(r).dynamodb.send(new ListTablesCommand({}))).TableNames ?? []));
  return [...new Set(names.flat())].filter((t) => t.startsWith(`${mesh}-`)).sort();
}

async function queues(mesh: string): Promise<string[]> {
  const urls = await Promise.all(REGIONS.map(async (r) => (await clientOf(r).sqs.send(new ListQueuesCommand({ QueueNamePrefix: mesh }))).QueueUrls ?? []));
  // local-aws-sqs lists every region's queues in every region; LocalStack and AWS one region's.
  return [...new Set(urls.flat())].map((u) => u.split('/').at(-1) ?? '').sort();
}

describe('a mesh on external endpoints', () => {
  it('uses the given SQS, replicates, and with cleanup deletes only what it created', async () => {
    // Prepare: one of the tables is already there (someone else's): cleanup must keep it.
    const mesh = `itext${run}`;
    const kept = tableName(mesh, B);
    await clientOf(B).dynamodb.send(new CreateTableCommand({ ...EVENTS_TABLE_DEFINITION, TableName: kept }));

    // Act
    const m = await startMesh({ dynamodbEndpoint, sqsEndpoint, cleanup: true, regions: [...REGIONS], basePort: 0, meshName: mesh, handlerLogLevel: 'SILENT', pollIntervalMs: 50, repairIntervalMs: 0 });
    const put = await call(m.regions[0]?.url ?? '', 'PUT', '/kv/ext', { value: 'through the given SQS' });
    await until('the write in the other region', async () => (await call(m.regions[1]?.url ?? '', 'GET', '/kv/ext')).status === 200, 30_000);
    const during = { tables: await tables(mesh), queues: await queues(mesh) };
    const queueUrl = (await clientOf(B).sqs.send(new GetQueueUrlCommand({ QueueName: inboundQueueName(mesh, A, B) }))).QueueUrl;
    await m.stop();

    // Assess
    expect(put.status).toBe(201);
    expect(m.sqsEndpoint).toBe(sqsEndpoint);
    expect(m.queue(A, B).url).toBe(queueUrl);
    expect(during.tables).toEqual([tableName(mesh, B), tableName(mesh, A)].sort());
    expect(during.queues).toHaveLength(4);
    await until('the created tables gone', async () => JSON.stringify(await tables(mesh)) === JSON.stringify([kept]), 60_000);
    expect(await queues(mesh)).toEqual([]);
    await clientOf(B).dynamodb.send(new DeleteTableCommand({ TableName: kept }));
    // The given SQS server was not the mesh's to stop.
    if (server !== undefined) expect((await fetch(server.endpoint, { method: 'POST' })).status).toBeLessThan(500);
  });

  it('deletes nothing on stop without cleanup', async () => {
    // Prepare
    const mesh = `itkeep${run}`;

    // Act
    const m = await startMesh({ dynamodbEndpoint, sqsEndpoint, regions: [...REGIONS], basePort: 0, meshName: mesh, handlerLogLevel: 'SILENT', repairIntervalMs: 0 });
    await m.stop();
    const left = { tables: await tables(mesh), queues: await queues(mesh) };
    // Clean up by hand, so that a LocalStack or AWS run leaves nothing behind either.
    await Promise.all(REGIONS.map((r) => clientOf(r).dynamodb.send(new DeleteTableCommand({ TableName: tableName(mesh, r) }))));
    for (const suffix of ['', '-dlq']) {
      for (const [from, to] of [[A, B], [B, A]] as const) {
        const url = (await clientOf(to).sqs.send(new GetQueueUrlCommand({ QueueName: `${inboundQueueName(mesh, from, to)}${suffix}` }))).QueueUrl;
        await clientOf(to).sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      }
    }

    // Assess
    expect(left.tables).toEqual([tableName(mesh, A), tableName(mesh, B)].sort());
    expect(left.queues).toHaveLength(4);
  });
});
