import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../jepsen/report/html.ts';
import type { ReportInput } from '../../../jepsen/report/html.ts';
import { checkLinearizable } from '../../../jepsen/checkers/linearizable.ts';
import { checkConvergence } from '../../../jepsen/checkers/convergence.ts';
import { judge } from '../../../jepsen/claims.ts';
import { checkSessionGuarantees } from '../../../jepsen/checkers/session-guarantees.ts';
import { HistoryBuilder } from '../support/history-builder.ts';
import { finalReads, reg, regionFinal } from '../support/final-factory.ts';

function input(): ReportInput {
  const history = new HistoryBuilder()
    .invoke(0, 'write', 'k0', '<b>1</b>', 0, { region: 'us-east-1' }).ok(0, '<b>1</b>', 10, { eventId: 'e1' })
    .invoke(1, 'read', 'k0', null, 20, { region: 'eu-west-1' }).ok(1, null, 30)
    .invoke(1, 'write', 'k0', 2, 35, { region: 'eu-west-1' }).info(1, 40)
    .build();
  const final = finalReads(regionFinal('us-east-1', { registers: { k0: reg('<b>1</b>', ['e1']) } }), regionFinal('eu-west-1', { registers: { k0: reg('<b>1</b>', ['e1']) } }));
  const { ok, verdicts } = judge([checkLinearizable(history), checkConvergence(final)]);
  return {
    config: { workload: 'register', timeS: 1, nemesis: 'partition', concurrency: 2, regions: [{ region: 'us-east-1', url: 'http://a' }, { region: 'eu-west-1', url: 'http://b' }], timeoutMs: 100, quietS: 0, seed: 1, keys: ['k0'], startedAt: '2026-11-26T00:00:00Z' },
    history, final, windows: [{ description: 'isolate us-east-1', kind: 'isolate', start: 15e6, end: 45e6 }], verdicts, ok, loadEnd: 45e6, quietEnd: 50e6,
  };
}

describe('renderReport', () => {
  it('is one self-contained document with verdicts, counterexample, timeline, latency and nemesis', () => {
    // Act
    const html = renderReport(input());
    // Assess
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link |src="|href="http/);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('<span class="badge invalid">invalid</span>');
    expect(html).toContain('Counterexample to linearizability');
    expect(html).toContain('isolate us-east-1');
    expect(html).toContain('stroke="#000"'); // counterexample ops outlined
  });

  it('links every file written beside it', () => {
    const html = renderReport(input());
    expect([...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual(['history.jsonl', 'history.edn', 'final.json', 'results.json']);
  });

  it('explains each session guarantee verdict, with the first violation in words and outlined on the timeline', () => {
    // Prepare: session 0 writes e1 in us-east-1, then reads k0 there and gets nothing: read-your-writes broken by a bound client.
    const e1 = { id: 'e1', hlc: '000000000000000001-00000', origin: 'us-east-1', parents: [] };
    const history = new HistoryBuilder()
      .invoke(0, 'write', 'k0', 1, 0, { region: 'us-east-1', session: 0 }).ok(0, 1, 10, { eventId: 'e1', event: e1 })
      .invoke(0, 'read', 'k0', null, 20, { region: 'us-east-1', session: 0 }).ok(0, null, 30, { heads: [] })
      .build();
    const base = input();
    const { ok, verdicts } = judge(checkSessionGuarantees(history));
    // Act
    const html = renderReport({ ...base, history, verdicts, ok });
    // Assess
    expect(html).toContain('<h2>Session guarantees</h2>');
    expect(html).toContain('1 sessions: 1 bound to one region, 0 switching');
    expect(html).toMatch(/<b>read-your-writes<\/b><\/td><td><span class="badge invalid">invalid<\/span><\/td><td>valid<\/td><td class="bad">promise broken/);
    expect(html).toContain('its own write is neither one of the heads');
    expect(html).toContain('Promised to a client that stays with one region');
    expect(html.match(/stroke="#1f5fbf"/g)).toHaveLength(2);
  });

  it('escapes values from the history', () => {
    const html = renderReport(input());
    expect(html).not.toContain('<b>1</b>');
    expect(html).toContain('&lt;b&gt;1&lt;/b&gt;');
  });
});
