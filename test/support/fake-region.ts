/**
 * A tiny in-test HTTP server standing in for a region's API: it records every request and
 * answers from a handler the test gives. For client and CLI tests, never for the e2e test.
 *
 * @example
 * ```ts
 * const region = await startFakeRegion(() => ({ status: 200, body: { region: 'us-east-1', peers: [], links: [] } }));
 * await new MeshClient({ baseUrl: region.url }).status();
 * region.requests[0]; // { method: 'GET', path: '/status', headers: {...}, body: undefined }
 * await region.close();
 * ```
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { afterEach } from 'vitest';
import { listen } from '../../local/runtime/listening-server.ts';

/** A request as the fake region saw it; `body` is the parsed JSON (or the raw text if not JSON). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** What the handler answers; `delayMs` holds the answer back (timeouts); a string body is sent raw. */
export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly delayMs?: number;
  /** Extra response headers (e.g. `retry-after`). */
  readonly headers?: Readonly<Record<string, string>>;
}

export type FakeHandler = (request: RecordedRequest) => FakeAnswer;

export interface FakeRegion {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Stops the server and its open connections; safe to call twice. */
  close(): Promise<void>;
}

/** Starts the fake region on a free port of 127.0.0.1. */
export async function startFakeRegion(handler: FakeHandler): Promise<FakeRegion> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      const answer = handler(recorded);
      const send = (): void => {
        if (res.destroyed) return;
        const payload = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json', ...answer.headers });
        res.end(payload);
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  const { url, stop } = await listen(server, 0, '127.0.0.1');
  return { url, requests, close: stop };
}

/**
 * For a test file: answers a `start(handler)` that starts fake regions, every one of which is
 * closed after each test (also when the test fails or closed it already). Call it once, at the
 * top level of the file.
 *
 * @example
 * ```ts
 * const startRegion = fakeRegionsPerTest();
 * it('reads the status', async () => {
 *   const region = await startRegion(() => ({ status: 200, body: { region: 'r', peers: [], links: [] } }));
 *   await new MeshClient({ baseUrl: region.url }).status();
 * });
 * ```
 */
export function fakeRegionsPerTest(): (handler: FakeHandler) => Promise<FakeRegion> {
  const started: FakeRegion[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((r) => r.close()));
  });
  return async (handler) => {
    const region = await startFakeRegion(handler);
    started.push(region);
    return region;
  };
}
