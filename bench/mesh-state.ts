/**
 * Does the mesh agree? The checks the benchmarks wait on: every region's digest of event ids
 * (`GET /status`) is the same, and every region answers the same value and heads for given keys.
 * Waiting uses `until` (shared/util/until.ts, as the tests do): poll, bounded by a timeout.
 *
 * @example
 * ```ts
 * import { settle, agreeOn } from './mesh-state.ts';
 * await settle(clients);                       // every region holds the same events
 * const same = await agreeOn(clients, ['k1']); // and answers the same for k1
 * ```
 */
import { MeshHttpError } from '../shared/client/errors.ts';
import type { MeshClient } from '../shared/client/mesh-client.ts';
import type { KeyView } from '../shared/client/types.ts';
import { until } from '../shared/util/until.ts';

/** True when every region reports the same digest (hence, with overwhelming odds, the same event ids). */
export async function digestsAgree(clients: readonly MeshClient[]): Promise<boolean> {
  const digests = await Promise.all(clients.map(async (c) => JSON.stringify((await c.status()).digest)));
  return digests.every((d) => d === digests[0]);
}

/**
 * `GET /kv/{key}` of one region, undefined on a 404 (the region holds no event of the key yet).
 *
 * @example
 * ```ts
 * const view = await keyIfPresent(client, 'k1'); // KeyView | undefined
 * ```
 */
export async function keyIfPresent(client: MeshClient, key: string): Promise<KeyView | undefined> {
  try {
    return await client.get(key);
  } catch (e) {
    if (e instanceof MeshHttpError && e.status === 404) return undefined;
    throw e;
  }
}

/** What one region answers for a key: value and sorted head ids, or `missing` on a 404. */
async function registerState(client: MeshClient, key: string): Promise<string> {
  const v = await keyIfPresent(client, key);
  return v === undefined ? 'missing' : JSON.stringify([v.value, v.deleted, v.heads.map((h) => h.id).sort()]);
}

/** True when every region answers the same value and the same heads for every key. */
export async function agreeOn(clients: readonly MeshClient[], keys: readonly string[]): Promise<boolean> {
  for (const key of keys) {
    const states = await Promise.all(clients.map((c) => registerState(c, key)));
    if (!states.every((s) => s === states[0])) return false;
  }
  return true;
}

/**
 * Waits until every region holds the same events (the background replication of a previous step
 * is done, so it does not load the next measurement). Returns the ms waited.
 */
export function settle(clients: readonly MeshClient[], timeoutMs = 60_000): Promise<number> {
  return until('the regions to hold the same events', () => digestsAgree(clients), timeoutMs, 100);
}
