/**
 * An open-loop load generator: operation i is due at `start + i / rate`, whatever happened to the
 * earlier ones, so a slow answer never delays the next arrival (a closed loop would, and would
 * hide the latency of the requests it never sent: coordinated omission). Each sample keeps its
 * due time, so latency can be taken from when the request *should* have gone out. If the
 * generator itself falls behind (a busy event loop fires a timer late), overdue operations start
 * at once, still stamped with their due time, and `startLag` says by how much it fell behind.
 *
 * @example
 * ```ts
 * import { openLoop } from './open-loop.ts';
 * const r = await openLoop({ ratePerSecond: 100, durationMs: 10_000, op: (i) => client.put(`k${i % 50}`, i) });
 * r.samples.filter((s) => s.ok).length; // acknowledged
 * ```
 */
import { summarize, type Summary } from './stats.ts';

export interface OpenLoopOptions<T> {
  readonly ratePerSecond: number;
  readonly durationMs: number;
  /** Operation i (0-based); its result is kept in the sample. */
  readonly op: (i: number) => Promise<T>;
}

export interface OpenLoopSample<T> {
  readonly i: number;
  /** When it was due and when it was started, ms on `performance.now()`. */
  readonly dueAt: number;
  readonly startedAt: number;
  /** When it completed: `performance.now()` and the wall clock (`Date.now()`, to compare with receipts). */
  readonly endedAt: number;
  readonly endedAtWall: number;
  /** The wall clock when it was due. */
  readonly dueAtWall: number;
  readonly ok: boolean;
  readonly result?: T;
  readonly error?: string;
}

export interface OpenLoopResult<T> {
  readonly samples: readonly OpenLoopSample<T>[];
  /** Operations started per second over the window (should equal the offered rate). */
  readonly startedPerSecond: number;
  /** How late operations started after their due time, ms: the generator's own lag. */
  readonly startLag: Summary;
  /** Most operations in flight at once. */
  readonly maxInFlight: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `rate × duration` operations on schedule and resolves when every one has completed.
 *
 * @example
 * ```ts
 * const { samples } = await openLoop({ ratePerSecond: 50, durationMs: 1000, op: async (i) => i });
 * samples.length; // 50
 * ```
 */
export async function openLoop<T>(o: OpenLoopOptions<T>): Promise<OpenLoopResult<T>> {
  if (!(o.ratePerSecond > 0) || !(o.durationMs > 0)) throw new RangeError('rate and duration must be positive');
  const interval = 1000 / o.ratePerSecond;
  const total = Math.max(1, Math.round((o.durationMs * o.ratePerSecond) / 1000));
  const t0 = performance.now();
  const wall0 = Date.now();
  const pending: Array<Promise<OpenLoopSample<T>>> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let lastStart = t0;
  for (let i = 0; i < total; i++) {
    const dueAt = t0 + i * interval;
    // Never early: a timer may fire a fraction of a ms before its time.
    for (let wait = dueAt - performance.now(); wait > 0; wait = dueAt - performance.now()) await sleep(Math.max(1, wait));
    const startedAt = performance.now();
    lastStart = startedAt;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const base = { i, dueAt, startedAt, dueAtWall: wall0 + i * interval };
    pending.push(
      o.op(i).then(
        (result) => ({ ...base, endedAt: performance.now(), endedAtWall: Date.now(), ok: true, result }),
        (e: unknown) => ({ ...base, endedAt: performance.now(), endedAtWall: Date.now(), ok: false, error: e instanceof Error ? e.message : String(e) }),
      ).finally(() => {
        inFlight--;
      }),
    );
  }
  const samples = await Promise.all(pending);
  const spanMs = Math.max(lastStart - t0, interval);
  return {
    samples,
    startedPerSecond: total <= 1 ? Number.NaN : ((total - 1) * 1000) / spanMs,
    startLag: summarize(samples.map((s) => s.startedAt - s.dueAt)),
    maxInFlight,
  };
}
