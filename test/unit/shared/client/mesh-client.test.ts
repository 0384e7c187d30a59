import { describe, expect, it } from 'vitest';
import { MeshHttpError, MeshNetworkError, MeshTimeoutError } from '../../../../shared/client/errors.ts';
import { MeshClient } from '../../../../shared/client/mesh-client.ts';
import { fakeEvent as event } from '../../../support/factories.ts';
import { fakeRegionsPerTest } from '../../../support/fake-region.ts';
import type { FakeHandler, FakeRegion } from '../../../support/fake-region.ts';

const startRegion = fakeRegionsPerTest();

async function clientOf(handler: FakeHandler, timeoutMs?: number): Promise<{ client: MeshClient; region: FakeRegion }> {
  const region = await startRegion(handler);
  return { client: new MeshClient({ baseUrl: `${region.url}/`, ...(timeoutMs === undefined ? {} : { timeoutMs }) }), region };
}

describe('MeshClient routes', () => {
  it('sends every route of the API table with its method, path and JSON body', async () => {
    // Prepare
    const { client, region } = await clientOf(() => ({ status: 200, body: { ok: true } }));

    // Act
    await client.put('colour', { shade: 'blue' });
    await client.delete('colour');
    await client.get('colour');
    await client.history('colour');
    await client.resolve('colour', 'green', ['a', event('b')]);
    await client.resolve('colour', 'green', { version: 7 });
    await client.deposit('alice', 100);
    await client.withdraw('alice', 30);
    await client.account('alice');
    await client.accountHistory('alice');
    await client.event('abc');
    await client.conflicts();
    await client.status();
    await client.setLink('us-east-1', 'eu-west-1', false);

    // Assess
    expect(region.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['PUT', '/kv/colour', { value: { shade: 'blue' } }],
      ['DELETE', '/kv/colour', undefined],
      ['GET', '/kv/colour', undefined],
      ['GET', '/kv/colour/history', undefined],
      ['POST', '/kv/colour/resolve', { value: 'green', heads: ['a', event('b').id] }],
      ['POST', '/kv/colour/resolve', { value: 'green', version: 7 }],
      ['POST', '/accounts/alice/deposit', { amount: 100 }],
      ['POST', '/accounts/alice/withdraw', { amount: 30 }],
      ['GET', '/accounts/alice', undefined],
      ['GET', '/accounts/alice/history', undefined],
      ['GET', '/events/abc', undefined],
      ['GET', '/conflicts', undefined],
      ['GET', '/status', undefined],
      ['PUT', '/admin/links/us-east-1/eu-west-1', { enabled: false }],
    ]);
    expect(region.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('escapes path segments so a key cannot reach another route', async () => {
    // Prepare
    const { client, region } = await clientOf(() => ({ status: 200, body: {} }));

    // Act
    await client.get('a/../status');

    // Assess
    expect(region.requests[0]?.path).toBe('/kv/a%2F..%2Fstatus');
  });

  it('answers the parsed JSON of a read', async () => {
    // Prepare
    const winner = event('w');
    const view = { key: 'colour', value: 'blue', deleted: false, conflict: true, winner, heads: [event('l'), winner], region: 'eu-west-1' };
    const { client } = await clientOf(() => ({ status: 200, body: view }));

    // Act
    const answer = await client.get('colour');

    // Assess
    expect(answer).toEqual(view);
  });

  it('answers the account statement as the region gives it, and a bad account id as a 400', async () => {
    // Prepare
    const d = event('d', { kind: 'deposit', key: 'alice', payload: 100 });
    const receipt = { eventId: d.id, region: 'eu-west-1', receivedAt: 1, via: { type: 'local' } };
    const statement = { account: 'alice', balance: 100, region: 'eu-west-1', events: [{ event: d, receipt, amount: 100, outcome: 'applied', balanceAfter: 100, reversed: false }] };
    const answers = [{ status: 200, body: statement }, { status: 400, body: { error: { code: 'invalid-key', message: 'account: bad' } } }];
    const { client } = await clientOf(() => answers.shift() ?? { status: 500 });

    // Act
    const answer = await client.accountHistory('alice');
    const refused = await client.accountHistory('a#b').catch((e: unknown) => e);

    // Assess
    expect(answer).toEqual(statement);
    expect(refused).toMatchObject({ status: 400, code: 'invalid-key' });
  });

  it('reads bare and wrapped list answers into one shape', async () => {
    // Prepare
    const answers = [['a', 'b'], { region: 'eu-west-1', conflicts: [{ key: 'c', heads: ['x', 'y'] }] }, [event('h')], { region: 'r', events: [{ event: event('i') }] }];
    const { client } = await clientOf(() => ({ status: 200, body: answers.shift() }));

    // Act
    const bareConflicts = await client.conflicts();
    const wrappedConflicts = await client.conflicts();
    const bareHistory = await client.history('colour');
    const wrappedHistory = await client.history('colour');

    // Assess
    expect(bareConflicts.conflicts).toEqual([{ key: 'a' }, { key: 'b' }]);
    expect(wrappedConflicts).toEqual({ region: 'eu-west-1', conflicts: [{ key: 'c', heads: ['x', 'y'] }] });
    expect(bareHistory.events).toEqual([{ event: event('h') }]);
    expect(wrappedHistory).toEqual({ key: 'colour', region: 'r', events: [{ event: event('i') }] });
  });
});

describe('MeshClient paging', () => {
  it('follows `next` cursors: history, statement and conflicts come back whole', async () => {
    // Prepare: every list answers two pages; the second is asked for with the first's cursor.
    const pages: Record<string, unknown[]> = {
      '/kv/k/history': [{ region: 'r', key: 'k', events: [{ event: event('a') }], next: 'c1' }, { region: 'r', key: 'k', events: [{ event: event('b') }] }],
      '/accounts/x/history': [{ account: 'x', balance: 5, region: 'r', events: [{ event: event('c') }], next: 'c1' }, { account: 'x', balance: 5, region: 'r', events: [{ event: event('d') }] }],
      '/conflicts': [{ region: 'r', conflicts: [{ key: 'p', heads: [], headCount: 2 }], next: 'c1' }, { region: 'r', conflicts: [{ key: 'q', heads: [], headCount: 3 }] }],
    };
    const { client, region } = await clientOf((r) => {
      const [path, q] = r.path.split('?');
      const list = pages[path ?? ''] ?? [];
      return { status: 200, body: q === 'cursor=c1' ? list[1] : list[0] };
    });

    // Act
    const history = await client.history('k');
    const statement = await client.accountHistory('x');
    const conflicts = await client.conflicts();

    // Assess
    expect(history.events.map((e) => e.event.id[0])).toEqual(['a', 'b']);
    expect(statement.events.map((e) => e.event.id[0])).toEqual(['c', 'd']);
    expect(statement).not.toHaveProperty('next');
    expect(conflicts.conflicts.map((c) => c.key)).toEqual(['p', 'q']);
    expect(region.requests.map((r) => r.path)).toEqual([
      '/kv/k/history', '/kv/k/history?cursor=c1', '/accounts/x/history', '/accounts/x/history?cursor=c1', '/conflicts', '/conflicts?cursor=c1',
    ]);
  });

  it('asks for one page with its limit, prefix and order', async () => {
    const { client, region } = await clientOf(() => ({ status: 200, body: { region: 'r', keys: [], events: [] } }));
    await client.keys({ prefix: 'user:', limit: 20 });
    await client.accounts({ cursor: 'abc' });
    await client.historyPage('k', { order: 'desc', limit: 5 });
    expect(region.requests.map((r) => r.path)).toEqual(['/kv?prefix=user%3A&limit=20', '/accounts?cursor=abc', '/kv/k/history?order=desc&limit=5']);
  });
});

describe('MeshClient errors', () => {
  it('throws MeshHttpError with the design error shape of a 4xx, marked definite', async () => {
    // Prepare
    const { client } = await clientOf(() => ({ status: 409, body: { error: { code: 'insufficient-funds', message: 'balance 10 < 30' } } }));

    // Act
    const error = await client.withdraw('alice', 30).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(MeshHttpError);
    expect(error).toMatchObject({ status: 409, code: 'insufficient-funds', message: 'balance 10 < 30', definite: true });
  });

  it('keeps the details of an error answer, such as the figures of an insufficient-rights refusal', async () => {
    // Prepare
    const details = { region: 'eu-west-1', amount: 50, rights: 0, balance: 100, elsewhere: 100, holders: { 'us-east-1': 100 } };
    const answers = [{ status: 409, body: { error: { code: 'insufficient-rights', message: 'eu-west-1 holds rights to 0', details } } }, { status: 409, body: { error: { code: 'insufficient-funds', message: 'short' } } }];
    const { client } = await clientOf(() => answers.shift() ?? { status: 500 });

    // Act
    const rights = await client.withdraw('alice', 50).catch((e: unknown) => e);
    const funds = await client.withdraw('bob', 50).catch((e: unknown) => e);

    // Assess
    expect(rights).toMatchObject({ status: 409, code: 'insufficient-rights', details });
    expect(funds).toMatchObject({ code: 'insufficient-funds', details: undefined });
  });

  it('maps a 404 and a non-JSON 5xx, the latter indeterminate', async () => {
    // Prepare
    const answers = [
      { status: 404, body: { error: { code: 'not-found', message: 'no event for key x' } } },
      { status: 502, body: 'Bad Gateway' },
      { status: 403, body: { message: 'Forbidden' } },
    ];
    const { client } = await clientOf(() => answers.shift() ?? { status: 500 });

    // Act
    const notFound = await client.get('x').catch((e: unknown) => e);
    const badGateway = await client.put('x', 1).catch((e: unknown) => e);
    const forbidden = await client.status().catch((e: unknown) => e);

    // Assess
    expect(notFound).toMatchObject({ status: 404, code: 'not-found', message: 'no event for key x' });
    expect(badGateway).toMatchObject({ status: 502, code: 'http-502', message: 'Bad Gateway', definite: false });
    expect(forbidden).toMatchObject({ status: 403, code: 'http-403', message: 'Forbidden' });
  });

  it('reads Retry-After of a 503 contended, which is definite: nothing was stored', async () => {
    // Prepare
    const answers = [
      { status: 503, body: { error: { code: 'contended', message: 'key k is contended' } }, headers: { 'retry-after': '2' } },
      { status: 503, body: 'Service Unavailable' },
    ];
    const { client } = await clientOf(() => answers.shift() ?? { status: 500 });

    // Act
    const contended = await client.put('k', 1).catch((e: unknown) => e);
    const unavailable = await client.put('k', 1).catch((e: unknown) => e);

    // Assess
    expect(contended).toMatchObject({ status: 503, code: 'contended', retryAfterMs: 2000, definite: true });
    expect(unavailable).toMatchObject({ status: 503, code: 'http-503', retryAfterMs: undefined, definite: false });
  });

  it('throws MeshTimeoutError when the region does not answer in time', async () => {
    // Prepare
    const { client } = await clientOf(() => ({ status: 200, body: {}, delayMs: 2_000 }), 100);

    // Act
    const started = Date.now();
    const error = await client.status().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(MeshTimeoutError);
    expect(error).toMatchObject({ definite: false, timeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('throws MeshNetworkError when nothing listens', async () => {
    // Prepare
    const { region } = await clientOf(() => ({ status: 200 }));
    const url = region.url;
    await region.close();
    const client = new MeshClient({ baseUrl: url });

    // Act
    const error = await client.status().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(MeshNetworkError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});

describe('MeshClient signing', () => {
  it('sends the headers its signer returns', async () => {
    // Prepare
    const region = await startRegion(() => ({ status: 200, body: {} }));
    const seen: string[] = [];
    const client = new MeshClient({
      baseUrl: region.url,
      signer: {
        sign: async (req) => {
          seen.push(`${req.method} ${req.url} ${req.body ?? ''}`);
          return { ...req.headers, authorization: 'test-signature' };
        },
      },
    });

    // Act
    await client.put('k', 1);

    // Assess
    expect(seen).toEqual([`PUT ${region.url}/kv/k {"value":1}`]);
    expect(region.requests[0]?.headers.authorization).toBe('test-signature');
  });
});
