/**
 * Accounts: each region's balance side by side, with its bounced withdrawals and reversed
 * decisions (withdrawals accepted on a balance the merged history cancels), its statement (every
 * deposit and withdrawal in total order, applied or bounced, balance after), and a form to
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
import { formatHlc, shortId } from './format.js';

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
    const answers = await everyRegion(app.regions, async (r) => {
      const [summary, statement] = await Promise.all([api.account(r.url, name), api.accountHistory(r.url, name)]);
      return { ...summary, statement };
    });
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
          statementTable(a.region, a.value.statement),
        ];
    return h('article', { class: 'card', role: 'listitem', 'aria-labelledby': `account-${a.region}-title`, 'data-region': a.region }, title, body);
  }

  /**
   * The region's statement: one row per money event in total order, what the replay did, the
   * balance after. The amount opens the event's trail and shows its stamp as a tooltip (no id or
   * stamp columns: three cards side by side leave room for four).
   */
  function statementTable(region, statement) {
    const lines = statement?.events ?? [];
    if (lines.length === 0) return h('p', { class: 'hint' }, 'Statement: no deposits or withdrawals');
    const num = (c) => (c === 'Amount' || c === 'Balance' ? 'num' : null);
    return h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'data compact statement', 'data-region': region },
        h('caption', {}, `Statement (${lines.length} event${lines.length === 1 ? '' : 's'})`),
        h('thead', {}, h('tr', {}, ['Amount', 'Origin', 'Outcome', 'Balance'].map((c) => h('th', { scope: 'col', class: num(c) }, c)))),
        h(
          'tbody',
          {},
          lines.map((l) =>
            h(
              'tr',
              { class: l.outcome },
              h(
                'td',
                { class: 'num' },
                h(
                  'button',
                  { type: 'button', class: 'link', title: `${l.event.kind} at ${formatHlc(l.event.hlc)} (${l.event.hlc})`, 'aria-label': `Show trail of event ${l.event.id}`, onclick: () => app.openEvent(l.event.id) },
                  `${l.event.kind === 'deposit' ? '+' : '−'}${l.amount}`,
                ),
              ),
              h('td', {}, l.event.origin),
              h('td', {}, l.outcome === 'applied' ? 'applied' : h('span', { class: 'badge bad', title: l.reversed ? 'accepted by its origin, bounced by the merged history' : 'not covered' }, l.reversed ? 'reversed' : 'bounced')),
              h('td', { class: 'num' }, String(l.balanceAfter)),
            ),
          ),
        ),
      ),
    );
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
