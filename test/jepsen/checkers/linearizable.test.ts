import { describe, expect, it } from 'vitest';
import { checkLinearizable } from '../../../jepsen/checkers/linearizable.ts';
import { restrictHistory } from '../../../jepsen/history.ts';
import { HistoryBuilder, staleRead } from '../support/history-builder.ts';

const B = (): HistoryBuilder => new HistoryBuilder();

describe('checkLinearizable: linearizable histories', () => {
  it.each([
    ['an empty history', B().build()],
    ['a read of a key nobody wrote returns nil', B().invoke(0, 'read', 'x', null, 0).ok(0, null, 5).build()],
    ['a write then a read of it', B().invoke(0, 'write', 'x', 1, 0).ok(0, 1, 10).invoke(1, 'read', 'x', null, 20).ok(1, 1, 30).build()],
    ['a read concurrent with a write may see the old value', B().invoke(0, 'write', 'x', 1, 0).invoke(1, 'read', 'x', null, 1).ok(1, null, 5).ok(0, 1, 10).build()],
    ['a read concurrent with a write may see the new value', B().invoke(0, 'write', 'x', 1, 0).invoke(1, 'read', 'x', null, 1).ok(1, 1, 5).ok(0, 1, 10).build()],
    ['two concurrent writes, reads agree on one order',
      B().invoke(0, 'write', 'x', 1, 0).invoke(1, 'write', 'x', 2, 0).ok(0, 1, 10).ok(1, 2, 10)
        .invoke(2, 'read', 'x', null, 20).ok(2, 1, 25).invoke(2, 'read', 'x', null, 30).ok(2, 1, 35).build()],
    ['keys are independent registers',
      B().invoke(0, 'write', 'x', 1, 0).ok(0, 1, 10).invoke(1, 'read', 'y', null, 20).ok(1, null, 30).build()],
    ['a failed write never happened', B().invoke(0, 'write', 'x', 1, 0).fail(0, 10).invoke(1, 'read', 'x', null, 20).ok(1, null, 30).build()],
    ['an info read constrains nothing', B().invoke(0, 'write', 'x', 1, 0).ok(0, 1, 10).invoke(1, 'read', 'x', null, 20).info(1, 30).build()],
  ])('%s', (_name, history) => {
    // Act
    const v = checkLinearizable(history);
    // Assess
    expect(v.valid).toBe(true);
  });
});

describe('checkLinearizable: not linearizable', () => {
  it('a stale read after a completed write, with a two-operation counterexample', () => {
    // Prepare
    const history = staleRead('x');
    // Act
    const v = checkLinearizable(history);
    // Assess
    expect(v.valid).toBe(false);
    expect(v.details.invalidKeys).toEqual(['x']);
    expect(v.details.counterexample?.ops.map((o) => [o.f, o.value])).toEqual([['write', '1'], ['read', 'null']]);
    expect(v.details.counterexample?.why).toContain('began after');
    expect(v.details.counterexample?.text).toContain('returned nil');
  });

  it('answers the verdict alone when asked to: no counterexample, and no key checked after the first invalid one', () => {
    // Prepare: keys a (stale read), then b and c (fine), checked in key order.
    const h = [...staleRead('a'), ...staleRead('b'), ...staleRead('c')].map((o, index) => ({ ...o, index, process: o.process as number + (o.key === 'a' ? 0 : o.key === 'b' ? 2 : 4) }));
    const v = checkLinearizable(h, { counterexample: false });
    expect(v.valid).toBe(false);
    expect(v.details.counterexample).toBeUndefined();
    expect(v.details.invalidKeys).toEqual(['a']);
    expect(Object.keys(v.details.keys)).toEqual(['a']);
    expect(v.explanation).toContain('after 1 of 3 keys');
  });

  it.each([
    ['a read of a value nobody wrote', B().invoke(0, 'read', 'x', null, 0).ok(0, 7, 5).build()],
    ['a read that goes back in time',
      B().invoke(0, 'write', 'x', 1, 0).ok(0, 1, 10).invoke(0, 'write', 'x', 2, 20).ok(0, 2, 30)
        .invoke(1, 'read', 'x', null, 40).ok(1, 2, 50).invoke(2, 'read', 'x', null, 60).ok(2, 1, 70).build()],
    ['concurrent writes seen in two different orders',
      B().invoke(0, 'write', 'x', 1, 0).invoke(1, 'write', 'x', 2, 0)
        .invoke(2, 'read', 'x', null, 10).ok(2, 1, 20).invoke(2, 'read', 'x', null, 30).ok(2, 2, 40)
        .invoke(2, 'read', 'x', null, 50).ok(2, 1, 60).ok(0, 1, 100).ok(1, 2, 100).build()],
    ['a failed write cannot be read', B().invoke(0, 'write', 'x', 1, 0).fail(0, 10).invoke(1, 'read', 'x', null, 20).ok(1, 1, 30).build()],
  ])('%s', (_name, history) => {
    // Act
    const v = checkLinearizable(history);
    // Assess
    expect(v.valid).toBe(false);
    expect(v.details.counterexample).toBeDefined();
  });

  it('finds the violation among many linearizable keys and shrinks it to the operations that matter', () => {
    // Prepare: 200 well-behaved sequential operations on other keys and on x, then one stale read of x.
    const b = B();
    let t = 0;
    for (let i = 0; i < 100; i++) {
      const key = `k${i % 5}`;
      b.invoke(i % 4, 'write', key, i, t).ok(i % 4, i, t + 3);
      b.invoke((i + 1) % 4, 'read', key, null, t + 5).ok((i + 1) % 4, i, t + 8);
      t += 10;
    }
    b.invoke(5, 'write', 'x', 1000, t).ok(5, 1000, t + 5).invoke(5, 'write', 'x', 1001, t + 10).ok(5, 1001, t + 15);
    b.invoke(6, 'read', 'x', null, t + 20).ok(6, 1000, t + 25);
    // Act
    const v = checkLinearizable(b.build());
    // Assess
    expect(v.valid).toBe(false);
    expect(v.details.invalidKeys).toEqual(['x']);
    expect(v.details.counterexample?.ops.map((o) => o.value)).toEqual(['1000', '1001', '1000']);
  });
});

describe('checkLinearizable: operations with unknown outcome (info)', () => {
  it('an info write may take effect after it was invoked', () => {
    // Prepare: the write timed out, yet a later read sees it.
    const h = B().invoke(0, 'write', 'x', 1, 0).info(0, 10).invoke(1, 'read', 'x', null, 50).ok(1, 1, 60).build();
    // Act / Assess
    expect(checkLinearizable(h).valid).toBe(true);
  });

  it('an info write may take effect long after its timeout, after other reads saw nothing', () => {
    const h = B().invoke(0, 'write', 'x', 1, 0).info(0, 10)
      .invoke(1, 'read', 'x', null, 20).ok(1, null, 30).invoke(1, 'read', 'x', null, 40).ok(1, 1, 50).build();
    expect(checkLinearizable(h).valid).toBe(true);
  });

  it('an info write may never take effect', () => {
    const h = B().invoke(0, 'write', 'x', 1, 0).info(0, 10).invoke(1, 'read', 'x', null, 50).ok(1, null, 60).build();
    expect(checkLinearizable(h).valid).toBe(true);
  });

  it('an invocation with no completion at all counts as info', () => {
    const h = B().invoke(0, 'write', 'x', 1, 0).invoke(1, 'read', 'x', null, 50).ok(1, 1, 60).build();
    expect(checkLinearizable(h).valid).toBe(true);
  });

  it('an info write must not take effect before it was invoked', () => {
    const h = B().invoke(1, 'read', 'x', null, 0).ok(1, 1, 10).invoke(0, 'write', 'x', 1, 20).info(0, 30).build();
    const v = checkLinearizable(h);
    expect(v.valid).toBe(false);
  });

  it('an info write that took effect cannot be undone', () => {
    const h = B().invoke(0, 'write', 'x', 1, 0).info(0, 10)
      .invoke(1, 'read', 'x', null, 20).ok(1, 1, 30).invoke(1, 'read', 'x', null, 40).ok(1, null, 50).build();
    const v = checkLinearizable(h);
    expect(v.valid).toBe(false);
    expect(v.details.counterexample?.ops.some((o) => o.outcome === 'info')).toBe(true);
    expect(v.details.counterexample?.text).toContain('unknown outcome');
  });
});

describe('checkLinearizable: regressions from the cross-check against Porcupine (issue 12)', () => {
  it('a read of nil may read the initial value, not an unknown-outcome write of nil', () => {
    // Prepare: the info write of nil (invoked at 20) may never take effect; the read of nil at
    // [0, 5] read the initial value. Linearizable: read nil, write 1, read 1.
    const h = B()
      .invoke(0, 'read', 'x', null, 0).ok(0, null, 5)
      .invoke(1, 'write', 'x', 1, 0).ok(1, 1, 10)
      .invoke(2, 'write', 'x', null, 20).info(2, 25)
      .invoke(3, 'read', 'x', null, 30).ok(3, 1, 40).build();
    // Act
    const v = checkLinearizable(h);
    // Assess
    expect(v.valid).toBe(true);
  });

  it('a counterexample keeps the read that bounds an unknown-outcome write, and is illegal on its own', () => {
    // Prepare: write 1 (unknown outcome, from 10) was seen by the read at [11, 12], so it took
    // effect before write 2 [20, 21]; the read of 1 at [30, 31] is then stale. Without the read at
    // [11, 12], write 1 could take effect after write 2 and the rest would be legal.
    const h = B()
      .invoke(0, 'write', 'x', 1, 10)
      .invoke(1, 'read', 'x', null, 11).ok(1, 1, 12)
      .info(0, 15)
      .invoke(2, 'write', 'x', 2, 20).ok(2, 2, 21)
      .invoke(3, 'read', 'x', null, 30).ok(3, 1, 31).build();
    // Act
    const v = checkLinearizable(h);
    const ce = v.details.counterexample;
    // Assess
    expect(v.valid).toBe(false);
    expect(ce?.ops.map((o) => o.index)).toEqual([0, 1, 4, 6]);
    expect(checkLinearizable(restrictHistory(h, ce?.ops.map((o) => o.index) ?? [])).valid).toBe(false);
    expect(ce?.why).not.toMatch(/write 1 had completed/);
  });
});

describe('checkLinearizable: time budget', () => {
  it('answers unknown instead of hanging when the search exceeds its budget', () => {
    // Prepare: 22 mutually concurrent writes, then a read of a value none wrote: deciding it means
    // trying every subset of the writes (millions of configurations).
    const b = B();
    for (let p = 0; p < 22; p++) b.invoke(p, 'write', 'x', p, 0);
    for (let p = 0; p < 22; p++) b.ok(p, p, 100);
    b.invoke(30, 'read', 'x', null, 200).ok(30, 999, 210);
    // Act
    const started = performance.now();
    const v = checkLinearizable(b.build(), { timeBudgetMs: 200 });
    // Assess
    expect(v.valid).toBe('unknown');
    expect(v.explanation).toContain('budget');
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('checkLinearizable: counterexample explanations', () => {
  it('explains reads that flip between two completed concurrent writes', () => {
    // Prepare: writes 11 and 13 overlap; after both completed, one read sees 11, a later one 13.
    const h = new HistoryBuilder()
      .invoke(0, 'write', 'x', 11, 0).invoke(1, 'write', 'x', 13, 5).ok(0, 11, 20).ok(1, 13, 25)
      .invoke(2, 'read', 'x', null, 30).ok(2, 11, 40).invoke(1, 'read', 'x', null, 45).ok(1, 13, 50).build();
    // Act
    const v = checkLinearizable(h);
    // Assess
    expect(v.valid).toBe(false);
    expect(v.details.counterexample?.ops).toHaveLength(4);
    expect(v.details.counterexample?.why).toContain('went back in time');
  });
});

describe('checkLinearizable: two readers disagree after the writes settled', () => {
  it('explains it', () => {
    // Prepare: two concurrent writes complete; then two overlapping reads return different values.
    const h = new HistoryBuilder()
      .invoke(0, 'write', 'x', 8, 0).invoke(1, 'write', 'x', 12, 5).ok(0, 8, 20).ok(1, 12, 25)
      .invoke(1, 'read', 'x', null, 30).invoke(0, 'read', 'x', null, 31).ok(1, 12, 40).ok(0, 8, 41).build();
    // Act
    const v = checkLinearizable(h);
    // Assess
    expect(v.valid).toBe(false);
    expect(v.details.counterexample?.why).toContain('two readers saw different values');
  });
});

describe('checkLinearizable: long partitions', () => {
  it('decides a 3000-operation single-key history both ways, shrinking a late stale read to 3 operations', async () => {
    // Prepare: the benchmark's generator (a simulated linearizable register, 8 clients, some timeouts).
    const { generateRegisterHistory } = await import('../../../bench/linearizability.ts');
    const good = generateRegisterHistory({ operations: 3000, keys: 1, clients: 8, seed: 5, infoRate: 0.02 });
    const bad = generateRegisterHistory({ operations: 3000, keys: 1, clients: 8, seed: 5, infoRate: 0.02, staleReadAt: 0.9 });
    // Act
    const vGood = checkLinearizable(good);
    const vBad = checkLinearizable(bad);
    // Assess
    expect(vGood.valid).toBe(true);
    expect(vBad.valid).toBe(false);
    expect(vBad.details.counterexample?.ops).toHaveLength(3);
  });
});
