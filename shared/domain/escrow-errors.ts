/**
 * Refusals of escrow writes (all 409, nothing stored). A shortfall carries its figures in
 * `details`, so a handler can put them in the response beside `code` and `message`. Amounts are decimal strings:
 * exact whatever their size (see `escrow.ts`).
 *
 * @example
 * ```ts
 * import { InsufficientRightsError } from './escrow-errors.ts';
 * try { checkEscrowWithdraw(state, 'eu-west-1', 50); }
 * catch (e) { if (e instanceof InsufficientRightsError) console.log(e.details.rights, e.details.elsewhere); } // '30' '70'
 * ```
 */
import { MeshError } from './errors.ts';

/** Figures of an {@link InsufficientRightsError}. @example `{ region: 'eu-west-1', amount: '50', rights: '30', balance: '100', elsewhere: '70', holders: { 'us-east-1': '70' } }` */
export interface RightsShortfall {
  /** The region that refused. */
  readonly region: string;
  /** What the write needed from this region's rights. */
  readonly amount: string;
  /** This region's own rights, as it can prove them (see `spendableRights`). */
  readonly rights: string;
  /** The account's balance in this region's view: the sum of every region's rights. */
  readonly balance: string;
  /** `balance − rights` (never below 0): the part held by other regions. */
  readonly elsewhere: string;
  /** The other regions holding rights, and how much, in this region's view. */
  readonly holders: Readonly<Record<string, string>>;
  /** The want this refusal asked for (`escrow-request`), when it stored one; absent when a request already stood or none could help. */
  readonly requested?: string;
}

/**
 * An escrow withdrawal or transfer that this region's own rights cannot cover (409
 * `insufficient-rights`). The message says how much this region holds, the balance, and that the
 * rest is held elsewhere, or that the balance itself falls short.
 *
 * @example
 * ```ts
 * const e = new InsufficientRightsError({ region: 'eu-west-1', amount: '50', rights: '30', balance: '100', elsewhere: '70', holders: { 'us-east-1': '70' } });
 * e.message; // 'eu-west-1 holds rights to 30 of this escrow account's balance of 100 and cannot cover 50: the other 70 are held by other regions (us-east-1: 70) …'
 * ```
 */
export class InsufficientRightsError extends MeshError {
  readonly details: RightsShortfall;

  constructor(s: RightsShortfall) {
    const held = Object.entries(s.holders).map(([r, n]) => `${r}: ${n}`).join(', ');
    const where = BigInt(s.elsewhere) > 0n ? `the other ${s.elsewhere} are held by other regions${held === '' ? '' : ` (${held})`}` : 'no other region holds any';
    const tail = BigInt(s.balance) < BigInt(s.amount)
      ? `; the balance itself is below ${s.amount}, so no region can cover it`
      : '; this region has asked its peers for rights: retry once they arrive, or withdraw where the rights are';
    super('insufficient-rights', 409, `${s.region} holds rights to ${s.rights} of this escrow account's balance of ${s.balance} and cannot cover ${s.amount}: ${where}${tail}`);
    this.details = s;
  }
}

/**
 * An escrow deposit that would take the account's deposits in this region's view past
 * `Number.MAX_SAFE_INTEGER` (409 `balance-limit`): refused at the door, so balances shown as JSON
 * numbers stay exact; the replay itself is exact at any size and never bounces a deposit.
 *
 * @example
 * ```ts
 * throw new BalanceLimitError('a deposit of 2 would take this account\'s deposits to 9007199254740993, past 9007199254740991');
 * ```
 */
export class BalanceLimitError extends MeshError {
  constructor(message: string) {
    super('balance-limit', 409, message);
  }
}

/**
 * A request that names one mode for an account this region holds in the other (409
 * `mode-mismatch`): e.g. a rights transfer on a plain account.
 *
 * @example
 * ```ts
 * throw new ModeMismatchError('account alice is a plain account here: it has no rights to transfer');
 * ```
 */
export class ModeMismatchError extends MeshError {
  constructor(message: string) {
    super('mode-mismatch', 409, message);
  }
}

/**
 * An account id this region holds in both modes, because two regions created it differently
 * during a partition, and a request that did not say which one it means (409 `mode-conflict`).
 *
 * @example
 * ```ts
 * throw new ModeConflictError('account alice exists as a plain and as an escrow account: name the mode');
 * ```
 */
export class ModeConflictError extends MeshError {
  constructor(message: string) {
    super('mode-conflict', 409, message);
  }
}
