/**
 * Translation between a Node HTTP request/response and API Gateway HTTP API (payload format 2.0)
 * events, so the api Lambda runs locally on exactly the event shape AWS gives it.
 *
 * @example
 * ```ts
 * import { toApiGatewayEvent } from './api-gateway-event.ts';
 * const event = toApiGatewayEvent({ method: 'PUT', url: '/kv/a?x=1', headers: { 'content-type': 'application/json' },
 *   body: Buffer.from('{"value":1}'), sourceIp: '127.0.0.1', host: '127.0.0.1:3001', requestId: 'r1', now: Date.now() });
 * event.rawPath; // '/kv/a'
 * ```
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

/** A Lambda handler behind an HTTP API. */
export type HttpApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

export interface RawRequest {
  readonly method: string;
  /** Request target, path and query (`/kv/a?x=1`). */
  readonly url: string;
  /** Node's `IncomingMessage.headers` (already lower-cased). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly host: string;
  readonly requestId: string;
  readonly now: number;
}

export interface RawResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml)))/i;

/** API Gateway passes text bodies as is and base64-encodes everything else. */
function isTextBody(contentType: string | undefined, body: Buffer): boolean {
  if (contentType !== undefined) return TEXT_TYPES.test(contentType.trim());
  // No content type (e.g. a bare `curl --data-binary`): text when it decodes as UTF-8.
  return Buffer.from(body.toString('utf8'), 'utf8').equals(body);
}

function joinHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time` in API Gateway's format, e.g. `26/Nov/2026:07:25:00 +0000`. */
function gatewayTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Builds the `$default`-route event API Gateway would send for this request. */
export function toApiGatewayEvent(req: RawRequest): APIGatewayProxyEventV2 {
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const rawQueryString = q < 0 ? '' : req.url.slice(q + 1);

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    const joined = joinHeader(value);
    if (joined === undefined) continue;
    if (name === 'cookie') cookies = joined.split(';').map((c) => c.trim()).filter((c) => c !== '');
    else headers[name.toLowerCase()] = joined;
  }

  // Repeated query parameters are comma-joined, as in payload format 2.0.
  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString !== '') {
    queryStringParameters = {};
    for (const [k, v] of new URLSearchParams(rawQueryString)) {
      queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
    }
  }

  const hasBody = req.body.length > 0;
  const text = hasBody && isTextBody(headers['content-type'], req.body);
  const [domainPrefix] = req.host.split('.');
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // A malformed escape stays as sent; the handler answers it from rawPath.
  }
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies === undefined ? {} : { cookies }),
    headers,
    ...(queryStringParameters === undefined ? {} : { queryStringParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: req.host,
      domainPrefix: domainPrefix ?? req.host,
      http: {
        method: req.method.toUpperCase(),
        path,
        protocol: 'HTTP/1.1',
        sourceIp: req.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: req.requestId,
      routeKey: '$default',
      stage: '$default',
      time: gatewayTime(req.now),
      timeEpoch: req.now,
    },
    ...(hasBody ? { body: text ? req.body.toString('utf8') : req.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
}

/**
 * Turns a handler's result into the HTTP response API Gateway would send: a structured result as
 * given; anything else (a string, an object without `statusCode`) as a 200 JSON body.
 */
export function fromApiGatewayResult(result: APIGatewayProxyResultV2): RawResponse {
  if (typeof result === 'object' && result !== null && 'statusCode' in result && typeof result.statusCode === 'number') {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
    const raw = result.body ?? '';
    const body = result.isBase64Encoded === true ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    return { statusCode: result.statusCode, headers, cookies: result.cookies ?? [], body };
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(body ?? '', 'utf8') };
}
