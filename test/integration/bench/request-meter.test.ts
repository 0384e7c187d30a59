/**
 * The benchmarks' instruments on a real two-region local mesh: `startMesh`'s `instrument` hook
 * gives each region's clients to the request meter, whose middleware then sees the write path in
 * the origin, the stream reads, and the delivery and ingest in the peer, with the capacity units
 * DynamoDB Local reports; the handler meter sees the replicator and ingest invocations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandlerMeter } from '../../../bench/handler-meter.ts';
import { RequestMeter, byCommand, diffSnapshots, totalOf } from '../../../bench/request-meter.ts';
import { startMesh, type Mesh } from '../../../local/cloud.ts';
import type { RegionClients } from '../../../local/aws-clients.ts';
import { MeshClient } from '../../../shared/client/mesh-client.ts';
import { meshTestOptions } from '../../support/mesh-test-options.ts';

const [A, B] = ['us-east-1', 'eu-west-1'] as const;

let mesh: Mesh;
const requests = new RequestMeter({ capacity: true });
const handlers = new HandlerMeter();
const instrumented: Array<{ region: string; clients: RegionClients }> = [];

beforeAll(async () => {
  mesh = await startMesh({
    ...meshTestOptions(),
    regions: [A, B],
    basePort: 0,
    meshName: `meter${Date.now().toString(36)}`,
    pollIntervalMs: 50,
    handlerLogLevel: 'SILENT',
    repairIntervalMs: 0,
    instrument: (region, clients) => {
      instrumented.push({ region, clients });
      requests.instrument(region, clients);
    },
    wrap: handlers.wrap,
  });
});

afterAll(async () => {
  await mesh?.stop();
});

describe('the instrument hook of startMesh', () => {
  it('is called once per region with that region’s clients, the ones the mesh then uses', () => {
    // Assess
    expect(instrumented.map((i) => i.region)).toEqual([A, B]);
    expect(instrumented[1]?.clients.sqs).toBe(mesh.sqsClient(B));
  });
});

describe('the request and handler meters on a mesh', () => {
  it('attribute a write to the origin’s DynamoDB, and its delivery and ingest to the peer', async () => {
    // Prepare
    const client = new MeshClient({ baseUrl: mesh.regions[0]?.url ?? '', timeoutMs: 30_000 });
    const before = requests.snapshot();

    // Act
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await client.put('metered', i)).event.id);
    await handlers.waitIngested(ids, [B], 60_000);
    const spent = diffSnapshots(requests.snapshot(), before);

    // Assess: the origin wrote (with the units DynamoDB Local reported) and read its stream.
    const origin = totalOf(spent, { region: A, service: 'dynamodb' });
    expect(origin.requests).toBeGreaterThanOrEqual(3);
    expect(origin.writeUnits).toBeGreaterThanOrEqual(3);
    expect(origin.itemsWritten).toBeGreaterThanOrEqual(3);
    expect(origin.unknownResponseBytes).toBe(0);
    expect(totalOf(spent, { region: A, service: 'streams', command: 'GetRecords' }).entries).toBeGreaterThanOrEqual(3);
    // The peer's queue got the events (sent with the peer's client), its poller received them and its ingest stored them.
    const sqs = byCommand(spent, 'sqs', [B]);
    expect(sqs['SendMessageBatch']?.entries).toBeGreaterThanOrEqual(3);
    expect(sqs['ReceiveMessage']?.entries).toBeGreaterThanOrEqual(3);
    expect(totalOf(spent, { region: B, service: 'dynamodb' }).writeUnits).toBeGreaterThan(0);
    expect(totalOf(spent, { region: A, service: 'sqs', command: 'SendMessageBatch' }).requests).toBe(0);
    expect(handlers.stats(A, 'replicator').records).toBeGreaterThanOrEqual(3);
    expect(handlers.stats(B, 'ingest').records).toBeGreaterThanOrEqual(3);
  });
});
