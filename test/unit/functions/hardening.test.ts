/**
 * Regression tests for the hardening issue's findings 1–5 and 7, reproduced from outside: HTTP
 * requests to the api handler and events handed to ingest, as a peer or repair would, on one
 * region over the memory store. Each failed on the code before the fix (the closing note gives
 * what each answered then).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeApiHandler } from '../../../functions/api.ts';
import { MemoryEventStore } from '../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../shared/adapters/memory-link-control.ts';
import { RegionService } from '../../../shared/app/region-service.ts';
import { formatHlc, MAX_HLC_COUNTER, MAX_HLC_WALL } from '../../../shared/domain/hlc.ts';
import type { MeshEvent } from '../../../shared/domain/types.ts';
import { HeadsMovedError } from '../../../shared/ports/heads-moved-error.ts';
import { deposit, setEvent } from '../../support/factories.ts';
import { apiRequest } from '../../support/api-request.ts';

const REGION = 'us-east-1';
const PEERS = ['eu-west-1', 'ap-southeast-2'];
const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const fromEu = { type: 'peer', peer: 'eu-west-1' } as const;

function setup() {
  const store = new MemoryEventStore({ region: REGION });
  const service = new RegionService({ region: REGION, peers: PEERS, store, links: new MemoryLinkControl([REGION, ...PEERS]) });
  const api = makeApiHandler({ service }, { logger: silent });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = (await api(apiRequest(method, path, body))) as APIGatewayProxyStructuredResultV2;
    return { status: res.statusCode ?? 0, headers: res.headers ?? {}, body: JSON.parse(String(res.body)) as Record<string, unknown>, bytes: String(res.body).length };
  };
  /** Ingests as a peer or repair would; answers the refusal instead of throwing it. */
  const ingest = async (raw: unknown, via: Parameters<RegionService['ingest']>[1] = fromEu): Promise<unknown> => {
    try {
      return await service.ingest(raw, via);
    } catch (e) {
      return e;
    }
  };
  return { service, call, ingest };
}

describe('finding 1: a single event must not halt every write', () => {
  it('refuses an event stamped at the largest wall isHlc accepts, and keeps accepting writes on every key', async () => {
    // Prepare
    const { call, ingest } = setup();
    const exhausting = setEvent('k', 'x', { origin: 'eu-west-1', hlc: formatHlc({ wall: MAX_HLC_WALL, counter: MAX_HLC_COUNTER }) });

    // Act
    await ingest(exhausting);
    const put = await call('PUT', '/kv/other', { value: 1 });
    const same = await call('PUT', '/kv/k', { value: 2 });

    // Assess: not stored, not folded into the clock; writes go on.
    expect((await call('GET', `/events/${exhausting.id}`)).status).toBe(404);
    expect(put.status).toBe(201);
    expect(same.status).toBe(201);
  });

  it('does not let a stamp one year ahead drag the clock: the next local stamp stays near the wall clock', async () => {
    // Prepare
    const { call, ingest } = setup();
    const yearAhead = setEvent('k', 'x', { origin: 'eu-west-1', hlc: formatHlc({ wall: Date.now() + 365 * 86_400_000, counter: 0 }) });

    // Act
    await ingest(yearAhead);
    const put = await call('PUT', '/kv/k2', { value: 1 });

    // Assess
    const wall = Number(String((put.body['event'] as MeshEvent).hlc).slice(0, 18));
    expect(wall).toBeLessThan(Date.now() + 60_000);
    expect((await call('GET', `/events/${yearAhead.id}`)).status).toBe(404);
  });
});

describe('finding 2: any number of heads keeps a key writable and resolvable', () => {
  it('takes PUT, DELETE and a resolve over 65 concurrent roots; the resolve ends them all', async () => {
    // Prepare: 65 concurrent roots from a peer.
    const { call, ingest } = setup();
    for (let i = 0; i < 65; i++) await ingest(setEvent('hot', i, { origin: 'eu-west-1', counter: i }));
    expect((await call('GET', '/kv/hot')).body['heads']).toHaveLength(65);

    // Act
    const put = await call('PUT', '/kv/hot', { value: 'put' });
    for (let i = 0; i < 65; i++) await ingest(setEvent('hot', `again ${i}`, { origin: 'eu-west-1', counter: 100 + i }));
    const del = await call('DELETE', '/kv/hot');
    for (let i = 0; i < 70; i++) await ingest(setEvent('hot', `more ${i}`, { origin: 'eu-west-1', counter: 200 + i }));
    const view = await call('GET', '/kv/hot');
    const heads = (view.body['heads'] as MeshEvent[]).map((h) => h.id);
    const resolve = await call('POST', '/kv/hot/resolve', { value: 'merged', heads });
    const after = await call('GET', '/kv/hot');

    // Assess
    expect(put.status).toBe(201);
    expect(del.status).toBe(201);
    expect(heads.length).toBeGreaterThan(64);
    expect(resolve.status).toBe(201);
    expect(after.body).toMatchObject({ value: 'merged', conflict: false });
    expect(after.body['heads']).toHaveLength(1);
  });
});

describe('finding 3: ingest must not trust the origin or the sender', () => {
  it("refuses this region's own origin from a peer, an origin that is no region, and an origin that is not the link's source", async () => {
    // Prepare
    const { call, ingest } = setup();
    const ownOrigin = setEvent('k', 'forged', { origin: REGION });
    const stranger = setEvent('k', 'stranger', { origin: 'zzzz-not-a-region' });
    const notTheSource = setEvent('k', 'relay', { origin: 'ap-southeast-2' });

    // Act
    const refusals = [await ingest(ownOrigin), await ingest(stranger, { type: 'repair', peer: 'eu-west-1' }), await ingest(notTheSource)];

    // Assess
    for (const r of refusals) expect(r).toMatchObject({ reason: 'untrusted-origin' });
    for (const e of [ownOrigin, stranger, notTheSource]) expect((await call('GET', `/events/${e.id}`)).status).toBe(404);
    expect((await call('GET', '/status')).body['refused']).toEqual({ 'untrusted-origin': 3 });
  });

  it("takes a third region's event through repair, which carries what a peer holds", async () => {
    const { call, ingest } = setup();
    const e = setEvent('k', 'relayed', { origin: 'ap-southeast-2' });
    expect(await ingest(e, { type: 'repair', peer: 'eu-west-1' })).toMatchObject({ status: 'stored' });
    expect((await call('GET', `/events/${e.id}`)).status).toBe(200);
  });
});

describe('finding 4: contention is a 503 with Retry-After, in bounded time, never a 500', () => {
  it('32 clients writing one key all get 201', async () => {
    const { call } = setup();
    const answers = await Promise.all(Array.from({ length: 32 }, (_, i) => call('PUT', '/kv/one', { value: i })));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 32 }, () => 201));
    expect((await call('GET', '/kv/one')).body['conflict']).toBe(false);
  });

  it('200 concurrent withdrawals on one account: each a 201 or a 409, none a 5xx, well under 29 s', async () => {
    // Prepare
    const { call } = setup();
    await call('POST', '/accounts/acct/deposit', { amount: 1_000 });
    const started = Date.now();

    // Act
    const answers = await Promise.all(Array.from({ length: 200 }, () => call('POST', '/accounts/acct/withdraw', { amount: 7 })));

    // Assess
    const elapsed = Date.now() - started;
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(142); // 142 x 7 = 994 <= 1000
    expect(answers.filter((a) => a.status === 409)).toHaveLength(58);
    expect(elapsed).toBeLessThan(29_000);
    expect((await call('GET', '/accounts/acct')).body['balance']).toBe(6);
  });
});

describe('finding 4 at the API: the answer a contended client gets', () => {
  it('is a 503 with code contended and a Retry-After header, within the write budget, storing nothing', async () => {
    // Prepare: a store whose streams always moved between the read and the write (other writers).
    const store = new MemoryEventStore({ region: REGION });
    store.appendOn = async (state) => {
      throw new HeadsMovedError(state.stream, state.version);
    };
    const service = new RegionService({ region: REGION, peers: PEERS, store, links: new MemoryLinkControl([REGION, ...PEERS]), writeBudgetMs: 200 });
    const api = makeApiHandler({ service }, { logger: silent });

    // Act
    const res = (await api(apiRequest('PUT', '/kv/k', { value: 1 }))) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(String(res.body))).toMatchObject({ error: { code: 'contended' } });
    expect(await store.count()).toBe(0);
  });
});

describe('finding 5: every list is paged, well under 6 MB', () => {
  it('pages the history of 100 maximum-size writes, and the cursor gives the rest', async () => {
    // Prepare: 100 values of 64 KiB (the canonical limit), a few bytes under it.
    const { call } = setup();
    const big = 'x'.repeat(65_536 - 2);
    for (let i = 0; i < 100; i++) expect((await call('PUT', '/kv/big', { value: big })).status).toBe(201);

    // Act
    const first = await call('GET', '/kv/big/history');
    const pages = [first.bytes];
    const ids = (first.body['events'] as Array<{ event: MeshEvent }>).map((e) => e.event.id);
    let cursor = first.body['next'] as string | undefined;
    while (cursor !== undefined) {
      const page = await call('GET', `/kv/big/history?cursor=${encodeURIComponent(cursor)}`);
      expect(page.bytes).toBeLessThan(2 * 1024 * 1024);
      pages.push(page.bytes);
      ids.push(...(page.body['events'] as Array<{ event: MeshEvent }>).map((e) => e.event.id));
      cursor = page.body['next'] as string | undefined;
    }

    // Assess
    console.log(`history of 100 × 64 KiB: ${pages.length} pages, largest ${Math.max(...pages)} bytes`);
    expect(first.bytes).toBeLessThan(2 * 1024 * 1024);
    expect(first.body['next']).toEqual(expect.any(String));
    expect(new Set(ids).size).toBe(100);
  });

  it('pages the account statement and the conflicts, and refuses a made-up cursor with a 400', async () => {
    const { call, ingest } = setup();
    for (let i = 0; i < 30; i++) await call('POST', '/accounts/a/deposit', { amount: 1 });
    for (let i = 0; i < 25; i++) {
      await call('PUT', `/kv/c${i}`, { value: 'here' });
      await ingest(setEvent(`c${i}`, 'there', { origin: 'eu-west-1' }));
    }
    const statement = await call('GET', '/accounts/a/history?limit=10');
    const conflicts = await call('GET', '/conflicts?limit=10');
    expect(statement.body['events']).toHaveLength(10);
    expect(statement.body['next']).toEqual(expect.any(String));
    expect(conflicts.body['conflicts']).toHaveLength(10);
    expect(conflicts.body['next']).toEqual(expect.any(String));
    const bad = await call('GET', '/kv/c1/history?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid-cursor' } });
  });
});

describe('finding 7: sums past 2^53 stay exact', () => {
  it('refuses a deposit that would take the deposits past 2^53 - 1, storing nothing, and keeps the balance exact', async () => {
    // Prepare
    const { call } = setup();
    expect((await call('POST', '/accounts/rich/deposit', { amount: Number.MAX_SAFE_INTEGER })).status).toBe(201);

    // Act
    const more = await call('POST', '/accounts/rich/deposit', { amount: 2 });
    const account = await call('GET', '/accounts/rich');

    // Assess
    expect(more.status).toBe(409);
    expect(more.body).toMatchObject({ error: { code: 'limit-exceeded' } });
    expect(account.body['balance']).toBe(Number.MAX_SAFE_INTEGER);
    expect((await call('GET', '/accounts/rich/history')).body['events']).toHaveLength(1);
  });

  it('bounces, the same everywhere, a concurrent deposit that merges past the limit', async () => {
    const { call, ingest } = setup();
    await call('POST', '/accounts/two/deposit', { amount: Number.MAX_SAFE_INTEGER - 5 });
    const theirs = deposit('two', 10, { origin: 'eu-west-1', wall: Date.now() + 1_000 });
    await ingest(theirs);
    const account = await call('GET', '/accounts/two');
    expect(account.body['balance']).toBe(Number.MAX_SAFE_INTEGER - 5);
    expect((account.body['bounced'] as Array<{ reason: string }>).map((b) => b.reason)).toEqual(['limit-exceeded']);
  });
});
