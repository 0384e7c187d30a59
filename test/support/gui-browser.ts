/**
 * What the browser tests share: how they launch Debian's Chromium (never a downloaded browser),
 * polling until a check passes (never a fixed sleep), opening the GUI while collecting page
 * errors, and listing controls without an accessible name.
 *
 * @example
 * ```ts
 * import { CHROMIUM, eventually, openGuiPage } from '../support/gui-browser.ts';
 * const browser = await chromium.launch({ ...CHROMIUM, headless: true });
 * const page = await openGuiPage(browser, `${mesh.regions[0]?.url}/ui/#account=alice`, errors);
 * await eventually(async () => expect((await client.account('alice')).balance).toBe(100));
 * ```
 */
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { buildGui } from '../../gui/build.ts';
import { startMesh } from '../../local/cloud.ts';
import type { Mesh, MeshOptions } from '../../local/cloud.ts';
import { meshTestOptions } from './mesh-test-options.ts';

/** Launch options of Debian's Chromium for headless tests on a shared, offline machine. */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--no-first-run', '--disable-sync'],
};

/** Where the browser tests put their screenshots (the README's come from such a run). */
export const SHOTS = process.env['GUI_SHOTS'] ?? '/tmp/ecm-gui-e2e';

/** A local mesh serving a freshly built GUI, and a browser to look at it with. */
export interface GuiRig {
  readonly mesh: Mesh;
  readonly browser: Browser;
}

/**
 * Builds the GUI, starts a local mesh on free ports (the test's options over the environment's
 * endpoints) and launches Chromium; {@link stopGuiRig} stops both.
 *
 * @example
 * ```ts
 * const { mesh, browser } = await startGuiRig({ meshName: `e2e${run}`, repairIntervalMs: 0 });
 * ```
 */
export async function startGuiRig(options: MeshOptions): Promise<GuiRig> {
  await buildGui();
  const mesh = await startMesh({ ...meshTestOptions(), basePort: 0, ...options });
  try {
    const browser = await chromium.launch({ ...CHROMIUM, headless: true });
    mkdirSync(SHOTS, { recursive: true });
    return { mesh, browser };
  } catch (error) {
    await mesh.stop();
    throw error;
  }
}

/**
 * Closes the browser and stops the mesh (Java included), whichever of them started.
 *
 * @example
 * ```ts
 * afterAll(() => stopGuiRig(rig));
 * ```
 */
export async function stopGuiRig(rig: Partial<GuiRig> | undefined): Promise<void> {
  await rig?.browser?.close();
  await rig?.mesh?.stop();
}

/** The widths the GUI is tested at. */
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/**
 * Polls `check` until it stops throwing, or rethrows its last error after `timeoutMs`.
 *
 * @example
 * ```ts
 * await eventually(async () => expect((await eu.account('alice')).balance).toBe(100), 60_000);
 * ```
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
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

/**
 * Opens the GUI at `url` (a region's `/ui/` with a hash), waits until it has found the regions,
 * and pushes every page error into `errors`.
 *
 * @example
 * ```ts
 * const page = await openGuiPage(browser, `${url}/ui/#account=alice`, errors, PHONE);
 * ```
 */
export async function openGuiPage(browser: Browser, url: string, errors: string[], viewport = DESKTOP): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // Chromium logs every 4xx answer ("Failed to load resource"); a 404 from a region without the
    // key yet, or a refused request, is an answer the page handles, not a page error.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  await page.goto(url);
  await page.locator('#served-by', { hasText: 'Regions:' }).waitFor();
  return page;
}

/**
 * Buttons without an accessible name and form fields without a label, by their outer HTML.
 *
 * @example
 * ```ts
 * expect(await unnamedControls(page)).toEqual([]);
 * ```
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => [
    ...Array.from(document.querySelectorAll('button')).filter((b) => !b.textContent?.trim() && !b.getAttribute('aria-label')).map((b) => b.outerHTML),
    ...Array.from(document.querySelectorAll('input, select, textarea')).filter((f) => (f as HTMLInputElement).labels?.length === 0).map((f) => f.outerHTML),
  ]);
}
