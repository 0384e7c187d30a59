/**
 * Polls a condition until it holds, bounded by a timeout: how the benchmarks and the tests wait
 * for a mesh to replicate or converge without sleeping a fixed, hopeful time.
 *
 * @example
 * ```ts
 * import { until } from '../shared/util/until.ts';
 * const waited = await until('eu-west-1 has colour', async () => (await eu.get('colour').catch(() => undefined)) !== undefined);
 * ```
 */

/**
 * Calls `check` every `everyMs` until it answers true; answers the ms waited. Throws, naming
 * `what`, once `timeoutMs` has passed without it.
 *
 * @example
 * ```ts
 * await until('the deposit everywhere', async () => (await client.account('alice')).balance === 100, 5_000);
 * ```
 */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000, everyMs = 25): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
