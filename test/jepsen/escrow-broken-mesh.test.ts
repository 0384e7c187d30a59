import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../functions/api.ts';
import type { Mesh } from '../../local/cloud.ts';
import { startMesh } from '../../local/cloud.ts';
import { runJepsen } from '../../jepsen/runner.ts';
import type { RunResult } from '../../jepsen/runner.ts';
import { LocalWriter } from '../../shared/app/local-writer.ts';
import type { RegionDeps } from '../../shared/app/wiring.ts';
import { escrowStream } from '../../shared/ports/stream.ts';
import { meshTestOptions } from '../support/mesh-test-options.ts';

/**
 * A deliberately broken escrow region: where its rights cannot cover a withdrawal, it writes the
 * withdrawal anyway and answers 201. It spends rights it does not hold, so the replay bounces
 * what it acknowledged.
 */
/** Withdrawals the broken region wrote against rights it did not hold (the test needs some). */
const overspent: number[] = [];

function spendsRightsItDoesNotHold(region: string, handler: ApiHandler, deps: RegionDeps): ApiHandler {
  const writer = new LocalWriter({ store: deps.store, region, hlc: deps.service.hlc });
  return async (event) => {
    const res = await handler(event);
    const m = /^\/accounts\/([^/]+)\/withdraw$/.exec(event.rawPath);
    if (m === null || typeof res !== 'object' || res.statusCode !== 409) return res;
    const refusal = JSON.parse(String(res.body)) as { error: { code: string; details?: { amount: number } } };
    const d = refusal.error.details;
    if (refusal.error.code !== 'insufficient-rights' || d === undefined) return res;
    const account = decodeURIComponent(m[1] as string);
    const w = await writer.write(escrowStream(account), () => ({ kind: 'escrow-withdraw', key: account, payload: d.amount }));
    overspent.push(d.amount);
    return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: w.events.at(-1), receipt: w.receipts.at(-1), region }) };
  };
}

// Negative control: the escrow workload against a mesh whose eu-west-1 spends rights it does not
// hold. The escrow checker must fail it, or its "valid" on the real mesh would prove nothing.
describe('jepsen escrow run against a region that spends rights it does not hold', () => {
  let mesh: Mesh;
  let run: RunResult;

  beforeAll(async () => {
    mesh = await startMesh({
      ...meshTestOptions(),
      basePort: 0, meshName: `jescrowbroken${Date.now().toString(36)}`, repairIntervalMs: 0,
      // No rebalancing: eu-west-1's rights are only its own deposits, so a withdrawal its rights do
      // not cover cannot be covered later by a transfer stamped before it: each one it writes bounces
      // (its own events are all in its view, and only they lower its rights).
      rebalanceIntervalMs: 0,
      wrap: { api: (region, handler, deps) => (region === 'eu-west-1' ? spendsRightsItDoesNotHold(region, handler, deps) : handler) },
    });
    run = await runJepsen({
      workload: 'escrow', timeS: 15, nemesis: 'partition', concurrency: 6, quietS: 2, settleS: 10, seed: 11, keys: 1,
      endpoints: mesh.regions.map((r) => ({ region: r.region, url: r.url })),
    });
  }, 240_000);

  afterAll(async () => {
    await mesh?.stop();
  });

  it('reports the escrow promise broken: bounced and reversed withdrawals', () => {
    console.log(`broken region wrote ${overspent.length} withdrawal(s) it had no rights for; ${run.history.length} history entries`);
    expect(overspent.length).toBeGreaterThan(0);
    const v = run.verdicts.find((x) => x.checker === 'escrow');
    expect(v?.valid).toBe(false);
    expect(v?.breach).toBe(true);
    expect(v?.explanation).toMatch(/eu-west-1 bounced \d+ debit\(s\)|reversed \d+ acknowledged withdrawal/);
    expect(run.ok).toBe(false);
  });
});
