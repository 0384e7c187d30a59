/**
 * Issue 13 in a real browser: the GUI of a running local mesh shows a region that joins it,
 * catching up with its backfill's progress, then in sync; and lets it go once it is retired.
 * The page is opened before the region exists and is never reloaded.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mesh } from '../../local/cloud.ts';
import { setEvent } from '../support/factories.ts';
import { DESKTOP, SHOTS, startGuiRig, stopGuiRig } from '../support/gui-browser.ts';
import type { GuiRig } from '../support/gui-browser.ts';

const A = 'us-east-1';
const B = 'eu-west-1';
const C = 'ap-northeast-1';
/** Events the mesh holds before C joins: at BACKFILL_RATE events/s, many seconds of catching up to watch. */
const PRELOAD = 300;
const BACKFILL_RATE = 25;

let rig: GuiRig | undefined;
let mesh: Mesh;
let page: Page;

beforeAll(async () => {
  rig = await startGuiRig({ regions: [A, B], meshName: `e2egrow${Date.now().toString(36)}`, repairIntervalMs: 0, rebalanceIntervalMs: 0, handlerLogLevel: 'SILENT' });
  mesh = rig.mesh;
  // Each event in its origin's table as a local write and in the other's as delivered (bulk, as a
  // mesh that has run a while; replicating them through the queues would only take longer).
  const events = Array.from({ length: PRELOAD }, (_, i) => setEvent(`grow-${i}`, i, { origin: i % 2 === 0 ? A : B, counter: i }));
  await Promise.all([A, B].map(async (region) => {
    const arrivals = events.map((event) => ({ event, via: event.origin === region ? { type: 'local' as const } : { type: 'peer' as const, peer: event.origin } }));
    for (let i = 0; i < arrivals.length; i += 100) await mesh.store(region).appendBatch(arrivals.slice(i, i + 100));
  }));
  page = await rig.browser.newPage({ viewport: DESKTOP });
  await page.goto(`${mesh.regions[0]?.url}/ui/`);
  await page.locator('#served-by', { hasText: `Regions: ${A}, ${B}` }).waitFor({ timeout: 60_000 });
}, 180_000);

afterAll(() => stopGuiRig(rig));

describe('the GUI of a mesh that grows and shrinks', () => {
  it('shows a joining region catching up, with its progress, then in sync; and drops it once retired', { timeout: 300_000 }, async () => {
    // Act 1: C joins, backfilling slowly enough to be watched.
    const added = await mesh.addRegion(C, { backfillRate: BACKFILL_RATE });

    // Assess 1: the open page takes it in and says it is catching up, with the copy's progress.
    await page.locator('#served-by', { hasText: `Regions: ${A}, ${B}, ${C}` }).waitFor({ timeout: 30_000 });
    const state = page.locator(`#region-state-${C}`);
    await state.filter({ hasText: `catching up: backfill from ${A}` }).waitFor({ timeout: 60_000 });
    expect(await state.getAttribute('data-state')).toBe('behind');
    expect(await state.textContent()).toMatch(/\d+ % copied \(bucket \d+\/64, \d+ events?\)|copied, anti-entropy running/);
    await page.locator('#replication-section').screenshot({ path: `${SHOTS}/gui-region-catching-up.png` }).catch(() => undefined);
    const report = await added.backfilled;
    expect(report).toMatchObject({ done: true });
    await state.filter({ hasText: 'in sync' }).waitFor({ timeout: 120_000 });
    expect(await state.getAttribute('data-state')).toBe('in-sync');

    // Act 2: C is retired.
    await mesh.removeRegion(C);

    // Assess 2: the page lets it go and keeps showing the others.
    await page.locator('#served-by', { hasText: `Regions: ${A}, ${B}` }).waitFor({ timeout: 30_000 });
    await state.waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator(`#region-state-${A}`).waitFor();
  });
});
