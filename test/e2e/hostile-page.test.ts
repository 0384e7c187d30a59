/**
 * Finding 9 of issue 8, in a real browser: a page from another origin, open while a developer's
 * local mesh runs, can neither write to it nor read it. It tries what a page can do without the
 * user's help: a JSON fetch (preflighted), a `no-cors` text/plain POST and a `text/plain` form
 * POST (both sent without a preflight), and a read of `/status`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMesh, type Mesh } from '../../local/cloud.ts';
import { CHROMIUM } from '../support/gui-browser.ts';
import { call } from '../support/mesh-http.ts';
import { meshTestOptions } from '../support/mesh-test-options.ts';


let mesh: Mesh;
let browser: Browser;
let hostile: Server;
let hostileUrl: string;

/** The attacker's page: every attempt, then a report of what it could observe. */
function hostilePage(target: string): string {
  return `<!doctype html><html><body>
<iframe name="sink"></iframe>
<form id="f" method="POST" enctype="text/plain" target="sink" action="${target}/accounts/victim/deposit">
  <input name='{"amount":5,"pad":"' value='"}'>
</form>
<script>
async function attempt(fn) { try { return await fn(); } catch (e) { return 'blocked: ' + e.message; } }
window.report = (async () => {
  const json = await attempt(async () => (await fetch('${target}/kv/pwned', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":1}' })).status);
  const noCors = await attempt(async () => (await fetch('${target}/accounts/victim/deposit', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"amount":7}' })).type);
  const read = await attempt(async () => (await fetch('${target}/status')).status);
  document.getElementById('f').submit();
  await new Promise((r) => setTimeout(r, 1500));
  return { json, noCors, read };
})();
</script></body></html>`;
}

beforeAll(async () => {
  mesh = await startMesh({ ...meshTestOptions(), regions: ['us-east-1'], basePort: 0, meshName: `e2ehostile${Date.now().toString(36)}`, repairIntervalMs: 0 });
  const target = mesh.regions[0]?.url ?? '';
  hostile = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(hostilePage(target));
  });
  await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
  // Another origin: another port on the same host is already another origin, and another site too.
  hostileUrl = `http://localhost:${(hostile.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ ...CHROMIUM, headless: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => hostile?.close(r));
  await mesh?.stop();
});

describe('a web page from another origin', () => {
  it('stores nothing in the local mesh and reads nothing from it', async () => {
    // Prepare
    const url = mesh.regions[0]?.url ?? '';
    const before = await call(url, 'GET', '/status');
    const page = await browser.newPage();

    // Act
    await page.goto(hostileUrl);
    const report = (await page.evaluate('window.report')) as Record<string, unknown>;
    await page.close();

    // Assess
    const after = await call(url, 'GET', '/status');
    expect(report['json']).toMatch(/^blocked/);
    expect(report['read']).toMatch(/^blocked/);
    expect(after.body.events).toBe(before.body.events);
    expect(after.body.digest).toEqual(before.body.digest);
    expect((await call(url, 'GET', '/accounts/victim')).body.balance).toBe(0);
    expect((await call(url, 'GET', '/kv/pwned')).status).toBe(404);
  });
});
