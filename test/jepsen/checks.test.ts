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

  it('register: the session guarantees after linearizable when the history recorded events and heads, judged by how sessions used regions', () => {
    // Prepare: session 0 writes e1 in us-east-1, then reads nil in eu-west-1 (a switching session).
    const e1 = { id: 'e1', hlc: '000000000000000001-00000', origin: 'us-east-1', parents: [] };
    const history = staleRead('x').map((o) => (o.type === 'ok' && o.f === 'write' ? { ...o, session: 0, region: 'us-east-1', eventId: 'e1', event: e1 } : o.f === 'read' ? { ...o, session: 0, region: 'eu-west-1', ...(o.type === 'ok' ? { heads: [] } : {}) } : { ...o, session: 0, region: 'us-east-1' }));
    // Act
    const run = checkRun('register', history, undefined);
    // Assess
    expect(run.verdicts.map((v) => [v.checker, v.valid])).toEqual([
      ['linearizable', false], ['read-your-writes', false], ['monotonic-reads', true], ['monotonic-writes', true], ['writes-follow-reads', true],
    ]);
    // Not promised to a switching client: expected, and no broken promise.
    expect(run.verdicts[1]).toMatchObject({ expected: 'invalid', asExpected: true, breach: false });
    expect(run.ok).toBe(true);
  });

  it('register: a session guarantee violated by a client bound to one region breaks a promise', () => {
    const e1 = { id: 'e1', hlc: '000000000000000001-00000', origin: 'us-east-1', parents: [] };
    const history = staleRead('x').map((o) => ({ ...o, session: 0, region: 'us-east-1', ...(o.type === 'ok' ? (o.f === 'write' ? { eventId: 'e1', event: e1 } : { heads: [] }) : {}) }));
    const run = checkRun('register', history, undefined);
    expect(run.verdicts[1]).toMatchObject({ checker: 'read-your-writes', valid: false, expected: 'valid', breach: true });
    expect(run.ok).toBe(false);
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
