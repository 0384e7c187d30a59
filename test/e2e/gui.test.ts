/**
 * The GUI in Debian's headless Chromium against the real local cloud (DynamoDB Local, the SQS
 * server, the handlers), as a person uses it: conflicts made in real partitions are merged field
 * by field, kept, or refused; trails are drawn; replication is charted through a partition and a
 * heal; both a desktop and a phone width fit; links into the page open what they name.
 *
 * Screenshots land in $GUI_SHOTS (default /tmp/ecm-gui-e2e); the README's come from such a run.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mesh } from '../../local/cloud.ts';
import { MeshClient } from '../../shared/client/mesh-client.ts';
import type { JsonValue } from '../../shared/domain/types.ts';
import { setEvent } from '../support/factories.ts';
import { DESKTOP, PHONE, SHOTS, eventually, openGuiPage, startGuiRig, stopGuiRig, unnamedControls } from '../support/gui-browser.ts';


let mesh: Mesh;
let browser: Browser;
let clients: Map<string, MeshClient>;
let us: string;
let eu: string;
let ap: string;
const pageErrors: string[] = [];
const run = Date.now().toString(36);

beforeAll(async () => {
  // Repair off: a region that has not received a head keeps not having it until a link heals.
  ({ mesh, browser } = await startGuiRig({ meshName: `e2e${run}`, repairIntervalMs: 0 }));
  // A generous timeout: on a loaded machine a write can take seconds, and a timed-out write is no answer.
  clients = new Map(mesh.regions.map((r) => [r.region, new MeshClient({ baseUrl: r.url, timeoutMs: 60_000 })]));
  [us, eu, ap] = mesh.regions.map((r) => r.region) as [string, string, string];
});

afterAll(() => stopGuiRig({ mesh, browser }));

function client(region: string): MeshClient {
  const c = clients.get(region);
  if (!c) throw new Error(`no region ${region}`);
  return c;
}

/** Switches delivery `from -> to` (enabled = false partitions it). */
async function setLink(from: string, to: string, enabled: boolean): Promise<void> {
  await client(to).setLink(from, to, enabled);
}

async function setBoth(a: string, b: string, enabled: boolean): Promise<void> {
  await setLink(a, b, enabled);
  await setLink(b, a, enabled);
}

async function healAll(): Promise<void> {
  for (const from of [us, eu, ap]) for (const to of [us, eu, ap]) if (from !== to) await setLink(from, to, true);
}

/** Every region answers `count` heads for `key`. */
async function headsEverywhere(key: string, count: number, regions = [us, eu, ap]): Promise<void> {
  await eventually(async () => {
    for (const r of regions) expect((await client(r).get(key)).heads, r).toHaveLength(count);
  });
}

/**
 * A two-head conflict on `key`: `base` replicated everywhere, then `left` written in us-east-1 and
 * `right` in eu-west-1 while they are cut off from each other (and, with `hideRightFrom`, while
 * eu-west-1 cannot deliver into that region either), then their link healed.
 */
async function conflict(key: string, base: JsonValue, left: JsonValue, right: JsonValue, hideRightFrom?: string): Promise<void> {
  await client(us).put(key, base);
  await headsEverywhere(key, 1);
  await setBoth(us, eu, false);
  if (hideRightFrom) await setLink(eu, hideRightFrom, false);
  await client(us).put(key, left);
  await client(eu).put(key, right);
  await setBoth(us, eu, true);
  await headsEverywhere(key, 2, hideRightFrom ? [us, eu] : [us, eu, ap]);
}

/** Opens the GUI on the first region at `hash`, at a width; the page finds the regions itself. */
function openGui(hash = '', viewport = DESKTOP): Promise<Page> {
  return openGuiPage(browser, `${mesh.regions[0]?.url}/ui/${hash}`, pageErrors, viewport);
}

/** A customer profile, long enough that a card that cut values off would hide the difference. */
const PROFILE = {
  name: 'Ann Berg',
  email: 'ann.berg@example.com',
  address: { street: 'Strandkaien 12', city: 'Bergen', postcode: '5013', country: 'NO' },
  tags: ['gold', 'newsletter'],
  note: 'Prefers delivery before noon; call ahead at the gate.',
};
/** Moved house and changed e-mail (in us-east-1), and a new name. */
const MOVED = { ...PROFILE, name: 'Ann Berg-Olsen', email: 'ann.olsen@example.com', address: { ...PROFILE.address, street: 'Nedre Ole Bulls plass 3', postcode: '5012' } };
/** A new delivery note and a tag (in eu-west-1), and another new name. */
const NOTED = { ...PROFILE, name: 'Ann B. Olsen', tags: ['gold', 'newsletter', 'vip'], note: 'Prefers delivery before noon; leave parcels with the concierge on the ground floor.' };

describe('resolving conflicts in the GUI', () => {
  it('merges a two-head JSON conflict field by field against the common ancestor, and the conflict ends in every region', async () => {
    // Prepare
    const key = `customer-${run}`;
    await conflict(key, PROFILE, MOVED, NOTED);

    // Act: open the key by a link, pick the conflicting field, resolve where every head is seen.
    const page = await openGui(`#key=${key}`);
    const table = page.locator('#merge-table');
    await table.waitFor({ timeout: 20_000 });
    const rows = table.locator('tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-field'), tr.className]))).toEqual([
      ['name', 'conflict'],
      ['email', 'taken'],
      ['address.street', 'taken'],
      ['address.postcode', 'taken'],
      ['tags', 'taken'],
      ['note', 'taken'],
    ]);
    await expect.poll(() => page.locator('#resolve-region').inputValue()).not.toBe('');
    await page.locator('#merge-panel').screenshot({ path: `${SHOTS}/gui-merge-editor.png` });
    await table.locator('tr[data-field="name"]').getByRole('radio', { name: /A · us-east-1/ }).check();
    const expected = { ...PROFILE, name: MOVED.name, email: MOVED.email, address: MOVED.address, tags: NOTED.tags, note: NOTED.note };
    expect(JSON.parse(await page.locator('#resolve-value').inputValue())).toEqual(expected);
    expect(await page.locator('#resolve-plan').textContent()).toContain('sees every head');
    await page.getByRole('button', { name: 'Resolve with this value' }).click();
    await page.locator('#resolve-feedback.ok', { hasText: `Resolved ${key}` }).waitFor({ timeout: 15_000 });

    // Assess: every region holds the merged value with one head, a resolve, and lists no conflict.
    for (const region of [us, eu, ap]) {
      await eventually(async () => {
        const view = await client(region).get(key);
        expect(view.heads, region).toHaveLength(1);
        expect(view.value).toEqual(expected);
        expect(view.winner.kind).toBe('resolve');
      });
      expect((await client(region).conflicts()).conflicts.map((c) => c.key)).not.toContain(key);
    }
    await page.locator('#resolver').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await unnamedControls(page)).toEqual([]);
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('keeps one head as it is in one click, with a word diff of plain values', async () => {
    // Prepare
    const key = `door-${run}`;
    await conflict(key, 'the red door on the left', 'the blue door on the left', 'the red door on the right');

    // Act
    const page = await openGui(`#key=${key}`);
    const row = page.locator('#merge-table tr[data-field="(whole value)"]');
    await row.waitFor({ timeout: 20_000 });
    const diffs = await row.locator('.diff').evaluateAll((els) => els.map((el) => [Array.from(el.querySelectorAll('del')).map((d) => d.textContent), Array.from(el.querySelectorAll('ins')).map((i) => i.textContent)]));
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/kv/${key}/resolve`));
    await page.getByRole('button', { name: `Keep head B (from ${eu}) as it is` }).click();
    await page.locator('#resolve-feedback.ok', { hasText: 'Kept head B' }).waitFor({ timeout: 15_000 });
    // By the version the region showed: it covers every head there, those beyond a page too.
    const body = (await sent).postDataJSON() as { value: unknown; version?: unknown; heads?: unknown };

    // Assess
    expect(diffs).toEqual([
      [['red'], ['blue']],
      [['left'], ['right']],
    ]);
    expect(body).toEqual({ value: 'the red door on the right', version: expect.any(Number) });
    for (const region of [us, eu, ap]) {
      await eventually(async () => {
        const view = await client(region).get(key);
        expect(view.heads, region).toHaveLength(1);
        expect(view.value).toBe('the red door on the right');
      });
    }
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('defaults the resolve to a region that sees every head, and asks before resolving where one is missing', async () => {
    // Prepare: ap-southeast-2 never receives eu-west-1's head (its link from there is cut, repair is off).
    const key = `plan-${run}`;
    await conflict(key, { n: 0 }, { n: 1 }, { n: 2 }, ap);
    const apHistory = async (): Promise<number> => (await client(ap).history(key)).events.length;
    const before = await apHistory();

    // Act
    const page = await openGui(`#key=${key}`);
    await page.locator('#resolver').waitFor({ timeout: 20_000 });
    const defaulted = await page.locator('#resolve-region').inputValue();
    await page.locator('#resolve-region').selectOption(ap);
    const warning = await page.locator('#resolve-plan').textContent();
    await page.getByRole('button', { name: 'Resolve with this value' }).click();
    await page.locator('#confirm-partial').waitFor();
    const afterAsking = await apHistory();
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Assess
    expect([us, eu]).toContain(defaulted);
    expect(warning).toContain(`${ap} does not see 1 head`);
    expect(warning).toMatch(/would leave it in place, and the conflict with it/);
    expect(afterAsking).toBe(before);
    await expect.poll(() => page.locator('#confirm-partial').count()).toBe(0);
    expect(await apHistory()).toBe(before);
    await healAll();
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('refuses invalid JSON where it was typed, stores nothing, and stores it as text when asked', async () => {
    // Prepare
    const key = `city-${run}`;
    await client(us).put(key, { city: 'Oslo' });
    await headsEverywhere(key, 1);
    const page = await openGui(`#key=${key}`);
    await page.locator('#write-form').waitFor();

    // Act
    await page.getByLabel('Value to write (JSON)').fill('{"city": Bergen}');
    await page.getByRole('button', { name: 'Write value' }).click();
    const feedback = await page.locator('#write-feedback').textContent();
    const inline = await page.locator('#write-value-error').textContent();
    const invalid = await page.locator('#write-value').getAttribute('aria-invalid');
    const historyAfterRefusal = (await client(us).history(key)).events.length;
    await page.getByLabel('Store as text (a JSON string of exactly what is typed)').first().check();
    await page.getByRole('button', { name: 'Write value' }).click();
    await page.locator('#write-feedback.ok').waitFor({ timeout: 15_000 });

    // Assess
    expect(feedback).toContain('Not written: the value is not valid JSON');
    expect(inline).toContain('Not valid JSON at line 1, column 10');
    expect(invalid).toBe('true');
    expect(historyAfterRefusal).toBe(1);
    expect((await client(us).get(key)).value).toBe('{"city": Bergen}');
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});

describe('seeing trails and replication', () => {
  it('draws the trail of a reversed withdrawal: every hop per region, and the concurrent withdrawal that bounced it', async () => {
    // Prepare: 100 deposited everywhere, then 80 withdrawn on each side of a partition.
    const account = `alice-${run}`;
    await client(us).deposit(account, 100);
    await eventually(async () => expect((await client(eu).account(account)).balance).toBe(100));
    await eventually(async () => expect((await client(ap).account(account)).balance).toBe(100));
    await setBoth(us, eu, false);
    const first = (await client(us).withdraw(account, 80)).event;
    const second = (await client(eu).withdraw(account, 80)).event;
    await setBoth(us, eu, true);
    for (const region of [us, eu, ap]) await eventually(async () => expect((await client(region).account(account)).bounced).toHaveLength(1));
    const bounced = (await client(us).account(account)).bounced[0]?.event.id;
    const cause = bounced === first.id ? second.id : first.id;

    // Act
    const page = await openGui(`#event=${bounced}&account=${account}`);
    const graph = page.locator('#trail-graph');
    await expect.poll(() => graph.locator('g.node').count(), { timeout: 20_000 }).toBe(3);
    await expect.poll(() => graph.locator('text[data-hop]', { hasText: 'not here' }).count(), { timeout: 20_000 }).toBe(0);

    // Assess: the deposit, the bounced withdrawal (this event) and its concurrent sibling that bounced it.
    expect(await graph.locator('g.node.selected').getAttribute('data-id')).toBe(bounced);
    expect(await graph.locator('g.node.sibling').getAttribute('data-id')).toBe(cause);
    expect(await graph.locator('g.node.selected text[data-outcome]').getAttribute('data-outcome')).toBe('reversed');
    expect(await graph.locator(`path.edge.bounce[data-edge="${cause}->${bounced}"]`).count()).toBe(1);
    // Every node shows a hop to every region; the ones that are not its origin with a lag.
    for (const node of await graph.locator('g.node').all()) {
      const hops = await node.locator('text[data-hop]').allTextContents();
      expect(hops).toHaveLength(3);
      expect(hops.filter((t) => t.includes('origin'))).toHaveLength(1);
      expect(hops.filter((t) => /\+\d/.test(t))).toHaveLength(2);
    }
    expect(await page.locator('#money-outcome').textContent()).toContain(`Applied before it, concurrently (its origin had not seen it): ${cause.slice(0, 12)}`);
    await expect.poll(() => page.locator('#account-view article.card', { hasText: `bounced by 80 from` }).count(), { timeout: 15_000 }).toBe(3);
    await page.locator('#trail-section').screenshot({ path: `${SHOTS}/gui-trail-graph.png` });

    // A refused withdrawal is reported beside its button, in view, replacing the last message.
    await page.getByLabel('Amount (minor units)').fill('1000');
    await page.getByRole('button', { name: 'Withdraw', exact: true }).click();
    const refusal = page.locator('#money-feedback.bad', { hasText: 'refused (409 insufficient-funds)' });
    await refusal.waitFor({ timeout: 15_000 });
    expect(await refusal.getAttribute('aria-live')).toBe('polite');
    expect(await refusal.evaluate((el) => el.getBoundingClientRect().top >= 0 && el.getBoundingClientRect().bottom <= window.innerHeight)).toBe(true);
    await page.getByLabel('Amount (minor units)').fill('5');
    await page.getByRole('button', { name: 'Deposit', exact: true }).click();
    await page.locator('#money-feedback.ok', { hasText: 'Deposited 5' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#money-feedback').textContent()).not.toContain('refused');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('charts a link through a partition, and the region returns to "in sync" after the heal', async () => {
    // Prepare
    const page = await openGui();
    const state = page.locator(`#region-state-${eu}`);
    await state.waitFor({ timeout: 20_000 });
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 20_000 }).toBe('in-sync');
    const link = page.locator(`tr[data-link="${us}->${eu}"]`);

    // Act: cut delivery into eu-west-1 from us-east-1 and write there, then heal from the GUI.
    await page.getByRole('button', { name: `Partition ${us} to ${eu}` }).click();
    await page.locator(`#link-feedback-${us}-${eu}`, { hasText: 'partitioned' }).waitFor({ timeout: 15_000 });
    for (let i = 0; i < 4; i++) await client(us).put(`lag-${run}-${i}`, i);
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 20_000 }).toBe('partitioned');
    await expect.poll(async () => Number(await link.locator('[data-now]').first().textContent()), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(4500);
    const during = await state.textContent();
    const badgeDuring = await link.locator('[data-sync]').getAttribute('data-sync');
    await page.locator('#replication-section').screenshot({ path: `${SHOTS}/gui-replication.png` });
    await page.getByRole('button', { name: `Heal ${us} to ${eu}` }).click();

    // Assess
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 30_000 }).toBe('in-sync');
    await expect.poll(() => link.locator('[data-now]').nth(1).textContent(), { timeout: 30_000 }).toBe('0 ms');
    expect(during).toContain(`partitioned from ${us}`);
    // How far behind, from the API's staleMs: it grows from the cut while events wait.
    expect(during).toMatch(/\d+ events? queued, up to [\d.]+ (ms|s|min)[\d s]* behind\); repair still active through /);
    expect(badgeDuring).toBe('partitioned');
    await expect.poll(() => link.locator('[data-sync]').getAttribute('data-sync'), { timeout: 30_000 }).toBe('in-sync');
    const charted = await link.locator('svg.spark path.line').evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? ''));
    // Both charts drew the rise and the fall: a point above the bottom (0) line, and the newest back on it.
    for (const d of charted) {
      const ys = Array.from(d.matchAll(/[ML][\d.]+,([\d.]+)/g)).map((m) => Number(m[1]));
      expect(Math.min(...ys)).toBeLessThan(32);
      expect(ys.at(-1)).toBe(32);
    }
    await page.waitForTimeout(2500);
    await page.locator('#replication-section').screenshot({ path: `${SHOTS}/gui-replication-healed.png` });
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});

describe('the page itself', () => {
  it('fits 1280 px and 390 px with no horizontal scroll, with touch-size buttons on the phone', async () => {
    // Prepare: a long-valued conflict, a trail and an account open at once.
    const key = `wide-${run}`;
    await conflict(key, PROFILE, MOVED, NOTED);
    const event = (await client(us).get(key)).heads[0]?.id ?? '';
    const account = `alice-${run}`;
    for (const viewport of [DESKTOP, PHONE]) {
      // Act
      const page = await openGui(`#key=${key}&event=${event}&account=${account}`, viewport);
      await page.locator('#merge-table').waitFor({ timeout: 20_000 });
      await page.locator('#trail-graph').waitFor({ timeout: 20_000 });
      await page.locator('#account-view article.card').first().waitFor({ timeout: 20_000 });
      await page.waitForTimeout(2500);

      // Assess
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth, `${viewport.width} px`).toBeLessThanOrEqual(innerWidth);
      if (viewport === PHONE) {
        const small = await page.evaluate(() =>
          Array.from(document.querySelectorAll('button'))
            .filter((b) => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
            .map((b) => `${b.textContent}: ${b.getBoundingClientRect().height}px`),
        );
        expect(small).toEqual([]);
      }
      await page.screenshot({ path: `${SHOTS}/fit-${viewport.width}.png`, fullPage: true });
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it('opens what the URL names, follows changes to it, keeps the open views in it, resets forms per key, and finds keys by prefix', async () => {
    // Prepare
    const one = `link-a-${run}`;
    const two = `link-b-${run}`;
    await client(us).put(one, 1);
    await client(us).put(two, 2);
    await headsEverywhere(two, 1);
    const page = await openGui(`#key=${one}`);
    const cards = page.locator('#key-view article.card');

    // Act and assess: the first key, from the URL.
    await expect.poll(() => cards.filter({ hasText: 'One head' }).count(), { timeout: 15_000 }).toBe(3);
    expect(await page.locator('#key-input').inputValue()).toBe(one);
    await page.getByLabel('Value to write (JSON)').fill('"half typed"');

    // A changed URL opens the other key, with an empty form.
    await page.evaluate((k) => (window.location.hash = `#key=${k}`), two);
    await expect.poll(() => page.locator('#key-input').inputValue(), { timeout: 15_000 }).toBe(two);
    await expect.poll(() => page.locator('#key-view pre.json').allTextContents(), { timeout: 15_000 }).toEqual(['2', '2', '2']);
    expect(await page.getByLabel('Value to write (JSON)').inputValue()).toBe('');

    // Opening an account from the form keeps the key in the URL beside it.
    await page.getByRole('textbox', { name: 'Account', exact: true }).fill(`bob-${run}`);
    await page.getByRole('button', { name: 'Show account' }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#key=${two}&account=bob-${run}`);

    // Keys are found by prefix, from every region's listing.
    await page.getByLabel('Find keys starting with').fill('link-');
    await page.getByRole('button', { name: 'List keys' }).click();
    await expect.poll(() => page.locator('#key-list').getByRole('button', { name: /^Open key link-/ }).allTextContents(), { timeout: 15_000 }).toEqual(expect.arrayContaining([one, two]));

    // A key the API refuses is shown as refused (400), not as a region that does not answer.
    await page.evaluate(() => (window.location.hash = '#key=no%20spaces%20allowed'));
    const refused = page.locator('#key-view article.card', { hasText: 'Refused (400' });
    await expect.poll(() => refused.count(), { timeout: 15_000 }).toBe(3);
    expect(await page.locator('#key-view').textContent()).not.toContain('Not answering');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('asks before deleting, keeps the focus through refreshes, and has a skip link', async () => {
    // Prepare
    const key = `del-${run}`;
    await client(us).put(key, 'keep me?');
    await headsEverywhere(key, 1);
    const page = await openGui(`#key=${key}`);
    await page.locator('#write-form').waitFor();

    // Act and assess: Delete only asks; Cancel keeps the key; confirming deletes it.
    await page.getByRole('button', { name: 'Delete key…' }).click();
    await page.locator('#delete-confirm').waitFor();
    expect((await client(us).get(key)).deleted).toBe(false);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('#delete-confirm').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Delete key…' }).click();
    await page.getByRole('button', { name: `Delete ${key}` }).click();
    await page.locator('#write-feedback.ok', { hasText: `Deleted ${key}` }).waitFor({ timeout: 15_000 });
    expect((await client(us).get(key)).deleted).toBe(true);

    // Focus on a control without an id survives refreshes that re-render its panel.
    const target = page.locator('#history-table').getByRole('button', { name: /Show trail of event/ }).first();
    await target.focus();
    const label = await target.getAttribute('aria-label');
    await client(us).put(key, 'back');
    await expect.poll(() => page.locator('#history-table tbody tr').count(), { timeout: 15_000 }).toBe(3);
    await page.waitForTimeout(4500);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(label);

    await page.close();

    // The first Tab stop of a fresh page skips to the main content.
    const fresh = await openGui();
    await fresh.keyboard.press('Tab');
    expect(await fresh.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    await fresh.keyboard.press('Enter');
    expect(await fresh.evaluate(() => document.activeElement?.id)).toBe('main');
    await fresh.close();
    expect(pageErrors).toEqual([]);
  });
});

/** Tests that first write 100+ events one after another: on a loaded machine that alone can take a minute. */
const LONG_TEST_MS = 300_000;

describe('following the API: pages, contention and refusals', () => {
  it('lists keys and accounts by prefix page by page, with each account\'s balance', async () => {
    // Prepare: 55 keys (the finder reads 50 per page) and two accounts under one prefix.
    const prefix = `pg-${run}-`;
    for (let i = 0; i < 55; i += 11) await Promise.all(Array.from({ length: 11 }, (_, j) => client(us).put(`${prefix}${String(i + j).padStart(2, '0')}`, i + j)));
    await client(us).deposit(`${prefix}alice`, 30);
    await client(us).deposit(`${prefix}bob`, 5);
    const page = await openGui();
    const keys = page.locator('#key-list').getByRole('button', { name: /^Open key / });

    // Act: the first page of every region's listing.
    await page.getByLabel('Find keys starting with').fill(prefix);
    await page.getByRole('button', { name: 'List keys' }).click();
    await expect.poll(() => keys.count(), { timeout: 30_000 }).toBe(50);
    const first = await page.locator('#key-list [role="status"]').textContent();
    await page.getByRole('button', { name: 'More keys' }).click();

    // Assess: the second page follows each region's cursor, and the list is complete.
    await expect.poll(() => keys.count(), { timeout: 30_000 }).toBe(55);
    expect(first).toBe(`50 keys starting with “${prefix}” so far:`);
    expect(await page.locator('#key-list [role="status"]').textContent()).toBe(`55 keys starting with “${prefix}”:`);
    expect(await page.getByRole('button', { name: 'More keys' }).count()).toBe(0);
    await page.getByLabel('Find accounts starting with').fill(prefix);
    await page.getByRole('button', { name: 'List accounts' }).click();
    await expect.poll(() => page.locator('#account-list li').allTextContents(), { timeout: 30_000 }).toEqual([
      expect.stringContaining(`${prefix}alice ${us}: balance 30`),
      expect.stringContaining(`${prefix}bob ${us}: balance 5`),
    ]);
    await page.close();
    expect(pageErrors).toEqual([]);
  }, LONG_TEST_MS);

  it('reads a long history newest first, and older events when asked', async () => {
    // Prepare: 103 events on one key (a history page holds 100).
    const key = `long-${run}`;
    for (let i = 0; i < 103; i++) await client(us).put(key, i);
    await eventually(async () => expect((await client(ap).get(key)).value).toBe(102));
    const page = await openGui(`#key=${key}`);
    const caption = page.locator('#history-table caption');

    // Act
    await expect.poll(() => caption.textContent(), { timeout: 30_000 }).toBe(`History of ${key}: the newest 100 events in total order`);
    const newest = await page.locator('#history-table tbody tr').last().textContent();
    await page.getByRole('button', { name: 'Show older events' }).click();

    // Assess: the newest events come first; the oldest three only once asked for.
    await expect.poll(() => caption.textContent(), { timeout: 30_000 }).toBe(`History of ${key}: 103 events in total order`);
    expect(newest).toContain('102');
    expect(await page.locator('#history-table tbody tr').count()).toBe(103);
    expect(await page.getByRole('button', { name: 'Show older events' }).count()).toBe(0);
    await page.close();
    expect(pageErrors).toEqual([]);
  }, LONG_TEST_MS);

  it('reads a long statement page by page, from the first event on', async () => {
    // Prepare: 101 deposits on one account (a statement page holds 100).
    const account = `saver-${run}`;
    for (let i = 0; i < 101; i++) await client(us).deposit(account, 1);
    await eventually(async () => expect((await client(eu).account(account)).balance).toBe(101));
    const page = await openGui(`#account=${account}`);
    const caption = page.locator(`#account-view table[data-region="${us}"] caption`);

    // Act
    await expect.poll(() => caption.textContent(), { timeout: 30_000 }).toBe('Statement: the first 100 events');
    await page.locator(`#statement-more-${us}`).click();

    // Assess: the balance is the account's all along; the statement is whole once asked for.
    await expect.poll(() => caption.textContent(), { timeout: 30_000 }).toBe('Statement (101 events)');
    expect(await page.locator(`#account-view article[data-region="${us}"] .balance strong`).textContent()).toBe('101');
    await page.close();
    expect(pageErrors).toEqual([]);
  }, LONG_TEST_MS);

  it('reads the conflicts page by page ("Show more conflicts"), counting each region\'s heads', async () => {
    // Prepare: 21 keys in conflict (a conflicts page holds 20), named to sort before every other key.
    const keys = Array.from({ length: 21 }, (_, i) => `0c-${run}-${String(i).padStart(2, '0')}`);
    await setBoth(us, eu, false);
    for (const k of keys) await Promise.all([client(us).put(k, `us ${k}`), client(eu).put(k, `eu ${k}`)]);
    await setBoth(us, eu, true);
    await eventually(async () => {
      for (const r of [us, eu, ap]) expect((await client(r).conflicts()).conflicts.filter((c) => c.key.startsWith(`0c-${run}`)), r).toHaveLength(21);
    });
    const page = await openGui();
    const mine = page.locator(`#conflicts-table tr[data-key^="0c-${run}"]`);

    // Act
    await expect.poll(() => mine.count(), { timeout: 30_000 }).toBe(20);
    const caption = await page.locator('#conflicts-table caption').textContent();
    const counts = await mine.first().locator('td').first().textContent();
    await page.locator('#conflicts-more').click();

    // Assess
    await expect.poll(() => mine.count(), { timeout: 30_000 }).toBe(21);
    expect(caption).toBe('20 keys in conflict so far');
    expect(counts).toBe(`${us}: 2 heads${eu}: 2 heads${ap}: 2 heads`);
    // Resolve them, so the later tests see a mesh without these conflicts.
    for (const k of keys) await client(us).resolve(k, 'merged', (await client(us).get(k)).heads);
    await page.close();
    expect(pageErrors).toEqual([]);
  }, LONG_TEST_MS);

  it('says a 503 contended stored nothing and when to try again, beside the write', async () => {
    // Prepare: eu-west-1 answers this key's write with 503 contended and Retry-After, through its
    // own gateway's CORS headers (the page is on us-east-1's origin, so it reads only what they expose).
    const key = `busy-${run}`;
    await client(us).put(key, 1);
    await headsEverywhere(key, 1);
    const euUrl = mesh.regions.find((r) => r.region === eu)?.url ?? '';
    const page = await openGui(`#key=${key}`);
    await page.route(`${euUrl}/kv/${key}`, async (route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      const real = await route.fetch({ url: `${euUrl}/status`, method: 'GET' });
      await route.fulfill({
        status: 503,
        headers: { ...real.headers(), 'content-type': 'application/json', 'retry-after': '2' },
        body: JSON.stringify({ error: { code: 'contended', message: `${key} kept colliding with other writers` } }),
      });
    });
    await page.locator('#write-form').waitFor({ state: 'visible', timeout: 30_000 });

    // Act
    await page.getByLabel('Value to write (JSON)').fill('2');
    await page.locator('#write-region').selectOption(eu);
    await page.locator('#write-button').click();

    // Assess
    await expect.poll(() => page.locator('#write-feedback').textContent(), { timeout: 30_000 }).toContain(
      `Busy (503 contended): ${key} kept colliding with other writers. Nothing was stored; try again in 2.0 s.`,
    );
    expect((await client(eu).get(key)).value).toBe(1);
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('shows what a region refused from its peers (an event on a link whose source is not its origin)', async () => {
    // Prepare: on the us-east-1 -> eu-west-1 queue, an event that claims to come from ap-southeast-2.
    const forged = setEvent(`forged-${run}`, 'not from us-east-1', { origin: ap });
    await mesh.sqsClient(eu).send(
      new SendMessageCommand({
        QueueUrl: mesh.queue(us, eu).url,
        MessageBody: JSON.stringify(forged),
        MessageAttributes: { sender: { DataType: 'String', StringValue: us }, origin: { DataType: 'String', StringValue: ap } },
      }),
    );
    await eventually(async () => expect((await client(eu).status()).refused?.['untrusted-origin'] ?? 0).toBeGreaterThan(0));

    // Act
    const page = await openGui();
    const refused = page.locator(`#region-state-${eu} [data-refused]`);

    // Assess
    await expect.poll(() => refused.textContent(), { timeout: 30_000 }).toMatch(/^refused \d+ events? from peers and repair \(untrusted-origin \d+\)$/);
    expect(await page.locator(`#region-state-${us} [data-refused]`).count()).toBe(0);
    await expect(client(eu).get(`forged-${run}`)).rejects.toMatchObject({ status: 404 });
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
