import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors.ts';
import { describe as describeValue, KEY_PATTERN, LIMITS, validateAmount, validateKey, validateOrigin, validateValue } from '../../../../shared/domain/limits.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof ValidationError ? e.code : 'not-a-validation-error';
  }
}

describe('limits', () => {
  it('has the agreed protocol limits', () => {
    // Assess
    expect(LIMITS).toMatchObject({ maxKeyLength: 256, maxValueBytes: 65536, maxParents: 64, maxAmount: Number.MAX_SAFE_INTEGER });
    expect(KEY_PATTERN.source).toBe('^[A-Za-z0-9._:~@+-]{1,256}$');
  });

  it('validateKey accepts URL-safe keys up to 256 characters and names the field on refusal', () => {
    // Prepare
    const longest = 'k'.repeat(256);

    // Act / Assess
    expect(validateKey('user:42@eu.west~a+b-c_d')).toBe('user:42@eu.west~a+b-c_d');
    expect(validateKey(longest, 'account')).toBe(longest);
    for (const bad of ['', 'a/b', 'a#b', 'a b', 'é', 'k'.repeat(257), 'a?b', 'a%20']) {
      expect(codeOf(() => validateKey(bad))).toBe('invalid-key');
    }
    expect(codeOf(() => validateKey(42))).toBe('invalid-key');
    expect(() => validateKey('a/b', 'account')).toThrow(/^account: /);
    expect(() => validateKey('x'.repeat(300))).toThrow(/…/);
  });

  it('validateAmount accepts positive safe integers only', () => {
    // Act / Assess
    expect(validateAmount(1)).toBe(1);
    expect(validateAmount(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, '5', null, undefined, Number.POSITIVE_INFINITY]) {
      expect(codeOf(() => validateAmount(bad))).toBe('invalid-amount');
    }
  });

  it('validateValue accepts any JSON up to 64 KiB canonical, null included', () => {
    // Prepare: a string whose canonical form (with quotes) is exactly the limit.
    const atLimit = 'x'.repeat(LIMITS.maxValueBytes - 2);

    // Act / Assess
    expect(validateValue(null)).toBeNull();
    expect(validateValue({ a: [1, 'b'] })).toEqual({ a: [1, 'b'] });
    expect(validateValue(atLimit)).toBe(atLimit);
    expect(codeOf(() => validateValue(`${atLimit}x`))).toBe('value-too-large');
    expect(codeOf(() => validateValue('é'.repeat(LIMITS.maxValueBytes / 2)))).toBe('value-too-large');
    expect(codeOf(() => validateValue(undefined))).toBe('invalid-value');
    expect(codeOf(() => validateValue({ a: Number.NaN }))).toBe('invalid-value');
    expect(() => validateValue({ a: Number.NaN }, 'body.value')).toThrow(/^body\.value: \$\.a: number must be finite/);
  });

  it('validateOrigin accepts region names', () => {
    // Act / Assess
    expect(validateOrigin('ap-southeast-2')).toBe('ap-southeast-2');
    for (const bad of ['', 'US-EAST-1', 'a#b', 'a'.repeat(65), 7]) expect(codeOf(() => validateOrigin(bad))).toBe('invalid-event');
  });

  it('describes offending inputs briefly', () => {
    // Act / Assess
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue('x'.repeat(100))).toMatch(/^"x{80}…"$/);
    expect(describeValue([1, 2])).toBe('an array of 2');
    expect(describeValue({})).toBe('object');
    expect(describeValue(null)).toBe('null');
  });
});
