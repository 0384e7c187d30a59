/**
 * The browser's client of a region's HTTP API (DESIGN.md section 2): the same routes as
 * `shared/client/mesh-client.ts`, in plain JavaScript because the GUI has no build step.
 *
 * @example
 * ```js
 * import { api } from './api.js';
 * const view = await api.get('http://127.0.0.1:3001', 'colour'); // { key, value, conflict, heads, … }
 * ```
 */

const TIMEOUT_MS = 8000;

/** A refusal or failure: `status` 0 when the region could not be reached. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/**
 * Calls one route; answers the parsed JSON or throws {@link ApiError}.
 *
 * @example
 * ```js
 * await call('http://127.0.0.1:3001', 'GET', '/status');
 * ```
 */
export async function call(baseUrl, method, path, body) {
  const url = baseUrl.replace(/\/+$/, '') + path;
  let response;
  let text;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    throw new ApiError(0, 'unreachable', `${method} ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = parsed && typeof parsed === 'object' ? parsed.error : undefined;
    throw new ApiError(response.status, error?.code ?? `http-${response.status}`, error?.message ?? (text.slice(0, 200) || response.statusText));
  }
  return parsed;
}

const seg = encodeURIComponent;

/**
 * One function per route of the API table, each taking the region's base URL first.
 *
 * @example
 * ```js
 * await api.resolve(url, 'colour', 'green', view.heads.map((h) => h.id));
 * ```
 */
export const api = {
  put: (url, key, value) => call(url, 'PUT', `/kv/${seg(key)}`, { value }),
  delete: (url, key) => call(url, 'DELETE', `/kv/${seg(key)}`),
  get: (url, key) => call(url, 'GET', `/kv/${seg(key)}`),
  history: (url, key) => call(url, 'GET', `/kv/${seg(key)}/history`),
  resolve: (url, key, value, heads) => call(url, 'POST', `/kv/${seg(key)}/resolve`, { value, heads }),
  deposit: (url, account, amount) => call(url, 'POST', `/accounts/${seg(account)}/deposit`, { amount }),
  withdraw: (url, account, amount) => call(url, 'POST', `/accounts/${seg(account)}/withdraw`, { amount }),
  account: (url, account) => call(url, 'GET', `/accounts/${seg(account)}`),
  accountHistory: (url, account) => call(url, 'GET', `/accounts/${seg(account)}/history`),
  event: (url, id) => call(url, 'GET', `/events/${seg(id)}`),
  conflicts: (url) => call(url, 'GET', '/conflicts'),
  status: (url) => call(url, 'GET', '/status'),
  setLink: (url, from, to, enabled) => call(url, 'PUT', `/admin/links/${seg(from)}/${seg(to)}`, { enabled }),
};

/**
 * Calls `fn(region)` for every region at once; answers `{ region, url, ok, value | error }` per region.
 *
 * @example
 * ```js
 * const statuses = await everyRegion(regions, (r) => api.status(r.url));
 * ```
 */
export async function everyRegion(regions, fn) {
  return Promise.all(
    regions.map(async (r) => {
      try {
        return { region: r.region, url: r.url, ok: true, value: await fn(r) };
      } catch (error) {
        return { region: r.region, url: r.url, ok: false, error };
      }
    }),
  );
}
