/**
 * Rebalancing escrow rights: which `escrow-transfer` events a region should issue now, as a pure
 * function of the account's state in its view.
 *
 * **Targets.** Each region asks for the rights it wants to hold with an `escrow-request` (its
 * `want`; see `escrow-demand.ts` for when). With balance B over the mesh's n regions:
 * if the wants fit (Σ want ≤ B) each region's target is its want plus an even share of the rest
 * (`(B − Σ want) / n`); otherwise the balance is split in proportion to the wants. The even share
 * is what keeps rights from being stranded: a region that spends nothing keeps only 1/n of the
 * free rights, the rest goes out while the links are up, so a partition cuts any other region
 * off from as little as possible.
 *
 * **Who sends what.** Regions above target are givers, below are receivers. Givers and receivers
 * are laid out in name order on two lines of the same length (the total excess equals the total
 * deficit, as the targets sum to B), and giver g sends to receiver s the overlap of their segments
 * (the north-west-corner rule). Every region computes the same plan from the same state, so the
 * givers never send the same deficit twice; and the plan is stable: once some of its transfers
 * are applied, the plan of the new state is the old plan minus those transfers, so a region that
 * has seen only some of its peers' transfers still sends only its own part.
 *
 * **No flapping.** Small drifts cause no traffic: a giver sends its whole part only when its
 * excess exceeds the band (`bandPercent` of the balance, at least `minBand`); below that it sends
 * only to receivers more than a band short (so a receiver is never starved by several givers each
 * just inside the band). Every transfer is a piece of the one plan, so under steady demand the
 * plan only shrinks: no region changes side, so no A→B→A, and the whole plan is at most n − 1
 * transfers. At rest every region is within the band of its target, above or below.
 *
 * @example
 * ```ts
 * import { planTransfers } from './rebalance.ts';
 * const plan = planTransfers(state, 'us-east-1', { regions: ['ap-southeast-2', 'eu-west-1', 'us-east-1'] });
 * // e.g. [{ to: 'eu-west-1', amount: 40 }]: write one escrow-transfer per entry
 * ```
 */
import type { EscrowState } from './escrow.ts';
import { regionOf, rightsOf } from './escrow.ts';
import { ValidationError } from './errors.ts';
import { validateOrigin } from './limits.ts';

/**
 * Defaults: the band is 5 % of the balance, and at least 1 minor unit.
 *
 * @example
 * ```ts
 * rebalanceBand(state, { bandPercent: DEFAULT_BAND_PERCENT });
 * ```
 */
export const DEFAULT_BAND_PERCENT = 5;
/** @example `rebalanceBand(state, { minBand: DEFAULT_MIN_BAND })` */
export const DEFAULT_MIN_BAND = 1;

/**
 * The hysteresis band's parameters.
 *
 * @example
 * ```ts
 * const band: BandParams = { bandPercent: 5, minBand: 100 };
 * ```
 */
export interface BandParams {
  /** Band as a percentage of the balance (0–100, integer). Default {@link DEFAULT_BAND_PERCENT}. */
  readonly bandPercent?: number;
  /** Smallest band, in minor units (≥ 1). Default {@link DEFAULT_MIN_BAND}. */
  readonly minBand?: number;
}

/**
 * What {@link planTransfers} needs besides the state.
 *
 * @example
 * ```ts
 * const p: RebalanceParams = { regions: ['eu-west-1', 'us-east-1'], reachable: ['eu-west-1'], bandPercent: 5 };
 * ```
 */
export interface RebalanceParams extends BandParams {
  /** Every region of the mesh: the same list in every region, or plans disagree. */
  readonly regions: readonly string[];
  /** Peers this region can deliver to now; transfers to others are held back. Default: all. */
  readonly reachable?: readonly string[];
  /** This region's provable rights when its view has a gap (`spendableRights`); caps the plan. */
  readonly spendable?: bigint;
}

/**
 * One transfer to issue: an `escrow-transfer` with payload `{ to, amount }`.
 *
 * @example
 * ```ts
 * const t: PlannedTransfer = { to: 'eu-west-1', amount: 40 };
 * ```
 */
export interface PlannedTransfer {
  readonly to: string;
  readonly amount: number;
}

/**
 * The hysteresis band of `state`: `max(minBand, ceil(balance × bandPercent / 100))`.
 *
 * @example
 * ```ts
 * rebalanceBand(stateWithBalance1000, {}); // 50n
 * ```
 */
export function rebalanceBand(state: EscrowState, params: BandParams = {}): bigint {
  const percent = params.bandPercent ?? DEFAULT_BAND_PERCENT;
  const min = params.minBand ?? DEFAULT_MIN_BAND;
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new ValidationError('bad-request', `bandPercent: must be an integer from 0 to 100, got ${String(percent)}`);
  if (!Number.isSafeInteger(min) || min < 1) throw new ValidationError('bad-request', `minBand: must be a positive integer of minor units, got ${String(min)}`);
  const b = BigInt(state.balance);
  const band = (b * BigInt(percent) + 99n) / 100n;
  return band > BigInt(min) ? band : BigInt(min);
}

/**
 * Each region's target rights (see the module notes): over `regions`, summing to the balance.
 * Remainders of the even or proportional split go one unit each, to the largest remainders
 * first, then in name order, so every region computes the same targets.
 *
 * @example
 * ```ts
 * escrowTargets(state, ['a', 'b', 'c']); // Map { 'a' => 34n, 'b' => 33n, 'c' => 33n } for balance 100, no wants
 * ```
 */
export function escrowTargets(state: EscrowState, regions: readonly string[]): Map<string, bigint> {
  const names = meshRegions(regions);
  const balance = BigInt(state.balance);
  const wants = names.map((r) => BigInt(regionOf(state, r).want));
  const total = wants.reduce((s, w) => s + w, 0n);
  const targets = new Map<string, bigint>();
  if (total <= balance) {
    const free = balance - total;
    const n = BigInt(names.length);
    names.forEach((r, i) => targets.set(r, (wants[i] as bigint) + free / n + (BigInt(i) < free % n ? 1n : 0n)));
    return targets;
  }
  const shares = names.map((r, i) => ({ r, floor: (balance * (wants[i] as bigint)) / total, rem: (balance * (wants[i] as bigint)) % total }));
  let left = balance - shares.reduce((s, x) => s + x.floor, 0n);
  const order = [...shares].sort((x, y) => (x.rem !== y.rem ? (x.rem > y.rem ? -1 : 1) : x.r < y.r ? -1 : 1));
  const extra = new Set<string>();
  for (const x of order) {
    if (left <= 0n) break;
    extra.add(x.r);
    left--;
  }
  for (const x of shares) targets.set(x.r, x.floor + (extra.has(x.r) ? 1n : 0n));
  return targets;
}

/**
 * The transfers `region` should issue now (possibly none). Each goes to a reachable peer, is a
 * positive safe integer, and together they never exceed the region's rights (nor `spendable`),
 * so each passes `checkEscrowTransfer`.
 *
 * @example
 * ```ts
 * planTransfers(state, 'us-east-1', { regions: ['eu-west-1', 'us-east-1'] }); // [{ to: 'eu-west-1', amount: 50 }] for 100 held by us-east-1, no wants
 * ```
 */
export function planTransfers(state: EscrowState, region: string, params: RebalanceParams): PlannedTransfer[] {
  const targets = escrowTargets(state, params.regions);
  const everyone = [...new Set([...targets.keys(), ...Object.keys(state.regions)])].sort();
  const excess = new Map(everyone.map((r) => [r, rightsOf(state, r) - (targets.get(r) ?? 0n)] as const));
  const mine = excess.get(region) ?? 0n;
  if (mine <= 0n) return [];
  const band = rebalanceBand(state, params);
  const wholeRow = mine > band;
  // This region's segment on the givers' line…
  let start = 0n;
  for (const r of everyone) {
    if (r === region) break;
    const x = excess.get(r) as bigint;
    if (x > 0n) start += x;
  }
  const end = start + mine;
  // …overlapped with each receiver's segment on the receivers' line.
  const reachable = params.reachable === undefined ? undefined : new Set(params.reachable);
  let budget = params.spendable === undefined || params.spendable > mine ? mine : params.spendable;
  const plan: PlannedTransfer[] = [];
  let at = 0n;
  for (const r of everyone) {
    const x = excess.get(r) as bigint;
    if (x >= 0n) continue;
    const [lo, hi] = [at, at - x];
    at = hi;
    const overlap = (hi < end ? hi : end) - (lo > start ? lo : start);
    if (overlap <= 0n || (reachable !== undefined && !reachable.has(r)) || (!wholeRow && -x <= band)) continue;
    // Skipping part of one's own row is always safe: the rest of the plan does not move.
    const cap = BigInt(Number.MAX_SAFE_INTEGER);
    const amount = [overlap, budget, cap].reduce((m, v) => (v < m ? v : m));
    if (amount <= 0n) break;
    plan.push({ to: r, amount: Number(amount) });
    budget -= amount;
  }
  return plan;
}

/** The mesh's regions, validated, deduplicated, in name order. */
function meshRegions(regions: readonly string[]): string[] {
  if (!Array.isArray(regions) || regions.length === 0) throw new ValidationError('bad-request', 'regions: must list the mesh\'s regions (at least one)');
  return [...new Set(regions.map((r, i) => validateOrigin(r, `regions[${i}]`)))].sort();
}
