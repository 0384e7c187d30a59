/**
 * Where a resolution can end a conflict. A resolve names as parents the heads the chosen region
 * sees; a head it has not received yet stays a head, so the conflict outlives the resolution.
 * The plan therefore proposes a region that sees every head of the conflict (the heads of every
 * region's events together), and says what a resolve elsewhere would leave. Pure.
 *
 * @example
 * ```ts
 * import { planResolve } from './resolve-plan.ts';
 * planResolve(['a', 'b'], [{ region: 'us', heads: ['a', 'b'] }, { region: 'ap', heads: ['a'] }], 'ap');
 * // { region: 'ap', complete: false, missing: ['b'], complete regions: ['us'], … }
 * ```
 */

/** What one region shows of the key: its heads' ids, or undefined when it has no view (no event, unreachable). */
export interface RegionHeads {
  readonly region: string;
  readonly heads: readonly string[] | undefined;
  /** The `version` of the region's view: a resolve names it, so it covers exactly the state shown. */
  readonly version?: number;
}

/** The proposal, or the consequences of the region chosen. */
export interface ResolvePlan {
  /** The region to resolve in: the one asked for, else the first that sees every head. */
  readonly region: string | undefined;
  /** Whether that region sees exactly every head, so its resolve ends the conflict everywhere. */
  readonly complete: boolean;
  /** Heads of the conflict the region does not see (they stay heads after its resolve). */
  readonly missing: readonly string[];
  /** Regions whose resolve would end the conflict. */
  readonly completeRegions: readonly string[];
}

/**
 * The plan for resolving `allHeads` from `chosen` (or from the first region that sees them all).
 *
 * @example
 * ```ts
 * planResolve(['a', 'b'], [{ region: 'us', heads: ['b', 'a'] }]).region; // 'us'
 * ```
 */
export function planResolve(allHeads: readonly string[], regions: readonly RegionHeads[], chosen?: string): ResolvePlan {
  const wanted = new Set(allHeads);
  const sees = (r: RegionHeads): boolean => r.heads !== undefined && r.heads.length === wanted.size && r.heads.every((h) => wanted.has(h));
  const completeRegions = regions.filter(sees).map((r) => r.region);
  const region = chosen ?? completeRegions[0] ?? regions.find((r) => r.heads !== undefined)?.region;
  const view = regions.find((r) => r.region === region);
  const visible = new Set(view?.heads ?? []);
  return {
    region,
    complete: view !== undefined && sees(view),
    missing: allHeads.filter((h) => !visible.has(h)),
    completeRegions,
  };
}
