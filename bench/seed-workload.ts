/**
 * The seed's workload: a mesh of 6 regions, each sent 1 000 concurrent `PUT /kv` at once (6 000
 * in flight), over 10 keys, then every region must agree: the same value and heads for every key
 * and the same `GET /status` digest. It reports the time until every write was acknowledged and
 * the time from then until every region agreed.
 *
 * A client retries a write answered 5xx, or not answered (timeout, reset), up to 20 times with
 * jittered backoff, as a real client would; the first-attempt 5xx count and the retries are
 * reported, and a write still failing after that counts as not acknowledged. A run has a time
 * budget (10 min): after it no write is retried, so a mesh that cannot absorb the load ends with
 * fewer acknowledged writes instead of never ending; and 10 more minutes to agree. A run that did
 * not complete or converge says so (`completed`, `converged`) and its times count as not measured.
 *
 * @example
 * ```ts
 * import { seedWorkload } from './seed-workload.ts';
 * const session = await seedWorkload.open(env);
 * (await session.run(0)).figures['completeMs'];
 * ```
 */
import { MeshHttpError } from '../shared/client/errors.ts';
import type { MeshClient } from '../shared/client/mesh-client.ts';
import { until } from '../shared/util/until.ts';
import type { BenchOptions, Benchmark, RunOutcome, Session } from './context.ts';
import { agreeOn, digestsAgree } from './mesh-state.ts';
import { formatSpread, type Aggregate } from './runs.ts';
import { formatMs } from './stats.ts';

export interface SeedSizes {
  readonly regions: number;
  readonly writesPerRegion: number;
  readonly keys: number;
  readonly maxAttempts: number;
  /** After this long no write is retried any more: the run ends as soon as the writes in flight have an answer. */
  readonly budgetMs: number;
  /** How long to wait for every region to agree after the writes, before calling the run not converged. */
  readonly convergeTimeoutMs: number;
}

/**
 * Sizes of a run: 6 regions × 1 000 writes over 10 keys (× 50 with `--quick`), 10 minutes for the writes and 10 for agreement.
 *
 * @example
 * ```ts
 * seedSizes({ quick: false }).writesPerRegion; // 1000
 * ```
 */
export function seedSizes(o: Pick<BenchOptions, 'quick'>): SeedSizes {
  return o.quick
    ? { regions: 6, writesPerRegion: 50, keys: 10, maxAttempts: 20, budgetMs: 300_000, convergeTimeoutMs: 300_000 }
    : { regions: 6, writesPerRegion: 1000, keys: 10, maxAttempts: 20, budgetMs: 600_000, convergeTimeoutMs: 600_000 };
}

interface WriteTally {
  acked: number;
  gaveUp: number;
  firstAttempt5xx: number;
  /** First attempts with no answer at all (a connection refused, reset or timed out). */
  firstAttemptNoAnswer: number;
  /** The first attempts that failed, by what they got: `503 contended`, `no answer: TimeoutError`… */
  firstFailures: Record<string, number>;
  retries: number;
}

/** What a failed attempt got, for the tally: the status and code, or why there was no answer. */
export function failureOf(e: unknown): string {
  if (e instanceof MeshHttpError) return `${e.status} ${e.code}`;
  const cause = (e as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return `no answer: ${typeof cause === 'string' ? cause : e instanceof Error ? e.name : String(e)}`;
}

/** One write, retried on 5xx and on no answer until `deadline` (performance.now()); a 4xx is final (the request was refused). */
async function putWithRetries(client: MeshClient, key: string, value: { region: number; i: number }, maxAttempts: number, deadline: number, t: WriteTally): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.put(key, value);
      t.acked++;
      return;
    } catch (e) {
      const status = e instanceof MeshHttpError ? e.status : undefined;
      if (attempt === 1 && status !== undefined && status >= 500) t.firstAttempt5xx++;
      if (attempt === 1 && status === undefined) t.firstAttemptNoAnswer++;
      if (attempt === 1) t.firstFailures[failureOf(e)] = (t.firstFailures[failureOf(e)] ?? 0) + 1;
      const retriable = status === undefined || status >= 500;
      if (!retriable || attempt >= maxAttempts || performance.now() > deadline) {
        t.gaveUp++;
        return;
      }
      t.retries++;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(2000, 50 * 2 ** attempt)));
    }
  }
}

export const seedWorkload: Benchmark = {
  name: 'seed',
  title: "The seed's workload: 6 regions × 1 000 concurrent sets over 10 keys",
  async open(env): Promise<Session> {
    const s = seedSizes(env.options);
    const h = await env.startMesh({ regions: s.regions, clientTimeoutMs: 300_000 });
    return {
      setup: { sizes: s, regions: h.regions },
      async run(run): Promise<RunOutcome> {
        const keys = Array.from({ length: s.keys }, (_, k) => `seed-${run}-${k}`);
        const t: WriteTally = { acked: 0, gaveUp: 0, firstAttempt5xx: 0, firstAttemptNoAnswer: 0, firstFailures: {}, retries: 0 };
        env.progress(`seed workload: run ${run + 1}, ${s.regions} × ${s.writesPerRegion} concurrent sets over ${s.keys} keys`);
        const t0 = performance.now();
        const ticker = setInterval(() => env.progress(`seed workload: ${t.acked} acknowledged after ${((performance.now() - t0) / 1000).toFixed(0)} s (first attempts: ${t.firstAttempt5xx} 5xx, ${t.firstAttemptNoAnswer} unanswered; ${t.retries} retries, ${t.gaveUp} given up)`), 30_000);
        try {
          await Promise.all(h.clients.flatMap((client, r) =>
            Array.from({ length: s.writesPerRegion }, (_, i) => putWithRetries(client, keys[i % s.keys] as string, { region: r, i }, s.maxAttempts, t0 + s.budgetMs, t))));
        } finally {
          clearInterval(ticker);
        }
        // Every write has its last answer (acknowledged, or given up on).
        const answeredMs = performance.now() - t0;
        const total = s.regions * s.writesPerRegion;
        const completed = t.acked === total;
        const failures = Object.entries(t.firstFailures).map(([what, n]) => `${n} × ${what}`).join(', ');
        env.progress(`seed workload: ${t.acked}/${total} acknowledged in ${(answeredMs / 1000).toFixed(1)} s${failures === '' ? '' : ` (first attempts failed: ${failures})`}; waiting for agreement`);
        const t1 = performance.now();
        let converged = true;
        try {
          await until('every region to agree on the seed keys', async () => (await agreeOn(h.clients, keys)) && digestsAgree(h.clients), s.convergeTimeoutMs, 250);
        } catch {
          converged = false;
        }
        const convergeMs = converged ? performance.now() - t1 : Number.NaN;
        const views = await Promise.all(keys.map((k) => h.clients[0]?.get(k).catch(() => undefined)));
        return {
          figures: {
            writes: total,
            acked: t.acked,
            gaveUp: t.gaveUp,
            completed: completed ? 1 : 0,
            converged: converged ? 1 : 0,
            firstAttempt5xx: t.firstAttempt5xx,
            firstAttemptNoAnswer: t.firstAttemptNoAnswer,
            retries: t.retries,
            answeredMs,
            // The times of a run count only when it did the whole workload.
            completeMs: completed ? answeredMs : Number.NaN,
            convergeMs,
            totalMs: completed ? answeredMs + convergeMs : Number.NaN,
            ackedPerSecond: (t.acked * 1000) / answeredMs,
            conflictedKeys: views.filter((v) => (v?.heads.length ?? 0) > 1).length,
          },
          details: { firstFailures: t.firstFailures },
        };
      },
    };
  },
  format(f: Readonly<Record<string, Aggregate>>): string[] {
    const ms = (name: string): string => formatSpread(f[name], (v) => (v >= 10_000 ? `${(v / 1000).toFixed(0)} s` : formatMs(v)));
    const n = (name: string): string => formatSpread(f[name], (v) => v.toFixed(0));
    const runs = f['completed']?.values.length ?? 0;
    const count = (name: string): number => (f[name]?.values ?? []).filter((v) => v === 1).length;
    return [
      `The seed's workload: 6 regions × ${formatSpread(f['writes'], (v) => String(v / 6))} concurrent PUT /kv over 10 keys`,
      `  runs that acknowledged every write: ${count('completed')}/${runs}; runs where every region agreed after: ${count('converged')}/${runs}`,
      `  all acknowledged after ${ms('completeMs')}; every region agreeing (values, heads, digests) ${ms('convergeMs')} later; ${ms('totalMs')} in all`,
      `  acknowledged ${n('acked')} (${formatSpread(f['ackedPerSecond'], (v) => `${v.toFixed(1)}/s`)}), given up ${n('gaveUp')}, every write answered after ${ms('answeredMs')}`,
      `  first attempts answered 5xx ${n('firstAttempt5xx')}, unanswered ${n('firstAttemptNoAnswer')}; retries ${n('retries')}; keys in conflict after ${n('conflictedKeys')}/10`,
    ];
  },
};
