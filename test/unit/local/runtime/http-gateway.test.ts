import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpGateway, type HttpGateway } from '../../../../local/runtime/http-gateway.ts';

let gw: HttpGateway;
/** Another region of the mesh: its GUI calls this gateway. */
const PEER = 'http://127.0.0.1:39999';
let dir: string;
const seen: APIGatewayProxyEventV2[] = [];
let reply: () => Promise<unknown> = async () => ({ statusCode: 201, headers: { 'Content-Type': 'application/json', 'X-Extra': 'yes' }, body: '{"ok":true}' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-'));
  await writeFile(join(dir, 'index.html'), '<h1>gui</h1>');
  await writeFile(join(dir, 'app.js'), 'console.log(1)');
  gw = await startHttpGateway({
    port: 0,
    staticDir: dir,
    documents: { '/local/mesh': () => ({ regions: ['a'] }) },
    allowedOrigins: () => [PEER],
    handler: async (event) => {
      seen.push(event);
      return (await reply()) as never;
    },
  });
});

afterAll(async () => {
  await gw.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('HTTP gateway (API Gateway HTTP API, payload 2.0)', () => {
  it('turns a request into the $default route event and writes the structured result back', async () => {
    // Prepare
    seen.length = 0;

    // Act
    const res = await fetch(`${gw.url}/kv/my%20key?a=1&a=2&b=x`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'Hello', cookie: 'c1=1; c2=2' },
      body: '{"value":42}',
    });

    // Assess
    expect(res.status).toBe(201);
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await res.json()).toEqual({ ok: true });
    const e = seen[0];
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/kv/my%20key',
      rawQueryString: 'a=1&a=2&b=x',
      queryStringParameters: { a: '1,2', b: 'x' },
      cookies: ['c1=1', 'c2=2'],
      body: '{"value":42}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'PUT', path: '/kv/my key' }, routeKey: '$default', stage: '$default' },
    });
    expect(e?.headers['content-type']).toBe('application/json');
    expect(e?.headers['x-custom']).toBe('Hello');
    expect(e?.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('apigw-requestid')).toBe(e?.requestContext.requestId);
    expect(Math.abs((e?.requestContext.timeEpoch ?? 0) - Date.now())).toBeLessThan(5_000);
    expect(e?.pathParameters).toBeUndefined();
  });

  it('base64-encodes a binary body and sends none for a GET', async () => {
    // Prepare
    seen.length = 0;
    const bytes = Buffer.from([0, 255, 1, 254]);

    // Act
    await fetch(`${gw.url}/bin`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    await fetch(`${gw.url}/status`);

    // Assess
    expect(seen[0]?.isBase64Encoded).toBe(true);
    expect(Buffer.from(seen[0]?.body ?? '', 'base64').equals(bytes)).toBe(true);
    expect(seen[1]?.body).toBeUndefined();
    expect(seen[1]?.isBase64Encoded).toBe(false);
    expect(seen[1]?.rawQueryString).toBe('');
  });

  it('answers a plain string result as a 200 JSON body and a thrown error as API Gateway’s 500', async () => {
    // Prepare
    reply = async () => '{"plain":1}';
    const plain = await fetch(`${gw.url}/x`);
    reply = async () => {
      throw new Error('bug');
    };

    // Act
    const failed = await fetch(`${gw.url}/x`);

    // Assess
    expect(plain.status).toBe(200);
    expect(await plain.json()).toEqual({ plain: 1 });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('answers CORS preflights itself for the mesh origins, so the GUI on one port can call the others', async () => {
    // Prepare
    seen.length = 0;

    // Act
    const res = await fetch(`${gw.url}/kv/a`, { method: 'OPTIONS', headers: { origin: PEER, 'access-control-request-method': 'PUT' } });
    const alias = await fetch(`${gw.url}/kv/a`, { method: 'OPTIONS', headers: { origin: 'http://localhost:39999', 'access-control-request-method': 'PUT' } });
    const put = await fetch(`${gw.url}/kv/a`, { method: 'PUT', headers: { origin: gw.url, 'content-type': 'application/json' }, body: '{"value":1}' });

    // Assess
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(PEER);
    expect(res.headers.get('vary')).toBe('origin');
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(res.headers.get('access-control-allow-headers')).toContain('content-type');
    expect(alias.headers.get('access-control-allow-origin')).toBe('http://localhost:39999');
    expect(put.headers.get('access-control-allow-origin')).toBe(gw.url);
    // A page on another region's origin may read Retry-After (of a 503 contended).
    expect(put.headers.get('access-control-expose-headers')?.split(',')).toEqual(['apigw-requestid', 'retry-after']);
    expect(seen).toHaveLength(1);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['another local port', 'http://127.0.0.1:1'],
    ['a sandboxed page', 'null'],
  ])('refuses %s with 403 before the handler: preflight, simple POST and GET alike', async (_what, origin) => {
    // Prepare
    seen.length = 0;

    // Act
    const preflight = await fetch(`${gw.url}/admin/links/a/b`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT' } });
    const simple = await fetch(`${gw.url}/accounts/x/deposit`, { method: 'POST', headers: { origin, 'content-type': 'text/plain' }, body: '{"amount":5}' });
    const read = await fetch(`${gw.url}/status`, { headers: { origin } });

    // Assess
    for (const r of [preflight, simple, read]) {
      expect(r.status).toBe(403);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect(await r.json()).toEqual({ error: { code: 'forbidden-origin', message: expect.any(String) } });
    }
    expect(seen).toEqual([]);
  });

  it('refuses a Host that is not this loopback region (DNS rebinding), before the handler', async () => {
    // Prepare
    seen.length = 0;
    reply = async () => ({ statusCode: 201, body: '{}' });
    const port = new URL(gw.url).port;
    const withHost = (host: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/kv/a', method: 'PUT', headers: { host, 'content-type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{"value":1}');
      });

    // Act
    const rebound = await withHost(`evil.example:${port}`);
    const otherPort = await withHost('127.0.0.1:1');
    const localhost = await withHost(`localhost:${port}`);

    // Assess
    expect([rebound, otherPort, localhost]).toEqual([403, 403, 201]);
    expect(seen).toHaveLength(1);
  });

  it('serves the GUI at /ui/, redirects / there, refuses escapes, and serves local documents', async () => {
    // Act
    const index = await fetch(`${gw.url}/ui/`);
    const js = await fetch(`${gw.url}/ui/app.js`);
    const root = await fetch(`${gw.url}/`, { redirect: 'manual' });
    const escape = await fetch(`${gw.url}/ui/..%2F..%2Fetc%2Fpasswd`);
    const doc = await fetch(`${gw.url}/local/mesh`);

    // Assess
    expect(await index.text()).toBe('<h1>gui</h1>');
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    expect(escape.status).toBe(404);
    expect(await doc.json()).toEqual({ regions: ['a'] });
  });
});
