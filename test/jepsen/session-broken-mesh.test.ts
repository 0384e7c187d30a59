import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mesh } from '../../local/cloud.ts';
import { startMesh } from '../../local/cloud.ts';
import { meshTestOptions } from '../support/mesh-test-options.ts';
import { runJepsen } from '../../jepsen/runner.ts';
import type { RunResult } from '../../jepsen/runner.ts';
import type { SessionDetails } from '../../jepsen/checkers/session-guarantees.ts';
import { SESSION_GUARANTEES } from '../../jepsen/checkers/session-guarantees.ts';
import type { SplitRegion } from './support/split-region.ts';
import { startSplitRegion } from './support/split-region.ts';

// Negative control for the session guarantees: clients bound to one region, but that "region"
// (eu-west-1) answers key requests from its own copy and a lagging copy in turn (ap-southeast-2's,
// which gets eu-west-1's writes only by replication, cut for most of the run). The mesh's promise
// to a bound client is then broken, and all four checkers must say so, or their "valid" on the
// real mesh would prove nothing. The other regions are healthy: the violations must all come
// from the broken region's session.
describe('jepsen run with bound clients of a region that answers from a lagging copy', () => {
  let mesh: Mesh;
  let broken: SplitRegion;
  let run: RunResult;

  beforeAll(async () => {
    mesh = await startMesh({ ...meshTestOptions(), basePort: 0, meshName: `jsplit${Date.now().toString(36)}` });
    const [us, eu, ap] = mesh.regions.map((r) => ({ region: r.region, url: r.url }));
    if (us === undefined || eu === undefined || ap === undefined) throw new Error('expected three regions');
    broken = await startSplitRegion(eu.url, ap.url);
    // The copies are cut apart for most of the load, so the lagging one lags for sure, even on a
    // machine too busy to do many operations.
    const cut = { kind: 'one-way' as const, description: 'cut eu-west-1 ⇄ ap-southeast-2', links: [[eu.region, ap.region], [ap.region, eu.region]] as const };
    run = await runJepsen({
      // One worker per region, so the broken region's one session meets both copies in turn.
      workload: 'register', clients: 'bound', timeS: 15, nemesis: 'one-way', faults: [cut], faultMs: 12_000, gapMs: 500,
      concurrency: 3, keys: 1, quietS: 2, settleS: 20, seed: 5,
      endpoints: [us, { region: eu.region, url: broken.url }, ap],
    });
  }, 180_000);

  afterAll(async () => {
    await broken?.close();
    await mesh?.stop();
  });

  it.each(SESSION_GUARANTEES)('%s is invalid: a promise to bound clients broken', (checker) => {
    // Assess
    const v = run.verdicts.find((x) => x.checker === checker);
    const d = v?.details as SessionDetails;
    expect(v?.valid).toBe(false);
    expect(v?.breach).toBe(true);
    expect(d.mode).toBe('bound');
    expect(d.examples.every((e) => e.session === 1 && e.later.region === 'eu-west-1')).toBe(true);
  });

  it('the mesh itself stays sound: it converges and loses nothing; the run reports a broken promise', () => {
    expect(broken.served.lagging).toBeGreaterThanOrEqual(2);
    expect(run.verdicts.find((x) => x.checker === 'convergence')?.valid).toBe(true);
    expect(run.verdicts.find((x) => x.checker === 'lost-writes')?.valid).toBe(true);
    expect(run.ok).toBe(false);
  });
});

