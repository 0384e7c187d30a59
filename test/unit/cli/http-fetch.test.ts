import { describe, expect, it } from 'vitest';
import { httpFetch } from '../../../cli/http-fetch.ts';
import { MeshClient } from '../../../shared/client/mesh-client.ts';
import { MeshNetworkError, MeshTimeoutError } from '../../../shared/client/errors.ts';
import { fakeRegionsPerTest } from '../../support/fake-region.ts';

const startRegion = fakeRegionsPerTest();

describe('httpFetch', () => {
  it('sends method, headers and body, and answers status, headers and text as fetch does', async () => {
    // Prepare
    const region = await startRegion((req) => ({ status: 409, body: { error: { code: 'stale-heads', message: `saw ${JSON.stringify(req.body)}` } } }));

    // Act
    const answer = await httpFetch(`${region.url}/kv/k/resolve`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-amz-date': '20260101T000000Z' }, body: '{"value":"é"}' });

    // Assess
    expect(answer.ok).toBe(false);
    expect(answer.status).toBe(409);
    expect(answer.headers.get('Content-Type')).toContain('application/json');
    expect(JSON.parse(await answer.text())).toEqual({ error: { code: 'stale-heads', message: 'saw {"value":"é"}' } });
    expect(region.requests[0]).toMatchObject({ method: 'POST', path: '/kv/k/resolve', body: { value: 'é' } });
    expect(region.requests[0]?.headers['x-amz-date']).toBe('20260101T000000Z');
  });

  it('gives the mesh client its timeout and network errors', async () => {
    // Prepare
    const slow = await startRegion(() => ({ status: 200, body: {}, delayMs: 2000 }));
    const gone = await startRegion(() => ({ status: 200, body: {} }));
    await gone.close();

    // Act
    const [timedOut, refused] = await Promise.allSettled([
      new MeshClient({ baseUrl: slow.url, timeoutMs: 100, fetch: httpFetch }).status(),
      new MeshClient({ baseUrl: gone.url, fetch: httpFetch }).status(),
    ]);

    // Assess
    expect(timedOut.status === 'rejected' && timedOut.reason).toBeInstanceOf(MeshTimeoutError);
    expect(refused.status === 'rejected' && refused.reason).toBeInstanceOf(MeshNetworkError);
    expect(refused.status === 'rejected' && (refused.reason as Error).message).toMatch(/ECONNREFUSED/);
  });
});
