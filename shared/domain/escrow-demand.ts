/**
 * Demand: when a region should ask for rights (`escrow-request {"want": n}`), from what it spent
 * recently and from a withdrawal it just had to refuse. A request is an event, so it replicates,
 * survives partitions and shows in the account's history like any write; the rebalancer
 * (`rebalance.ts`) reads every region's latest want from the state.
 *
 * A want is a level, not a delta: re-sending it (a duplicate, a retry) asks for nothing more.
 * It follows the spending rate with headroom (`headroomPercent` of the larger of this window's and
 * the last window's spending, so a steady spender's figure does not swing within a window),
 * rises at once to cover a refused withdrawal, and otherwise changes only when it moves by more
 * than the band, so a steady spender does not emit a stream of requests. When spending stops the
 * want falls to 0, which gives the rights back to the even share.
 *
 * @example
 * ```ts
 * import { nextWant } from './escrow-demand.ts';
 * const want = nextWant(state, 'eu-west-1', Date.now(), { refused: 50 });
 * if (want !== undefined) write('escrow-request', { want });
 * ```
 */
import type { EscrowState } from './escrow.ts';
import { regionOf } from './escrow.ts';
import { ValidationError } from './errors.ts';
import { validateAmount } from './limits.ts';
import type { BandParams } from './rebalance.ts';
import { rebalanceBand } from './rebalance.ts';

/**
 * Default headroom: ask for 1.5 × the recent spending.
 *
 * @example
 * ```ts
 * nextWant(state, 'eu-west-1', now, { headroomPercent: DEFAULT_HEADROOM_PERCENT });
 * ```
 */
export const DEFAULT_HEADROOM_PERCENT = 150;

/**
 * What {@link nextWant} takes besides the state.
 *
 * @example
 * ```ts
 * const p: DemandParams = { refused: 50, headroomPercent: 200, bandPercent: 5 };
 * ```
 */
export interface DemandParams extends BandParams {
  /** A withdrawal amount this region just refused for lack of rights. */
  readonly refused?: number;
  /** Want = recent spending × headroomPercent / 100 (integer ≥ 100). Default {@link DEFAULT_HEADROOM_PERCENT}. */
  readonly headroomPercent?: number;
}

/**
 * The spending rate of `region` per window: the larger of what it withdrew in the window
 * containing `nowWall` and in the window before (by the stamps of its withdrawals, in the
 * state's `spendWindowMs`); 0 once it spent nothing for a whole window.
 *
 * @example
 * ```ts
 * recentSpend(state, 'eu-west-1', Date.now()); // 120n
 * ```
 */
export function recentSpend(state: EscrowState, region: string, nowWall: number): bigint {
  const now = Math.floor(nowWall / state.spendWindowMs);
  const s = regionOf(state, region).spend;
  if (s.window === now) return BigInt(s.current) > BigInt(s.previous) ? BigInt(s.current) : BigInt(s.previous);
  if (s.window === now - 1) return BigInt(s.current);
  return 0n;
}

/**
 * The want `region` should request now, or `undefined` when its current request stands.
 *
 * - after a refusal of `refused`, when its want is below that: at least `refused` — unless the
 *   balance itself is below it (no rights anywhere could cover it, and asking would only pull
 *   every right to this region);
 * - else the recent spending × headroom, when it differs from the current want by more than the
 *   band (both ways: rising demand asks for more, falling demand releases rights).
 *
 * @example
 * ```ts
 * nextWant(state, 'eu-west-1', now, { refused: 50 }); // 50 (or more, when it spent more recently)
 * nextWant(state, 'eu-west-1', now);                  // undefined while its spending is steady
 * ```
 */
export function nextWant(state: EscrowState, region: string, nowWall: number, params: DemandParams = {}): number | undefined {
  const headroom = params.headroomPercent ?? DEFAULT_HEADROOM_PERCENT;
  if (!Number.isSafeInteger(headroom) || headroom < 100) throw new ValidationError('bad-request', `headroomPercent: must be an integer of at least 100, got ${String(headroom)}`);
  const asked = params.refused === undefined ? 0n : BigInt(validateAmount(params.refused, 'refused'));
  const refused = asked <= BigInt(state.balance) ? asked : 0n;
  let desired = (recentSpend(state, region, nowWall) * BigInt(headroom) + 99n) / 100n;
  if (refused > desired) desired = refused;
  const cap = BigInt(Number.MAX_SAFE_INTEGER);
  if (desired > cap) desired = cap;
  const current = BigInt(regionOf(state, region).want);
  if (refused > 0n && current < refused) return Number(desired);
  const band = rebalanceBand(state, params);
  if (desired > current + band || desired + band < current) return Number(desired);
  return undefined;
}
