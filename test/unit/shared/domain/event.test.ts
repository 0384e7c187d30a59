import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../shared/domain/canonical.ts';
import { HashMismatchError, MeshError, ValidationError } from '../../../../shared/domain/errors.ts';
import {
  compareEvents,
  computeId,
  createEvent,
  EVENT_KINDS,
  eventSortKey,
  isEventId,
  isMoneyKind,
  isRegisterKind,
  parseEvent,
  sortedUnique,
  verifyEvent,
} from '../../../../shared/domain/event.ts';
import type { JsonValue, MeshEvent, UnsignedEvent } from '../../../../shared/domain/types.ts';
import { amountArb, hlcArb, idArb, jsonArb, keyArb, originArb, parentsArb, unsignedEventArb } from '../../../support/arbitraries.ts';
import { hlcAt, makeEvent, setEvent } from '../../../support/factories.ts';
import { RUNS, SLOW } from '../../../support/property-runs.ts';

/** A fixed event and its id, computed once (sha256sum of the canonical JSON) and pinned. */
const FIXED: UnsignedEvent = {
  kind: 'set',
  key: 'colour',
  payload: { shade: 'blue', rgb: [0, 0, 255] },
  hlc: '000001732600000000-00000',
  origin: 'us-east-1',
  parents: [],
};
const FIXED_ID = '8a6333d0a88cd3fafc8c2a29ba03a9f870808a0872ecaa327a0dbe8aa4fa2c55';
const FIXED_CANONICAL = '{"hlc":"000001732600000000-00000","key":"colour","kind":"set","origin":"us-east-1","parents":[],"payload":{"rgb":[0,0,255],"shade":"blue"}}';

/** Serialises and parses back, as a queue or HTTP hop does. */
const wire = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('event ids', () => {
  it('hashes the canonical JSON of the six content fields (pinned known answer)', () => {
    // Act
    const e = createEvent(FIXED);

    // Assess
    expect(canonicalJson({ ...FIXED, parents: [] })).toBe(FIXED_CANONICAL);
    expect(e.id).toBe(FIXED_ID);
    expect(computeId(FIXED)).toBe(FIXED_ID);
    expect(computeId({ ...FIXED, payload: { rgb: [0, 0, 255], shade: 'blue' } })).toBe(FIXED_ID);
  });

  it('pins a money event with a parent too', () => {
    // Act
    const e = createEvent({ kind: 'withdraw', key: 'acct-1', payload: 250, hlc: '000001732600000005-00002', origin: 'eu-west-1', parents: ['73c6a4a2181853e5e8c747b00b43749b6dc29098bb777b24e40ff8ab0689035c'] });

    // Assess
    expect(e.id).toBe('4a17c45fcddc4a1804465a02de97bdea1ab75dc332880c29d4df06a368348a9d');
  });
});

describe('createEvent', () => {
  it('sorts and dedupes parents, freezes the event, ignores stray input fields', () => {
    // Prepare
    const [p1, p2] = ['b'.repeat(64), 'a'.repeat(64)];

    // Act
    const e = createEvent({ ...FIXED, parents: [p1, p2, p1], id: 'ignored', extra: 1 } as unknown as UnsignedEvent);

    // Assess
    expect(e.parents).toEqual([p2, p1]);
    expect(Object.keys(e).sort()).toEqual(['hlc', 'id', 'key', 'kind', 'origin', 'parents', 'payload']);
    expect(Object.isFrozen(e)).toBe(true);
    expect(Object.isFrozen(e.parents)).toBe(true);
    expect(verifyEvent(e)).toBe(true);
  });

  it.each<[string, Partial<Record<keyof UnsignedEvent, unknown>>, string, RegExp]>([
    ['kind', { kind: 'update' }, 'invalid-event', /^event\.kind: must be one of set, delete, resolve, deposit, withdraw/],
    ['key', { key: 'a/b' }, 'invalid-key', /^event\.key: /],
    ['account key', { kind: 'deposit', key: '', payload: 1 }, 'invalid-key', /^event\.key \(account\): /],
    ['hlc', { hlc: '2024-11-26T00:00:00Z' }, 'invalid-event', /^event\.hlc: /],
    ['origin', { origin: 'US East' }, 'invalid-event', /^event\.origin: /],
    ['parents (not ids)', { parents: ['nope'] }, 'invalid-event', /^event\.parents\[0\]: /],
    ['parents (too many)', { parents: Array.from({ length: 65 }, (_, i) => i.toString(16).padStart(64, '0')) }, 'invalid-event', /at most 64/],
    ['parents (not an array)', { parents: 'x' }, 'invalid-event', /^event\.parents: must be an array/],
    ['set payload', { payload: Number.NaN }, 'invalid-value', /^event\.payload: /],
    ['set payload size', { payload: 'x'.repeat(70_000) }, 'value-too-large', /^event\.payload: /],
    ['delete payload', { kind: 'delete', payload: 'x' }, 'invalid-value', /must be null for a delete/],
    ['deposit payload', { kind: 'deposit', payload: 0 }, 'invalid-amount', /^event\.payload \(amount\): /],
    ['withdraw payload', { kind: 'withdraw', payload: 1.5 }, 'invalid-amount', /^event\.payload \(amount\): /],
  ])('refuses a bad %s with a message naming the field', (_what, patch, code, message) => {
    // Act
    const err = errorOf(() => createEvent({ ...FIXED, ...patch } as UnsignedEvent));

    // Assess
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toBe(code);
    expect((err as ValidationError).message).toMatch(message);
  });

  it('refuses a non-object', () => {
    // Act / Assess
    expect(() => createEvent(null as unknown as UnsignedEvent)).toThrow(/event: must be an object/);
  });

  it('property: every valid event survives the wire and verifies', () => {
    fc.assert(
      fc.property(unsignedEventArb, (u) => {
        // Act
        const e = createEvent(u);
        const back = parseEvent(wire(e));

        // Assess
        expect(back).toEqual(e);
        expect(isEventId(e.id)).toBe(true);
        expect(verifyEvent(back)).toBe(true);
      }),
      RUNS,
    );
  }, SLOW);
});

describe('parseEvent', () => {
  const good = (): Record<string, unknown> => wire(createEvent(FIXED)) as Record<string, unknown>;

  it('returns an equal, frozen copy of a valid event', () => {
    // Prepare
    const raw = good();

    // Act
    const e = parseEvent(raw);

    // Assess
    expect(e).toEqual(raw);
    expect(e).not.toBe(raw);
    expect(Object.isFrozen(e)).toBe(true);
  });

  it.each<[string, (r: Record<string, unknown>) => unknown, RegExp]>([
    ['a non-object', () => 'event', /^event: must be a JSON object/],
    ['an array', () => [], /^event: must be a JSON object/],
    ['null', () => null, /^event: must be a JSON object/],
    ['an extra field', (r) => ({ ...r, receipt: {} }), /unexpected field\(s\) "receipt"/],
    ['a missing field', (r) => ({ ...r, origin: undefined }), /^event\.origin: is required/],
    ['a missing id', ({ id: _id, ...rest }) => rest, /^event\.id: is required/],
    ['a malformed id', (r) => ({ ...r, id: 'ABC' }), /^event\.id: must be 64 lower-case hex/],
    ['an upper-case id', (r) => ({ ...r, id: FIXED_ID.toUpperCase() }), /^event\.id: /],
    ['unsorted parents', (r) => ({ ...r, parents: ['b'.repeat(64), 'a'.repeat(64)] }), /^event\.parents: must be sorted ascending without duplicates/],
    ['duplicate parents', (r) => ({ ...r, parents: ['a'.repeat(64), 'a'.repeat(64)] }), /without duplicates \(at index 1\)/],
    ['parents not an array', (r) => ({ ...r, parents: {} }), /^event\.parents: must be an array/],
    ['a number parent', (r) => ({ ...r, parents: [1, 2] }), /^event\.parents\[0\]/],
  ])('refuses %s with a ValidationError naming the field', (_what, mutate, message) => {
    // Act
    const err = errorOf(() => parseEvent(mutate(good())));

    // Assess
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toMatch(/^invalid-/);
    expect((err as Error).message).toMatch(message);
  });

  it('refuses altered content with HashMismatchError', () => {
    // Prepare
    const raw = { ...good(), payload: { shade: 'red', rgb: [255, 0, 0] } };

    // Act
    const err = errorOf(() => parseEvent(raw));

    // Assess
    expect(err).toBeInstanceOf(HashMismatchError);
    expect((err as HashMismatchError).status).toBe(400);
    expect((err as Error).message).toContain(FIXED_ID);
    expect(verifyEvent(raw)).toBe(false);
  });

  type Tamper = { op: 'change'; field: string; value: unknown } | { op: 'add'; field: '+extra' } | { op: 'remove'; field: '-missing'; which: string };
  const change = (field: string, value: fc.Arbitrary<unknown>) => fc.record({ op: fc.constant('change' as const), field: fc.constant(field), value });
  const tamperArb: fc.Arbitrary<Tamper> = fc.oneof(
    change('kind', fc.constantFrom<unknown>(...EVENT_KINDS, 'update', 'SET', '')),
    change('key', fc.oneof(keyArb, fc.string({ maxLength: 5 }))),
    change('payload', fc.oneof(jsonArb, amountArb, fc.constant<unknown>(null))),
    change('hlc', fc.oneof(hlcArb, fc.string({ maxLength: 25 }))),
    change('origin', fc.oneof(originArb, fc.string({ maxLength: 5 }))),
    change('parents', fc.oneof(parentsArb, fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }))),
    change('id', fc.oneof(idArb, fc.string({ maxLength: 70 }))),
    fc.record({ op: fc.constant('add' as const), field: fc.constant('+extra' as const) }),
    fc.record({ op: fc.constant('remove' as const), field: fc.constant('-missing' as const), which: fc.constantFrom('kind', 'key', 'payload', 'hlc', 'origin', 'parents', 'id') }),
  );

  it('property: any tampered event (any field changed, added or removed, or the id changed) is refused', () => {
    fc.assert(
      fc.property(unsignedEventArb, tamperArb, (u, t) => {
        // Prepare
        const original = createEvent(u);
        const raw = wire(original) as Record<string, unknown>;
        if (t.op === 'add') raw.signature = 'x';
        else if (t.op === 'remove') delete raw[t.which];
        else {
          const before = canonicalJson(raw[t.field] as JsonValue);
          raw[t.field] = wire(t.value);
          // A "change" that encodes identically (e.g. reordered object keys) is no change.
          if (canonicalJson(raw[t.field] as JsonValue) === before) return;
        }

        // Act
        const err = errorOf(() => parseEvent(raw));

        // Assess
        expect(err).toBeInstanceOf(MeshError);
        expect((err as MeshError).status).toBe(400);
        // When every field is still well-formed, only the hash can tell: it must.
        const content = { ...raw } as Record<string, unknown>;
        delete content.id;
        const stillWellFormed = t.field !== '+extra' && t.field !== '-missing' && t.field !== 'id' && errorOf(() => createEvent(content as unknown as UnsignedEvent)) === undefined && canonicalJson(content.parents as JsonValue) === canonicalJson([...(content.parents as string[])].sort() as JsonValue) && new Set(content.parents as string[]).size === (content.parents as string[]).length;
        if (stillWellFormed) expect(err).toBeInstanceOf(HashMismatchError);
        if (t.field === 'id' && isEventId(raw.id)) expect(err).toBeInstanceOf(HashMismatchError);
      }),
      RUNS,
    );
  }, SLOW);
});

describe('kinds and total order', () => {
  it('classifies kinds', () => {
    // Act / Assess
    expect(EVENT_KINDS.filter(isRegisterKind)).toEqual(['set', 'delete', 'resolve']);
    expect(EVENT_KINDS.filter(isMoneyKind)).toEqual(['deposit', 'withdraw']);
    expect(isRegisterKind('withdraw')).toBe(false);
    expect(isMoneyKind('set')).toBe(false);
  });

  it('orders by hlc, then origin, then id', () => {
    // Prepare
    const early = makeEvent({ hlc: hlcAt(1), origin: 'zz' });
    const late = makeEvent({ hlc: hlcAt(2), origin: 'aa' });
    const sameA = makeEvent({ hlc: hlcAt(3), origin: 'eu-west-1' });
    const sameB = makeEvent({ hlc: hlcAt(3), origin: 'us-east-1' });
    const twins = [makeEvent({ hlc: hlcAt(4), payload: 1 }), makeEvent({ hlc: hlcAt(4), payload: 2 })].sort((a, b) => (a.id < b.id ? -1 : 1));

    // Act
    const sorted = [twins[1], sameB, late, twins[0], sameA, early].sort((a, b) => compareEvents(a as MeshEvent, b as MeshEvent));

    // Assess
    expect(sorted).toEqual([early, late, sameA, sameB, twins[0], twins[1]]);
    expect(compareEvents(early, early)).toBe(0);
    expect(eventSortKey(early)).toBe(`${early.hlc}#zz#${early.id}`);
  });

  it('sortedUnique dedupes by id and sorts', () => {
    // Prepare
    const a = setEvent('k', 1, { wall: 1 });
    const b = setEvent('k', 2, { wall: 2 });

    // Act / Assess
    expect(sortedUnique([b, a, b, a])).toEqual([a, b]);
  });

  it('property: eventSortKey order equals compareEvents, including origins that prefix each other', () => {
    const tieHlc = fc.constantFrom(hlcAt(5), hlcAt(5, 1), hlcAt(6));
    const tieOrigin = fc.constantFrom('us-east-1', 'us-east-10', 'us-east', 'us', 'a', 'a-b', 'a0');
    const evArb = fc.record({ hlc: fc.oneof(tieHlc, hlcArb), origin: fc.oneof(tieOrigin, originArb), payload: fc.integer() }).map((p) => makeEvent(p));
    fc.assert(
      fc.property(evArb, evArb, (a, b) => {
        // Act
        const bySortKey = Math.sign(eventSortKey(a) < eventSortKey(b) ? -1 : eventSortKey(a) > eventSortKey(b) ? 1 : 0);

        // Assess
        expect(bySortKey).toBe(Math.sign(compareEvents(a, b)));
        expect(Math.sign(compareEvents(b, a))).toBe(-Math.sign(compareEvents(a, b)));
      }),
      RUNS,
    );
  }, SLOW);
});
