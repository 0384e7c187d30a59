/**
 * The escrow event kinds and their payloads. An escrow account lives in its own stream
 * (`E#<account>`, see `shared/ports/stream.ts`), apart from plain accounts (`A#<account>`): the
 * kind of every event says which semantics it has, so no event arriving later can change how
 * another is read (see `account-mode.ts` for how one id space is presented).
 *
 * | kind | payload | effect in the replay |
 * |---|---|---|
 * | `escrow-open` | `null` | creates the account with a zero balance (idempotent) |
 * | `escrow-deposit` | amount | the origin's rights and the balance grow by the amount |
 * | `escrow-withdraw` | amount | the origin's rights and the balance shrink; needs the origin's own rights |
 * | `escrow-transfer` | `{"to": region, "amount": amount}` | moves rights from the origin to `to`; needs the origin's own rights |
 * | `escrow-request` | `{"want": n}` | the origin asks to hold `n` rights (a level, not a delta; `0` withdraws the request) |
 *
 * Amounts are positive safe integers of minor units, as for plain money.
 *
 * @example
 * ```ts
 * import { isEscrowKind, validateEscrowPayload } from './escrow-event.ts';
 * isEscrowKind('escrow-transfer'); // true
 * validateEscrowPayload('escrow-transfer', { to: 'eu-west-1', amount: 250 }, 'us-east-1'); // { to: 'eu-west-1', amount: 250 }
 * ```
 */
import { ValidationError } from './errors.ts';
import { describe, validateAmount, validateOrigin } from './limits.ts';
import type { EscrowKind, JsonValue } from './types.ts';

/**
 * The escrow kinds, in a fixed order.
 *
 * @example
 * ```ts
 * ESCROW_KINDS.includes('escrow-open'); // true
 * ```
 */
export const ESCROW_KINDS: readonly EscrowKind[] = Object.freeze(['escrow-open', 'escrow-deposit', 'escrow-withdraw', 'escrow-transfer', 'escrow-request']);

/**
 * Payload of an `escrow-transfer`: rights moved from the event's origin to `to`.
 *
 * @example
 * ```ts
 * const p: EscrowTransferPayload = { to: 'eu-west-1', amount: 250 };
 * ```
 */
export type EscrowTransferPayload = {
  readonly to: string;
  readonly amount: number;
};

/**
 * Payload of an `escrow-request`: the rights the origin wants to hold (its latest request replaces
 * its earlier ones).
 *
 * @example
 * ```ts
 * const p: EscrowRequestPayload = { want: 500 };
 * ```
 */
export type EscrowRequestPayload = {
  readonly want: number;
};

/**
 * True for the five escrow kinds.
 *
 * @example
 * ```ts
 * isEscrowKind('escrow-withdraw'); // true
 * isEscrowKind('withdraw');        // false: a plain account's withdrawal
 * ```
 */
export function isEscrowKind(kind: unknown): kind is EscrowKind {
  return ESCROW_KINDS.includes(kind as EscrowKind);
}

/**
 * Checks the payload of an escrow event of `kind` accepted by `origin`, and returns a clean copy
 * (no stray fields). Throws `ValidationError`: `invalid-value` for a malformed shape,
 * `invalid-amount` for a bad amount or want, `invalid-event` for a bad or self `to`.
 *
 * @example
 * ```ts
 * validateEscrowPayload('escrow-deposit', 100, 'us-east-1');                      // 100
 * validateEscrowPayload('escrow-request', { want: 0 }, 'us-east-1');              // { want: 0 }
 * validateEscrowPayload('escrow-transfer', { to: 'us-east-1', amount: 5 }, 'us-east-1'); // throws: to itself
 * ```
 */
export function validateEscrowPayload(kind: EscrowKind, payload: unknown, origin: string, what = 'event.payload'): JsonValue {
  switch (kind) {
    case 'escrow-open':
      if (payload !== null) throw new ValidationError('invalid-value', `${what}: must be null for an escrow-open, got ${describe(payload)}`);
      return null;
    case 'escrow-deposit':
    case 'escrow-withdraw':
      return validateAmount(payload, `${what} (amount)`);
    case 'escrow-transfer': {
      const rec = fields(payload, ['to', 'amount'], what, '{"to": <region>, "amount": <positive integer>}');
      const to = validateOrigin(rec.to, `${what}.to`);
      if (to === origin) throw new ValidationError('invalid-event', `${what}.to: a region cannot transfer rights to itself (${JSON.stringify(origin)})`);
      return { to, amount: validateAmount(rec.amount, `${what}.amount`) };
    }
    case 'escrow-request': {
      const rec = fields(payload, ['want'], what, '{"want": <integer >= 0>}');
      const want = rec.want;
      if (typeof want !== 'number' || !Number.isSafeInteger(want) || want < 0) {
        throw new ValidationError('invalid-amount', `${what}.want: must be an integer of minor units from 0 to ${Number.MAX_SAFE_INTEGER}, got ${describe(want)}`);
      }
      return { want };
    }
  }
}

/** An object with exactly `names` as fields, else `invalid-value` showing the expected `shape`. */
function fields(payload: unknown, names: readonly string[], what: string, shape: string): Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ValidationError('invalid-value', `${what}: must be an object ${shape}, got ${describe(payload)}`);
  }
  const rec = payload as Record<string, unknown>;
  const extra = Object.keys(rec).filter((k) => !names.includes(k));
  if (extra.length > 0) throw new ValidationError('invalid-value', `${what}: unexpected field(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}; expected ${shape}`);
  for (const n of names) if (!(n in rec)) throw new ValidationError('invalid-value', `${what}.${n}: is required; expected ${shape}`);
  return rec;
}
