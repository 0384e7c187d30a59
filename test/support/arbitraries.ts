/**
 * fast-check arbitraries for domain values: keys, origins, stamps, ids, JSON payloads and whole
 * valid unsigned events of every kind.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(unsignedEventArb, (u) => verifyEvent(createEvent(u))));
 * ```
 */
import fc from 'fast-check';
import { formatHlc, MAX_HLC_COUNTER } from '../../shared/domain/hlc.ts';
import type { JsonValue, UnsignedEvent } from '../../shared/domain/types.ts';

// Examples: `fc.sample(keyArb, 3)`, `fc.property(unsignedEventArb, (u) => verifyEvent(createEvent(u)))`.
const KEY_CHARS = 'ABCXYZabcxyz0189._:~@+-'.split('');
export const keyArb = fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength: 1, maxLength: 24 });
export const originArb = fc.string({ unit: fc.constantFrom(...'abcz019-'.split('')), minLength: 1, maxLength: 16 });
export const hlcPartsArb = fc.record({ wall: fc.integer({ min: 0, max: 4_000_000_000_000 }), counter: fc.integer({ min: 0, max: MAX_HLC_COUNTER }) });
export const hlcArb = hlcPartsArb.map(formatHlc);
export const idArb = fc.stringMatching(/^[0-9a-f]{64}$/);
export const parentsArb = fc.uniqueArray(idArb, { maxLength: 4 }).map((ps) => ps.sort());
export const amountArb = fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.constant(Number.MAX_SAFE_INTEGER));

/** JSON values as JSON.parse would produce them (no -0, no undefined). */
export const jsonArb: fc.Arbitrary<JsonValue> = fc
  .jsonValue({ maxDepth: 3 })
  .map((v) => JSON.parse(JSON.stringify(v)) as JsonValue);

/** Valid escrow events of every escrow kind (a transfer never names its own origin as `to`). */
export const escrowUnsignedEventArb: fc.Arbitrary<UnsignedEvent> = fc.oneof(
  fc.record({ kind: fc.constant('escrow-open' as const), key: keyArb, payload: fc.constant(null), hlc: hlcArb, origin: originArb, parents: parentsArb }),
  fc.record({ kind: fc.constantFrom('escrow-deposit' as const, 'escrow-withdraw' as const), key: keyArb, payload: amountArb, hlc: hlcArb, origin: originArb, parents: parentsArb }),
  fc
    .record({ key: keyArb, hlc: hlcArb, origin: originArb, to: originArb, amount: amountArb, parents: parentsArb })
    .filter((r) => r.to !== r.origin)
    .map(({ to, amount, ...r }) => ({ ...r, kind: 'escrow-transfer' as const, payload: { to, amount } })),
  fc.record({ kind: fc.constant('escrow-request' as const), key: keyArb, payload: fc.record({ want: fc.oneof(fc.constant(0), amountArb) }), hlc: hlcArb, origin: originArb, parents: parentsArb }),
);

export const unsignedEventArb: fc.Arbitrary<UnsignedEvent> = fc.oneof(
  escrowUnsignedEventArb,
  fc.record({ kind: fc.constantFrom('set' as const, 'resolve' as const), key: keyArb, payload: jsonArb, hlc: hlcArb, origin: originArb, parents: parentsArb }),
  fc.record({ kind: fc.constant('delete' as const), key: keyArb, payload: fc.constant(null), hlc: hlcArb, origin: originArb, parents: parentsArb }),
  fc.record({ kind: fc.constantFrom('deposit' as const, 'withdraw' as const), key: keyArb, payload: amountArb, hlc: hlcArb, origin: originArb, parents: parentsArb }),
);

/**
 * One character of a hostile string: the characters SQS refuses (U+FFFE, U+FFFF, lone surrogates,
 * C0 controls) often, and any UTF-16 code unit or astral code point otherwise.
 */
export const hostileCharArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('\uffff', '\ufffe', '\ud800', '\udbff', '\udc00', '\udfff', '\u0000', '\u0008', '\u000b', '\u000c', '\u001f', '\t', '\n', '\r', '"', '\\', '\u2028'),
  fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((n) => String.fromCodePoint(n)),
);

/** JSON values whose strings (and object keys) are made of {@link hostileCharArb}, as JSON.parse would produce them. */
export const hostileJsonArb: fc.Arbitrary<JsonValue> = fc
  .jsonValue({ maxDepth: 3, stringUnit: hostileCharArb })
  .map((v) => JSON.parse(JSON.stringify(v)) as JsonValue);
