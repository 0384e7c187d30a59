/**
 * Ingest drain rate, one key against 16: with the link us-east-1 -> eu-west-1 paused, N writes go
 * into us-east-1 and queue for eu-west-1; then the link resumes and the time until eu-west-1's
 * ingest has stored all N is the drain. Once with all N writes on **one** key, once spread over
 * **16** keys, in alternating order from run to run; the figure is the one-key rate ÷ the 16-key
 * rate of the same run (1 means a hot key drains as fast as spread keys). The peer's DynamoDB
 * requests and ingest invocations during each drain are counted too.
 *
 * Two regions, so nothing else ingests meanwhile. The writes are 16 concurrent clients in both
 * cases (on one key, the origin's group commit takes them); only the drain is timed.
 *
 * @example
 * ```ts
 * import { ingestDrain } from './ingest-drain.ts';
 * const session = await ingestDrain.open(env);
 * (await session.run(0)).figures['drain.ratio']; // one key's events/s ÷ 16 keys' events/s
 * ```
 */
import { MeshHttpError } from '../shared/client/errors.ts';
import type { MeshClient } from '../shared/client/mesh-client.ts';
import type { Benchmark, BenchOptions, MeshHarness, RunOutcome, Session } from './context.ts';
import { diffHandlerSnapshots, handlerTotal } from './handler-meter.ts';
import { diffSnapshots, totalOf } from './request-meter.ts';
import { formatSpread, type Aggregate } from './runs.ts';
import { formatRatio, ratio } from './stats.ts';

export interface DrainSizes {
  /** Events queued per drain. */
  readonly events: number;
  /** Keys of the spread case. */
  readonly keys: number;
  /** Concurrent writers while queueing. */
  readonly writers: number;
}

/**
 * Sizes of a run: 600 events (the issue's figure), 120 with `--quick`.
 *
 * @example
 * ```ts
 * drainSizes({ quick: true }).events; // 120
 * ```
 */
export function drainSizes(o: Pick<BenchOptions, 'quick'>): DrainSizes {
  return { events: o.quick ? 120 : 600, keys: 16, writers: 16 };
}

/** Attempts per write while queueing: a 5xx is retried, as a client would (a hot key on older stores answered 500). */
const ATTEMPTS = 50;

/**
 * Writes `n` events into `client`, `writers` at a time, writer w on `keyOf(w)`, retrying a 5xx;
 * answers their ids and how many attempts were answered 5xx.
 */
async function queueWrites(client: MeshClient, n: number, writers: number, keyOf: (w: number) => string): Promise<{ ids: string[]; http5xx: number }> {
  const ids: string[] = [];
  let http5xx = 0;
  let next = 0;
  const put = async (w: number, i: number): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await client.put(keyOf(w), { w, i })).event.id;
      } catch (e) {
        if (!(e instanceof MeshHttpError) || e.status < 500 || attempt >= ATTEMPTS) throw e;
        http5xx++;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(1000, 20 * 2 ** attempt)));
      }
    }
  };
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      while (next < n) ids.push(await put(w, next++));
    }),
  );
  return { ids, http5xx };
}

interface DrainResult {
  readonly perSecond: number;
  readonly ms: number;
  readonly dynamodbPerEvent: number;
  readonly invocations: number;
  readonly failedRecords: number;
  /** Attempts answered 5xx while queueing (retried). */
  readonly http5xx: number;
}

/** Queues `ids`' writes behind the paused link, resumes it, and times the peer's ingest. */
async function drain(h: MeshHarness, sizes: DrainSizes, keyOf: (w: number) => string): Promise<DrainResult> {
  const [origin, peer] = h.regions as [string, string];
  const client = h.clients[0] as MeshClient;
  await h.mesh.links.setLink(origin, peer, false);
  let resumed = false;
  try {
    const { ids, http5xx } = await queueWrites(client, sizes.events, sizes.writers, keyOf);
    // Every write handed to the paused queue before the clock starts.
    await h.requests.waitQuiet(origin, 'streams', 'GetRecords', 1000, 120_000);
    const requests = h.requests.snapshot();
    const handlers = h.handlers.snapshot();
    const t0 = performance.now();
    await h.mesh.links.setLink(origin, peer, true);
    resumed = true;
    await h.handlers.waitIngested(ids, [peer], 600_000);
    const ms = performance.now() - t0;
    const spent = diffSnapshots(h.requests.snapshot(), requests);
    const ingest = handlerTotal(diffHandlerSnapshots(h.handlers.snapshot(), handlers), 'ingest', [peer]);
    return {
      perSecond: (ids.length * 1000) / ms,
      ms,
      dynamodbPerEvent: totalOf(spent, { region: peer, service: 'dynamodb' }).requests / ids.length,
      invocations: ingest.invocations,
      failedRecords: ingest.failed,
      http5xx,
    };
  } finally {
    if (!resumed) await h.mesh.links.setLink(origin, peer, true);
  }
}

export const ingestDrain: Benchmark = {
  name: 'drain',
  title: 'Ingest drain rate: one key vs 16 keys',
  async open(env): Promise<Session> {
    const sizes = drainSizes(env.options);
    // A long client timeout: on a busy box a queued write is slow, not lost.
    const h = await env.startMesh({ regions: 2, clientTimeoutMs: 300_000 });
    // Warm-up, not counted: connections, JIT, the first transactions of both regions.
    await drain(h, { ...sizes, events: 32 }, (w) => `drain-warm-${w}`);
    return {
      setup: { sizes, regions: h.regions },
      async run(run): Promise<RunOutcome> {
        const cases = [
          ['hot', (): string => `drain-${run}-hot`],
          ['spread', (w: number): string => `drain-${run}-k${w % sizes.keys}`],
        ] as const;
        const ordered = run % 2 === 0 ? cases : [...cases].reverse();
        const figures: Record<string, number> = {};
        for (const [name, keyOf] of ordered) {
          env.progress(`drain: run ${run + 1}, ${sizes.events} events on ${name === 'hot' ? 'one key' : `${sizes.keys} keys`}`);
          const r = await drain(h, sizes, keyOf);
          Object.assign(figures, {
            [`${name}.perSecond`]: r.perSecond,
            [`${name}.ms`]: r.ms,
            [`${name}.dynamodbPerEvent`]: r.dynamodbPerEvent,
            [`${name}.eventsPerInvocation`]: ratio(sizes.events, r.invocations),
            [`${name}.failedRecords`]: r.failedRecords,
            [`${name}.queue5xx`]: r.http5xx,
          });
        }
        figures['drain.ratio'] = ratio(figures['hot.perSecond'] ?? Number.NaN, figures['spread.perSecond'] ?? Number.NaN);
        return { figures };
      },
    };
  },
  format(f: Readonly<Record<string, Aggregate>>): string[] {
    const rate = (name: string): string => formatSpread(f[name], (v) => `${v.toFixed(0)} events/s`);
    const num = (name: string, d = 2): string => formatSpread(f[name], (v) => v.toFixed(d));
    return [
      'Ingest drain: N writes queued behind a paused link us-east-1 -> eu-west-1, then resumed; time until eu-west-1 stored all N',
      `  one key:  ${rate('hot.perSecond')}, ${num('hot.dynamodbPerEvent')} DynamoDB requests per event, ${num('hot.eventsPerInvocation', 1)} events per ingest invocation, ${num('hot.failedRecords', 0)} records failed and retried; queueing: ${num('hot.queue5xx', 0)} attempts answered 5xx`,
      `  16 keys:  ${rate('spread.perSecond')}, ${num('spread.dynamodbPerEvent')} DynamoDB requests per event, ${num('spread.eventsPerInvocation', 1)} events per ingest invocation, ${num('spread.failedRecords', 0)} records failed and retried; queueing: ${num('spread.queue5xx', 0)} attempts answered 5xx`,
      `  one key ÷ 16 keys: ${formatSpread(f['drain.ratio'], formatRatio)} (1 = a hot key drains as fast as spread keys)`,
    ];
  },
};
