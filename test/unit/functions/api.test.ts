/**
 * The api handler: API Gateway v2 events in, responses out, on the memory store. Every route's
 * success, and every refusal as a 4xx `{"error":{"code","message"}}` that stores nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeApiHandler } from '../../../functions/api.ts';
import { MemoryEventStore } from '../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../shared/adapters/memory-link-control.ts';
import { RegionService } from '../../../shared/app/region-service.ts';
import type { MeshEvent } from '../../../shared/domain/types.ts';
import { BASE_WALL, ManualClock, setEvent } from '../../support/factories.ts';
import { apiRequest } from '../../support/api-request.ts';

const REGION = 'eu-west-1';
const PEERS = ['us-east-1', 'ap-southeast-2'];
const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

function setup() {
  const clock = new ManualClock(BASE_WALL);
  const store = new MemoryEventStore({ region: REGION, clock });
  const service = new RegionService({ region: REGION, peers: PEERS, store, links: new MemoryLinkControl([REGION, ...PEERS]), clock });
  const api = makeApiHandler({ service }, { logger: silent });
  const call = async (method: string, path: string, body?: unknown, extra: Partial<APIGatewayProxyEventV2> = {}) => {
    const res = (await api(apiRequest(method, path, body, extra))) as APIGatewayProxyStructuredResultV2;
    return { status: res.statusCode, headers: res.headers ?? {}, body: JSON.parse(String(res.body)) as Record<string, unknown> };
  };
  return { store, service, call };
}

describe('api routes', () => {
  it('PUT /kv/{key} answers 201 with the event, GET answers the view', async () => {
    const { call } = setup();
    const put = await call('PUT', '/kv/colour', { value: { hue: 'blue' } });
    expect(put.status).toBe(201);
    expect(put.headers['content-type']).toMatch(/application\/json/);
    expect(put.body['event']).toMatchObject({ kind: 'set', key: 'colour', payload: { hue: 'blue' }, origin: REGION });
    const get = await call('GET', '/kv/colour');
    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({ key: 'colour', value: { hue: 'blue' }, deleted: false, conflict: false, region: REGION });
    expect((get.body['winner'] as MeshEvent).id).toBe((put.body['event'] as MeshEvent).id);
    expect(get.body['heads']).toHaveLength(1);
  });

  it('DELETE /kv/{key} answers 201 with a tombstone', async () => {
    const { call } = setup();
    await call('PUT', '/kv/k', { value: 1 });
    const del = await call('DELETE', '/kv/k');
    expect(del.status).toBe(201);
    expect(del.body['event']).toMatchObject({ kind: 'delete', payload: null });
    expect((await call('GET', '/kv/k')).body).toMatchObject({ deleted: true, value: null });
  });

  it('GET /kv/{key}/history answers the events in total order with receipts', async () => {
    const { call } = setup();
    await call('PUT', '/kv/k', { value: 1 });
    await call('PUT', '/kv/k', { value: 2 });
    const h = await call('GET', '/kv/k/history');
    expect(h.status).toBe(200);
    const events = h.body['events'] as Array<{ event: MeshEvent; receipt: { region: string } }>;
    expect(events.map((e) => e.event.payload)).toEqual([1, 2]);
    expect(events[0]?.receipt.region).toBe(REGION);
  });

  it('POST /kv/{key}/resolve answers 201 on the current heads and 409 on stale ones', async () => {
    const { call, service } = setup();
    const a = (await call('PUT', '/kv/k', { value: 'a' })).body['event'] as MeshEvent;
    await service.ingest(setEvent('k', 'remote', { origin: 'us-east-1', wall: BASE_WALL + 5 }), { type: 'peer', peer: 'us-east-1' });
    const view = (await call('GET', '/kv/k')).body;
    expect(view['conflict']).toBe(true);
    expect((await call('GET', '/conflicts')).body).toMatchObject({ region: REGION, conflicts: [{ key: 'k' }] });
    const stale = await call('POST', '/kv/k/resolve', { value: 'x', heads: [a.id] });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: { code: 'stale-heads' } });
    const ok = await call('POST', '/kv/k/resolve', { value: 'x', heads: (view['heads'] as MeshEvent[]).map((h) => h.id) });
    expect(ok.status).toBe(201);
    expect((await call('GET', '/kv/k')).body).toMatchObject({ value: 'x', conflict: false });
  });

  it('accounts: deposit 201, withdraw 201, overdraw 409 storing nothing, GET the balance', async () => {
    const { call, store } = setup();
    expect((await call('POST', '/accounts/alice/deposit', { amount: 100 })).status).toBe(201);
    expect((await call('POST', '/accounts/alice/withdraw', { amount: 30 })).status).toBe(201);
    const before = await store.count();
    const over = await call('POST', '/accounts/alice/withdraw', { amount: 71 });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ error: { code: 'insufficient-funds' } });
    expect(await store.count()).toBe(before);
    const acct = await call('GET', '/accounts/alice');
    expect(acct.status).toBe(200);
    expect(acct.body).toMatchObject({ account: 'alice', balance: 70, bounced: [], reversed: [], region: REGION });
  });

  it('GET /accounts/{id}/history answers the statement; an unknown account an empty one', async () => {
    // Prepare
    const { call } = setup();
    await call('POST', '/accounts/alice/deposit', { amount: 100 });
    await call('POST', '/accounts/alice/withdraw', { amount: 30 });

    // Act
    const h = await call('GET', '/accounts/alice/history');
    const none = await call('GET', '/accounts/nobody/history');

    // Assess
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ account: 'alice', balance: 70, region: REGION });
    const events = h.body['events'] as Array<{ event: MeshEvent; receipt: { region: string }; outcome: string; balanceAfter: number }>;
    expect(events.map((e) => [e.event.kind, e.outcome, e.balanceAfter, e.receipt.region])).toEqual([
      ['deposit', 'applied', 100, REGION],
      ['withdraw', 'applied', 70, REGION],
    ]);
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ account: 'nobody', mode: 'plain', balance: 0, region: REGION, events: [] });
  });

  it('GET /events/{id} answers the event, its receipt and parents; 404 when unknown', async () => {
    const { call } = setup();
    const a = (await call('PUT', '/kv/k', { value: 1 })).body['event'] as MeshEvent;
    const b = (await call('PUT', '/kv/k', { value: 2 })).body['event'] as MeshEvent;
    const got = await call('GET', `/events/${b.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ event: b, receipt: { eventId: b.id, region: REGION }, parents: [a], region: REGION });
    const missing = await call('GET', `/events/${'0'.repeat(64)}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'not-found' } });
  });

  it('GET /status and PUT /admin/links/{from}/{to}', async () => {
    const { call } = setup();
    await call('PUT', '/kv/k', { value: 1 });
    const off = await call('PUT', '/admin/links/us-east-1/eu-west-1', { enabled: false });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ from: 'us-east-1', to: 'eu-west-1', enabled: false });
    const status = await call('GET', '/status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ region: REGION, peers: PEERS, events: 1 });
    expect(status.body['links']).toContainEqual({ from: 'us-east-1', to: 'eu-west-1', enabled: false, sync: 'partitioned' });
    expect((status.body['digest'] as { buckets: number }).buckets).toBe(64);
  });

  it('decodes percent-encoded keys, base64 bodies and a named stage prefix', async () => {
    const { call } = setup();
    const put = await call('PUT', '/prod/kv/a%3Ab', Buffer.from(JSON.stringify({ value: 'v' })).toString('base64'), {
      isBase64Encoded: true,
      requestContext: { ...apiRequest('PUT', '/').requestContext, stage: 'prod' },
    });
    expect(put.status).toBe(201);
    expect((await call('GET', '/kv/a:b')).body).toMatchObject({ key: 'a:b', value: 'v' });
  });
});

describe('api refusals', () => {
  const cases: Array<[string, string, string, unknown, number, string]> = [
    ['malformed JSON', 'PUT', '/kv/k', '{"value":', 400, 'invalid-json'],
    ['a body that is not an object', 'PUT', '/kv/k', '[1,2]', 400, 'bad-request'],
    ['a missing body', 'PUT', '/kv/k', undefined, 400, 'bad-request'],
    ['a missing value', 'PUT', '/kv/k', { nope: 1 }, 400, 'invalid-value'],
    ['an oversized value', 'PUT', '/kv/k', { value: 'x'.repeat(70_000) }, 400, 'value-too-large'],
    ['a body over the size limit', 'PUT', '/kv/k', { value: 'x'.repeat(300_000) }, 413, 'payload-too-large'],
    ['a key with #', 'PUT', '/kv/a%23b', { value: 1 }, 400, 'invalid-key'],
    ['a key too long', 'PUT', `/kv/${'k'.repeat(257)}`, { value: 1 }, 400, 'invalid-key'],
    ['bad percent-encoding', 'PUT', '/kv/%E0%A4%A', { value: 1 }, 400, 'invalid-key'],
    ['a non-integer amount', 'POST', '/accounts/a/deposit', { amount: 1.5 }, 400, 'invalid-amount'],
    ['a zero amount', 'POST', '/accounts/a/deposit', { amount: 0 }, 400, 'invalid-amount'],
    ['a negative amount', 'POST', '/accounts/a/withdraw', { amount: -5 }, 400, 'invalid-amount'],
    ['a string amount', 'POST', '/accounts/a/deposit', { amount: '10' }, 400, 'invalid-amount'],
    ['a missing amount', 'POST', '/accounts/a/deposit', {}, 400, 'invalid-amount'],
    ['a bad account id', 'POST', '/accounts/a%2Fb/deposit', { amount: 1 }, 400, 'invalid-key'],
    ['a bad account id in a statement', 'GET', '/accounts/a%23b/history', undefined, 400, 'invalid-key'],
    ['resolve without heads', 'POST', '/kv/k/resolve', { value: 1 }, 400, 'bad-request'],
    ['a link switch without enabled', 'PUT', '/admin/links/us-east-1/eu-west-1', {}, 400, 'bad-request'],
    ['a link to an unknown region', 'PUT', '/admin/links/us-east-1/mars-1', { enabled: false }, 404, 'not-found'],
    ['a malformed event id', 'GET', '/events/xyz', undefined, 400, 'invalid-event'],
    ['an unknown key', 'GET', '/kv/unknown', undefined, 404, 'not-found'],
    ['an unknown route', 'GET', '/nope', undefined, 404, 'route-not-found'],
    ['a trailing slash', 'GET', '/status/', undefined, 404, 'route-not-found'],
    ['an empty key', 'GET', '/kv/', undefined, 404, 'route-not-found'],
  ];

  it.each(cases)('refuses %s', async (_what, method, path, body, status, code) => {
    const { call, store } = setup();
    const res = await call(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(await store.count()).toBe(0);
  });

  it.each([
    ['text/plain (what a page sends cross-origin without a preflight)', 'text/plain;charset=UTF-8'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['no content type', undefined],
    ['a JSON look-alike', 'application/jsonp'],
    ['JSON in another charset', 'application/json; charset=iso-8859-1'],
  ])('refuses a body sent as %s with 415, storing nothing', async (_what, type) => {
    // Prepare
    const { call, store } = setup();
    const headers = type === undefined ? {} : { 'content-type': type };

    // Act
    const res = await call('POST', '/accounts/a/deposit', { amount: 5 }, { headers });

    // Assess
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ error: { code: 'unsupported-media-type', message: expect.any(String) } });
    expect(await store.count()).toBe(0);
  });

  it('takes application/json whatever its case and a UTF-8 charset', async () => {
    // Prepare
    const { call } = setup();

    // Act
    const res = await call('PUT', '/kv/k', { value: 1 }, { headers: { 'Content-Type': 'Application/JSON; charset="UTF-8"' } });

    // Assess
    expect(res.status).toBe(201);
  });

  it.each([
    ['POST', '/kv/k', 'DELETE, GET, PUT'],
    ['GET', '/accounts/a/deposit', 'POST'],
    ['POST', '/accounts/a/history', 'GET'],
    ['DELETE', '/status', 'GET'],
  ])('answers 405 with Allow for %s %s', async (method, path, allow) => {
    const { call } = setup();
    const res = await call(method, path, { value: 1 });
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({ error: { code: 'method-not-allowed' } });
    expect(String(res.headers['allow']).split(', ').sort().join(', ')).toBe(allow);
  });

  it('answers 500 with the error shape, not a stack, when something unexpected breaks', async () => {
    const broken = { put: async () => { throw new Error('db down'); } } as unknown as RegionService;
    const api = makeApiHandler({ service: broken }, { logger: silent });
    const res = (await api(apiRequest('PUT', '/kv/k', { value: 1 }))) as APIGatewayProxyStructuredResultV2;
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(String(res.body))).toEqual({ error: { code: 'internal', message: 'internal error' } });
  });
});
