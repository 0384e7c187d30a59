import { describe, expect, it } from 'vitest';
import type { LinOp } from '../../../jepsen/checkers/wgl.ts';
import { LinearizationSearch, searchLinearization } from '../../../jepsen/checkers/wgl.ts';
import { boundInfoWrites } from '../../../jepsen/checkers/info-writes.ts';
import { pairOperations } from '../../../jepsen/history.ts';
import { generateRegisterHistory } from '../../../bench/linearizability.ts';

/** One key of a generated history as the search sees it. */
function partition(seed: number, staleReadAt?: number): LinOp[] {
  const history = generateRegisterHistory({ operations: 300, keys: 1, clients: 6, seed, infoRate: 0.05, ...(staleReadAt !== undefined ? { staleReadAt } : {}) });
  const raw = pairOperations(history).filter((o) => o.outcome !== 'fail' && !(o.outcome === 'info' && o.f === 'read')).map((o, id): LinOp => ({
    id, f: o.f as 'read' | 'write', value: JSON.stringify((o.f === 'write' ? o.invoke.value : o.complete?.value) ?? null), call: o.start, ret: o.end, open: o.outcome === 'info',
  }));
  return boundInfoWrites(raw).ops;
}

describe('LinearizationSearch', () => {
  it('answers a linearization that respects real time and the register, for every valid generated partition', () => {
    for (let seed = 1; seed <= 40; seed++) {
      // Prepare
      const ops = partition(seed);
      // Act
      const r = searchLinearization(ops, { deadline: Infinity });
      // Assess: a permutation of every op, each completed op before every op called after it returned, reads return the latest write.
      expect([seed, r.result]).toEqual([seed, 'valid']);
      const order = r.linearization ?? [];
      expect([...order].sort((a, b) => a - b)).toEqual(ops.map((o) => o.id));
      const at = new Map(order.map((id, i) => [id, i]));
      for (const a of ops) for (const b of ops) if (a.ret < b.call) expect((at.get(a.id) as number) < (at.get(b.id) as number)).toBe(true);
      let state = 'null';
      for (const id of order) {
        const op = ops[id] as LinOp;
        if (op.f === 'write') state = op.value;
        else expect(op.value).toBe(state);
      }
    }
  });

  it('paused every few steps and resumed, reaches the same answer in the same number of steps', () => {
    for (const [seed, stale] of [[3, undefined], [4, 0.8]] as const) {
      // Prepare
      const ops = partition(seed, stale);
      const whole = searchLinearization(ops, { deadline: Infinity });
      const s = new LinearizationSearch(ops);
      // Act
      let r = s.run(Infinity, 7);
      let pauses = 0;
      while (r === 'paused') {
        pauses++;
        r = s.run(Infinity, 7);
      }
      // Assess
      expect(r).toBe(whole.result);
      expect(s.steps).toBe(whole.steps);
      expect(pauses).toBeGreaterThan(10);
    }
  });

  it('refuses ids that are not 0..n-1 in order', () => {
    expect(() => new LinearizationSearch([{ id: 1, f: 'read', value: 'null', call: 0, ret: 1 }])).toThrow(/ids must be 0..n-1/);
  });
});
