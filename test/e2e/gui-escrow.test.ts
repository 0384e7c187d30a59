/**
 * The escrow view of the GUI in Debian's headless Chromium against the real local cloud, as a
 * person uses it: open an escrow account, deposit in one region and see its rights there, be
 * refused a withdrawal in another region (with the figures: what it holds, the balance, who holds
 * the rest), transfer rights to it, withdraw there once the transfer has arrived, and read the
 * rebalancing history and the statement. The scheduled rebalancer is off, so every right moves by the page's hand.
 *
 * Screenshots land in $GUI_SHOTS (default /tmp/ecm-gui-e2e).
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mesh } from '../../local/cloud.ts';
import { MeshClient } from '../../shared/client/mesh-client.ts';
import { eventually, openGuiPage, PHONE, SHOTS, startGuiRig, stopGuiRig, unnamedControls } from '../support/gui-browser.ts';

/** Replication and page refreshes on a loaded two-core machine: generous, but a stuck page still fails. */
const SLOW = 90_000;

let mesh: Mesh;
let browser: Browser;
let us: string;
let eu: string;
const pageErrors: string[] = [];
const run = Date.now().toString(36);

beforeAll(async () => {
  // Rebalancer off: the only rights that move are the ones the test transfers.
  ({ mesh, browser } = await startGuiRig({ meshName: `e2eescrow${run}`, repairIntervalMs: 0, rebalanceIntervalMs: 0 }));
  [us, eu] = mesh.regions.map((r) => r.region) as [string, string];
});

afterAll(() => stopGuiRig({ mesh, browser }));

function client(region: string): MeshClient {
  const r = mesh.regions.find((x) => x.region === region);
  if (!r) throw new Error(`no region ${region}`);
  return new MeshClient({ baseUrl: r.url, timeoutMs: 60_000 });
}

/** A region's card in the accounts view. */
function card(page: Page, region: string): Locator {
  return page.locator(`#account-view article.card[data-region="${region}"]`);
}

/** The rights a region's card says `holder` holds. */
function rightsOf(page: Page, region: string, holder: string): Promise<string | null> {
  return card(page, region).locator(`table[data-table="rights"] tr[data-holder="${holder}"] td[data-label="Rights"]`).textContent({ timeout: SLOW });
}

/** Fills the money form and presses one of its buttons. */
async function money(page: Page, action: 'Deposit' | 'Withdraw' | 'Transfer rights', amount: number, region: string, to?: string): Promise<void> {
  const form = page.locator('#money-form');
  await form.getByLabel('Amount (minor units)').fill(String(amount));
  await form.getByLabel('In region', { exact: true }).selectOption(region);
  if (to !== undefined) await form.getByLabel('Transfer rights to region').selectOption(to);
  await form.getByRole('button', { name: action, exact: true }).click();
}

describe('an escrow account in the GUI', () => {
  it('is opened, funded in one region, refused in another with the figures, rebalanced by a transfer, and spent there', { timeout: 420_000 }, async () => {
    // Prepare: the page, on the first region.
    const account = `escrow-${run}`;
    const page = await openGuiPage(browser, `${mesh.regions[0]?.url}/ui/`, pageErrors);

    // Act 1: open the account as escrow in us-east-1 and deposit 100 there.
    await page.getByText('Open a new account (plain or escrow)').click();
    await page.getByLabel('New account', { exact: true }).fill(account);
    await page.getByLabel('Escrow', { exact: true }).check();
    await page.getByLabel('Open in region').selectOption(us);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#create-feedback.ok', { hasText: `Opened escrow account ${account} in ${us}` }).waitFor({ timeout: SLOW });
    await page.locator('#account-mode[data-mode="escrow"]').waitFor({ timeout: SLOW });
    await money(page, 'Deposit', 100, us);
    await page.locator('#money-feedback.ok', { hasText: `Deposited 100 into ${account} in ${us}` }).waitFor({ timeout: SLOW });

    // Assess 1: us-east-1's card is an escrow card holding all the rights, and can spend them.
    await expect.poll(() => rightsOf(page, us, us), { timeout: SLOW }).toBe('100');
    const usCard = card(page, us);
    expect(await usCard.locator('h3 .badge').textContent()).toBe('escrow');
    expect(await usCard.locator('.balance strong').textContent()).toBe('100');
    expect(await usCard.locator('.spendable strong').textContent()).toBe('100');
    expect(await usCard.locator(`tr[data-holder="${us}"] td[data-label="Share"]`).textContent()).toContain('100 %');
    expect(await page.locator('#money-heading').textContent()).toBe('Deposit, withdraw or transfer rights');

    // Act 2: once eu-west-1 has the deposit, withdraw 30 there.
    await expect.poll(() => card(page, eu).locator('.balance strong').textContent({ timeout: SLOW }), { timeout: SLOW }).toBe('100');
    await money(page, 'Withdraw', 30, eu);

    // Assess 2: refused for want of rights, with what eu-west-1 holds, the balance, and where the rights are.
    const refusal = page.locator('#money-feedback.bad', { hasText: 'refused (409 insufficient-rights)' });
    await refusal.waitFor({ timeout: SLOW });
    expect(await refusal.getAttribute('aria-live')).toBe('polite');
    expect(await refusal.textContent()).toContain(`${eu} holds rights to 0 of this escrow account's balance of 100`);
    const facts = page.locator('#money-shortfall');
    await facts.waitFor({ state: 'visible' });
    const pairs = await facts.evaluate((dl) => Array.from(dl.querySelectorAll('dt')).map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]));
    expect(pairs).toEqual(
      expect.arrayContaining([
        ['Asked to withdraw', '30'],
        [`${eu} holds rights to`, '0'],
        ["Balance (sum of every region's rights)", '100'],
        ['Held by other regions', `100 (${us}: 100)`],
      ]),
    );
    expect(await facts.getAttribute('aria-label')).toBe('Why the withdrawal was refused');
    // The refusal asked the peers for rights: the request shows on eu-west-1's card.
    await card(page, eu).locator('.wants', { hasText: `${eu} wants` }).waitFor({ timeout: SLOW });
    await page.screenshot({ path: `${SHOTS}/gui-escrow-refused.png`, fullPage: true });

    // Act 3: transfer 40 of the rights from us-east-1 to eu-west-1, then withdraw 30 in eu-west-1 once they arrived.
    await money(page, 'Transfer rights', 40, us, eu);
    await page.locator('#money-feedback.ok', { hasText: `Transferred 40 of ${account}'s rights from ${us} to ${eu}` }).waitFor({ timeout: SLOW });
    expect(await facts.isHidden()).toBe(true);
    await expect.poll(() => rightsOf(page, eu, eu), { timeout: SLOW }).toBe('40');
    await money(page, 'Withdraw', 30, eu);
    await page.locator('#money-feedback.ok', { hasText: `Withdrew 30 from ${account} in ${eu}` }).waitFor({ timeout: SLOW });

    // Assess 3: every region converges on 70 = 60 (us-east-1) + 10 (eu-west-1), and shows the rebalancing history.
    for (const region of mesh.regions.map((r) => r.region)) {
      await expect.poll(() => card(page, region).locator('.balance strong').textContent({ timeout: SLOW }), { timeout: SLOW }).toBe('70');
      await expect.poll(() => rightsOf(page, region, us), { timeout: SLOW }).toBe('60');
      await expect.poll(() => rightsOf(page, region, eu), { timeout: SLOW }).toBe('10');
    }
    const history = card(page, eu).locator('table[data-table="rebalancing"]');
    await expect.poll(() => history.locator('tbody tr').allTextContents(), { timeout: SLOW }).toEqual([
      expect.stringContaining(`${us} sent 40 to ${eu}`),
      expect.stringContaining(`${eu} asked for`),
    ]);
    expect(await history.locator('caption').textContent()).toBe('Rebalancing (2 entries, newest first)');
    expect(await card(page, eu).locator('.spendable strong').textContent()).toBe('10');
    // The statement: every event in total order, with the balance and the rights after it.
    const statement = card(page, eu).locator('table[data-table="statement"] tbody tr');
    await expect.poll(() => statement.locator('td[data-label="What"]').allTextContents(), { timeout: SLOW }).toEqual([
      `opened in ${us}`,
      `+100 deposited in ${us}`,
      `${eu} asked for 30`,
      `${us} sent 40 to ${eu}`,
      `−30 withdrawn in ${eu}`,
    ]);
    // Each line lists the rights of the regions its event touched: the transfer both, the withdrawal its origin.
    expect(await statement.nth(3).locator('td[data-label="Rights after"]').textContent()).toBe(`${eu} 40 · ${us} 60`);
    expect(await statement.last().locator('td[data-label="Rights after"]').textContent()).toBe(`${eu} 10`);
    expect(await statement.last().locator('td[data-label="Balance"]').textContent()).toBe('70');
    // A transfer beyond eu-west-1's rights is refused the same way, and says it was a transfer.
    await money(page, 'Transfer rights', 50, eu, us);
    await page.locator('#money-feedback.bad', { hasText: 'Transfer refused: Refused (409 insufficient-rights)' }).waitFor({ timeout: SLOW });
    expect(await facts.getAttribute('aria-label')).toBe('Why the transfer was refused');
    expect(await facts.locator('dt').first().textContent()).toBe('Asked to transfer');
    // Each history entry opens its event's trail.
    await history.locator('tbody tr[data-kind="transfer"] button.link').click();
    await page.locator('#trail-graph g.node').first().waitFor({ timeout: SLOW });
    expect(await unnamedControls(page)).toEqual([]);
    await page.locator('#account-view').screenshot({ path: `${SHOTS}/gui-escrow.png` });
    await page.close();

    // The API agrees with what the page showed.
    const summary = await eventually(async () => {
      const s = await client(eu).escrowAccount(account);
      expect(s.rights).toMatchObject({ [us]: 60, [eu]: 10 });
      return s;
    }, SLOW);
    expect(summary.balance).toBe(70);
    expect(pageErrors).toEqual([]);
  });

  it('fits a phone width; a plain account keeps its plain card, and the create form says what each mode choice did, and an id no region holds claims no mode', { timeout: 300_000 }, async () => {
    // Prepare: a plain account made by its first deposit.
    const account = `plain-${run}`;
    await client(us).deposit(account, 5);

    // Act
    const page = await openGuiPage(browser, `${mesh.regions[0]?.url}/ui/#account=${account}`, pageErrors, PHONE);

    // Assess
    await page.locator('#account-mode[data-mode="plain"]').waitFor({ timeout: SLOW });
    const usCard = card(page, us);
    expect(await usCard.locator('h3 .badge').textContent()).toBe('plain');
    expect(await usCard.locator('.balance strong').textContent()).toBe('5');
    expect(await usCard.locator('table.statement').count()).toBe(1);
    expect(await page.locator('#transfer-fields').isHidden()).toBe(true);

    // An id no region holds: no card claims a mode for it.
    await page.evaluate((id) => (window.location.hash = `#account=${id}`), `nobody-${run}`);
    await page.locator('#account-mode[data-mode="none"]').waitFor({ timeout: SLOW });
    await expect.poll(() => page.locator('#account-view h3 .badge').allTextContents(), { timeout: SLOW }).toEqual(['not here yet', 'not here yet', 'not here yet']);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // Choosing plain writes nothing; escrow for an id that is plain here is refused, and says why.
    await page.getByText('Open a new account (plain or escrow)').click();
    await page.getByLabel('New account', { exact: true }).fill(`fresh-${run}`);
    await page.getByLabel('Plain', { exact: true }).check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#create-feedback.note', { hasText: `fresh-${run} is a plain account: its first deposit creates it` }).waitFor({ timeout: SLOW });
    expect((await client(us).accountView(`fresh-${run}`)).modes).toEqual([]);
    await page.getByLabel('New account', { exact: true }).fill(account);
    await page.getByLabel('Escrow', { exact: true }).check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#create-feedback.bad', { hasText: 'Not created: Refused (409 mode-mismatch)' }).waitFor({ timeout: SLOW });
    expect((await client(us).accountView(account)).mode).toBe('plain');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
