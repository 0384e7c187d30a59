import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mesh } from '../../local/cloud.ts';
import { startMesh } from '../../local/cloud.ts';
import { meshTestOptions } from '../support/mesh-test-options.ts';
import { runJepsen } from '../../jepsen/runner.ts';
import type { RunResult } from '../../jepsen/runner.ts';

// Negative control: the same run against a deliberately broken mesh, whose eu-west-1 acknowledges
// replicated events and throws them away (and never repairs). The checkers must catch it, or their
// "valid" on the real mesh would prove nothing.
describe('jepsen run against a mesh that silently drops replicated events', () => {
  let mesh: Mesh;
  let run: RunResult;

  beforeAll(async () => {
    mesh = await startMesh({
      ...meshTestOptions(),
      basePort: 0, meshName: `jbroken${Date.now().toString(36)}`, repairIntervalMs: 0,
      wrap: { ingest: (region, handler) => (region === 'eu-west-1' ? async () => ({ batchItemFailures: [] }) : handler) },
    });
    run = await runJepsen({
      workload: 'register', timeS: 5, nemesis: 'none', concurrency: 4, quietS: 2, settleS: 3, seed: 3,
      endpoints: mesh.regions.map((r) => ({ region: r.region, url: r.url })),
    });
  }, 180_000);

  afterAll(async () => {
    await mesh?.stop();
  });

  it('reports lost writes, naming a write acknowledged elsewhere and missing in eu-west-1', () => {
    const v = run.verdicts.find((x) => x.checker === 'lost-writes');
    expect(v?.valid).toBe(false);
    expect(v?.breach).toBe(true);
    expect(v?.explanation).toContain('is not in eu-west-1');
  });

  it('reports divergence, and the run as a broken promise', () => {
    expect(run.verdicts.find((x) => x.checker === 'convergence')?.valid).toBe(false);
    expect(run.ok).toBe(false);
  });
});
