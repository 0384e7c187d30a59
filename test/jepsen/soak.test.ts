import { describe, expect, it } from 'vitest';
import { planSoak, recordOf, soakMarkdown, summarizeSoak } from '../../jepsen/soak.ts';
import type { SoakPlan } from '../../jepsen/soak.ts';
import type { RunResult } from '../../jepsen/runner.ts';
import { checkRun } from '../../jepsen/checks.ts';
import { HistoryBuilder } from './support/history-builder.ts';
import { ev, finalReads, reg, regionFinal } from './support/final-factory.ts';

const meta = { startedAt: '2026-11-26T00:00:00.000Z', seed: 1, timeS: 20, command: 'npm run jepsen -- --runs 2 --time 20 --seed 1' };

/** A finished register run: two acknowledged writes, e2 missing in eu-west-1 when `lose` is set. */
function run(lose: boolean): RunResult {
  const history = new HistoryBuilder()
    .invoke(0, 'write', 'k', 1, 0, { region: 'us-east-1' }).ok(0, 1, 10, { eventId: 'e1' })
    .invoke(0, 'write', 'k', 2, 20, { region: 'us-east-1' }).ok(0, 2, 30, { eventId: 'e2' })
    .invoke(1, 'read', 'k', null, 40, { region: 'eu-west-1' }).ok(1, 2, 50)
    .nemesis('start', 'isolate us-east-1', 5).nemesis('stop', 'isolate us-east-1', 15)
    .build();
  const all = { registers: { k: reg(2, ['e2']) }, histories: { k: [ev('e1', 'set', 1, '1'), ev('e2', 'set', 2, '2')] } };
  const some = { registers: { k: reg(1, ['e1']) }, histories: { k: [ev('e1', 'set', 1, '1')] } };
  const final = finalReads(regionFinal('us-east-1', all), regionFinal('eu-west-1', lose ? some : all));
  const judged = checkRun('register', history, final);
  return {
    config: { workload: 'register', timeS: 1, nemesis: 'isolate', concurrency: 2, regions: [], timeoutMs: 1, quietS: 0, seed: 1, keys: ['k'], startedAt: meta.startedAt },
    history, final, windows: [{ description: 'isolate us-east-1', kind: 'isolate', start: 5e6, end: 15e6 }], ...judged, loadEnd: 60e6, quietEnd: 60e6,
  };
}

const plan = (n: number): SoakPlan => ({ n, workload: 'register', clients: 'bound', nemesis: 'isolate', seed: n, concurrency: 2, keys: 1 });

describe('planSoak', () => {
  it('draws the same plan from the same seed, with every workload, client mode and nemesis among 100 runs', () => {
    // Act
    const a = planSoak(100, 7);
    // Assess
    expect(planSoak(100, 7)).toEqual(a);
    expect(planSoak(100, 8)).not.toEqual(a);
    expect(new Set(a.map((p) => `${p.workload}/${p.clients}`))).toEqual(new Set(['register/bound', 'register/switching', 'bank/bound']));
    expect(new Set(a.map((p) => p.nemesis))).toEqual(new Set(['partition', 'isolate', 'split', 'one-way', 'flap']));
    expect(a.every((p) => p.concurrency >= 4 && p.concurrency <= 12 && p.keys >= 1 && p.keys <= 5)).toBe(true);
  });
});

describe('recordOf and summarizeSoak', () => {
  it('count operations, acknowledged writes, lost writes, divergence and verdicts by checker', () => {
    // Prepare
    const records = [recordOf(plan(1), run(false), '001'), recordOf(plan(2), run(true), '002')];
    // Act
    const s = summarizeSoak(records, meta);
    // Assess
    expect(records[1]).toMatchObject({ operations: 3, acknowledgedWrites: 2, lostWrites: 1, faults: 1, faultS: 0.01, ok: false, breaches: ['convergence', 'lost-writes'] });
    expect(s).toMatchObject({ runs: 2, operations: 6, acknowledgedWrites: 4, lostWrites: 1, runsWithLostWrites: 1, divergentRuns: 1, brokenRuns: 1, faults: 2 });
    expect(s.verdicts['lost-writes']).toEqual({ valid: 1, invalid: 1, unknown: 0, breaches: 1 });
    expect(s.verdicts['linearizable']).toEqual({ valid: 2, invalid: 0, unknown: 0, breaches: 0 });
    const md = soakMarkdown(s);
    expect(md).toContain('**1 acknowledged writes lost in 2 runs and 6 operations under partitions**');
    expect(md).toContain('| 2 | register/bound | isolate | 2 | 2 | 1 | 0.0 | 3 | 2 | 1 | 1 | lin valid · conv lost invalid | **no** |');
  });
});
