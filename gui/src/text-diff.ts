/**
 * A word-level diff of two texts, for values that are not objects (a string, a number, an array
 * as JSON text): what a head deleted from and inserted into the ancestor's text. The longest
 * common subsequence of words, punctuation and spaces, after trimming the common start and end
 * (so a small edit in a long value costs little). Pure.
 *
 * @example
 * ```ts
 * import { diffWords } from './text-diff.ts';
 * diffWords('the blue door', 'the green door');
 * // [{ op: 'same', text: 'the ' }, { op: 'del', text: 'blue' }, { op: 'ins', text: 'green' }, { op: 'same', text: ' door' }]
 * ```
 */

/** One run of the diff: text both sides share, text only the old one has, or only the new one. */
export interface DiffPart {
  readonly op: 'same' | 'del' | 'ins';
  readonly text: string;
}

/** Above this many words on each side (after trimming) the middle is shown as replaced whole. */
const MAX_TOKENS = 1500;

/**
 * The diff from `before` to `after`, with adjacent runs of one kind joined.
 *
 * @example
 * ```ts
 * diffWords('a', 'a'); // [{ op: 'same', text: 'a' }]
 * ```
 */
export function diffWords(before: string, after: string): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const parts: DiffPart[] = [];
  const push = (op: DiffPart['op'], text: string): void => {
    if (text === '') return;
    const last = parts.at(-1);
    if (last?.op === op) parts[parts.length - 1] = { op, text: last.text + text };
    else parts.push({ op, text });
  };
  push('same', a.slice(0, start).join(''));
  const midA = a.slice(start, a.length - end);
  const midB = b.slice(start, b.length - end);
  if (midA.length > MAX_TOKENS || midB.length > MAX_TOKENS) {
    push('del', midA.join(''));
    push('ins', midB.join(''));
  } else {
    for (const part of lcsDiff(midA, midB)) push(part.op, part.text);
  }
  push('same', a.slice(a.length - end).join(''));
  return parts;
}

/** Words, runs of spaces, and single other characters. */
function tokens(text: string): string[] {
  return text.match(/\s+|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? [];
}

function lcsDiff(a: readonly string[], b: readonly string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j] = LCS of a[i..] and b[j..], row-major in one array.
  const lengths = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number): number => lengths[i * (m + 1) + j] ?? 0;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const out: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ op: 'same', text: a[i] as string });
      i++;
      j++;
    } else if (j < m && (i === n || at(i, j + 1) >= at(i + 1, j))) {
      out.push({ op: 'ins', text: b[j] as string });
      j++;
    } else {
      out.push({ op: 'del', text: a[i] as string });
      i++;
    }
  }
  // Deletions before insertions within a changed stretch reads best ("blue" struck, then "green").
  return reorder(out);
}

function reorder(parts: readonly DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let dels: DiffPart[] = [];
  let ins: DiffPart[] = [];
  const flush = (): void => {
    out.push(...dels, ...ins);
    dels = [];
    ins = [];
  };
  parts.forEach((p, i) => {
    const changing = dels.length > 0 || ins.length > 0;
    const next = parts[i + 1];
    if (p.op === 'same' && changing && /^\s+$/.test(p.text) && next !== undefined && next.op !== 'same') {
      // A lone space between two changed words belongs to the change: "call ahead" → "leave parcels"
      // reads as one replacement, not as two words swapped around a kept space.
      dels.push({ op: 'del', text: p.text });
      ins.push({ op: 'ins', text: p.text });
    } else if (p.op === 'same') {
      flush();
      out.push(p);
    } else if (p.op === 'del') dels.push(p);
    else ins.push(p);
  });
  flush();
  return out;
}
