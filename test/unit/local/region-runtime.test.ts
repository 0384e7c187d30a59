import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../../functions/api.ts';
import { RegionRuntime, type RegionHandlers } from '../../../local/region-runtime.ts';

/** A runtime with only its gateway started, in front of `api` (no table, queue or poller involved). */
async function runtimeWith(api: ApiHandler): Promise<{ rt: RegionRuntime; url: string }> {
  const handlers = { api, deps: {}, replicator: async () => ({}), ingest: async () => ({}) } as unknown as RegionHandlers;
  const rt = new RegionRuntime({ region: 'us-east-1', clients: {} as never, links: {} as never, bells: {} as never, handlers, pollIntervalMs: 50 });
  const url = await rt.startGateway({ port: 0 });
  return { rt, url };
}

const answer = (statusCode: number, body: unknown) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

let running: RegionRuntime | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('RegionRuntime', () => {
  it('retiring: answers the writes in hand first, then refuses writes with 410 (the api never sees them) and still serves reads', async () => {
    // Prepare: a write that is in the api handler when the retirement starts.
    let release: () => void = () => {};
    const seen: string[] = [];
    const { rt, url } = await runtimeWith(async (event: APIGatewayProxyEventV2) => {
      seen.push(`${event.requestContext.http.method} ${event.rawPath}`);
      if (event.requestContext.http.method === 'PUT') await new Promise<void>((r) => { release = r; });
      return answer(event.requestContext.http.method === 'PUT' ? 201 : 200, { ok: true });
    });
    running = rt;
    const inHand = fetch(`${url}/kv/a`, { method: 'PUT', body: '{"value":1}' });
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 10));
    // Act
    let retired = false;
    const retiring = rt.retire().then(() => { retired = true; });
    await new Promise((r) => setTimeout(r, 100));
    const retiredBeforeAnswer = retired;
    release();
    const first = await inHand;
    await retiring;
    const refused = await fetch(`${url}/kv/b`, { method: 'PUT', body: '{"value":2}' });
    const read = await fetch(`${url}/kv/a`);
    // Assess
    expect(retiredBeforeAnswer).toBe(false);
    expect(first.status).toBe(201);
    expect(rt.retiring).toBe(true);
    expect(refused.status).toBe(410);
    expect(await refused.json()).toEqual({ error: { code: 'region-retiring', message: expect.stringContaining('write to another region') } });
    expect(read.status).toBe(200);
    expect(seen).toEqual(['PUT /kv/a', 'GET /kv/a']);
  });

  it('swaps its handlers behind the running gateway', async () => {
    const { rt, url } = await runtimeWith(async () => answer(200, { version: 1 }));
    running = rt;
    const before = await (await fetch(`${url}/status`)).json();
    rt.swap({ api: async () => answer(200, { version: 2 }) } as unknown as RegionHandlers);
    const after = await (await fetch(`${url}/status`)).json();
    expect([before, after]).toEqual([{ version: 1 }, { version: 2 }]);
  });
});
