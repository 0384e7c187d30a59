/**
 * Escrow accounts (bounded counters): the balance is split into **rights** held by regions, and
 * the sum of all regions' rights is the balance. A deposit in region r adds to r's rights; a
 * withdrawal in r needs r's own rights; r may transfer rights to s by an event. Only r's own
 * events ever decrease r's rights, so r's view of its own rights is never more than the truth
 * (increases may still be in flight), and a withdrawal r accepted is never bounced by any merge.
 *
 * The state is a left fold over the account's escrow events in total order (`sortedUnique`):
 * {@link ESCROW_FOLD}`.initial` and a pure {@link ESCROW_FOLD}`.step`, shaped for a store that
 * keeps a snapshot beside each account and replays from a checkpoint when an event arrives out of
 * order. The state is plain JSON; every amount in it is a decimal string, so sums stay exact at
 * any size (a deposit is never bounced, see below).
 *
 * **Why an accepted debit is never bounced.** A region r accepts a debit x (withdraw or transfer)
 * only when its provable rights in its view V cover it: the replay's rights when V is causally
 * closed (every parent of a known event is known), else the face-value sum of
 * `spendableRights` (r's deposits − r's debits + the transfers into r that V holds).
 * (1) x's parents are V's heads and a writer stamps a child above its parents, so every event of
 * V is an ancestor of x and orders before it. (2) V holds every earlier event of r (a region keeps
 * what it wrote). (3) Other regions' events never decrease r's rights: their deposits and
 * withdrawals touch their own rights, their transfers only add to r's. Now take any causally
 * closed set C holding x (the merged history, any prefix of it in total order, any region's gap-
 * free view). By induction along the total order, every debit before x in C is applied, so r's
 * rights just before x in C are exactly r's deposits − r's debits + the transfers into r in C.
 * That is at least the same sum over V (same events of r by (1) and (2); V's transfers into r are
 * in C), which is what r checked — in a closed V the replay applies every debit, so its rights are
 * that sum too. So x is applied in C: no bounce, no reversal, no negative balance, in any history
 * where every region runs these checks. (A set with gaps may show a debit as bounced until the gap
 * fills; a deliberately broken region, one that spends rights it does not hold, makes real
 * bounces: see the negative controls in `test/unit/shared/domain/escrow-properties.test.ts`.)
 *
 * **Exact sums.** The plain bank bounds the cumulative deposited total at
 * `Number.MAX_SAFE_INTEGER` by bouncing a deposit in the replay. Escrow cannot: a deposit bounced
 * by a concurrent one would shrink rights its origin may already have spent, breaking the
 * guarantee above. So the replay never bounces a deposit and keeps decimal strings (exact at any
 * size), and {@link checkEscrowDeposit} refuses at the door a deposit that would take the region's
 * view of the deposited total past `Number.MAX_SAFE_INTEGER`; only concurrent deposits in a
 * partition can pass it, and the state stays exact then too.
 *
 * @example
 * ```ts
 * import { escrowState, rightsOf, checkEscrowWithdraw } from './escrow.ts';
 * const s = escrowState('acct-1', events);
 * rightsOf(s, 'eu-west-1');                 // 30n
 * s.balance;                                // '100'
 * checkEscrowWithdraw(s, 'eu-west-1', 50);  // throws InsufficientRightsError (409)
 * ```
 */
import { BalanceLimitError, InsufficientRightsError } from './escrow-errors.ts';
import type { EscrowRequestPayload, EscrowTransferPayload } from './escrow-event.ts';
import { isEscrowKind } from './escrow-event.ts';
import { sortedUnique } from './event.ts';
import { parseHlc } from './hlc.ts';
import { validateAmount, validateOrigin } from './limits.ts';
import { ValidationError } from './errors.ts';
import type { Fold } from './fold.ts';
import type { MeshEvent } from './types.ts';

/**
 * Width of the spending windows the state keeps per region (1 minute): the demand signal that
 * `escrow-demand.ts` turns into rights requests.
 *
 * @example
 * ```ts
 * escrowFold({ spendWindowMs: DEFAULT_SPEND_WINDOW_MS });
 * ```
 */
export const DEFAULT_SPEND_WINDOW_MS = 60_000;

/**
 * A region's spending in tumbling windows of the event stamps' wall time: `window` is the index
 * (`floor(wall / spendWindowMs)`) of the last window with a withdrawal, `current` its sum and
 * `previous` the sum of the window before it (`'0'` when that one had none).
 *
 * @example
 * ```ts
 * const spend: EscrowSpend = { window: 28876666, current: '120', previous: '0' };
 * ```
 */
export interface EscrowSpend {
  readonly window: number;
  readonly current: string;
  readonly previous: string;
}

/**
 * One region's share of an escrow account. Always `rights = deposited − withdrawn − sent + received`.
 *
 * @example
 * ```ts
 * state.regions['eu-west-1']?.rights; // '30'
 * ```
 */
export interface EscrowRegion {
  /** What this region may withdraw or transfer without asking anyone. */
  readonly rights: string;
  /** Deposits accepted by this region. */
  readonly deposited: string;
  /** Withdrawals accepted by this region and applied. */
  readonly withdrawn: string;
  /** Rights transferred out by this region (applied). */
  readonly sent: string;
  /** Rights transferred to this region (applied). */
  readonly received: string;
  /** The rights it last asked to hold (`escrow-request`), `'0'` if it never asked. */
  readonly want: string;
  readonly spend: EscrowSpend;
}

/**
 * A debit the replay could not cover at its place in the order: kept, not applied. In a set
 * without gaps, and with every region checking, there are none.
 *
 * @example
 * ```ts
 * const b: EscrowBounce = { id, kind: 'escrow-withdraw', origin: 'eu-west-1', amount: '50', rightsBefore: '30', reason: 'insufficient-rights' };
 * const t: EscrowBounce = { id, kind: 'escrow-transfer', origin: 'us-east-1', amount: '40', to: 'eu-west-1', rightsBefore: '10', reason: 'insufficient-rights' };
 * ```
 */
export interface EscrowBounce {
  readonly id: string;
  readonly kind: 'escrow-withdraw' | 'escrow-transfer';
  readonly origin: string;
  readonly amount: string;
  /** A transfer's destination (absent for a withdrawal): so a reader can count it at face value (`provableRights`). */
  readonly to?: string;
  /** The origin's rights just before it in the replay. */
  readonly rightsBefore: string;
  readonly reason: 'insufficient-rights';
}

/**
 * The replayed state of an escrow account: plain JSON (decimal strings for amounts), so a store
 * can keep it as a snapshot and resume the fold from it. Always
 * `balance = deposited − withdrawn = Σ regions[r].rights`, and every rights value is ≥ 0.
 *
 * @example
 * ```ts
 * JSON.parse(JSON.stringify(state)); // deep-equal to state
 * ```
 */
export interface EscrowState {
  /** Some `escrow-open` was folded (an account may also start with a deposit). */
  readonly opened: boolean;
  readonly balance: string;
  readonly deposited: string;
  /** Sum of applied withdrawals. */
  readonly withdrawn: string;
  /** Sum of applied transfers (moves between regions; the balance does not change). */
  readonly transferred: string;
  /** Regions that ever held, sent or asked for rights, in order of first appearance. */
  readonly regions: Readonly<Record<string, EscrowRegion>>;
  readonly bounced: readonly EscrowBounce[];
  /** The window width of `EscrowRegion.spend`, so readers use the same one. */
  readonly spendWindowMs: number;
}

/**
 * The escrow account as a {@link Fold} (`fold.ts`): what a store keeps a snapshot of, with
 * checkpoints, beside each escrow account. `step` is pure: never mutates `s`; ignores events of
 * other kinds. The name carries the spending window, so a snapshot folded with another window is
 * never resumed.
 *
 * @example
 * ```ts
 * const fold: EscrowFold = escrowFold();
 * sortedUnique(events).reduce(fold.step, fold.initial);
 * ```
 */
export type EscrowFold = Fold<EscrowState>;

const ZERO_SPEND: EscrowSpend = Object.freeze({ window: 0, current: '0', previous: '0' });
const EMPTY_REGION: EscrowRegion = Object.freeze({ rights: '0', deposited: '0', withdrawn: '0', sent: '0', received: '0', want: '0', spend: ZERO_SPEND });

/**
 * The escrow fold with spending windows of `spendWindowMs` (default
 * {@link DEFAULT_SPEND_WINDOW_MS}). Every region must use the same width, or their snapshots'
 * spending figures differ (money never does).
 *
 * @example
 * ```ts
 * const fold = escrowFold({ spendWindowMs: 10_000 });
 * const s = sortedUnique(events).reduce(fold.step, fold.initial);
 * ```
 */
export function escrowFold(options: { readonly spendWindowMs?: number } = {}): EscrowFold {
  const spendWindowMs = options.spendWindowMs ?? DEFAULT_SPEND_WINDOW_MS;
  if (!Number.isSafeInteger(spendWindowMs) || spendWindowMs <= 0) {
    throw new ValidationError('bad-request', `spendWindowMs: must be a positive integer of milliseconds, got ${String(spendWindowMs)}`);
  }
  const initial: EscrowState = Object.freeze({ opened: false, balance: '0', deposited: '0', withdrawn: '0', transferred: '0', regions: Object.freeze({}), bounced: Object.freeze([]), spendWindowMs });
  return Object.freeze({ name: `escrow/1/${spendWindowMs}`, initial, step });
}

/**
 * The default fold (1-minute spending windows): what stores and views use.
 *
 * @example
 * ```ts
 * let s = ESCROW_FOLD.initial;
 * for (const e of sortedUnique(events)) s = ESCROW_FOLD.step(s, e);
 * ```
 */
export const ESCROW_FOLD: EscrowFold = escrowFold();

/**
 * The state of escrow `account` from `events`: its escrow events (other keys and kinds ignored),
 * deduplicated, folded in total order. Order of arrival and duplicates never matter.
 *
 * @example
 * ```ts
 * escrowState('acct-1', [w, d, d]).balance; // the same as for [d, w]
 * ```
 */
export function escrowState(account: string, events: Iterable<MeshEvent>, fold: EscrowFold = ESCROW_FOLD): EscrowState {
  const mine: MeshEvent[] = [];
  for (const e of events) if (e.key === account && isEscrowKind(e.kind)) mine.push(e);
  return sortedUnique(mine).reduce((s, e) => fold.step(s, e), fold.initial);
}

/**
 * A region's share in `state` (all zero for a region that never appeared).
 *
 * @example
 * ```ts
 * regionOf(state, 'sa-east-1').rights; // '0'
 * ```
 */
export function regionOf(state: EscrowState, region: string): EscrowRegion {
  // hasOwn: region names such as `constructor` must not find Object.prototype's members.
  return Object.hasOwn(state.regions, region) ? (state.regions[region] as EscrowRegion) : EMPTY_REGION;
}

/**
 * A region's rights in `state`, as a bigint.
 *
 * @example
 * ```ts
 * rightsOf(state, 'eu-west-1'); // 30n
 * ```
 */
export function rightsOf(state: EscrowState, region: string): bigint {
  return BigInt(regionOf(state, region).rights);
}

/**
 * Each region's rights, for a response (`GET /accounts/{id}` of an escrow account): every region
 * that appears in the state, in name order, as decimal strings.
 *
 * @example
 * ```ts
 * rightsByRegion(state); // { 'eu-west-1': '30', 'us-east-1': '70' }
 * ```
 */
export function rightsByRegion(state: EscrowState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of Object.keys(state.regions).sort()) out[r] = regionOf(state, r).rights;
  return out;
}

/**
 * The check before accepting `POST …/withdraw` of `amount` in `region`: throws
 * `ValidationError('invalid-amount')` for a bad amount, `InsufficientRightsError` (409) when the
 * region's rights cannot cover it. `spendable` replaces the state's rights when the region's view
 * has a gap (pass `spendableRights(account, events, region)`): the replay of a view with a gap can
 * be wrong either way. By default the state's rights, exact for a view without gaps.
 *
 * @example
 * ```ts
 * checkEscrowWithdraw(state, 'eu-west-1', 30); // ok: write the escrow-withdraw
 * checkEscrowWithdraw(state, 'eu-west-1', 31); // throws InsufficientRightsError
 * ```
 */
export function checkEscrowWithdraw(state: EscrowState, region: string, amount: unknown, spendable?: bigint): number {
  const a = validateAmount(amount);
  coverOrRefuse(state, region, a, spendable);
  return a;
}

/**
 * The check before a region sends rights: `to` must be another well-formed region name
 * (`ValidationError`), `amount` valid, and `from`'s rights must cover it (409). Whether `to` is a
 * region of the mesh is the caller's to check: the domain does not know the mesh.
 *
 * @example
 * ```ts
 * checkEscrowTransfer(state, 'us-east-1', 'eu-west-1', 20); // ok: write the escrow-transfer
 * ```
 */
export function checkEscrowTransfer(state: EscrowState, from: string, to: unknown, amount: unknown, spendable?: bigint): EscrowTransferPayload {
  const target = validateOrigin(to, 'to');
  if (target === from) throw new ValidationError('invalid-event', `to: a region cannot transfer rights to itself (${JSON.stringify(from)})`);
  const a = validateAmount(amount);
  coverOrRefuse(state, from, a, spendable);
  return { to: target, amount: a };
}

/**
 * The check before accepting an escrow deposit: a valid amount that keeps this view's deposited
 * total within `Number.MAX_SAFE_INTEGER` (`BalanceLimitError`, 409, otherwise).
 *
 * @example
 * ```ts
 * checkEscrowDeposit(state, 100);                     // 100
 * checkEscrowDeposit(state, Number.MAX_SAFE_INTEGER); // throws once anything was deposited
 * ```
 */
export function checkEscrowDeposit(state: EscrowState, amount: unknown): number {
  const a = validateAmount(amount);
  const after = BigInt(state.deposited) + BigInt(a);
  if (after > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new BalanceLimitError(`a deposit of ${a} would take this account's deposits to ${after}, past the ${Number.MAX_SAFE_INTEGER} that stays exact as a JSON number`);
  }
  return a;
}

function coverOrRefuse(state: EscrowState, region: string, amount: number, spendable: bigint | undefined): void {
  // With a gap the replay's rights can be wrong either way; the provable figure is the one to use.
  const rights = spendable === undefined ? rightsOf(state, region) : spendable < 0n ? 0n : spendable;
  if (rights >= BigInt(amount)) return;
  const balance = BigInt(state.balance);
  const holders: Record<string, string> = {};
  for (const r of Object.keys(state.regions).sort()) if (r !== region && rightsOf(state, r) > 0n) holders[r] = regionOf(state, r).rights;
  const elsewhere = balance - rights;
  throw new InsufficientRightsError({ region, amount: String(amount), rights: String(rights), balance: String(balance), elsewhere: String(elsewhere < 0n ? 0n : elsewhere), holders });
}

function step(s: EscrowState, e: MeshEvent): EscrowState {
  switch (e.kind) {
    case 'escrow-open':
      return s.opened ? s : { ...s, opened: true };
    case 'escrow-deposit': {
      const a = BigInt(e.payload as number);
      const r = regionOf(s, e.origin);
      return { ...s, balance: plus(s.balance, a), deposited: plus(s.deposited, a), regions: put(s.regions, e.origin, { ...r, rights: plus(r.rights, a), deposited: plus(r.deposited, a) }) };
    }
    case 'escrow-withdraw': {
      const a = BigInt(e.payload as number);
      const r = regionOf(s, e.origin);
      if (BigInt(r.rights) < a) return bounce(s, e, a, r);
      const spend = spent(r.spend, Math.floor(parseHlc(e.hlc).wall / s.spendWindowMs), a);
      return { ...s, balance: plus(s.balance, -a), withdrawn: plus(s.withdrawn, a), regions: put(s.regions, e.origin, { ...r, rights: plus(r.rights, -a), withdrawn: plus(r.withdrawn, a), spend }) };
    }
    case 'escrow-transfer': {
      const { to, amount } = e.payload as unknown as EscrowTransferPayload;
      const a = BigInt(amount);
      const from = regionOf(s, e.origin);
      if (BigInt(from.rights) < a) return bounce(s, e, a, from);
      const afterFrom = put(s.regions, e.origin, { ...from, rights: plus(from.rights, -a), sent: plus(from.sent, a) });
      const dest = regionOf({ ...s, regions: afterFrom }, to);
      return { ...s, transferred: plus(s.transferred, a), regions: put(afterFrom, to, { ...dest, rights: plus(dest.rights, a), received: plus(dest.received, a) }) };
    }
    case 'escrow-request': {
      const { want } = e.payload as unknown as EscrowRequestPayload;
      const r = regionOf(s, e.origin);
      return { ...s, regions: put(s.regions, e.origin, { ...r, want: String(want) }) };
    }
    default:
      return s;
  }
}

/** Adds an applied withdrawal of `a` at window `w` (a region's windows only move forward: its stamps grow). */
function spent(prev: EscrowSpend, w: number, a: bigint): EscrowSpend {
  if (w === prev.window) return { window: w, current: plus(prev.current, a), previous: prev.previous };
  if (w === prev.window + 1) return { window: w, current: String(a), previous: prev.current };
  return { window: w, current: String(a), previous: '0' };
}

function bounce(s: EscrowState, e: MeshEvent, a: bigint, r: EscrowRegion): EscrowState {
  const to = e.kind === 'escrow-transfer' ? { to: (e.payload as unknown as EscrowTransferPayload).to } : {};
  const b: EscrowBounce = { id: e.id, kind: e.kind as EscrowBounce['kind'], origin: e.origin, amount: String(a), ...to, rightsBefore: r.rights, reason: 'insufficient-rights' };
  return { ...s, bounced: [...s.bounced, b] };
}

function put(regions: Readonly<Record<string, EscrowRegion>>, region: string, value: EscrowRegion): Record<string, EscrowRegion> {
  return { ...regions, [region]: value };
}

function plus(x: string, d: bigint): string {
  return String(BigInt(x) + d);
}
