import { describe, expect, it } from 'vitest';
import { jsonErrorAt, parseJsonInput } from '../../../gui/src/json-input.ts';

describe('parseJsonInput', () => {
  it('reads valid JSON of every kind', () => {
    expect(parseJsonInput('{"city": "Bergen"}', false)).toEqual({ ok: true, value: { city: 'Bergen' } });
    expect(parseJsonInput(' 42 ', false)).toEqual({ ok: true, value: 42 });
    expect(parseJsonInput('"blue"', false)).toEqual({ ok: true, value: 'blue' });
    expect(parseJsonInput('null', false)).toEqual({ ok: true, value: null });
  });

  it('refuses malformed JSON with where the mistake is, instead of storing it as a string', () => {
    const unquoted = parseJsonInput('{"city": Bergen}', false);
    expect(unquoted).toMatchObject({ ok: false, line: 1, column: 10 });
    expect(unquoted.ok === false && unquoted.message).toMatch(/^Not valid JSON at line 1, column 10: expected a value, found "B"\. .*Store as text/);
    expect(parseJsonInput('{\n  "a": 1,\n  b: 2\n}', false)).toMatchObject({ ok: false, line: 3, column: 3 });
    expect(parseJsonInput('blue', false).ok).toBe(false);
    expect(parseJsonInput('', false)).toMatchObject({ ok: false });
  });

  it('stores exactly what is typed as a string when asked', () => {
    expect(parseJsonInput('{"city": Bergen}', true)).toEqual({ ok: true, value: '{"city": Bergen}' });
    expect(parseJsonInput('', true)).toEqual({ ok: true, value: '' });
  });
});

describe('jsonErrorAt', () => {
  it('agrees with JSON.parse on what is valid', () => {
    const samples = ['{}', '[]', '[1, 2.5e3, -0, true, false, null, "x\\u00e9\\n"]', '{"a": {"b": [ {} ]}}', '[1,]', '{"a" 1}', '01', '"\t"', '{"a":1}x', '"\\x"', '', '[', '{"a":'];
    for (const text of samples) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(jsonErrorAt(text) === undefined, text).toBe(valid);
    }
  });

  it('points at the first mistake', () => {
    expect(jsonErrorAt('[1, 2,]')).toEqual({ index: 6, problem: 'expected a value, found "]"' });
    expect(jsonErrorAt('{"a": 1 "b": 2}')).toEqual({ index: 8, problem: 'expected "," or "}", found """' });
    expect(jsonErrorAt('{a: 1}')?.problem).toBe('expected a field name in double quotes, found "a"');
    expect(jsonErrorAt('"open')?.problem).toBe('a string is not closed');
  });
});
