import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

// A short Jepsen-style register run on a local mesh that grows and shrinks under it: a region
// joins (and backfills) mid-run and a starting region is retired, while clients write everywhere.
// The bank workload under this nemesis is not run here: on two shared cores its hot accounts
// keep the mesh in contention: with the store fixes, two bank runs on a fresh mesh passed (140 s,
// 130 s) and one register-then-bank pair stalled for over 13 minutes; see jepsen/README.md.
describe('jepsen register run with a region added and one retired mid-run', () => {
  let mesh: Mesh;
  let register: RunResult;

  beforeAll(async () => {
    mesh = await startMesh({ ...meshTestOptions(), regions: ['us-east-1', 'eu-west-1'], basePort: 0, meshName: `jmember${Date.now().toString(36)}`, handlerLogLevel: 'SILENT' });
    // settleS: on a loaded machine the regions take a while to agree after the retirement's rewiring.
    // us-east-1 and eu-west-1; ap-northeast-1 joins, us-east-1 leaves.
    register = await runJepsen({ nemesis: 'membership', concurrency: 6, quietS: 3, settleS: 120, seed: 11, workload: 'register', timeS: 14, endpoints: mesh.regions.map((r) => ({ ...r })) });
  }, 900_000);

  afterAll(async () => {
    await mesh?.stop();
  });

  const verdict = (run: RunResult, checker: string) => run.verdicts.find((v) => v.checker === checker);

  it('changed the membership as planned: one region joined and caught up, one left', () => {
    expect(register.windows.map((w) => [w.kind, w.description])).toEqual([['membership', 'add region ap-northeast-1'], ['membership', 'retire region us-east-1']]);
    expect(register.history.filter((o) => o.process === 'nemesis' && o.type === 'info' && o.error !== undefined)).toEqual([]);
    expect(mesh.regions.map((r) => r.region)).toEqual(['eu-west-1', 'ap-northeast-1']);
    expect(mesh.retiredRegions).toEqual(['us-east-1']);
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
});
