/**
 * A closed-loop load generator: `concurrency` workers each run `op` back to back until the window
 * closes (or `maxOps` is reached, so a surprisingly fast machine still ends), and the result says
 * how many completed per second and how long each took. Failures are counted, never retried.
 *
 * @example
 * ```ts
 * import { closedLoop } from './load.ts';
 * const r = await closedLoop({ concurrency: 4, durationMs: 2000, op: (w, i) => client.put(`k${w}`, i) });
 * console.log(r.perSecond, r.latency.p50);
 * ```
 */
import { summarize, type Summary } from './stats.ts';

export interface ClosedLoopOptions {
  readonly concurrency: number;
  /** How long the workers keep starting operations, ms. */
  readonly durationMs: number;
  /** Upper bound on operations started in all, whatever the window (default 100 000). */
  readonly maxOps?: number;
  /** One operation; `worker` is 0..concurrency-1, `i` the worker's own counter. */
  readonly op: (worker: number, i: number) => Promise<unknown>;
}

export interface ClosedLoopResult {
  readonly concurrency: number;
  /** Operations that completed without error. */
  readonly ok: number;
  readonly failed: number;
  /** From the first start to the last completion, ms. */
  readonly elapsedMs: number;
  /** Completed operations per second. */
  readonly perSecond: number;
  /** Latency of the completed operations, ms. */
  readonly latency: Summary;
  /** The first error, to show why operations failed. */
  readonly firstError?: string;
}

/** Runs the loop; resolves when every worker has finished its last operation. */
export async function closedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const maxOps = options.maxOps ?? 100_000;
  const latencies: number[] = [];
  let started = 0;
  let failed = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const deadline = t0 + options.durationMs;
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; performance.now() < deadline && started < maxOps; i++) {
      started++;
      const s = performance.now();
      try {
        await options.op(w, i);
        latencies.push(performance.now() - s);
      } catch (e) {
        failed++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
  const elapsedMs = performance.now() - t0;
  return {
    concurrency: options.concurrency,
    ok: latencies.length,
    failed,
    elapsedMs,
    perSecond: (latencies.length * 1000) / elapsedMs,
    latency: summarize(latencies),
    ...(firstError === undefined ? {} : { firstError }),
  };
}
