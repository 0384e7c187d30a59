/**
 * The regional HTTP API (API Gateway HTTP API, payload v2; the local cloud sends the same
 * events). Thin: route, parse the body, call {@link RegionService}, map the result or the error
 * to a response. Every refusal is a 4xx `{"error":{"code","message"}}` and stores nothing.
 *
 * @example
 * ```ts
 * import { makeApiHandler } from './api.ts';
 * const api = makeApiHandler(deps);
 * const res = await api({ rawPath: '/kv/colour', body: '{"value":"blue"}', requestContext: { http: { method: 'PUT' } } } as APIGatewayProxyEventV2);
 * res.statusCode; // 201
 * ```
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ContendedError, isMeshError, ValidationError, MeshError } from '../shared/domain/errors.ts';
import { InsufficientRightsError } from '../shared/domain/escrow-errors.ts';
import { depsFromEnv, lazy } from '../shared/app/env-deps.ts';
import type { RegionService } from '../shared/app/region-service.ts';
import type { RegionDeps } from '../shared/app/wiring.ts';
import { LambdaLinkControl } from '../shared/adapters/lambda-link-control.ts';

/** Bodies are a value (<= 64 KiB canonical) plus a little; anything far bigger is refused unread. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface ApiHandlerOptions {
  readonly logger?: Logger;
}

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

type Body = Record<string, unknown>;

/** The query string as API Gateway (v2) gives it: repeated names are joined with commas. */
export type QueryParams = Readonly<Record<string, string | undefined>>;

export interface Route {
  /** Path pattern segments; `:name` captures a (decoded) segment. */
  readonly pattern: readonly string[];
  readonly method: string;
  readonly status: 200 | 201;
  /** Whether the route reads a JSON object body. */
  readonly body: boolean;
  readonly run: (s: RegionService, p: Record<string, string>, body: Body, query: QueryParams) => Promise<unknown>;
}

/** An answer whose status is not its route's: `POST /accounts/{id}` is 200 when it created nothing. */
class WithStatus {
  constructor(readonly status: number, readonly body: unknown) {}
}

async function created(p: Promise<{ readonly created: boolean }>): Promise<unknown> {
  const answer = await p;
  return answer.created ? answer : new WithStatus(200, answer);
}

/** Every route, in matching order (exported for the fuzz suite, which generates requests from it). */
export const ROUTES: readonly Route[] = [
  { pattern: ['kv'], method: 'GET', status: 200, body: false, run: (s, _p, _b, q) => s.keys(q) },
  { pattern: ['kv', ':key'], method: 'PUT', status: 201, body: true, run: (s, p, b) => s.put(p['key'], b['value']) },
  { pattern: ['kv', ':key'], method: 'DELETE', status: 201, body: false, run: (s, p) => s.delete(p['key']) },
  { pattern: ['kv', ':key'], method: 'GET', status: 200, body: false, run: (s, p) => s.get(p['key']) },
  { pattern: ['kv', ':key', 'heads'], method: 'GET', status: 200, body: false, run: (s, p, _b, q) => s.heads(p['key'], q) },
  { pattern: ['kv', ':key', 'history'], method: 'GET', status: 200, body: false, run: (s, p, _b, q) => s.history(p['key'], q) },
  { pattern: ['kv', ':key', 'resolve'], method: 'POST', status: 201, body: true, run: (s, p, b) => s.resolve(p['key'], b['value'], b['heads'], b['version']) },
  { pattern: ['accounts'], method: 'GET', status: 200, body: false, run: (s, _p, _b, q) => s.accountList(q) },
  { pattern: ['accounts', ':id'], method: 'POST', status: 201, body: true, run: (s, p, b) => created(s.createAccount(p['id'], b['mode'])) },
  { pattern: ['accounts', ':id', 'deposit'], method: 'POST', status: 201, body: true, run: (s, p, b) => s.deposit(p['id'], b['amount'], b['mode']) },
  { pattern: ['accounts', ':id', 'withdraw'], method: 'POST', status: 201, body: true, run: (s, p, b) => s.withdraw(p['id'], b['amount'], b['mode']) },
  { pattern: ['accounts', ':id', 'transfer'], method: 'POST', status: 201, body: true, run: (s, p, b) => s.transfer(p['id'], b['to'], b['amount']) },
  { pattern: ['accounts', ':id'], method: 'GET', status: 200, body: false, run: (s, p, _b, q) => s.account(p['id'], q) },
  { pattern: ['accounts', ':id', 'history'], method: 'GET', status: 200, body: false, run: (s, p, _b, q) => s.accountHistory(p['id'], q) },
  { pattern: ['accounts', ':id', 'rebalancing'], method: 'GET', status: 200, body: false, run: (s, p, _b, q) => s.rebalancing(p['id'], q) },
  { pattern: ['events', ':id'], method: 'GET', status: 200, body: false, run: (s, p) => s.event(p['id']) },
  { pattern: ['conflicts'], method: 'GET', status: 200, body: false, run: (s, _p, _b, q) => s.conflicts(q) },
  { pattern: ['status'], method: 'GET', status: 200, body: false, run: (s) => s.status() },
  { pattern: ['admin', 'links', ':from', ':to'], method: 'PUT', status: 200, body: true, run: (s, p, b) => s.setLink(p['from'], p['to'], b['enabled']) },
];

/** Builds the handler on injected dependencies (local cloud, tests). */
export function makeApiHandler(deps: Pick<RegionDeps, 'service'>, options: ApiHandlerOptions = {}): ApiHandler {
  const logger = options.logger ?? new Logger({ serviceName: 'ecmesh-api' });
  return async (event) => {
    const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
    try {
      const segments = pathSegments(event);
      const matching = ROUTES.map((r) => ({ r, params: match(r.pattern, segments) })).filter((m) => m.params !== undefined);
      if (matching.length === 0) throw new MeshError('route-not-found', 404, `no route ${method} ${event.rawPath}`);
      const hit = matching.find((m) => m.r.method === method);
      if (hit === undefined) {
        const allow = [...new Set(matching.map((m) => m.r.method))].join(', ');
        return { ...json(405, error('method-not-allowed', `${method} is not allowed on ${event.rawPath}; allowed: ${allow}`)), headers: { ...JSON_HEADERS, allow } };
      }
      const body = hit.r.body ? parseBody(event) : {};
      const answer = await hit.r.run(deps.service, hit.params ?? {}, body, event.queryStringParameters ?? {});
      return answer instanceof WithStatus ? json(answer.status, answer.body) : json(hit.r.status, answer);
    } catch (e) {
      if (e instanceof ContendedError) {
        // Contention is the client's cue to come back, not a failure of ours: 503 + Retry-After, nothing stored.
        const res = json(e.status, error(e.code, e.message));
        return { ...res, headers: { ...JSON_HEADERS, 'retry-after': String(e.retryAfterSeconds) } };
      }
      if (e instanceof InsufficientRightsError) return json(e.status, { error: { code: e.code, message: e.message, details: rightsDetails(e) } });
      if (isMeshError(e) && e.status < 500) return json(e.status, error(e.code, e.message));
      if (isMeshError(e)) {
        logger.error('refused', { code: e.code, error: e });
        return json(e.status, error(e.code, e.message));
      }
      logger.error('unhandled error', { method, path: event.rawPath, error: e as Error });
      return json(500, error('internal', 'internal error'));
    }
  };
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

function error(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/**
 * An escrow refusal's figures as JSON numbers, as every amount of the API is: this region's
 * rights, the balance, what is held elsewhere and by whom, and the want it asked its peers for.
 */
function rightsDetails(e: InsufficientRightsError): Record<string, unknown> {
  const d = e.details;
  return {
    region: d.region,
    amount: Number(d.amount),
    rights: Number(d.rights),
    balance: Number(d.balance),
    elsewhere: Number(d.elsewhere),
    holders: Object.fromEntries(Object.entries(d.holders).map(([r, n]) => [r, Number(n)])),
    ...(d.requested === undefined ? {} : { requested: Number(d.requested) }),
  };
}

/** Path segments after the stage prefix (a named stage puts `/stage` in rawPath; `$default` does not). */
function pathSegments(event: APIGatewayProxyEventV2): string[] {
  let path = event.rawPath ?? '/';
  const stage = event.requestContext?.stage;
  if (stage !== undefined && stage !== '$default' && (path === `/${stage}` || path.startsWith(`/${stage}/`))) {
    path = path.slice(stage.length + 1) || '/';
  }
  return path.split('/').slice(1);
}

function match(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, p] of pattern.entries()) {
    const s = segments[i] ?? '';
    if (p.startsWith(':')) {
      if (s === '') return undefined;
      try {
        params[p.slice(1)] = decodeURIComponent(s);
      } catch {
        throw new ValidationError('invalid-key', `path segment ${JSON.stringify(s.slice(0, 80))} is not valid percent-encoding`);
      }
    } else if (p !== s) {
      return undefined;
    }
  }
  return params;
}

/**
 * A body must say it is JSON: a browser sends a cross-origin `text/plain` or form POST without a
 * CORS preflight, so a body taken whatever its type would let any web page write.
 */
function requireJson(event: APIGatewayProxyEventV2): void {
  const type = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  const [media = '', ...params] = type.split(';').map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (media !== 'application/json' || (charset !== undefined && charset !== 'utf-8')) {
    throw new MeshError('unsupported-media-type', 415, `a body must be sent as application/json (UTF-8), got ${type === '' ? 'no content-type' : JSON.stringify(type.slice(0, 80))}`);
  }
}

function parseBody(event: APIGatewayProxyEventV2): Body {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === '') throw new ValidationError('bad-request', 'a JSON object body is required');
  requireJson(event);
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new MeshError('payload-too-large', 413, `body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ValidationError('invalid-json', `body is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError('bad-request', 'body must be a JSON object');
  }
  return parsed as Body;
}

/** In AWS, links are the ingest functions' event source mappings across the mesh. */
const defaultHandler = lazy(() => makeApiHandler(depsFromEnv(process.env, LambdaLinkControl.fromEnv(process.env))));

/** The Lambda entry point: dependencies from the environment, built on the first request. */
export const handler: ApiHandler = async (event) => (await defaultHandler())(event);
