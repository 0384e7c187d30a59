import { describe, expect, it } from 'vitest';
import { formatConflicts, formatEvent, formatHistory, formatStatement, formatStatus, formatWrite } from '../../../cli/format.ts';
import { fields, table } from '../../../cli/table.ts';
import type { MeshEvent } from '../../../shared/domain/types.ts';
import { fakeEvent as event } from '../../support/factories.ts';

describe('table and fields', () => {
  it('aligns columns without trailing spaces', () => {
    expect(table(['A', 'LONG'], [['xyz', '1'], ['', '22']])).toBe('A    LONG\nxyz  1\n     22');
    expect(fields([['key', 'k'], ['region', '']])).toBe('key     k\nregion');
  });
});

describe('formatters', () => {
  it('describes writes, a delete and a deposit', () => {
    expect(formatWrite({ event: event('a') })).toBe(`set colour = "blue" in us-east-1\nevent ${'a'.repeat(64)}`);
    expect(formatWrite({ event: event('b', { kind: 'delete', payload: null, parents: ['a'.repeat(64)] }) })).toContain(`deleted colour in us-east-1\nevent ${'b'.repeat(64)}\nparents ${'a'.repeat(64)}`);
    expect(formatWrite({ event: event('c', { kind: 'deposit', key: 'alice', payload: 5 }) })).toMatch(/^deposit 5 on alice in us-east-1/);
  });

  it('lists history with receipts, and says when there is none', () => {
    const text = formatHistory({ key: 'colour', region: 'eu-west-1', events: [{ event: event('a'), receipt: { eventId: 'a'.repeat(64), region: 'eu-west-1', receivedAt: 0, via: { type: 'peer', peer: 'us-east-1' } } }] });
    expect(text).toContain('colour: 1 event in eu-west-1');
    expect(text).toMatch(/1970-01-01T00:00:00\.000Z\s+peer from us-east-1\s+a{64}$/m);
    expect(formatHistory({ key: 'x', region: 'r', events: [] })).toBe('no events for x');
  });

  it('lists a statement with outcomes and balances, and says when there is none', () => {
    const d = event('d', { kind: 'deposit', key: 'alice', payload: 100 });
    const w = event('w', { kind: 'withdraw', key: 'alice', payload: 130, origin: 'eu-west-1', hlc: '000001732600000001-00000' });
    const receipt = (e: MeshEvent) => ({ eventId: e.id, region: 'eu-west-1', receivedAt: 0, via: { type: 'local' } as const });
    const text = formatStatement({
      account: 'alice',
      balance: 100,
      region: 'eu-west-1',
      events: [
        { event: d, receipt: receipt(d), amount: 100, outcome: 'applied', balanceAfter: 100, reversed: false },
        { event: w, receipt: receipt(w), amount: 130, outcome: 'bounced', balanceAfter: 100, reversed: true },
      ],
    });
    expect(text).toMatch(/^alice: 2 events in eu-west-1, balance 100$/m);
    expect(text).toMatch(/^000001732600000000-00000\s+us-east-1\s+deposit\s+100\s+applied\s+100\s+1970-01-01T00:00:00\.000Z\s+local write\s+d{64}$/m);
    expect(text).toMatch(/withdraw\s+130\s+BOUNCED \(reversed\)\s+100\s/);
    expect(formatStatement({ account: 'x', balance: 0, region: 'r', events: [] })).toBe('no deposits or withdrawals for x in r (balance 0)');
  });

  it('lists conflicts or says there are none', () => {
    expect(formatConflicts({ region: 'r', conflicts: [] })).toBe('no conflicts in r');
    expect(formatConflicts({ region: 'r', conflicts: [{ key: 'colour', heads: ['a', 'b', 'c'] }] })).toBe('1 conflicting key in r\nKEY     HEADS\ncolour  3');
  });

  it('shows an event with its trail and lags', () => {
    const root = event('a');
    const child = event('b', { kind: 'resolve', parents: [root.id], hlc: '000001732600000001-00000' });
    const text = formatEvent({
      event: child,
      region: 'eu-west-1',
      trail: [
        { event: root, receipts: [{ eventId: root.id, region: 'eu-west-1', receivedAt: 40, via: { type: 'peer', peer: 'us-east-1' } }], missingParents: [], lags: { 'eu-west-1': 40 } },
        { event: child, receipts: [], missingParents: [], lags: {} },
      ],
    });
    expect(text).toMatch(/^parents\s+a{64}$/m);
    expect(text).toMatch(/^receipt\s+none here$/m);
    expect(text).toMatch(/set\s+"blue"\s+eu-west-1 \+40ms\s+-\s+a{64}$/m);
  });

  it('shows an inbound link’s last batch lag apart from how far behind it is now', () => {
    const lag = { lastMs: 250, at: 1_000_250, originAt: 1_000_000, events: 42 };
    const text = formatStatus({ region: 'us-east-1', peers: ['eu-west-1'], links: [{ from: 'eu-west-1', to: 'us-east-1', enabled: true, backlog: 0, inFlight: 0, lag, waiting: 0, staleMs: 0, sync: 'in-sync' }] });
    expect(text).toMatch(/^eu-west-1\s+us-east-1\s+up\s+0\s+0\s+-\s+0ms\s+250ms$/m);
  });

  it('says where the region stands as a receiver, and what it refused', () => {
    // Prepare
    const text = formatStatus({
      region: 'us-east-1',
      peers: ['eu-west-1', 'ap-southeast-2'],
      links: [{ from: 'eu-west-1', to: 'us-east-1', enabled: false, backlog: 3, inFlight: 0, dlq: 0, waiting: 3, staleMs: 9500, sync: 'partitioned' }],
      inbound: { sync: 'partitioned', waiting: 3, dlq: 0, partitionedFrom: ['eu-west-1'], repairThrough: ['ap-southeast-2'], staleMs: 9500 },
      refused: { 'clock-skew': 2, 'untrusted-origin': 0 },
    });

    // Assess
    expect(text).toMatch(/^inbound\s+partitioned from eu-west-1 \(3 waiting, up to 9500ms behind\); repair still active through ap-southeast-2$/m);
    expect(text).toMatch(/^refused\s+2 clock-skew$/m);
    expect(text).toMatch(/^eu-west-1\s+us-east-1\s+PARTITIONED\s+3\s+0\s+0\s+9500ms\s+-$/m);
  });

  it('shows link states with PARTITIONED spelled out', () => {
    const text = formatStatus({ region: 'us-east-1', peers: ['eu-west-1'], events: 7, links: [{ from: 'eu-west-1', to: 'us-east-1', enabled: false, backlog: 3 }] });
    expect(text).toMatch(/^events\s+7$/m);
    expect(text).toMatch(/^eu-west-1\s+us-east-1\s+PARTITIONED\s+3\s+-\s+-\s+-\s+-$/m);
  });
});
