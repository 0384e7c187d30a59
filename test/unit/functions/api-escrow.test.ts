/**
 * Escrow accounts through the api handler, on the memory store: create (the mode fixed by the
 * first event), deposit, withdraw against this region's rights (409 with the figures, a rights
 * request stored, never the withdrawal), transfer, rights per region, the statement, the
 * rebalancing history, the listing of both modes, and the mode rule's refusals. The same routes
 * keep serving plain accounts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeApiHandler } from '../../../functions/api.ts';
import { MemoryEventStore } from '../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../shared/adapters/memory-link-control.ts';
import { RegionService } from '../../../shared/app/region-service.ts';
import type { MeshEvent } from '../../../shared/domain/types.ts';
import { escrowStream } from '../../../shared/ports/stream.ts';
import { BASE_WALL, ManualClock, escrowDeposit, escrowOpen } from '../../support/factories.ts';
import { allEventsOf } from '../../support/store-reads.ts';
import { apiRequest } from '../../support/api-request.ts';

const REGION = 'eu-west-1';
const PEERS = ['us-east-1', 'ap-southeast-2'];
const peer = { type: 'peer', peer: 'us-east-1' } as const;
const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

function setup() {
  const clock = new ManualClock(BASE_WALL);
  const store = new MemoryEventStore({ region: REGION, clock });
  const links = new MemoryLinkControl([REGION, ...PEERS]);
  const service = new RegionService({ region: REGION, peers: PEERS, store, links, clock });
  const api = makeApiHandler({ service }, { logger: silent });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = (await api(apiRequest(method, path, body))) as APIGatewayProxyStructuredResultV2;
    return { status: res.statusCode, body: JSON.parse(String(res.body)) as Record<string, unknown> };
  };
  /** The kinds of the escrow account's events, sorted. */
  const kinds = async (account: string) => (await allEventsOf(store, escrowStream(account))).map((x) => x.event.kind).sort();
  return { store, service, links, clock, call, kinds };
}

describe('escrow accounts through the api', () => {
  it('POST /accounts/{id} {"mode":"escrow"} opens the account once: 201, then 200 storing nothing', async () => {
    // Prepare
    const { call, store } = setup();

    // Act
    const first = await call('POST', '/accounts/alice', { mode: 'escrow' });
    const count = await store.count();
    const again = await call('POST', '/accounts/alice', { mode: 'escrow' });

    // Assess
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: true, event: { kind: 'escrow-open', key: 'alice', origin: REGION }, region: REGION });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, account: { account: 'alice', mode: 'escrow', opened: true, balance: 0 } });
    expect(await store.count()).toBe(count);
  });

  it('GET /accounts/{id} shows the mode and every region\'s rights; deposits add to this region\'s', async () => {
    // Prepare
    const { call, service } = setup();
    await call('POST', '/accounts/alice', { mode: 'escrow' });
    await service.ingest(escrowDeposit('alice', 40, { origin: 'us-east-1', wall: BASE_WALL - 1000 }), peer);

    // Act
    const dep = await call('POST', '/accounts/alice/deposit', { amount: 100 });
    const acct = await call('GET', '/accounts/alice');

    // Assess
    expect(dep.status).toBe(201);
    expect(dep.body['event']).toMatchObject({ kind: 'escrow-deposit', payload: 100 });
    expect(acct.status).toBe(200);
    expect(acct.body).toMatchObject({
      account: 'alice',
      mode: 'escrow',
      modes: ['escrow'],
      balance: 140,
      rights: { 'ap-southeast-2': 0, 'eu-west-1': 100, 'us-east-1': 40 },
      spendable: 100,
      bouncedCount: 0,
      region: REGION,
    });
    expect((acct.body['regions'] as { region: string }[]).map((r) => r.region)).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
  });

  it('a withdrawal past this region\'s rights is a 409 with its rights, the balance and who holds the rest; it stores a rights request, not the withdrawal', async () => {
    // Prepare: 30 rights here, 70 in us-east-1.
    const { call, service, kinds } = setup();
    await call('POST', '/accounts/alice', { mode: 'escrow' });
    await call('POST', '/accounts/alice/deposit', { amount: 30 });
    await service.ingest(escrowDeposit('alice', 70, { origin: 'us-east-1', wall: BASE_WALL - 1000 }), peer);

    // Act
    const refused = await call('POST', '/accounts/alice/withdraw', { amount: 31 });
    const ok = await call('POST', '/accounts/alice/withdraw', { amount: 30 });

    // Assess
    expect(refused.status).toBe(409);
    const error = refused.body['error'] as { code: string; message: string; details: Record<string, unknown> };
    expect(error.code).toBe('insufficient-rights');
    expect(error.message).toMatch(/eu-west-1 holds rights to 30 of this escrow account's balance of 100 and cannot cover 31/);
    expect(error.message).toMatch(/held by other regions \(us-east-1: 70\)/);
    expect(error.details).toEqual({ region: REGION, amount: 31, rights: 30, balance: 100, elsewhere: 70, holders: { 'us-east-1': 70 }, requested: expect.any(Number) });
    expect(error.details['requested'] as number).toBeGreaterThanOrEqual(31);
    expect(ok.status).toBe(201);
    expect(await kinds('alice')).toEqual(['escrow-deposit', 'escrow-deposit', 'escrow-open', 'escrow-request', 'escrow-withdraw']);
    const history = await call('GET', '/accounts/alice/rebalancing');
    expect(history.body).toMatchObject({ account: 'alice', entries: [{ kind: 'request', from: REGION, outcome: 'applied' }] });
    expect((await call('GET', '/accounts/alice')).body).toMatchObject({ balance: 70, rights: { 'eu-west-1': 0, 'us-east-1': 70 } });
  });

  it('POST /accounts/{id}/transfer moves rights to a peer, and the rebalancing history lists it', async () => {
    // Prepare
    const { call } = setup();
    await call('POST', '/accounts/alice', { mode: 'escrow' });
    await call('POST', '/accounts/alice/deposit', { amount: 100 });

    // Act
    const t = await call('POST', '/accounts/alice/transfer', { to: 'us-east-1', amount: 60 });
    const over = await call('POST', '/accounts/alice/transfer', { to: 'us-east-1', amount: 41 });

    // Assess
    expect(t.status).toBe(201);
    expect(t.body['event']).toMatchObject({ kind: 'escrow-transfer', payload: { to: 'us-east-1', amount: 60 } });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ error: { code: 'insufficient-rights', details: { rights: 40, amount: 41 } } });
    expect((await call('GET', '/accounts/alice')).body).toMatchObject({ balance: 100, transferred: 60, rights: { 'eu-west-1': 40, 'us-east-1': 60 } });
    const history = await call('GET', '/accounts/alice/rebalancing');
    expect(history.body['entries']).toMatchObject([{ kind: 'transfer', from: REGION, to: 'us-east-1', amount: 60, outcome: 'applied' }]);
  });

  it('GET /accounts/{id}/history is the escrow statement, a page at a time', async () => {
    // Prepare
    const { call, clock } = setup();
    await call('POST', '/accounts/alice', { mode: 'escrow' });
    for (const amount of [10, 20, 30]) {
      clock.advance(5);
      await call('POST', '/accounts/alice/deposit', { amount });
    }
    await call('POST', '/accounts/alice/transfer', { to: 'us-east-1', amount: 15 });

    // Act
    const p1 = await call('GET', '/accounts/alice/history?limit=3');
    const p2 = await call('GET', `/accounts/alice/history?limit=3&cursor=${String(p1.body['next'])}`);

    // Assess
    type Line = { event: MeshEvent; outcome: string; balanceAfter: number; rightsAfter: Record<string, number> };
    const lines = [...(p1.body['events'] as Line[]), ...(p2.body['events'] as Line[])];
    expect(p1.body).toMatchObject({ account: 'alice', mode: 'escrow', balance: 60 });
    expect(p2.body['next']).toBeUndefined();
    expect(lines.map((l) => [l.event.kind, l.outcome, l.balanceAfter])).toEqual([
      ['escrow-open', 'applied', 0],
      ['escrow-deposit', 'applied', 10],
      ['escrow-deposit', 'applied', 30],
      ['escrow-deposit', 'applied', 60],
      ['escrow-transfer', 'applied', 60],
    ]);
    expect(lines.at(-1)?.rightsAfter).toEqual({ 'eu-west-1': 45, 'us-east-1': 15 });
  });

  it('the same routes keep serving plain accounts, and the mode never changes after the first event', async () => {
    // Prepare
    const { call, store } = setup();
    await call('POST', '/accounts/bob/deposit', { amount: 50 });
    await call('POST', '/accounts/alice', { mode: 'escrow' });
    const count = await store.count();

    // Act
    const plain = await call('GET', '/accounts/bob');
    const createPlain = await call('POST', '/accounts/bob', { mode: 'plain' });
    const toEscrow = await call('POST', '/accounts/bob', { mode: 'escrow' });
    const escrowDep = await call('POST', '/accounts/bob/deposit', { amount: 5, mode: 'escrow' });
    const transferPlain = await call('POST', '/accounts/bob/transfer', { to: 'us-east-1', amount: 5 });
    const plainOnEscrow = await call('POST', '/accounts/alice/deposit', { amount: 5, mode: 'plain' });
    const rebalancingPlain = await call('GET', '/accounts/bob/rebalancing');

    // Assess
    expect(plain.body).toMatchObject({ account: 'bob', mode: 'plain', modes: ['plain'], balance: 50 });
    expect(createPlain.status).toBe(200);
    expect(createPlain.body).toMatchObject({ created: false, account: { mode: 'plain', balance: 50 } });
    for (const r of [toEscrow, escrowDep, transferPlain, plainOnEscrow, rebalancingPlain]) {
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ error: { code: 'mode-mismatch' } });
    }
    expect(await store.count()).toBe(count);
  });

  it('both modes of one id (created concurrently): an unnamed deposit is a 409 mode-conflict, a named one goes through', async () => {
    // Prepare: a plain deposit here, an escrow account of the same id opened by a peer.
    const { call, service, store } = setup();
    await call('POST', '/accounts/carol/deposit', { amount: 10 });
    await service.ingest(escrowOpen('carol', { origin: 'us-east-1', wall: BASE_WALL - 1000 }), peer);
    const count = await store.count();

    // Act
    const unnamed = await call('POST', '/accounts/carol/deposit', { amount: 5 });
    const view = await call('GET', '/accounts/carol');
    const escrowView = await call('GET', '/accounts/carol?mode=escrow');
    const named = await call('POST', '/accounts/carol/deposit', { amount: 5, mode: 'escrow' });

    // Assess
    expect(unnamed.status).toBe(409);
    expect(unnamed.body).toMatchObject({ error: { code: 'mode-conflict' } });
    expect(await store.count()).toBe(count + 1);
    expect(view.body).toMatchObject({ mode: 'plain', modes: ['escrow', 'plain'], balance: 10 });
    expect(escrowView.body).toMatchObject({ mode: 'escrow', modes: ['escrow', 'plain'], balance: 0 });
    expect(named.status).toBe(201);
    expect(named.body['event']).toMatchObject({ kind: 'escrow-deposit' });
  });

  it('GET /accounts lists the plain accounts, then the escrow ones, one cursor across both', async () => {
    // Prepare
    const { call } = setup();
    await call('POST', '/accounts/p1/deposit', { amount: 1 });
    await call('POST', '/accounts/p2/deposit', { amount: 2 });
    await call('POST', '/accounts/e1', { mode: 'escrow' });
    await call('POST', '/accounts/e1/deposit', { amount: 3 });
    await call('POST', '/accounts/e2', { mode: 'escrow' });

    // Act
    const pages: Record<string, unknown>[] = [];
    let next: unknown;
    do {
      const res = await call('GET', `/accounts?limit=2${next === undefined ? '' : `&cursor=${String(next)}`}`);
      expect(res.status).toBe(200);
      pages.push(res.body);
      next = res.body['next'];
    } while (next !== undefined && pages.length < 10);
    const onlyEscrow = await call('GET', '/accounts?mode=escrow');

    // Assess
    const listed = pages.flatMap((p) => p['accounts'] as { account: string; mode: string; balance: number }[]);
    expect(listed.map((a) => [a.account, a.mode, a.balance])).toEqual([
      ['p1', 'plain', 1],
      ['p2', 'plain', 2],
      ['e1', 'escrow', 3],
      ['e2', 'escrow', 0],
    ]);
    expect((onlyEscrow.body['accounts'] as { account: string; rights: unknown }[])).toEqual([
      expect.objectContaining({ account: 'e1', rights: { 'eu-west-1': 3 } }),
      expect.objectContaining({ account: 'e2', rights: {} }),
    ]);
  });

  it('the rebalancer tick spreads the rights of a region that does not spend them over the reachable peers', async () => {
    // Prepare
    const { call, service, links } = setup();
    await call('POST', '/accounts/alice', { mode: 'escrow' });
    await call('POST', '/accounts/alice/deposit', { amount: 90 });
    await links.setLink(REGION, 'ap-southeast-2', false);

    // Act
    const tick = await service.rebalance();

    // Assess: us-east-1 gets its share now; ap-southeast-2's is held back while its link is down.
    expect(tick).toMatchObject({ region: REGION, reachable: ['us-east-1'], accounts: 1, transfers: 1, moved: 30, errors: [], complete: true });
    expect((await call('GET', '/accounts/alice')).body).toMatchObject({ rights: { 'ap-southeast-2': 0, 'eu-west-1': 60, 'us-east-1': 30 } });
    expect((await service.rebalance()).transfers).toBe(0);
  });

  const cases: [string, string, string, unknown, number, string][] = [
    ['a create without mode', 'POST', '/accounts/a', {}, 400, 'bad-request'],
    ['a create with an unknown mode', 'POST', '/accounts/a', { mode: 'gold' }, 400, 'bad-request'],
    ['a create without a body', 'POST', '/accounts/a', undefined, 400, 'bad-request'],
    ['a create with a bad id', 'POST', '/accounts/a%23b', { mode: 'escrow' }, 400, 'invalid-key'],
    ['a deposit with an unknown mode', 'POST', '/accounts/a/deposit', { amount: 5, mode: 'gold' }, 400, 'bad-request'],
    ['an escrow deposit of a fraction', 'POST', '/accounts/a/deposit', { amount: 1.5, mode: 'escrow' }, 400, 'invalid-amount'],
    ['an escrow withdrawal of zero', 'POST', '/accounts/a/withdraw', { amount: 0, mode: 'escrow' }, 400, 'invalid-amount'],
    ['a transfer on an unknown account', 'POST', '/accounts/a/transfer', { to: 'us-east-1', amount: 5 }, 404, 'not-found'],
    ['the rebalancing of an unknown account', 'GET', '/accounts/a/rebalancing', undefined, 404, 'not-found'],
    ['a listing of an unknown mode', 'GET', '/accounts?mode=gold', undefined, 400, 'bad-request'],
    ['a listing with a foreign cursor', 'GET', '/accounts?cursor=abc', undefined, 400, 'invalid-cursor'],
  ];

  it.each(cases)('refuses %s and stores nothing', async (_what, method, path, body, status, code) => {
    const { call, store } = setup();
    const res = await call(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(await store.count()).toBe(0);
  });

  const escrowCases: [string, unknown, number, string][] = [
    ['a transfer to an unknown region', { to: 'mars-1', amount: 5 }, 400, 'invalid-region'],
    ['a transfer to itself', { to: REGION, amount: 5 }, 400, 'invalid-event'],
    ['a transfer without to', { amount: 5 }, 400, 'invalid-event'],
    ['a transfer of a string amount', { to: 'us-east-1', amount: '5' }, 400, 'invalid-amount'],
  ];

  it.each(escrowCases)('refuses %s on an escrow account and stores nothing', async (_what, body, status, code) => {
    const { call, store } = setup();
    await call('POST', '/accounts/alice', { mode: 'escrow' });
    await call('POST', '/accounts/alice/deposit', { amount: 50 });
    const count = await store.count();
    const res = await call('POST', '/accounts/alice/transfer', body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: { code } });
    expect(await store.count()).toBe(count);
  });
});
