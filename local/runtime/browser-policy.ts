/**
 * Which web pages may call a local region: the CORS and Host rules of the local gateways.
 *
 * The GUI is served by every region at `/ui/` on that region's own port and calls the other
 * regions' ports, so the only pages that need the API are the mesh's own region origins
 * (`http://127.0.0.1:<port>`, and `localhost` for the same port). Anything else is a page the
 * developer happens to have open, which must get nothing:
 *
 * - a request carrying an `Origin` that is not a mesh region (a cross-origin fetch, a form POST,
 *   `mode: 'no-cors'`, a sandboxed `null` origin) is refused with 403 before it reaches the
 *   handler: a simple request would otherwise run even though the page could not read the answer;
 * - an allowed origin gets its own origin back in `Access-Control-Allow-Origin` (never `*`), with
 *   `Vary: Origin`; a request without `Origin` (CLI, SDKs, tests) gets no CORS headers at all;
 * - a gateway on a loopback address answers only requests whose `Host` names a loopback host and
 *   its port, which defeats DNS rebinding (a hostile name resolved to 127.0.0.1 makes the page
 *   same-origin, so only the Host header tells it apart). On a wildcard address (`0.0.0.0`) the
 *   names it is reached by are unknown and Host is not checked.
 *
 * Bodies must also be `application/json` (415 from the api handler otherwise), so a cross-origin
 * write always needs a preflight, which only the mesh's origins pass.
 *
 * @example
 * ```ts
 * import { BrowserPolicy } from './browser-policy.ts';
 * const policy = new BrowserPolicy({ hostname: '127.0.0.1', port: 3001, origins: () => ['http://127.0.0.1:3002'] });
 * policy.judge({ origin: 'https://evil.example', host: '127.0.0.1:3001', preflight: false }); // { allowed: false, status: 403, … }
 * policy.judge({ origin: 'http://localhost:3002', host: '127.0.0.1:3001', preflight: true });  // allowed, with CORS headers
 * ```
 */

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'] as const;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** What a page of an allowed origin may read of an answer: Retry-After, of a 503 contended from another region. */
const EXPOSED_HEADERS = 'apigw-requestid,retry-after';

/** What a preflight allows (the methods and headers the GUI, the CLI and SigV4 signing use). */
const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET,PUT,POST,DELETE,OPTIONS',
  'access-control-allow-headers': 'content-type,authorization,x-amz-date,x-amz-security-token,x-amz-content-sha256',
  'access-control-max-age': '600',
} as const;

export interface BrowserPolicyOptions {
  /** The interface this gateway listens on. */
  readonly hostname: string;
  /** The port it listens on. */
  readonly port: number;
  /** The other origins allowed (the mesh's region URLs); read on every request, so ports known later count. */
  readonly origins?: () => Iterable<string>;
}

/** The request facts the policy looks at. */
export interface BrowserRequest {
  readonly origin: string | undefined;
  readonly host: string | undefined;
  /** An OPTIONS request with `Access-Control-Request-Method`. */
  readonly preflight: boolean;
}

export type BrowserVerdict =
  | { readonly allowed: true; readonly headers: Readonly<Record<string, string>> }
  | { readonly allowed: false; readonly status: 403; readonly code: 'forbidden-origin' | 'forbidden-host'; readonly message: string };

/**
 * `origin` and the same port on the other loopback names (`127.0.0.1`, `localhost`, `[::1]`), or
 * just `origin` when it is not a loopback one.
 *
 * @example
 * ```ts
 * loopbackAliases('http://127.0.0.1:3001'); // ['http://127.0.0.1:3001', 'http://localhost:3001', 'http://[::1]:3001']
 * ```
 */
export function loopbackAliases(origin: string): string[] {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return [];
  }
  if (!LOOPBACK.has(url.hostname)) return [url.origin];
  return LOOPBACK_NAMES.map((h) => `${url.protocol}//${h}${url.port === '' ? '' : `:${url.port}`}`);
}

export class BrowserPolicy {
  private readonly own: readonly string[];
  private readonly hosts: ReadonlySet<string> | undefined;

  constructor(private readonly options: BrowserPolicyOptions) {
    this.own = loopbackAliases(`http://${options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname}:${options.port}`);
    this.hosts = LOOPBACK.has(options.hostname) ? new Set(LOOPBACK_NAMES.map((h) => `${h}:${options.port}`)) : undefined;
  }

  /** Whether to serve the request, and the CORS headers of its answer. */
  judge(req: BrowserRequest): BrowserVerdict {
    if (this.hosts !== undefined && req.host !== undefined && !this.hosts.has(req.host.toLowerCase())) {
      return { allowed: false, status: 403, code: 'forbidden-host', message: `Host ${JSON.stringify(req.host.slice(0, 100))} is not this local region (expected one of ${[...this.hosts].join(', ')})` };
    }
    if (req.origin === undefined) return { allowed: true, headers: {} };
    const allowed = new Set([...this.own, ...[...(this.options.origins?.() ?? [])].flatMap(loopbackAliases)]);
    if (!allowed.has(req.origin)) {
      return { allowed: false, status: 403, code: 'forbidden-origin', message: `pages from ${JSON.stringify(req.origin.slice(0, 100))} may not call this local region; only the mesh's own GUI origins may` };
    }
    const cors = { 'access-control-allow-origin': req.origin, vary: 'origin' };
    return { allowed: true, headers: req.preflight ? { ...cors, ...PREFLIGHT_HEADERS } : { ...cors, 'access-control-expose-headers': EXPOSED_HEADERS } };
  }
}
