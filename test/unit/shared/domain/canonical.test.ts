import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalSize, MAX_JSON_DEPTH } from '../../../../shared/domain/canonical.ts';
import { ValidationError } from '../../../../shared/domain/errors.ts';
import type { JsonValue } from '../../../../shared/domain/types.ts';
import { jsonArb } from '../../../support/arbitraries.ts';
import { RUNS, SLOW } from '../../../support/property-runs.ts';

/** Rebuilds every object of `v` with its keys inserted in a shuffled order. */
function reorder(v: JsonValue, rnd: () => number): JsonValue {
  if (Array.isArray(v)) return v.map((x) => reorder(x, rnd));
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v).sort(() => rnd() - 0.5);
  const out: Record<string, JsonValue> = {};
  // defineProperty, so a '__proto__' key stays an own property as JSON.parse makes it.
  for (const k of keys) Object.defineProperty(out, k, { value: reorder(v[k] as JsonValue, rnd), enumerable: true, writable: true, configurable: true });
  return out;
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace (known answer)', () => {
    // Prepare
    const value = { z: [3, { b: true, a: null }], a: 'x', m: { y: 1.5, x: -2 } };

    // Act
    const out = canonicalJson(value);

    // Assess
    expect(out).toBe('{"a":"x","m":{"x":-2,"y":1.5},"z":[3,{"a":null,"b":true}]}');
  });

  it('encodes scalars like JSON, -0 as 0, and escapes strings', () => {
    // Prepare / Act / Assess
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(1e21)).toBe('1e+21');
    expect(canonicalJson('a"\n\u00e9')).toBe('"a\\"\\n\u00e9"');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { b: 1, a: 2 }) as JsonValue)).toBe('{"a":2,"b":1}');
  });

  it('orders keys by code unit, not locale', () => {
    // Prepare / Act
    const out = canonicalJson({ b: 1, B: 2, é: 3, '10': 4, '9': 5 });

    // Assess: digits < upper case < lower case < non-ASCII, and '10' < '9' as strings.
    expect(out).toBe('{"10":4,"9":5,"B":2,"b":1,"é":3}');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['undefined', undefined],
    ['a function', () => 1],
    ['a bigint', 1n],
    ['a symbol', Symbol('s')],
    ['a Date', new Date(0)],
    ['a nested NaN', { a: [1, Number.NaN] }],
    ['an undefined property', { a: undefined }],
  ])('refuses %s', (_name, value) => {
    // Act / Assess
    expect(() => canonicalJson(value as unknown as JsonValue)).toThrow(ValidationError);
  });

  it('refuses cycles and excessive nesting, but accepts a shared (acyclic) sub-object', () => {
    // Prepare
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const shared = { x: 1 };
    let deep: JsonValue = 0;
    for (let i = 0; i < MAX_JSON_DEPTH + 1; i++) deep = [deep];
    let ok: JsonValue = 0;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) ok = [ok];

    // Act / Assess
    expect(() => canonicalJson(cyclic as JsonValue)).toThrow(/cyclic/);
    expect(() => canonicalJson(deep)).toThrow(/deeper/);
    expect(canonicalJson(ok)).toHaveLength(2 * MAX_JSON_DEPTH + 1);
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('measures size in UTF-8 bytes of the canonical form', () => {
    // Act / Assess
    expect(canonicalSize({ a: 'é' })).toBe(10);
    expect(canonicalSize({ b: 1, a: 2 })).toBe(canonicalSize({ a: 2, b: 1 }));
  });

  it('property: independent of key insertion order', () => {
    fc.assert(
      fc.property(jsonArb, fc.integer(), (value, seed) => {
        // Prepare
        let s = seed;
        const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

        // Act
        const a = canonicalJson(value);
        const b = canonicalJson(reorder(value, rnd));

        // Assess
        expect(b).toBe(a);
      }),
      RUNS,
    );
  }, SLOW);

  it('property: is valid JSON of the same value, and a fixed point', () => {
    fc.assert(
      fc.property(jsonArb, (value) => {
        // Act
        const c = canonicalJson(value);

        // Assess
        expect(JSON.parse(c)).toEqual(value);
        expect(canonicalJson(JSON.parse(c) as JsonValue)).toBe(c);
      }),
      RUNS,
    );
  }, SLOW);
});
