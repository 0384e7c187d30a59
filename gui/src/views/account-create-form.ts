/**
 * Opening a new account, with its mode chosen once and for all: plain (every region accepts what
 * its own view covers; a withdrawal may be reversed later) or escrow (never reversed; each region
 * spends only its own rights). An escrow account is opened by an `escrow-open` written in the
 * region chosen; a plain one by its first deposit, so choosing plain writes nothing and the
 * region only checks the id is not an escrow account. Either way the account opens below.
 *
 * @example
 * ```ts
 * import { createAccountForm } from './account-create-form.ts';
 * createAccountForm(document.querySelector('#account-create-panel')!, app);
 * ```
 */
import type { App } from '../app.ts';
import { busy, feedback, h } from '../dom.ts';
import { describeFailure } from '../failure.ts';
import { shortId } from '../format.ts';

/** The API's account ids (as the "Show account" field checks them). */
const ACCOUNT_PATTERN = '[A-Za-z0-9._:~@+\\-]{1,256}';

/** The form's handle. */
export interface AccountForm {
  /** Lists the regions to open in, once the page has found them (the form is built before). */
  follow(): void;
}

/**
 * Builds the form into `root`.
 *
 * @example
 * ```ts
 * const form = createAccountForm(panel, app); // a form: account, mode (plain / escrow), region, "Create account"
 * form.follow(); // after the regions are known
 * ```
 */
export function createAccountForm(root: HTMLElement, app: App): AccountForm {
  const fb = feedback('create-feedback');
  const name = h('input', { id: 'create-account-input', name: 'account', type: 'text', required: true, autocomplete: 'off', spellcheck: 'false', pattern: ACCOUNT_PATTERN, title: 'letters, digits and . _ : ~ @ + - (up to 256)' });
  const region = h('select', { id: 'create-region', name: 'region' });
  const choice = (mode: 'plain' | 'escrow', label: string, hint: string, checked: boolean): HTMLElement =>
    h(
      'div',
      { class: 'check' },
      h('input', { type: 'radio', id: `create-mode-${mode}`, name: 'mode', value: mode, checked, 'aria-describedby': `create-mode-${mode}-hint` }),
      h('label', { for: `create-mode-${mode}` }, label),
      h('span', { class: 'hint', id: `create-mode-${mode}-hint` }, hint),
    );
  const form = h(
    'form',
    { id: 'account-create-form', 'aria-label': 'Open a new account' },
    h('label', { for: 'create-account-input' }, 'New account'),
    name,
    h(
      'fieldset',
      {},
      h('legend', {}, 'Mode (fixed for the account\'s life)'),
      choice('escrow', 'Escrow', 'never reversed: each region spends only the rights it holds, and may have to ask for more', true),
      choice('plain', 'Plain', 'always accepted where the region\'s view covers it; may be reversed once concurrent withdrawals merge', false),
    ),
    h('label', { for: 'create-region' }, 'Open in region'),
    region,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create account')),
    fb.el,
  );
  // Folded by default: most visits read accounts; the form is one click away.
  root.append(h('details', { id: 'account-create', class: 'panel' }, h('summary', {}, 'Open a new account (plain or escrow)'), form));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    fb.clear();
    const account = name.value.trim();
    const mode = (form.querySelector('input[name="mode"]:checked') as HTMLInputElement | null)?.value === 'plain' ? 'plain' : 'escrow';
    const client = app.client(region.value);
    if (client === undefined) return fb.fail(`No URL known for ${region.value}.`);
    if (account === '' || !name.checkValidity()) return fb.fail('The account id must be 1 to 256 letters, digits or . _ : ~ @ + -');
    void busy((e as SubmitEvent).submitter as HTMLButtonElement | null, async () => {
      try {
        const answer = await client.createAccount(account, mode);
        name.value = '';
        if (answer.created) fb.ok(`Opened escrow account ${account} in ${region.value} (event ${shortId(answer.event.id)}); its rights start in the region of each deposit.`);
        else if (answer.account.mode === 'escrow') fb.note(`${account} is already an escrow account in ${answer.region}: nothing was written.`);
        else fb.note(`${account} is a plain account: its first deposit creates it, so nothing was written yet.`);
        app.openAccount(account);
      } catch (error) {
        fb.fail(`Not created: ${describeFailure(error).text}`);
      }
    });
  });
  return {
    follow() {
      if (region.options.length === 0) for (const r of app.regions) region.append(h('option', { value: r.region }, r.region));
    },
  };
}
