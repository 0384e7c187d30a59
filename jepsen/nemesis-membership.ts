/**
 * The membership nemesis: mid-run, a region joins the mesh (and backfills while clients write to
 * it), then one of the starting regions is retired (its writes refused, its queues drained, its
 * gateway stopped) — through the local cloud's admin routes (`POST /admin/regions`,
 * `DELETE /admin/regions/{name}`). Each change is recorded in the history as a pair of `info` ops
 * of process `'nemesis'`: `start` when it is asked for, `stop` when it is over (the new region has
 * caught up; the old one is gone), which the report shades as a window.
 *
 * Workers take their region from a {@link RegionPool}, so they start writing to the new region as
 * soon as it serves and leave the retiring one before it is asked to go; the final reads cover the
 * regions serving at the end. So every promise is checked across the change: every write the
 * retired region acknowledged must be in every region that remains (lost-writes), the new region
 * must agree with the others (convergence), and balances must hold (bank).
 *
 * Needs a mesh with admin routes: the local cloud (`npm run jepsen -- --nemesis membership`).
 *
 * @example
 * ```ts
 * import { RegionPool, runMembershipNemesis } from './nemesis-membership.ts';
 * const pool = new RegionPool(clients);
 * const windows = await runMembershipNemesis({ pool, recorder, add: 'ap-northeast-1', remove: 'us-east-1', addAtMs: 2000, removeAtMs: 10_000, makeClient });
 * ```
 */
import { MeshClient } from '../shared/client/mesh-client.ts';
import type { JepsenClient } from './client.ts';
import type { NemesisWindow } from './nemesis.ts';
import type { Recorder } from './recorder.ts';

/** Names a joining region may take, in order: the first one not in the mesh is used. */
export const JOINING_REGIONS: readonly string[] = ['ap-northeast-1', 'sa-east-1', 'ca-central-1', 'eu-north-1', 'me-south-1'];

/**
 * The regions workers write to, as the membership changes: one client per serving region.
 *
 * @example
 * ```ts
 * const pool = new RegionPool(clients);
 * pool.pick(3).region; // the region worker 3 writes to now
 * ```
 */
export class RegionPool {
  #active: JepsenClient[];

  constructor(clients: readonly JepsenClient[]) {
    if (clients.length === 0) throw new Error('a region pool needs at least one region');
    this.#active = [...clients];
  }

  /** The clients of the regions serving now, in the order they joined. */
  get active(): readonly JepsenClient[] {
    return this.#active;
  }

  /** Worker `w`'s region for its next operation. */
  pick(w: number): JepsenClient {
    return this.#active[w % this.#active.length] as JepsenClient;
  }

  add(client: JepsenClient): void {
    this.#active = [...this.#active.filter((c) => c.region !== client.region), client];
  }

  /** Stops handing out `region` (it is about to leave). */
  retire(region: string): void {
    if (this.#active.length <= 1) throw new Error(`${region} is the last region of the pool`);
    this.#active = this.#active.filter((c) => c.region !== region);
  }
}

export interface MembershipNemesisOptions {
  readonly pool: RegionPool;
  readonly recorder: Recorder;
  /** The region that joins, and the one that is retired (a starting region). */
  readonly add: string;
  readonly remove: string;
  /** ms after the recorder's start when the region is added, and the earliest the other is retired. */
  readonly addAtMs: number;
  readonly removeAtMs: number;
  /** A client of a region by its URL (the joining region's comes from the admin answer). */
  readonly makeClient: (region: string, url: string) => JepsenClient;
  /** Longest wait for the new region to catch up (default 600 000 ms: a join on a loaded machine takes minutes). */
  readonly catchUpMs?: number;
  /** Timeout of an admin request: a removal returns once the region is drained (default 300 000 ms). */
  readonly adminTimeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Adds `add`, waits for its backfill, retires `remove`. Resolves with the two windows; an admin
 * request that fails is recorded in its op's `error` (the run goes on, and its checkers judge).
 *
 * @example
 * ```ts
 * const [joined, retired] = await runMembershipNemesis(options);
 * joined.description; // 'add region ap-northeast-1'
 * ```
 */
export async function runMembershipNemesis(o: MembershipNemesisOptions): Promise<NemesisWindow[]> {
  const { recorder, pool } = o;
  const nowMs = (): number => recorder.elapsed() / 1e6;
  const windows: NemesisWindow[] = [];
  /** One recorded change: `start` op, the request, then the `stop` op once `settled` resolves. */
  const change = async (description: string, act: () => Promise<void>, settled: () => Promise<void>): Promise<void> => {
    recorder.invoke({ process: 'nemesis', f: 'start', value: description });
    const started = recorder.elapsed();
    let error: string | undefined;
    try {
      await act();
    } catch (e) {
      error = (e as Error).message;
    }
    recorder.complete('info', { process: 'nemesis', f: 'start', value: description, ...(error === undefined ? {} : { error }) });
    let settleError: string | undefined;
    if (error === undefined) {
      try {
        await settled();
      } catch (e) {
        settleError = (e as Error).message;
      }
    }
    recorder.invoke({ process: 'nemesis', f: 'stop', value: description });
    recorder.complete('info', { process: 'nemesis', f: 'stop', value: description, ...(settleError === undefined ? {} : { error: settleError }) });
    windows.push({ description, kind: 'membership', start: started, end: recorder.elapsed() });
  };
  /** A region that stays, to send the admin requests to; a drain takes longer than a client's timeout. */
  const admin = (): MeshClient => {
    const via = pool.active.find((c) => c.region !== o.remove) ?? (pool.active[0] as JepsenClient);
    return new MeshClient({ baseUrl: via.mesh.baseUrl, timeoutMs: o.adminTimeoutMs ?? 300_000 });
  };

  await sleep(o.addAtMs - nowMs());
  let joined: JepsenClient | undefined;
  await change(
    `add region ${o.add}`,
    async () => {
      const answer = await admin().request<{ region: string; url: string }>('POST', '/admin/regions', { name: o.add });
      joined = o.makeClient(answer.region, answer.url);
      pool.add(joined);
    },
    async () => {
      // The window lasts while the new region catches up (its backfill, then anti-entropy).
      const deadline = nowMs() + (o.catchUpMs ?? 600_000);
      for (;;) {
        const status = await joined?.mesh.status().catch(() => undefined);
        if (status?.backfill?.state === 'done') return;
        if (nowMs() > deadline) throw new Error(`${o.add} still catching up after ${o.catchUpMs ?? 600_000} ms`);
        await sleep(250);
      }
    },
  );

  await sleep(o.removeAtMs - nowMs());
  await change(
    `retire region ${o.remove}`,
    async () => {
      // Workers leave it first; what they have in flight is answered or refused (410) by it.
      pool.retire(o.remove);
      await admin().request('DELETE', `/admin/regions/${encodeURIComponent(o.remove)}`);
    },
    async () => {},
  );
  return windows;
}
