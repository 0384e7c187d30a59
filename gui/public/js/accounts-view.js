/**
 * Accounts: each region's balance side by side, with its bounced withdrawals and reversed
 * decisions (withdrawals accepted on a balance the merged history cancels), and a form to
 * deposit or withdraw in a chosen region.
 *
 * @example
 * ```js
 * import { createAccountsView } from './accounts-view.js';
 * const accounts = createAccountsView(document.querySelector('#accounts-section'), app);
 * await accounts.open('alice');
 * ```
 */
import { api, everyRegion } from './api.js';
import { busy, h, renderIfChanged, replace } from './dom.js';
import { shortId } from './format.js';

/** Wires the account form and answers `{ open(account), refresh() }`. */
export function createAccountsView(root, app) {
  const form = root.querySelector('#account-form');
  const input = root.querySelector('#account-input');
  const view = root.querySelector('#account-view');
  const actions = root.querySelector('#account-actions');
  let account;

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (value) void open(value);
  });

  async function open(name) {
    account = name;
    input.value = name;
    renderActions();
    await refresh();
  }

  async function refresh() {
    if (account === undefined) return;
    const name = account;
    const answers = await everyRegion(app.regions, (r) => api.account(r.url, name));
    if (name !== account) return;
    renderIfChanged(view, { name, answers: answers.map(({ region, ok, value, error }) => ({ region, ok, value, e: error?.message })) }, () =>
      h('div', { class: 'columns', role: 'list', 'aria-label': `Account ${name} in every region` }, answers.map((a) => card(a))),
    );
  }

  function card(a) {
    const title = h('h3', { id: `account-${a.region}-title` }, a.region);
    const body = !a.ok
      ? [h('p', { class: 'warn' }, `Not answering: ${a.error.message}`)]
      : [
          h('p', { class: 'balance' }, h('span', { class: 'label' }, 'Balance '), h('strong', {}, String(a.value.balance))),
          a.value.deposited === undefined ? null : h('p', { class: 'hint' }, `deposited ${a.value.deposited}, withdrawn ${a.value.withdrawn}`),
          list('Bounced withdrawals', a.value.bounced, (b) => `${b.amount} from ${b.event.origin} (balance was ${b.balanceBefore})`, 'bounced'),
          list('Reversed decisions', a.value.reversed, (r) => `${r.amount} accepted by ${r.acceptedBy} on a balance of ${r.viewBalance}; merged balance was ${r.balanceBefore}`, 'reversed'),
        ];
    return h('article', { class: 'card', role: 'listitem', 'aria-labelledby': `account-${a.region}-title`, 'data-region': a.region }, title, body);
  }

  function list(title, items, describe, cls) {
    if (!items || items.length === 0) return h('p', { class: 'hint' }, `${title}: none`);
    return [
      h('h4', {}, `${title} (${items.length})`),
      h('ul', { class: cls }, items.map((item) => h('li', {}, describe(item), ' ', h('button', { type: 'button', class: 'link', 'aria-label': `Show trail of event ${item.event.id}`, onclick: () => app.openEvent(item.event.id) }, shortId(item.event.id))))),
    ];
  }

  function renderActions() {
    actions.hidden = false;
    if (actions.querySelector('#money-form')) return;
    const submit = async (e) => {
      e.preventDefault();
      const kind = e.submitter?.value === 'withdraw' ? 'withdraw' : 'deposit';
      const region = actions.querySelector('#money-region').value;
      const amount = Number(actions.querySelector('#money-amount').value);
      try {
        await busy(e.submitter, () => (kind === 'deposit' ? api.deposit : api.withdraw)(app.urlOf(region), account, amount));
        app.announce(`${kind === 'deposit' ? 'Deposited' : 'Withdrew'} ${amount} ${kind === 'deposit' ? 'into' : 'from'} ${account} in ${region}.`);
      } catch (error) {
        app.fail(`${kind} refused: ${error.message}`);
      }
      await refresh();
    };
    replace(
      actions,
      h(
        'form',
        { id: 'money-form', class: 'panel', onsubmit: submit },
        h('label', { for: 'money-amount' }, 'Amount (minor units)'),
        h('input', { id: 'money-amount', name: 'amount', type: 'number', min: 1, step: 1, required: true }),
        h('label', { for: 'money-region' }, 'In region'),
        h('select', { id: 'money-region', name: 'region' }, app.regions.map((r) => h('option', { value: r.region }, r.region))),
        h(
          'p',
          { class: 'actions' },
          h('button', { type: 'submit', name: 'kind', value: 'deposit' }, 'Deposit'),
          ' ',
          h('button', { type: 'submit', name: 'kind', value: 'withdraw' }, 'Withdraw'),
        ),
      ),
    );
  }

  return { open, refresh };
}
