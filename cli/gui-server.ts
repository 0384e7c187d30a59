/**
 * `mesh gui`: a small server on this machine that serves the GUI and relays its requests to the
 * regions, signing each one (SigV4, the default AWS credential chain) when the regions are a
 * deployed mesh behind IAM auth. A browser cannot sign requests itself without holding the
 * credentials, so the page talks only to this server: `/r/{region}/…` is that region's API, and
 * `/local/mesh` lists the regions there, the document the GUI already reads to find regions.
 *
 * Only this machine's browser may use it: it listens on 127.0.0.1, refuses any `Host` but its own
 * (DNS rebinding) and any request another origin's page sends (an `Origin` or `Sec-Fetch-Site`
 * that is not its own), since whatever it relays goes out with the user's credentials.
 *
 * @example
 * ```ts
 * import { startGuiServer } from './gui-server.ts';
 * const gui = await startGuiServer({ regions: [{ region: 'eu-west-1', url: 'https://abc.execute-api.eu-west-1.amazonaws.com' }], guiDir, signerFor });
 * console.log(`${gui.url}/ui/`);
 * await gui.stop();
 * ```
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestSigner } from '../shared/client/signer.ts';
import { listen } from '../local/runtime/listening-server.ts';
import type { ListeningServer } from '../local/runtime/listening-server.ts';
import { readStatic } from '../local/runtime/static-files.ts';
import type { ListedRegion } from './target.ts';

/** The API's own request limit is 256 KiB; anything larger is refused before it is relayed. */
const MAX_BODY_BYTES = 512 * 1024;

const RELAYED_METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE']);

/** Options of {@link startGuiServer}. */
export interface GuiServerOptions {
  /** The regions to serve, each with its API's base URL (an invoke URL may carry its stage). */
  readonly regions: readonly ListedRegion[];
  /** The folder of the built GUI (`gui/public`). */
  readonly guiDir: string;
  /** The signer of a region's requests; none (or undefined) relays them unsigned. */
  readonly signerFor?: (region: string) => RequestSigner | undefined;
  /** Port on 127.0.0.1 (default 0: a free one). */
  readonly port?: number;
  /** Give up on a region after this many ms (default 10 000). */
  readonly timeoutMs?: number;
  /** The fetch used towards the regions (default the global one). */
  readonly fetch?: typeof fetch;
}

/** The running server: `url` is `http://127.0.0.1:PORT`, the GUI is at `${url}/ui/`. */
export type GuiServer = ListeningServer;

/**
 * Starts the server; resolves once it listens.
 *
 * @example
 * ```ts
 * const gui = await startGuiServer({ regions, guiDir: 'gui/public', port: 0 });
 * await fetch(`${gui.url}/r/us-east-1/status`, { headers: { host: new URL(gui.url).host } });
 * ```
 */
export async function startGuiServer(options: GuiServerOptions): Promise<GuiServer> {
  const hostname = '127.0.0.1';
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const byName = new Map(options.regions.map((r) => [r.region, r.url.replace(/\/+$/, '')]));
  let port = 0;
  const ownHosts = (): string[] => [`${hostname}:${port}`, `localhost:${port}`];
  const ownOrigins = (): string[] => ownHosts().map((h) => `http://${h}`);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', `http://${hostname}:${port}`);
    const refusal = refuseForeign(req, method, ownHosts(), ownOrigins());
    if (refusal !== undefined) return json(res, 403, { error: { code: 'forbidden-origin', message: refusal } });

    if (method === 'GET' || method === 'HEAD') {
      if (url.pathname === '/' || url.pathname === '/ui') {
        res.writeHead(302, { location: '/ui/' }).end();
        return;
      }
      if (url.pathname.startsWith('/ui/')) {
        const file = await readStatic(options.guiDir, url.pathname.slice('/ui/'.length));
        if (file === undefined) return json(res, 404, { error: { code: 'not-found', message: `no file ${url.pathname}` } });
        res.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache' }).end(method === 'HEAD' ? '' : file.body);
        return;
      }
      if (url.pathname === '/local/mesh') {
        const origin = `http://${hostname}:${port}`;
        return json(res, 200, { relayed: true, regions: [...byName.keys()].map((region) => ({ region, url: `${origin}/r/${encodeURIComponent(region)}` })) });
      }
    }
    const relayed = /^\/r\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (relayed === null) return json(res, 404, { error: { code: 'route-not-found', message: `no route ${method} ${url.pathname}` } });
    const region = decodeURIComponent(relayed[1] ?? '');
    const base = byName.get(region);
    if (base === undefined) return json(res, 404, { error: { code: 'unknown-region', message: `no region ${region} here (${[...byName.keys()].join(', ')})` } });
    if (!RELAYED_METHODS.has(method)) return json(res, 405, { error: { code: 'method-not-allowed', message: `${method} is not relayed` } });
    const body = await readBody(req);
    if (body === undefined) return json(res, 413, { error: { code: 'payload-too-large', message: `bodies are limited to ${MAX_BODY_BYTES} bytes` } });
    await relay(res, { method, url: `${base}${relayed[2] ?? '/'}${url.search}`, body, signer: options.signerFor?.(region), contentType: req.headers['content-type'] });
  }

  async function relay(
    res: ServerResponse,
    request: { method: string; url: string; body: string; signer: RequestSigner | undefined; contentType: string | undefined },
  ): Promise<void> {
    let headers: Record<string, string> = { accept: 'application/json' };
    const body = request.body === '' ? undefined : request.body;
    if (body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
    try {
      if (request.signer) headers = await request.signer.sign({ method: request.method, url: request.url, headers, ...(body === undefined ? {} : { body }) });
    } catch (error) {
      return json(res, 502, { error: { code: 'signing-failed', message: `could not sign the request: ${(error as Error).message}` } });
    }
    let answer: Response;
    let text: string;
    try {
      answer = await fetchImpl(request.url, { method: request.method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(timeoutMs) });
      text = await answer.text();
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
      return json(res, 502, { error: { code: 'unreachable', message: `${request.method} ${request.url}: ${cause}` } });
    }
    // Retry-After too: a 503 contended says when to try again, and the page shows it.
    const retryAfter = answer.headers.get('retry-after');
    res
      .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store', ...(retryAfter === null ? {} : { 'retry-after': retryAfter }) })
      .end(text);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { code: 'internal', message: (error as Error).message } });
      else res.destroy();
    });
  });
  const listening = await listen(server, options.port ?? 0, hostname);
  port = listening.port;
  return listening;
}

/**
 * Why a request must not be relayed, or undefined when it comes from this server's own page:
 * the `Host` must be this server (a rebound DNS name is not), and a page of another origin is
 * refused by its `Origin` (sent by browsers on every write) or `Sec-Fetch-Site`.
 *
 * @example
 * ```ts
 * refuseForeign(req, 'PUT', ['127.0.0.1:4000'], ['http://127.0.0.1:4000']); // 'writes need the Origin of this page'
 * ```
 */
export function refuseForeign(req: Pick<IncomingMessage, 'headers'>, method: string, hosts: readonly string[], origins: readonly string[]): string | undefined {
  const host = req.headers.host;
  if (host === undefined || !hosts.includes(host)) return `host ${host ?? '(none)'} is not this server`;
  const origin = req.headers.origin;
  if (origin !== undefined && !origins.includes(origin)) return `requests from ${origin} are not relayed`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `requests from a ${site} page are not relayed`;
  if (origin === undefined && method !== 'GET' && method !== 'HEAD') return 'writes need the Origin of this page';
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
