import { describe, expect, it } from 'vitest';
import { checkRun } from '../../jepsen/checks.ts';
import { staleRead } from './support/history-builder.ts';
import { acct, ev, finalReads, regionFinal } from './support/final-factory.ts';

describe('checkRun', () => {
  it('register: linearizable first, then convergence and lost-writes over the final reads', () => {
    // Prepare: a stale read; its write acknowledged as e1, which both regions hold.
    const history = staleRead('x').map((o) => (o.type === 'ok' && o.f === 'write' ? { ...o, eventId: 'e1' } : o));
    const same = { histories: { x: [ev('e1', 'set', 1, '1')] } };
    const final = finalReads(regionFinal('us-east-1', same), regionFinal('eu-west-1', same));
    // Act
    const run = checkRun('register', history, final);
    // Assess
    expect(run.verdicts.map((v) => [v.checker, v.valid])).toEqual([['linearizable', false], ['convergence', true], ['lost-writes', true]]);
    expect(run.ok).toBe(true);
  });

  it('without final reads, checks only what the history alone decides', () => {
    expect(checkRun('register', staleRead('x'), undefined).verdicts.map((v) => v.checker)).toEqual(['linearizable']);
    expect(checkRun('bank', [], undefined).verdicts).toEqual([]);
  });

  it('bank: convergence, lost-writes and bank, judged against the claims', () => {
    // Prepare
    const final = finalReads(regionFinal('us-east-1', { accounts: { a: acct(0) } }), regionFinal('eu-west-1', { accounts: { a: acct(5) } }));
    // Act
    const run = checkRun('bank', [], final);
    // Assess
    expect(run.verdicts.map((v) => v.checker)).toEqual(['convergence', 'lost-writes', 'bank']);
    expect(run.verdicts[0]?.breach).toBe(true);
    expect(run.ok).toBe(false);
  });
});
