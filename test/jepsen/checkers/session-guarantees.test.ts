import { describe, expect, it } from 'vitest';
import type { EventStamp } from '../../../jepsen/history.ts';
import type { MeshEvent } from '../../../shared/domain/types.ts';
import { checkSessionGuarantees } from '../../../jepsen/checkers/session-guarantees.ts';
import type { SessionDetails } from '../../../jepsen/checkers/session-guarantees.ts';
import type { Verdict } from '../../../jepsen/checkers/verdict.ts';
import { HistoryBuilder } from '../support/history-builder.ts';
import { BASE_WALL, setEvent } from '../../support/factories.ts';

/** A `set` of `k` as a client records it: the stamp of the event the write answered, or a head a read returned. */
function stamp(value: number, parents: readonly MeshEvent[] = [], origin = 'us-east-1'): MeshEvent & EventStamp {
  return setEvent('k', value, { origin, ...(parents.length > 0 ? { parents } : { wall: BASE_WALL + value }) });
}

const US = { region: 'us-east-1' };
const EU = { region: 'eu-west-1' };

function byChecker(verdicts: Array<Verdict<SessionDetails>>): Record<string, Verdict<SessionDetails>> {
  return Object.fromEntries(verdicts.map((v) => [v.checker, v]));
}

describe('checkSessionGuarantees', () => {
  it('holds for a bound session whose reads and writes chain through parents', () => {
    // Prepare: another session's write a; session 0 reads a, writes b (parents a), reads b, writes c (parents b).
    const a = stamp(1);
    const b = stamp(2, [a]);
    const c = stamp(3, [b]);
    const h = new HistoryBuilder()
      .invoke(1, 'write', 'k', 1, 0, { ...US, session: 1 }).ok(1, 1, 1, { event: a })
      .invoke(0, 'read', 'k', null, 2, { ...US, session: 0 }).ok(0, 1, 3, { heads: [a], winner: a.id })
      .invoke(0, 'write', 'k', 2, 4, { ...US, session: 0 }).ok(0, 2, 5, { event: b })
      .invoke(0, 'read', 'k', null, 6, { ...US, session: 0 }).ok(0, 2, 7, { heads: [b], winner: b.id })
      .invoke(0, 'write', 'k', 3, 8, { ...US, session: 0 }).ok(0, 3, 9, { event: c })
      .build();
    // Act
    const v = byChecker(checkSessionGuarantees(h));
    // Assess
    expect(Object.values(v).map((x) => [x.checker, x.valid])).toEqual([
      ['read-your-writes', true], ['monotonic-reads', true], ['monotonic-writes', true], ['writes-follow-reads', true],
    ]);
    expect(v['read-your-writes']?.details).toMatchObject({ mode: 'bound', sessions: 2, checks: 1, violations: 0 });
    expect(v['writes-follow-reads']?.details.checks).toBe(2);
    expect(v['monotonic-reads']?.explanation).toContain('Held for all 2 sessions, each bound to one region');
  });

  it('read-your-writes: a read in another region that lacks the session\'s own write', () => {
    // Prepare: session 0 writes b in us-east-1, then reads in eu-west-1, which still has only a.
    const a = stamp(1);
    const b = stamp(2, [a]);
    const h = new HistoryBuilder()
      .invoke(0, 'write', 'k', 2, 0, { ...US, session: 0 }).ok(0, 2, 1, { event: b })
      .invoke(0, 'read', 'k', null, 2, { ...EU, session: 0 }).ok(0, 1, 3, { heads: [a], winner: a.id })
      .build();
    // Act
    const v = byChecker(checkSessionGuarantees(h));
    // Assess
    expect(v['read-your-writes']?.valid).toBe(false);
    expect(v['read-your-writes']?.details).toMatchObject({ mode: 'switching', violations: 1, violatingSessions: 1, examples: [{ session: 0, key: 'k', missing: [b.id], earlier: { index: 0 }, later: { index: 2 } }] });
    expect(v['read-your-writes']?.explanation).toContain('its own write is neither one of the heads');
  });

  it('read-your-writes: a 404 after the session\'s own write, and a write whose outcome is unknown is not required', () => {
    const b = stamp(2);
    const h = new HistoryBuilder()
      .invoke(0, 'write', 'k', 5, 0, { ...US, session: 0 }).info(0, 1)
      .invoke(8, 'read', 'k', null, 2, { ...US, session: 0 }).ok(8, null, 3, { heads: [] })
      .invoke(8, 'write', 'k', 2, 4, { ...US, session: 0 }).ok(8, 2, 5, { event: b })
      .invoke(8, 'read', 'k', null, 6, { ...US, session: 0 }).ok(8, null, 7, { heads: [] })
      .build();
    const v = byChecker(checkSessionGuarantees(h));
    // Only the second read is judged (after the acknowledged write b), across the process change of session 0.
    expect(v['read-your-writes']?.details).toMatchObject({ checks: 1, violations: 1 });
  });

  it('monotonic reads: a later read that no longer reflects what an earlier one saw', () => {
    const a = stamp(1);
    const b = stamp(2, [a]);
    const h = new HistoryBuilder()
      .invoke(1, 'write', 'k', 2, 0, { ...US, session: 1 }).ok(1, 2, 1, { event: b })
      .invoke(0, 'read', 'k', null, 2, { ...US, session: 0 }).ok(0, 2, 3, { heads: [b], winner: b.id })
      .invoke(0, 'read', 'k', null, 4, { ...EU, session: 0 }).ok(0, 1, 5, { heads: [a], winner: a.id })
      .invoke(0, 'read', 'k', null, 6, { ...EU, session: 0 }).ok(0, 1, 7, { heads: [a], winner: a.id })
      .build();
    const v = byChecker(checkSessionGuarantees(h));
    expect(v['monotonic-reads']?.valid).toBe(false);
    // Consecutive reads are compared: the third reflects the second.
    expect(v['monotonic-reads']?.details).toMatchObject({ checks: 2, violations: 1, examples: [{ missing: [b.id] }] });
    expect(v['monotonic-reads']?.explanation).toContain('lost an event it had already seen');
  });

  it('monotonic writes: a later write that does not descend from the session\'s earlier one', () => {
    const a = stamp(1);
    const b = stamp(2, [], 'eu-west-1');
    const h = new HistoryBuilder()
      .invoke(0, 'write', 'k', 1, 0, { ...US, session: 0 }).ok(0, 1, 1, { event: a })
      .invoke(0, 'write', 'k', 2, 2, { ...EU, session: 0 }).ok(0, 2, 3, { event: b })
      .build();
    const v = byChecker(checkSessionGuarantees(h));
    expect(v['monotonic-writes']?.valid).toBe(false);
    expect(v['monotonic-writes']?.explanation).toContain('the two writes are concurrent');
    expect(v['read-your-writes']).toMatchObject({ valid: true, explanation: expect.stringContaining('vacuously') }); // no read to check
  });

  it('writes-follow-reads: a write that does not descend from what the session read', () => {
    const x = stamp(1, [], 'eu-west-1');
    const b = stamp(2, [], 'ap-southeast-2');
    const h = new HistoryBuilder()
      .invoke(1, 'write', 'k', 1, 0, { ...EU, session: 1 }).ok(1, 1, 1, { event: x })
      .invoke(0, 'read', 'k', null, 2, { ...EU, session: 0 }).ok(0, 1, 3, { heads: [x], winner: x.id })
      .invoke(0, 'write', 'k', 2, 4, { region: 'ap-southeast-2', session: 0 }).ok(0, 2, 5, { event: b })
      .build();
    const v = byChecker(checkSessionGuarantees(h));
    expect(v['writes-follow-reads']?.valid).toBe(false);
    expect(v['writes-follow-reads']?.details.examples[0]).toMatchObject({ missing: [x.id], earlier: { f: 'read', region: 'eu-west-1' }, later: { f: 'write', region: 'ap-southeast-2' } });
  });

  it('answers unknown when the ancestry it needs was never recorded, and valid once final reads supply it', () => {
    // Prepare: session 0 writes a; the read returns head c, whose parent m nobody recorded (an info write).
    const a = stamp(1);
    const m = stamp(2, [a]);
    const c = stamp(3, [m]);
    const h = new HistoryBuilder()
      .invoke(0, 'write', 'k', 1, 0, { ...US, session: 0 }).ok(0, 1, 1, { event: a })
      .invoke(0, 'read', 'k', null, 2, { ...US, session: 0 }).ok(0, 3, 3, { heads: [c], winner: c.id })
      .build();
    const final = { regions: [{ region: 'us-east-1', time: 0, registers: {}, accounts: {}, found: {}, histories: { k: [m] } }], attempts: 1, settledMs: 0 };
    // Act / Assess
    expect(byChecker(checkSessionGuarantees(h))['read-your-writes']?.valid).toBe('unknown');
    expect(byChecker(checkSessionGuarantees(h, final))['read-your-writes']?.valid).toBe(true);
  });
});
