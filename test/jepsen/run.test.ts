import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mesh } from '../../local/cloud.ts';
import { startMesh } from '../../local/cloud.ts';
import { meshTestOptions } from '../support/mesh-test-options.ts';
import { runJepsen } from '../../jepsen/runner.ts';
import type { RunResult } from '../../jepsen/runner.ts';
import { writeRun } from '../../jepsen/output.ts';
import { parseJsonLines } from '../../jepsen/history.ts';
import { checkLinearizable } from '../../jepsen/checkers/linearizable.ts';
import type { LinearizabilityDetails } from '../../jepsen/checkers/linearizable.ts';
import type { SessionDetails } from '../../jepsen/checkers/session-guarantees.ts';
import { SESSION_GUARANTEES } from '../../jepsen/checkers/session-guarantees.ts';

// A short Jepsen-style run against a local mesh this test starts (DynamoDB Local included): what
// `npm run jepsen` does, in about 20 s of load, asserting the mesh's two-sided claim.
describe('jepsen run against the local cloud with partitions', () => {
  let mesh: Mesh;
  let out: string;
  let register: RunResult;
  let switching: RunResult;
  let bank: RunResult;

  beforeAll(async () => {
    mesh = await startMesh({ ...meshTestOptions(), basePort: 0, meshName: `jtest${Date.now().toString(36)}` });
    out = await mkdtemp(join(tmpdir(), 'jepsen-run-'));
    const endpoints = mesh.regions.map((r) => ({ region: r.region, url: r.url }));
    const common = { nemesis: 'partition' as const, concurrency: 8, endpoints, quietS: 3, faultMs: 2500, gapMs: 800, seed: 7 };
    register = await runJepsen({ ...common, workload: 'register', timeS: 12 });
    switching = await runJepsen({ ...common, workload: 'register', clients: 'switching', keys: 1, timeS: 8 });
    bank = await runJepsen({ ...common, workload: 'bank', timeS: 8 });
  }, 240_000);

  afterAll(async () => {
    await mesh?.stop();
    if (out) await rm(out, { recursive: true, force: true });
  });

  const verdict = (run: RunResult, checker: string) => run.verdicts.find((v) => v.checker === checker);

  it('register: linearizability is invalid, with a readable counterexample', () => {
    // Assess
    const v = verdict(register, 'linearizable');
    expect(v?.valid).toBe(false);
    const ce = (v?.details as LinearizabilityDetails).counterexample;
    expect(ce?.ops.length).toBeGreaterThanOrEqual(2);
    expect(ce?.text).toContain('have no linearization');
    expect(ce?.why.length).toBeGreaterThan(20);
  });

  it('register: regions converge and no acknowledged write is lost', () => {
    expect(verdict(register, 'convergence')?.valid).toBe(true);
    expect(verdict(register, 'lost-writes')?.valid).toBe(true);
    expect(register.ok).toBe(true);
  });

  it('register: every session guarantee holds for clients bound to one region', () => {
    const checks: Record<string, number> = {};
    for (const checker of SESSION_GUARANTEES) {
      const v = verdict(register, checker);
      expect([checker, v?.valid]).toEqual([checker, true]);
      expect((v?.details as SessionDetails).mode).toBe('bound');
      checks[checker] = (v?.details as SessionDetails).checks;
    }
    console.log(`session checks in the bound register run: ${JSON.stringify(checks)}`);
    // Not vacuous: the run made the checkers judge something. Per guarantee the count depends on how
    // many operations a loaded machine gets through in 12 s (one came to 0 at load 18), so the
    // per-guarantee coverage is asserted on built histories in test/jepsen/checkers instead.
    expect(Object.values(checks).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('register with switching clients: read-your-writes and monotonic reads are violated, as designed, and no promise breaks', () => {
    // Assess: with switching clients, replication lag and partitions make these two show almost at once.
    for (const checker of ['read-your-writes', 'monotonic-reads']) {
      const v = verdict(switching, checker);
      expect([checker, v?.valid, v?.asExpected, v?.breach]).toEqual([checker, false, true, false]);
      expect((v?.details as SessionDetails).mode).toBe('switching');
    }
    expect(switching.ok).toBe(true);
  });

  it('the nemesis cut links during the run', () => {
    // At least one window, each fully recorded. How many fit in 12 s depends on how long the admin
    // calls take on the machine (two fit on a quiet one; a fresh CI clone once fitted one).
    expect(register.windows.length).toBeGreaterThanOrEqual(1);
    expect(register.windows.every((w) => w.end > w.start)).toBe(true);
    expect(register.history.filter((o) => o.process === 'nemesis' && o.type === 'invoke' && o.f === 'start').length).toBe(register.windows.length);
  });

  it('bank: balances agree, never go negative and are conserved; converged, nothing lost', () => {
    expect(verdict(bank, 'bank')?.valid).toBe(true);
    expect(verdict(bank, 'convergence')?.valid).toBe(true);
    expect(verdict(bank, 'lost-writes')?.valid).toBe(true);
    expect(bank.ok).toBe(true);
  });

  it('writes the run folder; the stored history re-checks to the same verdict', async () => {
    // Act
    const files = await writeRun(join(out, 'register'), register);
    const history = parseJsonLines(await readFile(files.history, 'utf8'));
    // Assess
    expect(checkLinearizable(history).valid).toBe(false);
    expect(await readFile(files.edn, 'utf8')).toMatch(/^\{:index 0, :type :invoke, :f :(read|write), :value \["/);
    const html = await readFile(files.report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Counterexample to linearizability');
    expect(html).not.toMatch(/<script|<link |src="http/);
    expect(JSON.parse(await readFile(files.results, 'utf8'))).toMatchObject({
      ok: true,
      verdicts: [{ checker: 'linearizable', valid: 'invalid' }, ...SESSION_GUARANTEES.map((checker) => ({ checker, valid: 'valid' })), { checker: 'convergence', valid: 'valid' }, { checker: 'lost-writes', valid: 'valid' }],
    });
  });
});
