/**
 * Escrow accounts on a real local mesh of two regions (DynamoDB Local, SQS in process, the real
 * handlers), through their HTTP APIs: during a partition each region spends only its own rights,
 * so after the heal no withdrawal has bounced — while a plain account taking the same withdrawals
 * bounces one. Then the rebalancer (the local scheduler's job) moves rights toward the region that
 * asked for them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMesh, type Mesh } from '../../../local/cloud.ts';
import { until } from '../../../shared/util/until.ts';
import { call } from '../../support/mesh-http.ts';
import { meshTestOptions } from '../../support/mesh-test-options.ts';

const REGIONS = ['us-east-1', 'eu-west-1'] as const;
const [A, B] = REGIONS;
const MESH = `itescrow${Date.now().toString(36)}`;
/** Replication bound: well under a second idle; generous for a shared two-core machine. */
const CONVERGE_MS = 30_000;

let mesh: Mesh;
const url = (r: string): string => mesh.regions.find((x) => x.region === r)?.url ?? '';
const uid = (): string => Math.random().toString(36).slice(2, 10);
const partition = async (cut: boolean) => {
  await mesh.links.setLink(A, B, !cut);
  await mesh.links.setLink(B, A, !cut);
};
/**
 * Both regions give the same answer for the account: version, balance, totals and rights. The
 * version alone is not enough — after a partition each side may hold as many events as the other
 * (its own withdrawal and rights request), not the same ones.
 */
const agree = async (path: string) => {
  const [a, b] = await Promise.all(REGIONS.map((r) => call(url(r), 'GET', path)));
  const seen = (v: Record<string, unknown>) => JSON.stringify([v['version'], v['balance'], v['withdrawn'], v['bouncedCount'], v['rights'] ?? null]);
  return a?.status === 200 && b?.status === 200 && a.body.version > 0 && seen(a.body) === seen(b.body) ? [a.body, b.body] : undefined;
};

beforeAll(async () => {
  mesh = await startMesh({
    ...meshTestOptions(),
    regions: [...REGIONS],
    basePort: 0,
    meshName: MESH,
    pollIntervalMs: 50,
    visibilityTimeoutSeconds: 1,
    handlerLogLevel: 'SILENT',
    repairIntervalMs: 0,
    // The tests tick the rebalancer themselves, so they see each step.
    rebalanceIntervalMs: 0,
  });
}, 120_000);

afterAll(async () => {
  await mesh?.stop();
}, 60_000);

describe('escrow accounts on a local mesh', () => {
  it('under a partition an escrow account\'s withdrawals never bounce; a plain one\'s do', async () => {
    // Prepare: 100 in each account, the escrow one's rights split 50/50 by the rebalancer.
    const escrow = `esc-${uid()}`;
    const plain = `pln-${uid()}`;
    expect((await call(url(A), 'POST', `/accounts/${escrow}`, { mode: 'escrow' })).status).toBe(201);
    expect((await call(url(A), 'POST', `/accounts/${escrow}/deposit`, { amount: 100 })).status).toBe(201);
    expect((await call(url(A), 'POST', `/accounts/${plain}/deposit`, { amount: 100 })).status).toBe(201);
    const tick = await mesh.rebalance(A);
    expect(tick[A]).toMatchObject({ transfers: 1, moved: 50 });
    await until('the rights and the plain deposit in B', async () => {
      const [e, p] = await Promise.all([call(url(B), 'GET', `/accounts/${escrow}`), call(url(B), 'GET', `/accounts/${plain}`)]);
      return e.body.rights?.[B] === 50 && p.body.balance === 100;
    }, CONVERGE_MS);

    // Act: cut both ways; each region is asked for 80, then for what its rights cover.
    await partition(true);
    const plainA = await call(url(A), 'POST', `/accounts/${plain}/withdraw`, { amount: 80 });
    const plainB = await call(url(B), 'POST', `/accounts/${plain}/withdraw`, { amount: 80 });
    const tooMuchA = await call(url(A), 'POST', `/accounts/${escrow}/withdraw`, { amount: 80 });
    const tooMuchB = await call(url(B), 'POST', `/accounts/${escrow}/withdraw`, { amount: 80 });
    const okA = await call(url(A), 'POST', `/accounts/${escrow}/withdraw`, { amount: 50 });
    const okB = await call(url(B), 'POST', `/accounts/${escrow}/withdraw`, { amount: 45 });
    await partition(false);
    await until('the escrow account agrees', async () => (await agree(`/accounts/${escrow}`)) !== undefined, CONVERGE_MS);
    const [ea, eb] = (await agree(`/accounts/${escrow}`)) ?? [];
    await until('the plain account agrees', async () => (await agree(`/accounts/${plain}`)) !== undefined, CONVERGE_MS);
    const [pa, pb] = (await agree(`/accounts/${plain}`)) ?? [];
    const statement = await call(url(B), 'GET', `/accounts/${escrow}/history`);

    // Assess: plain said yes twice and the merge took one back; escrow refused what its share
    // could not cover, and every yes stands.
    expect([plainA.status, plainB.status]).toEqual([201, 201]);
    expect(pa).toMatchObject({ balance: 20, bouncedCount: 1 });
    expect(pb).toMatchObject({ balance: 20, bouncedCount: 1 });
    expect(pa.reversed).toHaveLength(1);
    expect([tooMuchA.status, tooMuchB.status]).toEqual([409, 409]);
    expect(tooMuchA.body.error).toMatchObject({ code: 'insufficient-rights', details: { region: A, rights: 50, balance: 100, elsewhere: 50 } });
    expect(tooMuchA.body.error.message).toMatch(/held by other regions/);
    expect([okA.status, okB.status]).toEqual([201, 201]);
    for (const view of [ea, eb]) {
      expect(view).toMatchObject({ mode: 'escrow', balance: 5, withdrawn: 95, bouncedCount: 0, rights: { [A]: 0, [B]: 5 } });
    }
    expect(statement.body.events.every((l: { outcome: string }) => l.outcome === 'applied')).toBe(true);
  }, 180_000);

  it('a refused withdrawal asks for rights; the peer\'s rebalancer tick sends them, and the withdrawal then passes', async () => {
    // Prepare: all 90 rights in A; B spends.
    const account = `reb-${uid()}`;
    await call(url(A), 'POST', `/accounts/${account}`, { mode: 'escrow' });
    await call(url(A), 'POST', `/accounts/${account}/deposit`, { amount: 90 });
    await until('the account in B', async () => (await call(url(B), 'GET', `/accounts/${account}`)).body.balance === 90, CONVERGE_MS);

    // Act
    const refused = await call(url(B), 'POST', `/accounts/${account}/withdraw`, { amount: 60 });
    await until('the request in A', async () => ((await call(url(A), 'GET', `/accounts/${account}`)).body.wants?.[B] ?? 0) >= 60, CONVERGE_MS);
    const tick = await mesh.rebalance(A);
    await until('the rights in B', async () => ((await call(url(B), 'GET', `/accounts/${account}`)).body.rights?.[B] ?? 0) >= 60, CONVERGE_MS);
    const retried = await call(url(B), 'POST', `/accounts/${account}/withdraw`, { amount: 60 });
    const history = await call(url(B), 'GET', `/accounts/${account}/rebalancing`);

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toMatchObject({ rights: 0, balance: 90, elsewhere: 90, holders: { [A]: 90 } });
    expect(refused.body.error.details.requested).toBeGreaterThanOrEqual(60);
    expect(tick[A]?.transfers).toBeGreaterThanOrEqual(1);
    expect(retried.status).toBe(201);
    const kinds = history.body.entries.map((e: { kind: string; from: string }) => `${e.kind}:${e.from}`);
    expect(kinds).toContain(`request:${B}`);
    expect(kinds).toContain(`transfer:${A}`);
  }, 180_000);
});
