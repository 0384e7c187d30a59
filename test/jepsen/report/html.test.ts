import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../jepsen/report/html.ts';
import type { ReportInput } from '../../../jepsen/report/html.ts';
import { checkLinearizable } from '../../../jepsen/checkers/linearizable.ts';
import { checkConvergence } from '../../../jepsen/checkers/convergence.ts';
import { judge } from '../../../jepsen/claims.ts';
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

  it('escapes values from the history', () => {
    const html = renderReport(input());
    expect(html).not.toContain('<b>1</b>');
    expect(html).toContain('&lt;b&gt;1&lt;/b&gt;');
  });
});
