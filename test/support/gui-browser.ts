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
import type { Browser, Page } from 'playwright-core';

/** Launch options of Debian's Chromium for headless tests on a shared, offline machine. */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--no-first-run', '--disable-sync'],
};

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
