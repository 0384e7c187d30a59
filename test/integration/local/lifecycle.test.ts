/**
 * The local cloud's lifecycle on its own (what `npm start` does): it starts DynamoDB Local itself,
 * and stop() — or a failed start — leaves no Java process and no listening port behind. This is
 * about the local processes, so a run against external endpoints (LocalStack, AWS) skips it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../../local/aws-clients.ts';
import { startMesh } from '../../../local/cloud.ts';
import { until } from '../../../shared/util/until.ts';
import { externalEndpoints } from '../../support/mesh-test-options.ts';

/** Skip reason, in the test name so the report says why. */
const EXTERNAL = externalEndpoints();
const WHY = ' (skipped: external endpoints configured; this checks the Java and SQS server a local mesh starts itself)';

/** Java processes that are children of this test process. */
function javaChildren(): string[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    return out.split('\n').filter((l) => l.includes('java')).map((l) => l.trim());
  } catch {
    return []; // ps exits 1 when there are no children at all
  }
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch {
    return true;
  }
}

describe('local cloud lifecycle', () => {
  it.skipIf(EXTERNAL)(`starts its own DynamoDB Local and stops everything, Java included${EXTERNAL ? WHY : ''}`, async () => {
    // Prepare
    const before = javaChildren();

    // Act
    const mesh = await startMesh({ regions: ['lc-a', 'lc-b'], basePort: 0, meshName: `itlife${Date.now().toString(36)}`, handlerLogLevel: 'SILENT' });
    const during = javaChildren();
    const status = await fetch(`${mesh.regions[0]?.url}/status`);
    await mesh.stop();

    // Assess
    expect(status.status).toBe(200);
    expect(during.length).toBe(before.length + 1);
    expect(javaChildren()).toEqual(before);
    for (const url of [mesh.dynamodbEndpoint, mesh.sqsEndpoint, ...mesh.regions.map((r) => r.url)]) expect(await refused(url)).toBe(true);
  }, 120_000);

  it.skipIf(EXTERNAL)(`cleans up after a failed start (a region port already taken)${EXTERNAL ? WHY : ''}`, async () => {
    // Prepare
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const before = javaChildren();

    // Act
    const started = startMesh({ regions: ['lc-c'], basePort: port, meshName: `itfail${Date.now().toString(36)}`, handlerLogLevel: 'SILENT' });

    // Assess
    await expect(started).rejects.toThrow(/EADDRINUSE/);
    expect(javaChildren()).toEqual(before);
    await new Promise<void>((r) => blocker.close(() => r()));
  }, 120_000);

  it.skipIf(EXTERNAL)(`waits for a transaction's COMMIT only when DynamoDB Local keeps its data on disk${EXTERNAL ? WHY : ''}`, async () => {
    // Prepare: which regions' DynamoDB clients got the commit barrier (durable-dynamodb.ts).
    const barriers = async (dataDir: string | undefined): Promise<boolean[]> => {
      const seen: boolean[] = [];
      const mesh = await startMesh({
        regions: ['lc-a', 'lc-b'], basePort: 0, meshName: `itbar${Date.now().toString(36)}`, handlerLogLevel: 'SILENT', repairIntervalMs: 0,
        ...(dataDir === undefined ? {} : { dataDir }),
        instrument: (_region, clients) => seen.push(clients.dynamodb.middlewareStack.identify().some((m) => m.startsWith('awaitTransactionCommit'))),
      });
      try {
        const put = await fetch(`${mesh.regions[0]?.url}/kv/k`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":1}' });
        expect(put.status).toBe(201);
      } finally {
        await mesh.stop();
      }
      return seen;
    };
    const dir = mkdtempSync(join(tmpdir(), 'ecm-barrier-'));

    try {
      // Act
      const inMemory = await barriers(undefined);
      const onDisk = await barriers(dir);

      // Assess: in memory a crash loses every table anyway, so the round trip buys nothing.
      expect(inMemory).toEqual([false, false]);
      expect(onDisk).toEqual([true, true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it.skipIf(EXTERNAL)(`gives each region a DynamoDB Local of its own with dynamodbPerRegion, and replicates between them${EXTERNAL ? WHY : ''}`, async () => {
    // Prepare
    const before = javaChildren();
    const meshName = `itsplit${Date.now().toString(36)}`;
    const dir = mkdtempSync(join(tmpdir(), 'ecm-split-'));
    const start = (): ReturnType<typeof startMesh> =>
      startMesh({ regions: ['lc-a', 'lc-b'], basePort: 0, meshName, handlerLogLevel: 'SILENT', repairIntervalMs: 0, dynamodbPerRegion: true, dataDir: dir });
    const tablesOn = async (endpoint: string): Promise<string[]> => {
      const client = new DynamoDBClient({ endpoint, region: 'lc-a', credentials: LOCAL_CREDENTIALS });
      try {
        return ((await client.send(new ListTablesCommand({}))).TableNames ?? []).filter((t) => t.includes(meshName));
      } finally {
        client.destroy();
      }
    };

    try {
      // Act: a write in lc-a, read in lc-b; then a restart on the same files
      const mesh = await start();
      const during = javaChildren();
      const [a, b] = mesh.regions.map((r) => r.url) as [string, string];
      const endpoints = ['lc-a', 'lc-b'].map((r) => mesh.dynamodbEndpointOf(r));
      const pids = [...mesh.dynamodbLocalPids];
      const tables = await Promise.all(endpoints.map(tablesOn));
      const put = await fetch(`${a}/kv/k`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":"split"}' });
      await until('the write to reach lc-b', async () => (await fetch(`${b}/kv/k`)).status === 200, 30_000);
      await mesh.stop();
      const again = await start();
      const afterRestart = await (await fetch(`${again.regions[1]?.url}/kv/k`)).json() as { value?: unknown };
      await again.stop();

      // Assess: two JVMs, one table on each, the event stored in both, and kept on disk per region
      expect(put.status).toBe(201);
      expect(during.length).toBe(before.length + 2);
      expect(pids).toHaveLength(2);
      for (const pid of pids) expect(during.some((line) => line.startsWith(`${pid} `))).toBe(true);
      expect(new Set(endpoints).size).toBe(2);
      expect(mesh.dynamodbEndpoint).toBe(endpoints[0]);
      expect(tables[0]).toHaveLength(1);
      expect(tables[1]).toHaveLength(1);
      expect(tables[0]?.[0]).toContain('lc-a');
      expect(tables[1]?.[0]).toContain('lc-b');
      expect(afterRestart.value).toBe('split');
      expect(javaChildren()).toEqual(before);
      for (const url of endpoints) expect(await refused(url)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
