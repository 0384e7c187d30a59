/**
 * The local API Gateway of one region: an HTTP server that turns each request into an HTTP API
 * (payload 2.0, `$default` route) event for the api Lambda and writes its result back, answers
 * CORS preflights itself (as a CORS-configured HTTP API does), so the GUI served by one region
 * can call every other region, and serves the GUI folder at `/ui/`. Only the mesh's own origins
 * get CORS answers; a request from any other web page, or with a Host that is not this region,
 * is refused with 403 (`browser-policy.ts`). The local cloud may claim some paths itself
 * (`routes`: its admin routes, which no API Gateway has).
 *
 * @example
 * ```ts
 * import { startHttpGateway } from './http-gateway.ts';
 * const gw = await startHttpGateway({ port: 0, handler: async () => ({ statusCode: 200, body: '{}' }) });
 * await fetch(`${gw.url}/status`);
 * await gw.stop();
 * ```
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromApiGatewayResult, toApiGatewayEvent, type HttpApiHandler } from './api-gateway-event.ts';
import { BrowserPolicy } from './browser-policy.ts';
import { listen, type ListeningServer } from './listening-server.ts';
import { readStatic } from './static-files.ts';

/** API Gateway's HTTP API payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface HttpGatewayOptions {
  readonly handler: HttpApiHandler;
  /** 0 or undefined = a free port. */
  readonly port?: number;
  readonly hostname?: string;
  /** Folder served at `/ui/` when it exists (the GUI). */
  readonly staticDir?: string;
  /** Extra read-only JSON documents served by the gateway itself, e.g. `/local/mesh`. */
  readonly documents?: Readonly<Record<string, () => unknown>>;
  /**
   * Routes the local cloud serves itself, before the api Lambda (the admin routes that add and
   * remove regions): an answer claims the request, undefined passes it on.
   */
  readonly routes?: LocalRoutes;
  /**
   * Origins besides this gateway's own that browsers may call it from: the mesh's other region
   * URLs (their GUI calls this region). Read on every request. Default: none.
   */
  readonly allowedOrigins?: () => Iterable<string>;
  readonly log?: (line: string) => void;
}

/** A request to a local route: method, path (no query) and the raw body. */
export interface LocalRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Buffer;
}

/** A local route's JSON answer; `after` runs once the response has been sent. */
export interface LocalAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly after?: () => void;
}

export type LocalRoutes = (request: LocalRequest) => Promise<LocalAnswer | undefined>;

/** The started gateway: its URL and port, and a stop that also ends open connections. */
export type HttpGateway = ListeningServer;

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: Buffer | string, cookies: readonly string[] = []): void {
  const all: Record<string, string | string[]> = { ...headers };
  if (cookies.length > 0) all['set-cookie'] = [...cookies];
  res.writeHead(status, all);
  res.end(body);
}

/** Starts one region's gateway; resolves once it listens. */
export async function startHttpGateway(options: HttpGatewayOptions): Promise<HttpGateway> {
  const hostname = options.hostname ?? '127.0.0.1';

  let policy: BrowserPolicy | undefined;
  const policyOf = (): BrowserPolicy =>
    (policy ??= new BrowserPolicy({
      hostname,
      port: (server.address() as AddressInfo).port,
      ...(options.allowedOrigins === undefined ? {} : { origins: options.allowedOrigins }),
    }));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const requestId = randomUUID();
    const preflight = method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;

    const verdict = policyOf().judge({ origin: req.headers.origin, host: req.headers.host, preflight });
    if (!verdict.allowed) {
      req.resume(); // the body is not read: drain it so the connection can be reused
      send(res, verdict.status, { 'content-type': 'application/json' }, JSON.stringify({ error: { code: verdict.code, message: verdict.message } }));
      return;
    }
    const cors = verdict.headers;
    if (preflight) {
      send(res, 204, cors, '');
      return;
    }
    if ((method === 'GET' || method === 'HEAD') && options.staticDir !== undefined) {
      if (path === '/' || path === '/ui') {
        if (await readStatic(options.staticDir, 'index.html')) {
          send(res, 302, { ...cors, location: '/ui/' }, '');
          return;
        }
      } else if (path.startsWith('/ui/')) {
        const file = await readStatic(options.staticDir, path.slice('/ui/'.length));
        if (file === undefined) send(res, 404, { ...cors, 'content-type': 'text/plain' }, 'not found');
        else send(res, 200, { ...cors, 'content-type': file.contentType, 'cache-control': 'no-cache' }, method === 'HEAD' ? '' : file.body);
        return;
      }
    }
    const doc = method === 'GET' ? options.documents?.[path] : undefined;
    if (doc !== undefined) {
      send(res, 200, { ...cors, 'content-type': 'application/json' }, JSON.stringify(doc()));
      return;
    }

    const body = await readBody(req);
    if (body === undefined) {
      send(res, 413, { ...cors, 'content-type': 'application/json' }, JSON.stringify({ message: 'Request Entity Too Large' }));
      return;
    }
    const local = await options.routes?.({ method, path, body });
    if (local !== undefined) {
      if (local.after !== undefined) res.once('finish', local.after);
      send(res, local.status, { ...cors, 'content-type': 'application/json; charset=utf-8', 'apigw-requestid': requestId }, JSON.stringify(local.body));
      return;
    }
    const event = toApiGatewayEvent({
      method,
      url,
      headers: req.headers,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      host: req.headers.host ?? `${hostname}`,
      requestId,
      now: Date.now(),
    });
    try {
      const out = fromApiGatewayResult(await options.handler(event));
      send(res, out.statusCode, { ...out.headers, ...cors, 'apigw-requestid': requestId }, method === 'HEAD' ? '' : out.body, out.cookies);
    } catch (err) {
      // What API Gateway answers when the integration fails; the cause goes to the log only.
      options.log?.(`api ${method} ${path} failed: ${(err as Error).stack ?? String(err)}`);
      send(res, 500, { ...cors, 'content-type': 'application/json', 'apigw-requestid': requestId }, JSON.stringify({ message: 'Internal Server Error' }));
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      options.log?.(`gateway: ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Internal Server Error' }));
      else res.destroy();
    });
  });
  return listen(server, options.port ?? 0, hostname);
}
