/**
 * Link lag end to end in a real two-region local mesh (DynamoDB Local from the global setup, the
 * real handlers): a write in A reaches B through the link queue and B's ingest, and B's
 * `GET /status` reports the link's lag. B's wall clock runs 10 s ahead of A's, so the lag it
 * reports includes those 10 s of skew, as documented. A cut link is a partition for repair too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMesh, type Mesh } from '../../../local/cloud.ts';
import { until } from '../../../shared/util/until.ts';
import { call } from '../../support/mesh-http.ts';
import { meshTestOptions } from '../../support/mesh-test-options.ts';

const [A, B] = ['us-east-1', 'eu-west-1'] as const;
const SKEW_MS = 10_000;
/** Delivery bound on a shared two-core machine (idle and warm, a hop takes well under 100 ms). */
const LAG_BOUND_MS = 5_000;

let mesh: Mesh;
const url: Record<string, string> = {};

interface LagView {
  readonly lastMs: number;
  readonly at: number;
  readonly originAt: number;
  readonly events: number;
}

async function lagOf(region: string, from: string): Promise<LagView | undefined> {
  const status = await call(url[region] ?? '', 'GET', '/status');
  const links = status.body.links as Array<{ from: string; to: string; lag?: LagView }>;
  return links.find((l) => l.from === from && l.to === region)?.lag;
}

beforeAll(async () => {
  mesh = await startMesh({
    ...meshTestOptions(),
    regions: [A, B],
    basePort: 0,
    meshName: `lagmesh${Date.now().toString(36)}`,
    pollIntervalMs: 50,
    handlerLogLevel: 'SILENT',
    repairIntervalMs: 0,
    clock: (region) => (region === B ? { now: () => Date.now() + SKEW_MS } : { now: () => Date.now() }),
  });
  for (const r of mesh.regions) url[r.region] = r.url;
});

afterAll(async () => {
  await mesh?.stop();
});

describe('local mesh: link lag in GET /status', () => {
  it('reports the lag of the link into the region, clock skew included, and only there', async () => {
    // Prepare
    expect(await lagOf(B, A)).toBeUndefined();
    // Act
    const put = await call(url[A] ?? '', 'PUT', '/kv/lag-probe', { value: 1 });
    await until('the write in B', async () => (await call(url[B] ?? '', 'GET', '/kv/lag-probe')).status === 200, 30_000);
    // Ingest records the delivery once the whole batch is stored, a moment after the event is readable.
    await until('the lag in B', async () => (await lagOf(B, A)) !== undefined, 5_000);
    const lag = await lagOf(B, A);
    // Assess: B's clock is SKEW_MS ahead of the stamp A put on the event
    expect(put.status).toBe(201);
    const originAt = Number((put.body.event.hlc as string).split('-')[0]);
    expect(lag).toMatchObject({ originAt, events: 1 });
    expect(lag?.lastMs).toBe((lag?.at ?? 0) - originAt);
    expect(lag?.lastMs).toBeGreaterThanOrEqual(SKEW_MS);
    expect(lag?.lastMs).toBeLessThan(SKEW_MS + LAG_BOUND_MS);
    // The link B -> A delivered nothing, and A does not report links into B.
    expect(await lagOf(A, B)).toBeUndefined();
  });

  it('repairs nothing over a cut link, and the lag record stays where it was', async () => {
    // Prepare: cut A -> B, then write in A
    const before = await lagOf(B, A);
    await mesh.links.setLink(A, B, false);
    const put = await call(url[A] ?? '', 'PUT', '/kv/cut-probe', { value: 2 });
    // Act
    const reports = await mesh.repair(B);
    // Assess
    expect(put.status).toBe(201);
    expect(reports[B]?.[A]).toEqual({ skipped: 'link-disabled' });
    expect((await call(url[B] ?? '', 'GET', '/kv/cut-probe')).status).toBe(404);
    expect(await lagOf(B, A)).toEqual(before);
    // Heal: the waiting message is delivered and the link's record moves on.
    await mesh.links.setLink(A, B, true);
    await until('the lag record to move on', async () => ((await lagOf(B, A))?.events ?? 0) > (before?.events ?? 0), 30_000);
  });
});
