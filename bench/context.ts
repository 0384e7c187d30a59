/**
 * What every benchmark gets from `bench/run.ts`: the running local mesh, a typed client per
 * region, the run's size (`--quick` or full) and a progress line printer.
 *
 * @example
 * ```ts
 * import type { BenchContext } from './context.ts';
 * export async function myBench(ctx: BenchContext): Promise<number> {
 *   ctx.progress('writing…');
 *   return (await ctx.clients[0]!.status()).events ?? 0;
 * }
 * ```
 */
import type { Mesh } from '../local/cloud.ts';
import type { MeshClient } from '../shared/client/mesh-client.ts';

export interface BenchContext {
  readonly mesh: Mesh;
  /** One client per region, in `mesh.regions` order. */
  readonly clients: readonly MeshClient[];
  /** A short run (`--quick`): fewer samples, shorter windows. */
  readonly quick: boolean;
  /** The mesh's poll interval (stream and queue pollers idle this long), ms. */
  readonly pollIntervalMs: number;
  /** A progress line on stderr (the figures go to stdout). */
  progress(line: string): void;
}

/** The client of region `i`, or a clear error when the mesh has fewer regions. */
export function clientAt(ctx: BenchContext, i: number): MeshClient {
  const c = ctx.clients[i];
  if (c === undefined) throw new Error(`the benchmark needs at least ${i + 1} regions`);
  return c;
}
