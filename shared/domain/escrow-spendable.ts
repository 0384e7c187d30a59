/**
 * The rights a region can *prove* it holds when its view of an escrow account has a gap (a known
 * event names a parent not yet received). The replay of a view with a gap can overstate them: it
 * may bounce a transfer into the region that the full history applies (the sender's earlier
 * credits are missing here), hence bounce one of the region's own withdrawals, hence count that
 * money twice. So with a gap a region counts every event at face value instead: its own
 * deposits, withdrawals and transfers out (it wrote them all, each passed its check, so each is
 * applied in every causally closed history), and every transfer into it that it knows of (each
 * passed its sender's check, so the same holds). The merged history holds all of these and maybe
 * more transfers in, so its rights are at least this.
 *
 * A store that keeps only the replay's snapshot (not the events) gets the same bound from the
 * snapshot alone, with no gap detection: {@link provableRights}.
 *
 * @example
 * ```ts
 * import { hasGap, provableRights, spendableRights } from './escrow-spendable.ts';
 * const spendable = hasGap(events) ? spendableRights('acct-1', events, 'eu-west-1') : undefined;
 * checkEscrowWithdraw(state, 'eu-west-1', 50, spendable);
 * checkEscrowWithdraw(state, 'eu-west-1', 50, provableRights(state, 'eu-west-1')); // from a snapshot
 * ```
 */
import type { EscrowTransferPayload } from './escrow-event.ts';
import { isEscrowKind } from './escrow-event.ts';
import type { EscrowFold, EscrowState } from './escrow.ts';
import { ESCROW_FOLD, rightsOf } from './escrow.ts';
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
 * The rights of `region` in escrow `account` that hold in every causally closed history
 * containing `events`, provided `events` holds every event `region` wrote (a region keeps what it
 * wrote) and every region runs the checks:
 *
 * - without a gap: its rights in the replay (exact);
 * - with a gap: at face value, its own deposits − its own withdrawals and transfers out + the
 *   transfers into it known here, whether this view's replay applies them or not.
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
  if (causalCore(all).length === all.length) return rightsOf(all.reduce((s, e) => fold.step(s, e), fold.initial), region);
  let rights = 0n;
  for (const e of all) {
    const transfer = e.kind === 'escrow-transfer' ? (e.payload as EscrowTransferPayload) : undefined;
    if (transfer !== undefined && transfer.to === region) rights += BigInt(transfer.amount);
    if (e.origin !== region) continue;
    if (e.kind === 'escrow-deposit') rights += BigInt(e.payload as number);
    else if (e.kind === 'escrow-withdraw') rights -= BigInt(e.payload as number);
    else if (transfer !== undefined) rights -= BigInt(transfer.amount);
  }
  return rights;
}

/**
 * The rights of `region` that hold in every causally closed history containing the view that
 * `state` is the replay of, computed from the replay alone: no events, no gap detection. It is
 * what a region checks a debit against when it keeps only the fold's snapshot (the event store).
 *
 * The replay and the face-value count of {@link spendableRights} differ only by the debits the
 * replay bounced: face = rights − the region's own bounced debits + the bounced transfers into it
 * (the state lists every bounce, with a transfer's `to`). Without a gap, in a mesh where every
 * region checks, nothing bounces and both are the replay's rights. With a gap the replay may
 * overstate (one of the region's own debits bounced) or understate (a transfer into it bounced).
 * So the minimum of the two is sound either way — below the replay's rights, which bound every
 * gap-free view, and below the face value, which bounds every view — and exact whenever the view
 * has no gap. Below {@link spendableRights} only while a transfer into the region waits, bounced,
 * for a gap to fill.
 *
 * @example
 * ```ts
 * provableRights(escrowState('acct-1', view), 'eu-west-1'); // ≤ spendableRights('acct-1', view, 'eu-west-1')
 * ```
 */
export function provableRights(state: EscrowState, region: string): bigint {
  const replay = rightsOf(state, region);
  let face = replay;
  for (const b of state.bounced) {
    if (b.origin === region) face -= BigInt(b.amount);
    if (b.kind === 'escrow-transfer' && b.to === region) face += BigInt(b.amount);
  }
  return face < replay ? face : replay;
}
