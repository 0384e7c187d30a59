/**
 * The rights a region can *prove* it holds when its view of an escrow account has a gap (a known
 * event names a parent not yet received). The no-bounce argument in `escrow.ts` needs the check
 * to run on a causally closed view: with a gap, the replay may bounce a transfer that the full
 * history applies (its origin's earlier events are missing), which can bounce one of this
 * region's own withdrawals in the view, which would overstate its rights. So with a gap the
 * region counts its own events at face value (it wrote them all, and each passed its check) and
 * only those incoming transfers that the replay of the gap-free part applies.
 *
 * @example
 * ```ts
 * import { hasGap, spendableRights } from './escrow-spendable.ts';
 * const spendable = hasGap(events) ? spendableRights('acct-1', events, 'eu-west-1') : undefined;
 * checkEscrowWithdraw(state, 'eu-west-1', 50, spendable);
 * ```
 */
import type { EscrowTransferPayload } from './escrow-event.ts';
import { isEscrowKind } from './escrow-event.ts';
import type { EscrowFold } from './escrow.ts';
import { ESCROW_FOLD, regionOf, rightsOf } from './escrow.ts';
import { sortedUnique } from './event.ts';
import type { MeshEvent } from './types.ts';

/**
 * The events of `events` whose every ancestor (through `parents`) is among them, deduplicated,
 * in total order: the largest causally closed part. Pass one account's events.
 *
 * @example
 * ```ts
 * causalCore([d, w]);  // [d, w] when w's parent is d
 * causalCore([w]);     // []: w's parent is missing
 * ```
 */
export function causalCore(events: Iterable<MeshEvent>): MeshEvent[] {
  const core = new Set<string>();
  const out: MeshEvent[] = [];
  // Parents order before their children (a writer stamps above its parents), so one pass in
  // total order sees every parent first; an event stamped below a parent stays out (conservative).
  for (const e of sortedUnique(events)) {
    if (e.parents.every((p) => core.has(p))) {
      core.add(e.id);
      out.push(e);
    }
  }
  return out;
}

/**
 * True when some event of `events` names a parent that is not among them (or not in the closed
 * part): the view is not causally closed. Pass one account's events.
 *
 * @example
 * ```ts
 * hasGap([d, w]); // false
 * hasGap([w]);    // true
 * ```
 */
export function hasGap(events: Iterable<MeshEvent>): boolean {
  const all = sortedUnique(events);
  return causalCore(all).length !== all.length;
}

/**
 * The rights of `region` in escrow `account` that hold in every history containing `events`,
 * provided `events` holds every event `region` wrote (a region keeps what it wrote):
 *
 * - without a gap: its rights in the replay (exact);
 * - with a gap: its own deposits − its own withdrawals and transfers out (all of them, applied
 *   or not in this view: each passed its check, so each is applied in the closed history), plus
 *   the transfers into it that the replay of {@link causalCore} applies.
 *
 * May be below zero with a gap (transfers it relied on are missing here); a check then refuses.
 *
 * @example
 * ```ts
 * spendableRights('acct-1', [d, w], 'us-east-1'); // as rightsOf(escrowState('acct-1', [d, w]), 'us-east-1')
 * ```
 */
export function spendableRights(account: string, events: Iterable<MeshEvent>, region: string, fold: EscrowFold = ESCROW_FOLD): bigint {
  const mine: MeshEvent[] = [];
  for (const e of events) if (e.key === account && isEscrowKind(e.kind)) mine.push(e);
  const all = sortedUnique(mine);
  const core = causalCore(all);
  const replay = (es: readonly MeshEvent[]) => es.reduce((s, e) => fold.step(s, e), fold.initial);
  if (core.length === all.length) return rightsOf(replay(all), region);
  let own = 0n;
  for (const e of all) {
    if (e.origin !== region) continue;
    if (e.kind === 'escrow-deposit') own += BigInt(e.payload as number);
    else if (e.kind === 'escrow-withdraw') own -= BigInt(e.payload as number);
    else if (e.kind === 'escrow-transfer') own -= BigInt((e.payload as unknown as EscrowTransferPayload).amount);
  }
  return own + BigInt(regionOf(replay(core), region).received);
}
