/**
 * Hostile HTTP requests for one region, generated with fast-check from the api handler's own
 * route table (`ROUTES` of `functions/api.ts`), so a new route is fuzzed without touching this
 * file. Each request is a route (or a near miss of one) with odd path parameters (bad keys,
 * percent-encoding, encoded slashes, huge segments), a method that may be wrong, a query string
 * that may be huge or carry `limit`/`cursor` garbage (every list is paged), a content type that may be wrong, and a
 * body that may be well-formed, wrong-typed, deep, huge, truncated or not JSON at all. Many are
 * valid and get 2xx: the fuzz checks those are the only requests that store anything.
 *
 * @example
 * ```ts
 * import { sampleRequests } from './http-requests.ts';
 * const requests = sampleRequests(1000, 42); // the same 1000 requests for seed 42, every time
 * ```
 */
import fc from 'fast-check';
import { ROUTES, type Route } from '../../functions/api.ts';
import { LIMITS } from '../../shared/domain/limits.ts';
import { hostileJsonArb } from '../support/arbitraries.ts';

/** One request, ready to send as is (the path is already percent-encoded, or deliberately not). */
export interface FuzzRequest {
  readonly method: string;
  /** Path and query, sent verbatim as the request target. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** A short name of what kind of request this is (for the report). */
  readonly kind: string;
}

/** The regions the fuzzed mesh has: valid values for the admin route's parameters. */
export interface FuzzContext {
  readonly regions: readonly string[];
}

const KEY_CHARS = 'ABCXYZabcxyz0189._:~@+-'.split('');
const validKey = fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength: 1, maxLength: 40 }).map((k) => `fz${k}`);
const eventId = fc.stringMatching(/^[0-9a-f]{64}$/);

/** A path segment: mostly something a route accepts, often something it must refuse. */
function segment(ctx: FuzzContext): fc.Arbitrary<{ raw: string; kind: string }> {
  const enc = (s: string): string => encodeURIComponent(s);
  return fc.oneof(
    { weight: 6, arbitrary: validKey.map((k) => ({ raw: enc(k), kind: 'key' })) },
    { weight: 2, arbitrary: fc.constantFrom(...ctx.regions).map((r) => ({ raw: r, kind: 'region' })) },
    { weight: 2, arbitrary: eventId.map((id) => ({ raw: id, kind: 'id' })) },
    { weight: 1, arbitrary: eventId.map((id) => ({ raw: id.toUpperCase(), kind: 'upper-id' })) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map((s) => ({ raw: enc(s.replace(/[\ud800-\udfff]/g, 'x')), kind: 'unicode' })) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%2F', '%2e%2e', '..', '.', '%00', 'a%23b', '%FF%FE', '%ED%A0%80').map((raw) => ({ raw, kind: 'bad-encoding' })) },
    { weight: 1, arbitrary: fc.integer({ min: LIMITS.maxKeyLength + 1, max: 9000 }).map((n) => ({ raw: 'k'.repeat(n), kind: 'long-key' })) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty').map((raw) => ({ raw, kind: 'proto-key' })) },
  );
}

/** The path of `route` with its parameters filled. */
function routePath(route: Route, ctx: FuzzContext): fc.Arbitrary<{ path: string; kind: string }> {
  const params = route.pattern.filter((p) => p.startsWith(':'));
  return fc.tuple(...params.map(() => segment(ctx))).map((segs) => {
    let i = 0;
    const parts = route.pattern.map((p) => (p.startsWith(':') ? (segs[i++]?.raw ?? '') : p));
    return { path: `/${parts.join('/')}`, kind: segs.map((s) => s.kind).join(',') || 'fixed' };
  });
}

/** Paths no route has: near misses of real ones and plain garbage. */
const oddPath: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('/', '', '//', '/kv', '/kv/', '/kv//history', '/KV/x', '/status/', '/status//', '/admin', '/admin/links', '/accounts', '/events', '/ui', '/ui/../status', '/local/mesh/x', '/prod/status', '/%2e%2e/status', '/kv/a/b/c/d', '/*', '/?'),
  fc.array(fc.string({ unit: fc.constantFrom(...'abkv/%.-_~'.split('')), maxLength: 12 }), { maxLength: 6 }).map((p) => `/${p.join('/')}`),
  fc.integer({ min: 2000, max: 12_000 }).map((n) => `/kv/${'x'.repeat(n)}/history`),
);

/** A query string: none mostly, else paging parameters with garbage, or a huge one. */
const query: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc
      .record({
        limit: fc.oneof(fc.constantFrom('', '0', '-1', '1', '10', '1.5', 'NaN', 'abc', '1e9', '9007199254740993', '0x10', '%20', '1000000'), fc.integer().map(String)),
        cursor: fc.oneof(fc.constantFrom('', 'garbage', '%', '%00', 'e30', 'eyJ9', '!!!'), fc.base64String({ maxLength: 200 }), fc.string({ maxLength: 40 }).map(encodeURIComponent)),
      })
      .map(({ limit, cursor }) => `?limit=${limit}&cursor=${cursor}`),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 30_000 }).map((n) => `?${'q=x&'.repeat(Math.floor(n / 4))}`) },
  { weight: 1, arbitrary: fc.constantFrom('?limit=1&limit=2', '?cursor', '?=', '?&&&', '?a[b]=c', '?__proto__[x]=1') },
);

const methods = fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'FOO');

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constant('application/json; charset=utf-8') },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'application/json; charset=latin1', 'application/octet-stream', '*/*', ';;;', 'APPLICATION/JSON') },
);

/** What a route's body is made of: its fields, right or wrong. */
function fieldsFor(route: Route): fc.Arbitrary<unknown> {
  const amount = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 1000 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308, -0, '10', null, true, [], {}, '1e3') },
  );
  const heads = fc.oneof(
    fc.array(eventId, { maxLength: 3 }),
    fc.constantFrom('not-an-array', null, 5, [1, 2], [''], {}),
    fc.array(eventId, { minLength: 65, maxLength: 200 }),
  );
  // A resolve may name the key's version instead of its heads: small ones are often the right one.
  const version = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, '1', null, Number.MAX_SAFE_INTEGER + 2, [1]) });
  const value = fc.oneof({ weight: 4, arbitrary: hostileJsonArb }, { weight: 1, arbitrary: fc.constant(undefined) });
  const last = route.pattern.at(-1);
  if (route.pattern[0] === 'admin') return fc.record({ enabled: fc.oneof(fc.boolean(), fc.constantFrom('true', 0, 1, null)) }, { requiredKeys: [] });
  if (last === 'deposit' || last === 'withdraw') return fc.record({ amount }, { requiredKeys: [] });
  if (last === 'resolve') return fc.record({ value, heads, version }, { requiredKeys: [] });
  return fc.record({ value }, { requiredKeys: [] });
}

/** Over the gateway's 10 MiB limit (API Gateway's): one buffer, shared by every request that sends it. */
const HUGE = Buffer.alloc(10 * 1024 * 1024 + 10, 0x20);
/** Values just over 64 KiB, bodies just over 256 KiB, and well over: built once. */
const BIG = [65_537, 100_000, 262_145, 400_000].map((n) => Buffer.from(JSON.stringify({ value: 'x'.repeat(n) })));

/** A body: JSON of the route's fields mostly, else any of the ways a body goes wrong. */
function body(route: Route): fc.Arbitrary<{ bytes: Buffer | undefined; kind: string }> {
  const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v) ?? 'null');
  return fc.oneof(
    { weight: 140, arbitrary: fieldsFor(route).map((f) => ({ bytes: json(f), kind: 'fields' })) },
    { weight: 10, arbitrary: fc.constant({ bytes: undefined, kind: 'none' }) },
    { weight: 10, arbitrary: fc.constantFrom('', ' ', 'null', '[]', '[1,2]', '"str"', '42', 'true', '{', '{"value":', '{"value":1}garbage', '\ufeff{"value":1}', '{"value":NaN}', '{"value":1,"value":2}', '{"__proto__":{"value":1}}', '{"constructor":{"prototype":{"x":1}}}').map((s) => ({ bytes: Buffer.from(s), kind: 'malformed' })) },
    { weight: 10, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => ({ bytes: Buffer.from(a), kind: 'binary' })) },
    { weight: 10, arbitrary: fc.integer({ min: 70, max: 5000 }).map((d) => ({ bytes: Buffer.from(`{"value":${'['.repeat(d)}${']'.repeat(d)}}`), kind: 'deep' })) },
    { weight: 10, arbitrary: fc.constantFrom(...BIG).map((bytes) => ({ bytes, kind: 'big' })) },
    { weight: 1, arbitrary: fc.constant({ bytes: HUGE, kind: 'huge' }) },
  );
}

/** One hostile request for a region of `ctx`. */
export function requestArb(ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  // One arbitrary per route, built once: building them is far costlier than drawing from them.
  const perRoute = ROUTES.map((route) => {
    const bodies = body(route);
    return fc
      .record({
        path: routePath(route, ctx),
        method: fc.oneof({ weight: 8, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: methods }),
        trailing: fc.oneof({ weight: 20, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('/', '//', '/x') }),
        query,
        type: contentType,
        body: route.body ? bodies : fc.oneof({ weight: 8, arbitrary: fc.constant({ bytes: undefined, kind: 'none' }) }, { weight: 1, arbitrary: bodies }),
      })
      .map(({ path, method, trailing, query: q, type, body: b }): FuzzRequest => ({
        method,
        target: `${path.path}${trailing}${q}`,
        headers: b.bytes === undefined || type === undefined ? {} : { 'content-type': type },
        ...(b.bytes === undefined ? {} : { body: b.bytes }),
        kind: `${method} /${route.pattern.join('/')} [${path.kind}; body ${b.kind}]`,
      }));
  });
  const routed = fc.oneof(...perRoute);
  const stray = fc.record({ method: methods, path: oddPath, query, type: contentType, b: fc.option(fc.uint8Array({ maxLength: 100 }), { nil: undefined }) }).map(
    ({ method, path, query: q, type, b }): FuzzRequest => ({
      method,
      target: `${path.startsWith('/') ? path : `/${path}`}${q}`,
      headers: b === undefined || type === undefined ? {} : { 'content-type': type },
      ...(b === undefined ? {} : { body: Buffer.from(b) }),
      kind: `${method} (no route)`,
    }),
  );
  return fc.oneof({ weight: 9, arbitrary: routed }, { weight: 1, arbitrary: stray });
}

/** `n` requests for `seed`, the same ones on every call (generated 500 at a time, so a soak stays lean). */
export function* sampleRequests(n: number, seed: number, ctx: FuzzContext): Generator<FuzzRequest> {
  const arb = requestArb(ctx);
  for (let done = 0, chunk = 0; done < n; chunk++) {
    const size = Math.min(500, n - done);
    for (const r of fc.sample(arb, { numRuns: size, seed: (seed + chunk * 7919) | 0 })) yield r;
    done += size;
  }
}
