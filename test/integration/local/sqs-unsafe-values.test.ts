/**
 * Finding 6 of issue 8: a value SQS could not carry raw (U+FFFF, U+FFFE) is accepted and reaches
 * every region, through a local SQS that refuses what real SQS refuses, and the replicator never
 * gives up on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMesh, type Mesh } from '../../../local/cloud.ts';
import { until } from '../../../shared/util/until.ts';
import { call } from '../../support/mesh-http.ts';
import { meshTestOptions } from '../../support/mesh-test-options.ts';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
let mesh: Mesh;

beforeAll(async () => {
  mesh = await startMesh({
    ...meshTestOptions(),
    regions: [...REGIONS],
    basePort: 0,
    meshName: `itsqschars${Date.now().toString(36)}`,
    pollIntervalMs: 50,
    handlerLogLevel: 'SILENT',
    // Repair would hide a replication failure: only the queues may carry the event here.
    repairIntervalMs: 0,
    // A refused send is retried twice, then given up: enough to see it, quick to fail.
    maximumRetryAttempts: 2,
  });
});

afterAll(async () => {
  await mesh?.stop();
});

describe('values SQS cannot carry raw', () => {
  it('a value with U+FFFF and U+FFFE replicates to every region, identical', async () => {
    // Prepare
    const [origin, ...others] = mesh.regions;
    const value = { text: 'before\uffffafter', list: ['\ufffe', 'x\uffff\uffff'] };

    // Act
    const put = await call(origin?.url ?? '', 'PUT', '/kv/unsafe-chars', { value });
    const waited = await until(
      'the value in every region',
      async () => (await Promise.all(others.map((r) => call(r.url, 'GET', '/kv/unsafe-chars')))).every((g) => g.status === 200),
      30_000,
    );

    // Assess
    expect(put.status).toBe(201);
    for (const r of mesh.regions) {
      const got = await call(r.url, 'GET', '/kv/unsafe-chars');
      expect(got.body).toMatchObject({ value, winner: { id: put.body.event.id } });
    }
    expect(mesh.counters().replicatorGaveUp).toBe(0);
    console.log(`U+FFFF value in every region after ${waited} ms`);
  });
});
