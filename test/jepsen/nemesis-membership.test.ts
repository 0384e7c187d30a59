import { beforeAll, describe, expect, it } from 'vitest';
import type { Mesh } from '../../local/cloud.ts';
import { startMesh } from '../../local/cloud.ts';
import { JepsenClient } from '../../jepsen/client.ts';
import { nemesisWindows, planFaults } from '../../jepsen/nemesis.ts';
import { RegionPool } from '../../jepsen/nemesis-membership.ts';
import { runJepsen } from '../../jepsen/runner.ts';
import type { RunResult } from '../../jepsen/runner.ts';
import type { LostWritesDetails } from '../../jepsen/checkers/lost-writes.ts';
import { meshTestOptions } from '../support/mesh-test-options.ts';

describe('RegionPool', () => {
  const client = (region: string) => new JepsenClient({ region, url: `http://${region}.invalid`, timeoutMs: 1 });

  it('spreads workers over the regions serving, takes in a joining one and lets a leaving one go', () => {
    // Prepare
    const pool = new RegionPool([client('a'), client('b')]);
    // Act
    const before = [0, 1, 2, 3].map((w) => pool.pick(w).region);
    pool.add(client('c'));
    const joined = [0, 1, 2].map((w) => pool.pick(w).region);
    pool.retire('a');
    const after = [0, 1, 2, 3].map((w) => pool.pick(w).region);
    // Assess
    expect(before).toEqual(['a', 'b', 'a', 'b']);
    expect(joined).toEqual(['a', 'b', 'c']);
    expect(after).toEqual(['b', 'c', 'b', 'c']);
    expect(() => new RegionPool([]).pick(0)).toThrow(/at least one region/);
    pool.retire('b');
    expect(() => pool.retire('c')).toThrow(/last region/);
  });

  it('plans no link fault in membership mode, and a stored run tells its windows apart', () => {
    expect(planFaults(['a', 'b', 'c'], 'membership', 4)).toEqual([]);
    const ops = [
      { process: 'nemesis', type: 'invoke', f: 'start', value: 'add region ap-northeast-1', time: 1 },
      { process: 'nemesis', type: 'invoke', f: 'stop', value: 'add region ap-northeast-1', time: 5 },
      { process: 'nemesis', type: 'invoke', f: 'start', value: 'retire region us-east-1', time: 7 },
    ];
    expect(nemesisWindows(ops, 9)).toEqual([
      { description: 'add region ap-northeast-1', kind: 'membership', start: 1, end: 5 },
      { description: 'retire region us-east-1', kind: 'membership', start: 7, end: 9 },
    ]);
  });
});

// Two short Jepsen-style runs on local meshes that grow and shrink under them: in each, a region
// joins (and backfills) mid-run and a starting region is retired, while clients write everywhere.
// Each run has a mesh of its own: on two shared cores, a bank run on a mesh that already held the
// register run's thousands of events spent minutes in contention on its hot accounts (and one
// such pair stalled for over 13 minutes); separated, three runs in a row passed, 133 s quiet.
describe('jepsen runs with a region added and one retired mid-run', () => {
  let register: RunResult;
  let bank: RunResult;
  const serving: Record<string, { regions: string[]; retired: readonly string[] }> = {};

  /** MESH_TEST_VERBOSE=1: the mesh's and the run's log lines on stderr. */
  const log = process.env['MESH_TEST_VERBOSE'] === undefined ? undefined : (line: string) => console.error(`${new Date().toISOString()} ${line}`);

  /** One run on a fresh two-region mesh; the mesh is stopped after it. */
  async function runOn(workload: 'register' | 'bank'): Promise<RunResult> {
    const mesh: Mesh = await startMesh({ ...meshTestOptions(), regions: ['us-east-1', 'eu-west-1'], basePort: 0, meshName: `jmember${workload.slice(0, 1)}${Date.now().toString(36)}`, handlerLogLevel: 'SILENT', ...(log === undefined ? {} : { log }) });
    try {
      // settleS: on a loaded machine the regions take a while to agree after the retirement's rewiring.
      const run = await runJepsen({ nemesis: 'membership', concurrency: 6, quietS: 3, settleS: 120, seed: 11, workload, timeS: 14, ...(log === undefined ? {} : { log }), endpoints: mesh.regions.map((r) => ({ ...r })) });
      serving[workload] = { regions: mesh.regions.map((r) => r.region), retired: mesh.retiredRegions };
      return run;
    } finally {
      await mesh.stop();
    }
  }

  beforeAll(async () => {
    // us-east-1 and eu-west-1 in each; ap-northeast-1 joins, us-east-1 leaves.
    register = await runOn('register');
    bank = await runOn('bank');
  }, 1_200_000);

  const verdict = (run: RunResult, checker: string) => run.verdicts.find((v) => v.checker === checker);

  it('changed the membership as planned: one region joined and caught up, one left', () => {
    for (const run of [register, bank]) {
      expect(run.windows.map((w) => [w.kind, w.description])).toEqual([['membership', 'add region ap-northeast-1'], ['membership', 'retire region us-east-1']]);
      expect(run.history.filter((o) => o.process === 'nemesis' && o.type === 'info' && o.error !== undefined)).toEqual([]);
    }
    expect(serving).toEqual({
      register: { regions: ['eu-west-1', 'ap-northeast-1'], retired: ['us-east-1'] },
      bank: { regions: ['eu-west-1', 'ap-northeast-1'], retired: ['us-east-1'] },
    });
  });

  it('register: every write the retired region acknowledged is in the regions that remain, which converge', () => {
    // Assess: the final reads are of the regions serving at the end, the new one included.
    expect(register.final?.regions.map((r) => r.region)).toEqual(['eu-west-1', 'ap-northeast-1']);
    const acked = register.history.filter((o) => o.type === 'ok' && o.f === 'write');
    expect(acked.filter((o) => o.region === 'us-east-1').length).toBeGreaterThan(5);
    expect(acked.filter((o) => o.region === 'ap-northeast-1').length).toBeGreaterThan(5);
    expect(verdict(register, 'lost-writes')?.valid).toBe(true);
    expect((verdict(register, 'lost-writes')?.details as LostWritesDetails).lost).toEqual([]);
    expect(verdict(register, 'convergence')?.valid).toBe(true);
    expect(register.ok).toBe(true);
  });

  it('bank: balances agree in the remaining regions and are conserved; nothing lost', () => {
    expect(bank.final?.regions.map((r) => r.region)).toEqual(['eu-west-1', 'ap-northeast-1']);
    expect(bank.history.some((o) => o.type === 'ok' && o.region === 'us-east-1' && (o.f === 'deposit' || o.f === 'withdraw'))).toBe(true);
    expect(bank.history.some((o) => o.type === 'ok' && o.region === 'ap-northeast-1' && (o.f === 'deposit' || o.f === 'withdraw'))).toBe(true);
    expect(verdict(bank, 'bank')?.valid).toBe(true);
    expect(verdict(bank, 'convergence')?.valid).toBe(true);
    expect(verdict(bank, 'lost-writes')?.valid).toBe(true);
    expect(bank.ok).toBe(true);
  });
});
