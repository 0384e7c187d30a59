import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Op } from '../../../jepsen/history.ts';
import { restrictHistory } from '../../../jepsen/history.ts';
import { checkLinearizable } from '../../../jepsen/checkers/linearizable.ts';

// The checker (WGL + memoisation + info-write pruning) against the definition, by brute force, on
// small random register histories: same verdict every time, and every counterexample it prints is
// illegal on its own (re-checked by brute force as a history of just its operations).

interface Gen { f: 'read' | 'write'; start: number; len: number; outcome: 'ok' | 'info' | 'fail'; read: number }

function toHistory(gens: Gen[]): Op[] {
  let value = 0;
  const events: Array<{ t: number; op: Omit<Op, 'index'> }> = [];
  gens.forEach((g, p) => {
    const v = g.f === 'write' ? ++value : null;
    events.push({ t: g.start * 2, op: { type: 'invoke', process: p, f: g.f, key: 'x', value: v, time: g.start * 2 } });
    if (g.outcome === 'info' && g.f === 'write') return; // never completes
    const end = (g.start + g.len) * 2 + 1; // odd: never equal to an invocation
    const out = g.f === 'read' ? (g.read === 0 ? null : g.read) : v;
    events.push({ t: end, op: { type: g.outcome === 'info' ? 'info' : g.outcome, process: p, f: g.f, key: 'x', value: out, time: end } });
  });
  return events.sort((a, b) => a.t - b.t).map((e, index) => ({ index, ...e.op }));
}

/** Definition: some subset of info writes plus every ok op, in some order respecting real time. */
function bruteForce(history: Op[]): boolean {
  const inv = history.filter((o) => o.type === 'invoke');
  const ops = inv.flatMap((i) => {
    const c = history.find((o) => o.process === i.process && o.type !== 'invoke');
    if (c?.type === 'fail' || (i.f === 'read' && c?.type !== 'ok')) return [];
    return [{ f: i.f, v: JSON.stringify(c?.type === 'ok' ? c.value : i.value), call: i.time, ret: c?.type === 'ok' ? c.time : Infinity, required: c?.type === 'ok' }];
  });
  const search = (done: Set<number>, state: string): boolean => {
    if (ops.every((o, i) => done.has(i) || !o.required)) return true;
    for (let i = 0; i < ops.length; i++) {
      if (done.has(i)) continue;
      const o = ops[i]!;
      // Every op not yet placed that must precede o (returned before o's call) blocks it.
      if (ops.some((q, j) => j !== i && !done.has(j) && q.required && q.ret < o.call)) continue;
      if (o.f === 'read' && o.v !== state) continue;
      done.add(i);
      if (search(done, o.f === 'write' ? o.v : state)) return true;
      done.delete(i);
    }
    return false;
  };
  return search(new Set(), 'null');
}

const gen = fc.record({
  f: fc.constantFrom('read' as const, 'write' as const),
  start: fc.integer({ min: 0, max: 12 }),
  len: fc.integer({ min: 0, max: 6 }),
  outcome: fc.constantFrom('ok' as const, 'ok' as const, 'ok' as const, 'info' as const, 'fail' as const),
  read: fc.integer({ min: 0, max: 4 }),
});

describe('checkLinearizable agrees with the definition', () => {
  it('on random small histories with info and failed operations', () => {
    const counts = { valid: 0, invalid: 0 };
    fc.assert(fc.property(fc.array(gen, { minLength: 1, maxLength: 7 }), (gens) => {
      const history = toHistory(gens);
      const expected = bruteForce(history);
      if (expected) counts.valid++;
      else counts.invalid++;
      const v = checkLinearizable(history);
      expect(v.valid).toBe(expected);
      const ce = v.details.counterexample;
      if (ce !== undefined) expect(bruteForce(restrictHistory(history, ce.ops.map((o) => o.index)))).toBe(false);
    }), { numRuns: 3000 });
    // Both answers must be well represented, or the property proves little.
    expect(Math.min(counts.valid, counts.invalid)).toBeGreaterThan(300);
  });
});
