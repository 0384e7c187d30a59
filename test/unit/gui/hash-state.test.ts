import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from '../../../gui/src/hash-state.ts';

describe('hash state', () => {
  it('reads the open key, event and account, ignoring anything else', () => {
    expect(parseHash('#key=colour&event=abc&account=alice')).toEqual({ key: 'colour', event: 'abc', account: 'alice' });
    expect(parseHash('key=a%20b')).toEqual({ key: 'a b' });
    expect(parseHash('#trail-section')).toEqual({});
    expect(parseHash('#key=&account=%20')).toEqual({});
  });

  it('writes them back in a fixed order, so the same view has the same URL', () => {
    expect(formatHash({ account: 'alice', key: 'customer:1042' })).toBe('#key=customer%3A1042&account=alice');
    expect(formatHash({})).toBe('');
    expect(parseHash(formatHash({ key: 'a&b=c', event: 'e' }))).toEqual({ key: 'a&b=c', event: 'e' });
  });
});
