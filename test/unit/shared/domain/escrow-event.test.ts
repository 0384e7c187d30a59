import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors.ts';
import { ESCROW_KINDS, isEscrowKind, validateEscrowPayload } from '../../../../shared/domain/escrow-event.ts';
import { computeId, createEvent, EVENT_KINDS, isMoneyKind, isRegisterKind, parseEvent } from '../../../../shared/domain/event.ts';
import type { UnsignedEvent } from '../../../../shared/domain/types.ts';
import { streamOf } from '../../../../shared/ports/stream.ts';
import { escrowUnsignedEventArb } from '../../../support/arbitraries.ts';
import { RUNS, SLOW } from '../../../support/property-runs.ts';
import { errorOf } from '../../../support/thrown.ts';

const TRANSFER: UnsignedEvent = { kind: 'escrow-transfer', key: 'acct-e', payload: { to: 'eu-west-1', amount: 250 }, hlc: '000001732600000000-00000', origin: 'us-east-1', parents: [] };

describe('escrow kinds', () => {
  it('are kinds of their own, neither register nor plain money kinds', () => {
    // Act / Assess
    expect(ESCROW_KINDS).toEqual(['escrow-open', 'escrow-deposit', 'escrow-withdraw', 'escrow-transfer', 'escrow-request']);
    expect(EVENT_KINDS.filter(isEscrowKind)).toEqual(ESCROW_KINDS);
    expect(ESCROW_KINDS.some((k) => isRegisterKind(k) || isMoneyKind(k))).toBe(false);
    expect(isEscrowKind('deposit')).toBe(false);
    expect(isEscrowKind(undefined)).toBe(false);
  });

  it('hash like any event (pinned: sha256 of the canonical JSON, payload keys sorted)', () => {
    // Act
    const e = createEvent(TRANSFER);

    // Assess
    expect(e.id).toBe('290ef3fc14015a6cba51b530e2c1326fb5ccb0519fd802158a9a296c258b1ab5');
    expect(parseEvent(JSON.parse(JSON.stringify(e)))).toEqual(e);
  });

  it('property: every valid escrow event survives the wire and lands in its escrow stream', () => {
    fc.assert(
      fc.property(escrowUnsignedEventArb, (u) => {
        // Act
        const e = createEvent(u);
        const back = parseEvent(JSON.parse(JSON.stringify(e)));

        // Assess
        expect(back).toEqual(e);
        expect(streamOf(back)).toBe(`E#${u.key}`);
      }),
      RUNS,
    );
  }, SLOW);
});

describe('escrow payloads', () => {
  it.each<[string, Partial<UnsignedEvent> & { payload: unknown }, string, RegExp]>([
    ['open with a payload', { kind: 'escrow-open', payload: 5 }, 'invalid-value', /^event\.payload: must be null for an escrow-open, got 5$/],
    ['deposit of 0', { kind: 'escrow-deposit', payload: 0 }, 'invalid-amount', /^event\.payload \(amount\): must be a positive integer/],
    ['withdraw of 1.5', { kind: 'escrow-withdraw', payload: 1.5 }, 'invalid-amount', /^event\.payload \(amount\): /],
    ['withdraw past the safe range', { kind: 'escrow-withdraw', payload: 2 ** 53 }, 'invalid-amount', /up to 9007199254740991/],
    ['transfer as a number', { kind: 'escrow-transfer', payload: 5 }, 'invalid-value', /^event\.payload: must be an object \{"to": <region>, "amount": <positive integer>\}, got 5$/],
    ['transfer as an array', { kind: 'escrow-transfer', payload: [] }, 'invalid-value', /got an array of 0$/],
    ['transfer without to', { kind: 'escrow-transfer', payload: { amount: 5 } }, 'invalid-value', /^event\.payload\.to: is required/],
    ['transfer with a stray field', { kind: 'escrow-transfer', payload: { to: 'eu-west-1', amount: 5, note: 'x' } }, 'invalid-value', /unexpected field\(s\) "note"/],
    ['transfer to a bad region', { kind: 'escrow-transfer', payload: { to: 'EU West', amount: 5 } }, 'invalid-event', /^event\.payload\.to: must be a region name/],
    ['transfer to itself', { kind: 'escrow-transfer', payload: { to: 'us-east-1', amount: 5 } }, 'invalid-event', /^event\.payload\.to: a region cannot transfer rights to itself \("us-east-1"\)$/],
    ['transfer of a negative amount', { kind: 'escrow-transfer', payload: { to: 'eu-west-1', amount: -5 } }, 'invalid-amount', /^event\.payload\.amount: /],
    ['request without want', { kind: 'escrow-request', payload: {} }, 'invalid-value', /^event\.payload\.want: is required; expected \{"want": <integer >= 0>\}$/],
    ['request of a negative want', { kind: 'escrow-request', payload: { want: -1 } }, 'invalid-amount', /^event\.payload\.want: must be an integer of minor units from 0/],
    ['request of a string want', { kind: 'escrow-request', payload: { want: '5' } }, 'invalid-amount', /got "5"$/],
    ['account key', { kind: 'escrow-deposit', key: 'a/b', payload: 1 }, 'invalid-key', /^event\.key \(account\): /],
  ])('refuses %s with a message naming the field', (_what, patch, code, message) => {
    // Act
    const err = errorOf(() => createEvent({ ...TRANSFER, ...patch } as UnsignedEvent));

    // Assess
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toBe(code);
    expect((err as ValidationError).status).toBe(400);
    expect((err as ValidationError).message).toMatch(message);
  });

  it('accepts a request of 0 (no longer wanting rights) and returns clean copies', () => {
    // Act / Assess
    expect(validateEscrowPayload('escrow-request', { want: 0 }, 'us-east-1')).toEqual({ want: 0 });
    expect(validateEscrowPayload('escrow-open', null, 'us-east-1')).toBeNull();
    expect(validateEscrowPayload('escrow-transfer', { amount: 3, to: 'eu-west-1' }, 'us-east-1')).toEqual({ to: 'eu-west-1', amount: 3 });
  });

  it('refuses a forged self-transfer arriving from a peer, even with a matching hash', () => {
    // Prepare: a hashed event a buggy peer built without validation.
    const forged = { ...TRANSFER, payload: { to: 'us-east-1', amount: 5 } };
    const raw = { ...forged, id: computeId(forged) };

    // Act
    const err = errorOf(() => parseEvent(raw));

    // Assess
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(/cannot transfer rights to itself/);
  });
});
