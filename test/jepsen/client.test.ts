import { describe, expect, it } from 'vitest';
import { JepsenClient } from '../../jepsen/client.ts';
import { Recorder } from '../../jepsen/recorder.ts';

/** A fake region: answers each request with the given status, JSON body and headers, or never. */
function region(answer: (method: string, path: string) => { status: number; body: unknown; headers?: Record<string, string> } | 'hang'): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    const a = answer(init?.method ?? 'GET', new URL(String(url)).pathname);
    if (a === 'hang') {
      return new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    }
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json', ...a.headers } });
  }) as typeof fetch;
}

const stamp = { id: 'ev1', hlc: '000001732600000000-00001', origin: 'us-east-1', parents: ['ev0'] };

const client = (f: typeof fetch, timeoutMs = 500): JepsenClient => new JepsenClient({ region: 'us-east-1', url: 'http://region', timeoutMs, fetch: f });

describe('JepsenClient.perform', () => {
  it('records an acknowledged write as ok with the event id', async () => {
    // Prepare
    const rec = new Recorder();
    const c = client(region(() => ({ status: 201, body: { event: { id: 'ev1' }, region: 'us-east-1' } })));
    // Act
    const done = await c.perform(rec, 0, { workload: 'register', f: 'write', key: 'k', value: 5 });
    // Assess
    expect(rec.history.map((o) => o.type)).toEqual(['invoke', 'ok']);
    expect(done).toMatchObject({ type: 'ok', f: 'write', key: 'k', value: 5, eventId: 'ev1', region: 'us-east-1' });
    expect(done.time).toBeGreaterThanOrEqual(rec.history[0]!.time);
  });

  it('records the written event\'s stamp and parents, and the session', async () => {
    // Prepare
    const rec = new Recorder();
    const c = client(region(() => ({ status: 201, body: { event: { ...stamp, kind: 'set', key: 'k', payload: 5 }, region: 'us-east-1' } })));
    // Act
    const done = await c.perform(rec, 9, { workload: 'register', f: 'write', key: 'k', value: 5 }, 1);
    // Assess
    expect(done).toMatchObject({ process: 9, session: 1, event: stamp });
    expect(rec.history[0]).toMatchObject({ type: 'invoke', session: 1 });
  });

  it('records the winner and heads a register read came from; a 404 as nil with no heads', async () => {
    const rec = new Recorder();
    const head = { ...stamp, kind: 'set', key: 'k', payload: 7 };
    const found = await client(region(() => ({ status: 200, body: { value: 7, deleted: false, heads: [head], winner: head } }))).perform(rec, 0, { workload: 'register', f: 'read', key: 'k', value: null });
    const missing = await client(region(() => ({ status: 404, body: { error: { code: 'not-found', message: 'none' } } }))).perform(rec, 1, { workload: 'register', f: 'read', key: 'k', value: null });
    expect(found).toMatchObject({ value: 7, winner: 'ev1', heads: [stamp] });
    expect(missing).toMatchObject({ value: null, heads: [] });
  });

  it('records a 503 contended as fail (nothing stored) and waits Retry-After before resolving', async () => {
    // Prepare
    const rec = new Recorder();
    const busy = region(() => ({ status: 503, body: { error: { code: 'contended', message: 'busy' } }, headers: { 'retry-after': '1' } }));
    // Act
    const started = performance.now();
    const done = await client(busy).perform(rec, 0, { workload: 'register', f: 'write', key: 'k', value: 4 });
    // Assess
    expect(done).toMatchObject({ type: 'fail', error: 'contended', value: 4 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('records a register read, and a 404 as a read of nil', async () => {
    const rec = new Recorder();
    const found = await client(region(() => ({ status: 200, body: { value: 7, deleted: false, heads: [], winner: {} } }))).perform(rec, 0, { workload: 'register', f: 'read', key: 'k', value: null });
    const missing = await client(region(() => ({ status: 404, body: { error: { code: 'not-found', message: 'none' } } }))).perform(rec, 1, { workload: 'register', f: 'read', key: 'k', value: null });
    expect([found.type, found.value, missing.type, missing.value]).toEqual(['ok', 7, 'ok', null]);
  });

  it('records a bank read as the balance', async () => {
    const rec = new Recorder();
    const done = await client(region(() => ({ status: 200, body: { balance: 42, bounced: [], reversed: [] } }))).perform(rec, 0, { workload: 'bank', f: 'read', key: 'a', value: null });
    expect(done).toMatchObject({ type: 'ok', value: 42 });
  });

  it('records a 409 insufficient-funds as fail: nothing was stored', async () => {
    const rec = new Recorder();
    const done = await client(region(() => ({ status: 409, body: { error: { code: 'insufficient-funds', message: 'no' } } }))).perform(rec, 0, { workload: 'bank', f: 'withdraw', key: 'a', value: 9 });
    expect(done).toMatchObject({ type: 'fail', error: 'insufficient-funds', value: 9 });
  });

  it.each([
    ['a timeout', region(() => 'hang'), 'timeout'],
    ['a 5xx', region(() => ({ status: 503, body: { message: 'Service Unavailable' } })), 'http-503'],
    ['a dead connection', (async () => { throw new TypeError('fetch failed'); }) as typeof fetch, 'unreachable'],
  ])('records %s as info: the write may still happen', async (_what, f, error) => {
    const rec = new Recorder();
    const done = await client(f, 50).perform(rec, 0, { workload: 'register', f: 'write', key: 'k', value: 3 });
    expect(done).toMatchObject({ type: 'info', error, value: 3 });
  });
});
