import { request as httpRequest, createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startGuiServer } from '../../../cli/gui-server.ts';
import type { GuiServer } from '../../../cli/gui-server.ts';
import { runCli } from '../../../cli/run.ts';
import { listen } from '../../../local/runtime/listening-server.ts';
import type { ListeningServer } from '../../../local/runtime/listening-server.ts';
import { createSigV4Signer } from '../../../shared/client/sigv4.ts';
import { verifySigV4 } from '../../support/sigv4-verifier.ts';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const GUI_DIR = fileURLToPath(new URL('../../../gui/public/', import.meta.url));

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly problem: string | undefined;
}

/** A deployed region's API Gateway stand-in: 403 unless the request carries a valid SigV4 signature for `region`. */
async function startSignedRegion(region: string): Promise<ListeningServer & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const problem = verifySigV4({ method: req.method ?? '', rawUrl: req.url ?? '/', headers: req.headers, body }, { ...CREDENTIALS, region, service: 'execute-api' });
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, problem });
      if (problem !== undefined) {
        res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: problem }));
        return;
      }
      const status = req.method === 'GET' ? 200 : 201;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ region, method: req.method, url: req.url, body: body ? JSON.parse(body) : null }));
    });
  });
  return Object.assign(await listen(server, 0, '127.0.0.1'), { seen });
}

const started: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function signedSetup(): Promise<{ region: ListeningServer & { seen: Seen[] }; gui: GuiServer }> {
  const region = await startSignedRegion('eu-west-1');
  started.push(region);
  const signer = createSigV4Signer({ region: 'eu-west-1', credentials: CREDENTIALS });
  const gui = await startGuiServer({ regions: [{ region: 'eu-west-1', url: region.url }], guiDir: GUI_DIR, signerFor: () => signer });
  started.push(gui);
  return { region, gui };
}

/** A raw request, so a test can send the headers a browser would (or a hostile page could). */
function send(url: string, method: string, headers: IncomingHttpHeaders, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: headers as Record<string, string> }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the SigV4 verifier of the tests', () => {
  it('refuses a request signed with another secret, and an unsigned one', async () => {
    // Prepare
    const region = await startSignedRegion('eu-west-1');
    started.push(region);
    const wrong = createSigV4Signer({ region: 'eu-west-1', credentials: { ...CREDENTIALS, secretAccessKey: 'not-the-secret' } });
    const url = `${region.url}/status`;

    // Act
    const headers = await wrong.sign({ method: 'GET', url, headers: { accept: 'application/json' } });
    const forged = await fetch(url, { headers });
    const unsigned = await fetch(url);

    // Assess
    expect(forged.status).toBe(403);
    expect(unsigned.status).toBe(403);
    expect(region.seen.map((s) => s.problem)).toEqual(['signature does not match', expect.stringContaining('no SigV4 authorization header')]);
  });
});

describe('mesh gui relay', () => {
  it('signs what it relays: a read with an encoded path and a query, and a write with its body', async () => {
    // Prepare
    const { region, gui } = await signedSetup();
    const host = new URL(gui.url).host;

    // Act
    const read = await send(`${gui.url}/r/eu-west-1/kv/a%3Ab%40c/history?limit=100&cursor=x%2Fy%20z`, 'GET', { host, accept: 'application/json' });
    const write = await send(`${gui.url}/r/eu-west-1/kv/colour`, 'PUT', { host, origin: gui.url, 'content-type': 'application/json' }, JSON.stringify({ value: { shade: 'blue' } }));

    // Assess: the region accepted both signatures, and got exactly what the page sent.
    expect(region.seen.map((s) => s.problem)).toEqual([undefined, undefined]);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body)).toMatchObject({ method: 'GET', url: '/kv/a%3Ab%40c/history?limit=100&cursor=x%2Fy%20z' });
    expect(write.status).toBe(201);
    expect(JSON.parse(write.body)).toMatchObject({ method: 'PUT', url: '/kv/colour', body: { value: { shade: 'blue' } } });
  });

  it('refuses a page of another origin, another Host (DNS rebinding) and a write without Origin, relaying nothing', async () => {
    // Prepare
    const { region, gui } = await signedSetup();
    const host = new URL(gui.url).host;
    const body = JSON.stringify({ enabled: false });

    // Act
    const foreign = await send(`${gui.url}/r/eu-west-1/admin/links/a/b`, 'PUT', { host, origin: 'http://evil.example', 'content-type': 'application/json' }, body);
    const rebound = await send(`${gui.url}/r/eu-west-1/status`, 'GET', { host: `evil.example:${new URL(gui.url).port}` });
    const crossSite = await send(`${gui.url}/r/eu-west-1/status`, 'GET', { host, 'sec-fetch-site': 'cross-site' });
    const noOrigin = await send(`${gui.url}/r/eu-west-1/kv/k`, 'DELETE', { host });

    // Assess
    for (const answer of [foreign, rebound, crossSite, noOrigin]) {
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).error.code).toBe('forbidden-origin');
    }
    expect(region.seen).toEqual([]);
  });

  it('serves the GUI and lists its relays where the GUI looks for regions, and says when a region does not answer', async () => {
    // Prepare: a second region that is not listening.
    const down = await startSignedRegion('us-east-1');
    await down.stop();
    const gui = await startGuiServer({ regions: [{ region: 'us-east-1', url: down.url }], guiDir: GUI_DIR });
    started.push(gui);
    const host = new URL(gui.url).host;

    // Act
    const page = await send(`${gui.url}/ui/`, 'GET', { host });
    const mesh = await send(`${gui.url}/local/mesh`, 'GET', { host });
    const status = await send(`${gui.url}/r/us-east-1/status`, 'GET', { host });
    const unknown = await send(`${gui.url}/r/mars-1/status`, 'GET', { host });

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="app.js"></script>');
    expect(JSON.parse(mesh.body)).toEqual({ relayed: true, regions: [{ region: 'us-east-1', url: `${gui.url}/r/us-east-1` }] });
    expect(status.status).toBe(502);
    expect(JSON.parse(status.body).error.code).toBe('unreachable');
    expect(unknown.status).toBe(404);
  });

  it('relays a 503 contended with its Retry-After, so the page can say when to try again', async () => {
    // Prepare
    const busy = await listen(
      createServer((_req, res) => void res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '3' }).end(JSON.stringify({ error: { code: 'contended', message: 'busy' } }))),
      0,
      '127.0.0.1',
    );
    started.push(busy);
    const gui = await startGuiServer({ regions: [{ region: 'us-east-1', url: busy.url }], guiDir: GUI_DIR });
    started.push(gui);

    // Act
    const answer = await fetch(`${gui.url}/r/us-east-1/kv/colour`, { method: 'PUT', headers: { origin: gui.url, 'content-type': 'application/json' }, body: '{"value":1}' });

    // Assess
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('3');
    expect(await answer.json()).toEqual({ error: { code: 'contended', message: 'busy' } });
  });

  it('starts from `mesh gui --sigv4 --url REGION=URL`, signing with the credentials the signer is built with', async () => {
    // Prepare
    const region = await startSignedRegion('ap-southeast-2');
    started.push(region);
    const out: string[] = [];
    const signingRegions: (string | undefined)[] = [];

    // Act
    const code = await runCli(['gui', '--sigv4', '--url', `ap-southeast-2=${region.url}`], {
      env: {},
      out: (t) => out.push(t),
      err: (t) => out.push(t),
      makeSigner: async (r) => {
        signingRegions.push(r);
        return createSigV4Signer({ ...(r ? { region: r } : {}), credentials: CREDENTIALS });
      },
      buildGui: async () => undefined,
      onGuiServer: (server) => started.push(server),
    });
    const guiUrl = /(http:\/\/127\.0\.0\.1:\d+)\/ui\//.exec(out.join('\n'))?.[1] ?? '';
    const status = await send(`${guiUrl}/r/ap-southeast-2/status`, 'GET', { host: new URL(guiUrl).host });

    // Assess
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('signed (SigV4)');
    expect(signingRegions).toEqual(['ap-southeast-2']);
    expect(status.status).toBe(200);
    expect(region.seen.map((s) => s.problem)).toEqual([undefined]);
  });
});
