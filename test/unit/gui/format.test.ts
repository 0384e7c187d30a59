import { describe, expect, it } from 'vitest';
import { eventValue, formatDuration, formatHlc, formatJson, hlcWall, plural, shortId } from '../../../gui/src/format.ts';
import { fakeEvent } from '../../support/factories.ts';

describe('format', () => {
  it('writes values whole, never cut', () => {
    const long = { note: 'x'.repeat(500) };
    expect(formatJson(long)).toBe(JSON.stringify(long));
    expect(formatJson({ a: [1] }, true)).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(formatJson('1')).toBe('"1"');
    expect(formatJson(undefined)).toBe('(absent)');
    expect(eventValue(fakeEvent('a', { kind: 'delete', payload: null }))).toBe('(deleted)');
    expect(eventValue(fakeEvent('a', { kind: 'withdraw', payload: 80 }))).toBe('−80');
  });

  it('formats stamps, durations and counts for people', () => {
    expect(formatHlc('000000000000001234-00002')).toMatch(/^\d\d:\d\d:\d\d\.234 \+2$/);
    expect(hlcWall('000001795677298527-00002')).toBe(1_795_677_298_527);
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(9_500)).toBe('9.5 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(190_000)).toBe('3 min 10 s');
    expect(formatDuration(7_260_000)).toBe('2 h 1 min');
    expect(formatDuration(-40)).toBe('−40 ms');
    expect(shortId('0123456789abcdef')).toBe('0123456789ab');
    expect(plural(1, 'head')).toBe('1 head');
    expect(plural(3, 'head')).toBe('3 heads');
  });
});
