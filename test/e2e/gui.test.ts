/**
 * The GUI in Debian's headless Chromium against the real local cloud (DynamoDB Local, the SQS
 * server, the handlers): a conflict made in a partition shows up in every region, is resolved in
 * the GUI, and is gone in every region. Screenshots land in /tmp for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMesh } from '../../local/cloud.ts';
import { meshTestOptions } from '../support/mesh-test-options.ts';
import type { Mesh } from '../../local/cloud.ts';
import { MeshClient } from '../../shared/client/mesh-client.ts';
import type { KeyView } from '../../shared/client/types.ts';

const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--no-first-run', '--disable-sync'],
};
const SHOTS = '/tmp/ecm-gui-e2e';

let mesh: Mesh;
let browser: Browser;
let clients: Map<string, MeshClient>;
const pageErrors: string[] = [];

beforeAll(async () => {
  mesh = await startMesh({ ...meshTestOptions(), basePort: 0, meshName: `e2e${Date.now().toString(36)}` });
  clients = new Map(mesh.regions.map((r) => [r.region, new MeshClient({ baseUrl: r.url })]));
  browser = await chromium.launch({ ...CHROMIUM, headless: true });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await mesh?.stop();
});

function client(region: string): MeshClient {
  const c = clients.get(region);
  if (!c) throw new Error(`no region ${region}`);
  return c;
}

/** Polls `check` until it stops throwing, or rethrows its last error after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Partitions (enabled = false) or heals both directions between two regions. */
async function setBoth(a: string, b: string, enabled: boolean): Promise<void> {
  await client(b).setLink(a, b, enabled);
  await client(a).setLink(b, a, enabled);
}

/** Opens the GUI on the first region; `withRegions` tells it every region's URL, else it discovers them. */
async function openGui(withRegions = true): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // Chromium logs every 4xx answer ("Failed to load resource"); a 404 from a region that has not
    // received an event yet is an answer the page handles, not a page error.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
  // The mesh runs on free ports: the page is told where every region is, or finds /local/mesh.
  const regions = mesh.regions.map((r) => `${r.region}=${r.url}`).join(',');
  const first = mesh.regions[0];
  if (!first) throw new Error('mesh has no region');
  await page.goto(withRegions ? `${first.url}/ui/?regions=${encodeURIComponent(regions)}` : `${first.url}/ui/`);
  return page;
}

/** Buttons without an accessible name and form fields without a label, by their outer HTML. */
async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => [
    ...Array.from(document.querySelectorAll('button')).filter((b) => !b.textContent?.trim() && !b.getAttribute('aria-label')).map((b) => b.outerHTML),
    ...Array.from(document.querySelectorAll('input, select, textarea')).filter((f) => (f as HTMLInputElement).labels?.length === 0).map((f) => f.outerHTML),
  ]);
}

describe('GUI on the local cloud', () => {
  it('shows a conflict made in a partition, resolves it, and it is gone in every region', async () => {
    // Prepare: a partition between two regions, one write on each side, then heal.
    const [us, eu] = mesh.regions.map((r) => r.region);
    if (!us || !eu) throw new Error('need two regions');
    const key = `colour-${Date.now().toString(36)}`;
    await setBoth(us, eu, false);
    await client(us).put(key, 'red');
    await client(eu).put(key, { shade: 'blue' });
    await setBoth(us, eu, true);
    await eventually(async () => {
      for (const c of clients.values()) {
        const view = await c.get(key);
        expect(view.heads).toHaveLength(2);
      }
    });

    // Act: see the conflict in the GUI, open the key, resolve it there.
    const page = await openGui();
    const row = page.locator('#conflicts-table tbody tr', { hasText: key });
    await row.waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: `Open key ${key}` }).click();
    const cards = page.locator('#key-view article.card');
    await expect.poll(() => cards.filter({ hasText: 'Conflict: 2 heads' }).count(), { timeout: 15_000 }).toBe(mesh.regions.length);
    await page.screenshot({ path: `${SHOTS}/1-conflict.png`, fullPage: true });
    await page.getByLabel('Resolution value (JSON, or plain text)').fill('"green"');
    await page.getByLabel('Resolve in region').selectOption(eu);
    await expect.poll(() => page.locator('#resolve-heads').textContent()).toContain(`Resolves 2 heads seen in ${eu}`);
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await page.getByRole('status').filter({ hasText: `Resolved ${key}` }).waitFor({ timeout: 15_000 });

    // Assess: every region converges on the resolution, with one head, and lists no conflict.
    for (const [region, c] of clients) {
      const view: KeyView = await eventually(async () => {
        const v = await c.get(key);
        expect(v.conflict, region).toBe(false);
        return v;
      });
      expect(view).toMatchObject({ value: 'green', conflict: false, region });
      expect(view.heads).toHaveLength(1);
      expect(view.winner.kind).toBe('resolve');
      expect((await c.conflicts()).conflicts.map((x) => x.key)).not.toContain(key);
    }
    // …and the GUI shows it gone: no conflict row for the key, every card with one head.
    await row.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => cards.filter({ hasText: 'One head' }).count(), { timeout: 15_000 }).toBe(mesh.regions.length);
    await expect.poll(() => page.locator('#history-table tbody tr').count()).toBe(3);
    await page.screenshot({ path: `${SHOTS}/2-resolved.png`, fullPage: true });

    // The resolution's trail: itself and both conflicting writes, received in every region.
    await page.locator('#history-table').getByRole('button', { name: /Show trail of event/ }).last().click();
    const trailRows = page.locator('#trail-table tbody tr');
    await expect.poll(() => trailRows.count(), { timeout: 15_000 }).toBe(3);
    await expect.poll(() => page.locator('#trail-table').getByText('not here').count(), { timeout: 15_000 }).toBe(0);
    await page.locator('#trail-section').screenshot({ path: `${SHOTS}/3-trail.png` });
    expect(await unnamedControls(page)).toEqual([]);
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('finds every region by itself, and partitions and heals a link from its button', async () => {
    // Prepare
    const [us, eu] = mesh.regions.map((r) => r.region);
    if (!us || !eu) throw new Error('need two regions');
    const page = await openGui(false);
    for (const r of mesh.regions) await page.locator('#regions-view tr', { hasText: r.url }).getByText('yes').waitFor({ timeout: 10_000 });
    const linkOf = async () => (await client(eu).status()).links.find((l) => l.from === us && l.to === eu);

    // Act
    await page.getByRole('button', { name: `Partition ${us} to ${eu}` }).click();

    // Assess
    await eventually(async () => expect((await linkOf())?.enabled).toBe(false));
    await page.getByRole('button', { name: `Heal ${us} to ${eu}` }).waitFor({ timeout: 10_000 });
    await page.locator('#regions-section').screenshot({ path: `${SHOTS}/4-partitioned.png` });
    await page.getByRole('button', { name: `Heal ${us} to ${eu}` }).click();
    await eventually(async () => expect((await linkOf())?.enabled).toBe(true));
    await page.getByRole('button', { name: `Partition ${us} to ${eu}` }).waitFor({ timeout: 10_000 });
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('shows the same balance everywhere, with the withdrawal a partition made reversible', async () => {
    // Prepare: 100 deposited and replicated, then 80 withdrawn on each side of a partition.
    const [us, eu] = mesh.regions.map((r) => r.region);
    if (!us || !eu) throw new Error('need two regions');
    const account = `alice-${Date.now().toString(36)}`;
    await client(us).deposit(account, 100);
    await eventually(async () => expect((await client(eu).account(account)).balance).toBe(100));
    await setBoth(us, eu, false);
    await client(us).withdraw(account, 80);
    await client(eu).withdraw(account, 80);
    await setBoth(us, eu, true);
    for (const c of clients.values()) await eventually(async () => expect((await c.account(account)).bounced).toHaveLength(1));

    // Act
    const page = await openGui();
    await page.getByRole('textbox', { name: 'Account' }).fill(account);
    await page.getByRole('button', { name: 'Show account' }).click();

    // Assess: every card shows 20, one bounced withdrawal and one reversed decision.
    const cards = page.locator('#account-view article.card');
    await expect.poll(() => cards.filter({ hasText: /Balance\s*20/ }).count(), { timeout: 15_000 }).toBe(mesh.regions.length);
    await expect.poll(() => cards.filter({ hasText: 'Reversed decisions (1)' }).count()).toBe(mesh.regions.length);
    await expect.poll(() => cards.filter({ hasText: 'Bounced withdrawals (1)' }).count()).toBe(mesh.regions.length);
    // Each card's statement: the deposit, the applied withdrawal, the bounced one, in the same order.
    const statements = page.locator('#account-view table.statement');
    await expect.poll(() => statements.count()).toBe(mesh.regions.length);
    for (const table of await statements.all()) {
      expect(await table.locator('caption').textContent()).toBe('Statement (3 events)');
      const outcomes = await table.locator('tbody tr td:nth-child(3)').allTextContents();
      expect(outcomes).toEqual(['applied', 'applied', 'reversed']);
      expect(await table.locator('tbody tr td:nth-child(4)').allTextContents()).toEqual(['100', '20', '20']);
      expect(await table.locator('tbody tr td:nth-child(1)').allTextContents()).toEqual(['+100', '−80', '−80']);
    }
    await page.locator('#accounts-section').screenshot({ path: `${SHOTS}/5-account.png` });
    expect(await unnamedControls(page)).toEqual([]);
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
