/**
 * Plain or escrow: how one account id space is presented over two kinds of stream. A plain
 * account's events (`deposit`, `withdraw`) live in `A#<id>`, an escrow account's (`escrow-*`) in
 * `E#<id>`. The mode is not a flag an event sets for others: every event's kind says which
 * semantics it has, so an account is plain or escrow from its first event and no event that
 * arrives later — from any region, in any order — can change how another is read.
 *
 * Two regions can still create the same id in different modes during a partition (one takes a
 * plain deposit, the other opens an escrow account). Neither write may be lost, and each was
 * acknowledged under its own rules, so after the merge both accounts exist, each with its own
 * balance and guarantees, like concurrent register writes: a visible *mode conflict*. Requests
 * that say which mode they mean keep working; requests that do not are refused (409
 * `mode-conflict`) until a person drains one of the two.
 *
 * @example
 * ```ts
 * import { accountModes, modeFor, modesOf } from './account-mode.ts';
 * const known = modesOf('alice', events);   // { plain: true, escrow: false }
 * accountModes(known);                      // 'plain'
 * modeFor('alice', 'withdraw', known);      // 'plain'
 * modeFor('alice', 'transfer', known);      // throws ModeMismatchError (409)
 * ```
 */
import { ModeConflictError, ModeMismatchError } from './escrow-errors.ts';
import { isEscrowKind } from './escrow-event.ts';
import { NotFoundError, ValidationError } from './errors.ts';
import { isMoneyKind } from './event.ts';
import type { MeshEvent } from './types.ts';

/**
 * An account's mode.
 *
 * @example
 * ```ts
 * const m: AccountMode = 'escrow';
 * ```
 */
export type AccountMode = 'plain' | 'escrow';

/**
 * The writes a request can make on an account. `create` opens an escrow account
 * (`escrow-open`); a plain account needs none (its first deposit creates it).
 *
 * @example
 * ```ts
 * const op: AccountOp = 'transfer';
 * ```
 */
export type AccountOp = 'create' | 'deposit' | 'withdraw' | 'transfer' | 'request';

/**
 * Which streams of an id this region holds events in.
 *
 * @example
 * ```ts
 * const known: ModeEvidence = { plain: true, escrow: false };
 * ```
 */
export interface ModeEvidence {
  readonly plain: boolean;
  readonly escrow: boolean;
}

/**
 * What an id is here: unknown, one mode, or both (a mode conflict).
 *
 * @example
 * ```ts
 * const m: AccountModes = 'both';
 * ```
 */
export type AccountModes = 'none' | AccountMode | 'both';

/**
 * Which streams of `account` have events in `events`.
 *
 * @example
 * ```ts
 * modesOf('alice', [deposit('alice', 5)]); // { plain: true, escrow: false }
 * ```
 */
export function modesOf(account: string, events: Iterable<MeshEvent>): ModeEvidence {
  let plain = false;
  let escrow = false;
  for (const e of events) {
    if (e.key !== account) continue;
    if (isMoneyKind(e.kind)) plain = true;
    else if (isEscrowKind(e.kind)) escrow = true;
  }
  return { plain, escrow };
}

/**
 * The id's modes in one word (for `GET /accounts/{id}`: `none` is a 404, `both` shows both).
 *
 * @example
 * ```ts
 * accountModes({ plain: true, escrow: true }); // 'both'
 * ```
 */
export function accountModes(known: ModeEvidence): AccountModes {
  if (known.plain && known.escrow) return 'both';
  if (known.plain) return 'plain';
  if (known.escrow) return 'escrow';
  return 'none';
}

/**
 * The mode a write of `op` on `account` goes to, given what this region holds (`known`) and the
 * mode the request names, if any. Throws `ModeMismatchError` (409) when the request or the
 * operation contradicts the mode held here, `ModeConflictError` (409) when both modes are held
 * and the request does not say which, `NotFoundError` (404) for rights on an unknown account,
 * and `ValidationError` (400) for a create that names no mode.
 *
 * Unnamed deposits and withdrawals on an unknown id are plain (today's accounts); `create`,
 * `transfer` and `request` are escrow operations.
 *
 * @example
 * ```ts
 * modeFor('alice', 'deposit', { plain: false, escrow: false });           // 'plain'
 * modeFor('alice', 'create', { plain: false, escrow: false }, 'escrow');  // 'escrow': write escrow-open
 * modeFor('alice', 'deposit', { plain: true, escrow: true });             // throws ModeConflictError
 * modeFor('alice', 'deposit', { plain: true, escrow: true }, 'escrow');   // 'escrow'
 * ```
 */
export function modeFor(account: string, op: AccountOp, known: ModeEvidence, requested?: AccountMode): AccountMode {
  const rightsOp = op === 'transfer' || op === 'request';
  const name = JSON.stringify(account);
  if (requested === 'plain') {
    if (rightsOp) throw new ModeMismatchError(`a plain account has no rights to ${op === 'transfer' ? 'transfer' : 'request'}: ${op} is an escrow operation`);
    if (known.escrow && !known.plain) throw new ModeMismatchError(`account ${name} is an escrow account here, not a plain one`);
    return 'plain';
  }
  if (requested === 'escrow') {
    if (known.plain && !known.escrow) throw new ModeMismatchError(`account ${name} is a plain account here (it has deposits or withdrawals), not an escrow one`);
    return 'escrow';
  }
  if (requested !== undefined) throw new ValidationError('bad-request', `mode: must be "plain" or "escrow", got ${JSON.stringify(requested)}`);
  if (op === 'create') throw new ValidationError('bad-request', 'mode: required to create an account ("plain" or "escrow")');
  if (rightsOp) {
    if (known.escrow) return 'escrow';
    if (known.plain) throw new ModeMismatchError(`account ${name} is a plain account here: ${op} is an escrow operation`);
    throw new NotFoundError(`no escrow account ${name} in this region (yet): create it with mode "escrow", or retry once it has replicated here`);
  }
  if (known.plain && known.escrow) {
    throw new ModeConflictError(`account ${name} exists here both as a plain and as an escrow account (created concurrently in two modes): say which one this ${op} is for with "mode"`);
  }
  return known.escrow ? 'escrow' : 'plain';
}
