import { describe, expect, it } from 'vitest';
import { diffWords } from '../../../gui/src/text-diff.ts';

/** The text a diff rebuilds on either side. */
const before = (parts: ReturnType<typeof diffWords>): string => parts.filter((p) => p.op !== 'ins').map((p) => p.text).join('');
const after = (parts: ReturnType<typeof diffWords>): string => parts.filter((p) => p.op !== 'del').map((p) => p.text).join('');

describe('diffWords', () => {
  it('shows a changed word as deleted then inserted, the rest shared', () => {
    expect(diffWords('the blue door', 'the green door')).toEqual([
      { op: 'same', text: 'the ' },
      { op: 'del', text: 'blue' },
      { op: 'ins', text: 'green' },
      { op: 'same', text: ' door' },
    ]);
  });

  it('finds insertions and deletions in the middle of long texts', () => {
    const a = 'Prefers delivery before noon; call ahead at the gate.';
    const b = 'Prefers delivery before noon; leave parcels with the concierge.';
    const parts = diffWords(a, b);
    expect(before(parts)).toBe(a);
    expect(after(parts)).toBe(b);
    expect(parts).toEqual([
      { op: 'same', text: 'Prefers delivery before noon; ' },
      { op: 'del', text: 'call ahead at' },
      { op: 'ins', text: 'leave parcels with' },
      { op: 'same', text: ' the ' },
      { op: 'del', text: 'gate' },
      { op: 'ins', text: 'concierge' },
      { op: 'same', text: '.' },
    ]);
  });

  it('handles empty and identical texts, and gives up gracefully on huge ones', () => {
    expect(diffWords('', 'new')).toEqual([{ op: 'ins', text: 'new' }]);
    expect(diffWords('same', 'same')).toEqual([{ op: 'same', text: 'same' }]);
    const huge = Array.from({ length: 4000 }, (_, i) => `w${i}`).join(' ');
    const parts = diffWords(`a ${huge}`, `b ${huge.split('').reverse().join('')}`);
    expect(before(parts)).toBe(`a ${huge}`);
    expect(parts.map((p) => p.op)).toEqual(['del', 'ins']);
  });
});
