/**
 * Sends generated hostile requests (`http-requests.ts`) to one running region and checks what
 * the API promises whatever it is sent:
 *
 * - no 5xx, and no request left unanswered past a timeout (a hang);
 * - every refusal the api handler answers is `{"error":{"code","message"}}`;
 * - refused requests store nothing: the region's event count and digest after the run are its
 *   count and digest before, plus exactly the events the 201 answers returned.
 *
 * The same function runs the seeded few thousand requests of `npm test` and the soak of
 * `npm run fuzz -- --requests 100000`.
 *
 * @example
 * ```ts
 * import { runHttpFuzz } from './http-fuzz.ts';
 * const report = await runHttpFuzz({ url: 'http://127.0.0.1:3001', regions: ['us-east-1'], requests: 3000, seed: 1 });
 * report.serverErrors.length; // 0
 * ```
 */
import { Agent, request } from 'node:http';
import { bucketOf, digestOfCells, digestWeight } from '../../shared/domain/digest.ts';
import type { Digest } from '../../shared/domain/types.ts';
import { sampleRequests, type FuzzRequest } from './http-requests.ts';

export interface HttpFuzzOptions {
  /** Base URL of the region, e.g. `http://127.0.0.1:3001`. */
  readonly url: string;
  /** The mesh's regions (valid parameters of the admin route). */
  readonly regions: readonly string[];
  readonly requests: number;
  readonly seed: number;
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number;
  /** A request unanswered after this long is a hang (default 20 000 ms). */
  readonly timeoutMs?: number;
  /** Called every `progressEvery` requests (default 5000). */
  readonly onProgress?: (done: number) => void;
  readonly progressEvery?: number;
}

/** What one request got; `code` is the error code of a 4xx/5xx JSON answer. */
interface Outcome {
  readonly status: number;
  readonly code: string | undefined;
  readonly ms: number;
  /** The events a 201 stored: its chain (a write over more heads than one event may name, its event last), else its event. */
  readonly eventIds: readonly string[];
  /** The api handler answered (the gateway adds `apigw-requestid` to its answers). */
  readonly fromHandler: boolean;
  readonly wellShaped: boolean;
}

/** A request worth showing in a report: what was sent and what came back. */
export interface Finding {
  readonly index: number;
  readonly kind: string;
  readonly method: string;
  readonly target: string;
  readonly status: number | 'hang';
  readonly detail: string;
}

export interface HttpFuzzReport {
  readonly seed: number;
  readonly requests: number;
  readonly elapsedMs: number;
  /** Answers by `status` or `status code` (e.g. `400 invalid-key`). */
  readonly byOutcome: Readonly<Record<string, number>>;
  readonly serverErrors: readonly Finding[];
  readonly hangs: readonly Finding[];
  /** 4xx answers of the api handler that are not `{"error":{"code","message"}}`. */
  readonly badlyShaped: readonly Finding[];
  /** Requests that got no HTTP answer: the connection failed or was reset. */
  readonly clientErrors: readonly Finding[];
  /** 201 answers: each stored one event. */
  readonly accepted: number;
  readonly before: { readonly events: number; readonly digest: Digest };
  readonly after: { readonly events: number; readonly digest: Digest };
  /** Whether `after` is `before` plus exactly the accepted events. */
  readonly storedOnlyAccepted: boolean;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Requests and latency by route (method and pattern, or `METHOD (no route)`). */
  readonly routes: Readonly<Record<string, { readonly requests: number; readonly p50: number; readonly max: number }>>;
}

/** `digest` with `ids` added (what the region's digest must be once it stored them): counts and weight sums add up. */
export function digestWith(digest: Digest, ids: Iterable<string>): Digest {
  const cells = digest.entries.map((e, bucket) => ({ bucket, count: e.count, sum: e.sum }));
  for (const id of new Set(ids)) cells.push({ bucket: bucketOf(id, digest.buckets), count: 1, sum: String(digestWeight(id)) });
  return digestOfCells(cells, digest.buckets);
}

async function status(url: string): Promise<{ events: number; digest: Digest }> {
  const res = await fetch(`${url}/status`);
  if (res.status !== 200) throw new Error(`GET /status answered ${res.status}`);
  const body = (await res.json()) as { events: number; digest: Digest };
  return { events: body.events, digest: body.digest };
}

/**
 * One request, on a connection of its own: keep-alive would race the server closing an idle
 * socket whenever request generation holds the event loop, and a reset that is the client's own
 * doing must not be confused with the server's.
 */
function send(base: URL, agent: Agent, r: FuzzRequest, timeoutMs: number): Promise<Outcome | 'hang'> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Outcome | 'hang'): void => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    const req = request(
      { host: base.hostname, port: base.port, method: r.method, path: r.target, headers: { ...r.headers, ...(r.body === undefined ? {} : { 'content-length': String(r.body.length) }) }, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
          const wellShaped = typeof error?.code === 'string' && typeof error.message === 'string' && Object.keys(parsed as object).length === 1;
          const written = parsed as { event?: { id?: unknown }; chain?: Array<{ id?: unknown }> } | undefined;
          const stored = res.statusCode !== 201 ? [] : (written?.chain ?? (written?.event === undefined ? [] : [written.event]));
          done({
            status: res.statusCode ?? 0,
            code: typeof error?.code === 'string' ? error.code : undefined,
            ms: performance.now() - started,
            eventIds: stored.flatMap((e) => (typeof e.id === 'string' ? [e.id] : [])),
            fromHandler: res.headers['apigw-requestid'] !== undefined,
            wellShaped,
          });
        });
        res.on('error', () => done({ status: 0, code: 'response-error', ms: performance.now() - started, eventIds: [], fromHandler: false, wellShaped: false }));
      },
    );
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      done('hang');
    });
    // The server may answer (413, 403) and close before reading a big body: that is an answer, not an error.
    req.on('error', (e: NodeJS.ErrnoException) => {
      done({ status: 0, code: `client:${e.code ?? e.message}`, ms: performance.now() - started, eventIds: [], fromHandler: false, wellShaped: false });
    });
    req.end(r.body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs the fuzz against `options.url`; resolves with the report (it throws only if `/status` fails). */
export async function runHttpFuzz(options: HttpFuzzOptions): Promise<HttpFuzzReport> {
  const base = new URL(options.url);
  const concurrency = options.concurrency ?? 4;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const agent = new Agent({ keepAlive: false });
  const before = await status(options.url);
  const started = Date.now();
  const byOutcome: Record<string, number> = {};
  const serverErrors: Finding[] = [];
  const hangs: Finding[] = [];
  const badlyShaped: Finding[] = [];
  const clientErrors: Finding[] = [];
  const accepted: string[] = [];
  const latencies: number[] = [];
  const byRoute: Record<string, number[]> = {};
  const requests = sampleRequests(options.requests, options.seed, { regions: options.regions });
  let index = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const next = requests.next();
      if (next.done === true) return;
      const i = index++;
      const r = next.value;
      const o = await send(base, agent, r, timeoutMs);
      const finding = (s: number | 'hang', detail: string): Finding => ({ index: i, kind: r.kind, method: r.method, target: r.target.slice(0, 200), status: s, detail });
      if (o === 'hang') {
        hangs.push(finding('hang', `no answer within ${timeoutMs} ms`));
        byOutcome['hang'] = (byOutcome['hang'] ?? 0) + 1;
        continue;
      }
      latencies.push(o.ms);
      const route = r.kind.replace(/ \[.*$/, '');
      (byRoute[route] ??= []).push(o.ms);
      const label = o.code === undefined ? String(o.status) : `${o.status} ${o.code}`;
      byOutcome[label] = (byOutcome[label] ?? 0) + 1;
      if (o.status >= 500) serverErrors.push(finding(o.status, label));
      // A HEAD answer has no body to shape.
      if (o.status >= 400 && o.status < 500 && o.fromHandler && !o.wellShaped && r.method !== 'HEAD') badlyShaped.push(finding(o.status, label));
      if (o.status === 0) clientErrors.push(finding(0, label));
      accepted.push(...o.eventIds);
      if (options.onProgress !== undefined && (i + 1) % (options.progressEvery ?? 5000) === 0) options.onProgress(i + 1);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const elapsedMs = Date.now() - started;
  const after = await status(options.url);
  const expected = digestWith(before.digest, accepted);
  latencies.sort((a, b) => a - b);
  return {
    seed: options.seed,
    requests: index,
    elapsedMs,
    byOutcome,
    serverErrors,
    hangs,
    badlyShaped,
    clientErrors,
    accepted: accepted.length,
    before,
    after,
    storedOnlyAccepted: after.events === before.events + new Set(accepted).size && JSON.stringify(after.digest) === JSON.stringify(expected),
    latencyMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), max: Math.round(latencies.at(-1) ?? 0) },
    routes: Object.fromEntries(
      Object.entries(byRoute).map(([k, ms]) => {
        ms.sort((a, b) => a - b);
        return [k, { requests: ms.length, p50: Math.round(percentile(ms, 50)), max: Math.round(ms.at(-1) ?? 0) }];
      }),
    ),
  };
}

/** The report as lines a person reads: totals, answers by status and code, and what went wrong. */
export function formatHttpFuzzReport(r: HttpFuzzReport): string {
  const count = (pred: (status: number) => boolean): number =>
    Object.entries(r.byOutcome).reduce((n, [k, v]) => (pred(Number(k.split(' ')[0])) ? n + v : n), 0);
  const lines = [
    `requests     ${r.requests} (seed ${r.seed}) in ${(r.elapsedMs / 1000).toFixed(1)} s, ${Math.round(r.requests / (r.elapsedMs / 1000))}/s; latency p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`,
    `2xx          ${count((s) => s >= 200 && s < 300)} (201: ${r.accepted} events stored)`,
    `4xx          ${count((s) => s >= 400 && s < 500)}`,
    `5xx          ${count((s) => s >= 500)}`,
    `hangs        ${r.hangs.length}`,
    `badly shaped ${r.badlyShaped.length} (4xx of the api handler without {"error":{"code","message"}})`,
    `stored       ${r.before.events} -> ${r.after.events} events; ${r.storedOnlyAccepted ? 'exactly the 201 answers (count and digest)' : 'NOT only the 201 answers'}`,
    'answers by status and code:',
    ...Object.entries(r.byOutcome)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `  ${k.padEnd(36)} ${v}`),
  ];
  lines.push(
    'routes by median latency (requests, p50, max ms):',
    ...Object.entries(r.routes)
      .filter(([, v]) => v.requests >= 10)
      .sort(([, a], [, b]) => b.p50 - a.p50)
      .map(([k, v]) => `  ${k.padEnd(36)} ${String(v.requests).padStart(6)} ${String(v.p50).padStart(6)} ${String(v.max).padStart(6)}`),
  );
  for (const [what, list] of [['5xx', r.serverErrors], ['hangs', r.hangs], ['badly shaped', r.badlyShaped], ['no answer', r.clientErrors]] as const) {
    if (list.length > 0) lines.push(`${what} (first 10):`, ...list.slice(0, 10).map((f) => `  #${f.index} ${f.method} ${f.target} -> ${f.status} ${f.detail} [${f.kind}]`));
  }
  return lines.join('\n');
}
