/**
 * The part of `fetch` the mesh client uses, on `node:http` / `node:https`. Node's global fetch
 * loads undici on first use, which costs a short-lived command like `mesh get` more than its
 * request does (about 0.15 s of CPU, several tenths of a second on a busy machine); the CLI makes
 * one or two requests and exits, so it uses this instead.
 *
 * Answers carry `ok`, `status`, `statusText`, `headers.get()` and `text()`; a failed connection
 * rejects like fetch does (a `TypeError` whose `cause` is the socket error), an aborted signal
 * rejects with the signal's reason.
 *
 * @example
 * ```ts
 * import { httpFetch } from './http-fetch.ts';
 * const client = new MeshClient({ baseUrl: 'http://127.0.0.1:3001', fetch: httpFetch });
 * ```
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * `fetch(url, { method, headers, body, signal })` for string URLs and string bodies.
 *
 * @example
 * ```ts
 * const answer = await httpFetch('http://127.0.0.1:3001/status');
 * JSON.parse(await answer.text());
 * ```
 */
export const httpFetch: typeof fetch = (input, init = {}) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const signal = init.signal ?? undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[name] = value;
  const body = typeof init.body === 'string' ? init.body : undefined;
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // A fresh connection per request: a command makes one or two, and a pooled socket the server
    // has since closed would fail the next one ("socket hang up").
    const req = send(url, { method: init.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(e));
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(answer(res, Buffer.concat(chunks).toString('utf8')));
      });
    });
    const onAbort = (): void => {
      req.destroy();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      if (!signal?.aborted) reject(new TypeError('fetch failed', { cause: error }));
    });
    req.end(body);
  });
};

function answer(res: IncomingMessage, text: string): Response {
  const status = res.statusCode ?? 0;
  const reply = {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? '',
    headers: {
      get: (name: string): string | null => {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
    text: async (): Promise<string> => text,
    json: async (): Promise<unknown> => JSON.parse(text) as unknown,
  };
  // Only these members are ever read by the mesh client; the rest of Response is not provided.
  return reply as unknown as Response;
}
