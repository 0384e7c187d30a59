/**
 * Accounts: each region's balance side by side, its bounced withdrawals and reversed decisions
 * (each with the concurrent withdrawal that took the money first), its statement (every deposit
 * and withdrawal in total order, applied or bounced, balance after), and a form to deposit or
 * withdraw in a chosen region, whose outcome appears beside its buttons.
 *
 * @example
 * ```ts
 * import { createAccountsView } from './accounts-view.ts';
 * const accounts = createAccountsView(document.querySelector('#accounts-section')!, app);
 * await accounts.open('alice');
 * ```
 */
import type { AccountHistory, AccountSummary } from '../../../shared/client/types.ts';
import type { App } from '../app.ts';
import { allPages, everyRegion } from '../api.ts';
import type { Answer } from '../api.ts';
import { explainWithdrawal } from '../bounce.ts';
import type { StatementEntry } from '../bounce.ts';
import { busy, feedback, h, renderIfChanged } from '../dom.ts';
import type { Child } from '../dom.ts';
import { describeFailure } from '../failure.ts';
import { formatHlc, plural, shortId } from '../format.ts';
import { dataTable } from './table.ts';

interface RegionAccount {
  readonly summary: AccountSummary;
  readonly statement: readonly AccountHistory['events'][number][];
  /** False when the statement has more pages than were read. */
  readonly complete: boolean;
}

/** Statement pages (100 events each, from the first) read per region; "Show more" adds one. */
const STATEMENT_PAGE = 100;

export interface AccountPanel {
  open(account: string): Promise<void>;
  refresh(): Promise<void>;
  readonly current: () => string | undefined;
}

/** Wires the accounts section. */
export function createAccountsView(root: HTMLElement, app: App): AccountPanel {
  const form = root.querySelector('#account-form') as HTMLFormElement;
  const input = root.querySelector('#account-input') as HTMLInputElement;
  const view = root.querySelector('#account-view') as HTMLElement;
  const money = createMoneyForm(root.querySelector('#money-panel') as HTMLElement, app, () => account);
  let account: string | undefined;
  let statementPages = 1;

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (value) app.openAccount(value);
  });

  async function open(name: string): Promise<void> {
    if (name !== account) {
      statementPages = 1;
      money.reset();
      view.replaceChildren();
      delete view.dataset['signature'];
    }
    account = name;
    input.value = name;
    money.show();
    await refresh();
  }

  async function refresh(): Promise<void> {
    if (account === undefined) return;
    const name = account;
    const answers = await everyRegion(app.regions, async (_r, c): Promise<RegionAccount> => {
      const [summary, statement] = await Promise.all([
        c.account(name),
        allPages<AccountHistory['events'][number]>(c, `/accounts/${encodeURIComponent(name)}/history`, 'events', statementPages, STATEMENT_PAGE),
      ]);
      return { summary, statement: statement.items, complete: statement.complete };
    });
    if (name !== account) return;
    renderIfChanged(view, { name, answers: answers.map((a) => (a.ok ? { r: a.region, v: a.value } : { r: a.region, e: describeFailure(a.error).text })) }, () =>
      h('div', { class: 'columns', role: 'list', 'aria-label': `Account ${name} in every region` }, answers.map(card)),
    );
  }

  function card(a: Answer<RegionAccount>): Child {
    const title = h('h3', { id: `account-${a.region}-title` }, a.region);
    const body: Child = !a.ok
      ? h('p', { class: 'warn' }, describeFailure(a.error).text)
      : [
          h('p', { class: 'balance' }, h('span', { class: 'label' }, 'Balance '), h('strong', {}, String(a.value.summary.balance))),
          a.value.summary.deposited === undefined ? null : h('p', { class: 'hint' }, `deposited ${a.value.summary.deposited}, withdrawn ${a.value.summary.withdrawn}`),
          list('Bounced withdrawals', a.value.summary.bounced, (b) => [`${b.amount} from ${b.event.origin} (balance was ${b.balanceBefore})`, causeText(a.value.statement, b.event.id)], 'bounced'),
          list(
            'Reversed decisions',
            a.value.summary.reversed,
            (r) => [`${r.amount} accepted by ${r.acceptedBy} on its own view; merged balance was ${r.balanceBefore}`, causeText(a.value.statement, r.event.id)],
            'reversed',
          ),
          statementTable(a.region, a.value.statement, a.value.complete),
        ];
    return h('article', { class: 'card', role: 'listitem', 'aria-labelledby': `account-${a.region}-title`, 'data-region': a.region }, title, body);
  }

  /** ", bounced by 80 from us-east-1 (abc…)": the concurrent withdrawals applied before it. */
  function causeText(statement: readonly StatementEntry[], id: string): Child {
    const causes = explainWithdrawal(statement, id)?.causes ?? [];
    if (causes.length === 0) return null;
    return [
      '; bounced by ',
      causes.map((c, i) => [i ? ', ' : '', `${c.amount} from ${c.event.origin} `, eventLink(c.event.id)]),
      ' (concurrent: its origin had not seen it)',
    ];
  }

  /**
   * The region's statement: one row per money event in total order, what the replay did, the
   * balance after. The amount opens the event's trail and shows its stamp as a tooltip.
   */
  function statementTable(region: string, lines: RegionAccount['statement'], complete: boolean): Child {
    if (lines.length === 0) return h('p', { class: 'hint' }, 'Statement: no deposits or withdrawals');
    const table = dataTable({
      caption: complete ? `Statement (${plural(lines.length, 'event')})` : `Statement: the first ${plural(lines.length, 'event')}`,
      props: { 'data-region': region },
      className: 'compact statement',
      columns: [{ label: 'Amount', num: true }, { label: 'Origin' }, { label: 'Outcome' }, { label: 'Balance', num: true }],
      rows: lines.map((l) => ({
        props: { class: l.outcome },
        cells: [
          h(
            'button',
            { type: 'button', class: 'link', title: `${l.event.kind} at ${formatHlc(l.event.hlc)} (${l.event.hlc})`, 'aria-label': `Show trail of event ${l.event.id}`, onclick: () => app.openEvent(l.event.id) },
            `${l.event.kind === 'deposit' ? '+' : '−'}${l.amount}`,
          ),
          l.event.origin,
          l.outcome === 'applied' ? 'applied' : h('span', { class: 'badge bad', title: l.reversed ? 'accepted by its origin, bounced by the merged history' : 'not covered' }, l.reversed ? 'reversed' : 'bounced'),
          String(l.balanceAfter),
        ],
      })),
    });
    if (complete) return table;
    const more = h('button', { type: 'button', class: 'secondary', id: `statement-more-${region}`, onclick: () => ((statementPages++), void refresh()) }, 'Show more of the statement');
    return [table, h('p', { class: 'actions' }, more)];
  }

  function list<T extends { event: { id: string } }>(title: string, items: readonly T[], describe: (item: T) => Child, cls: string): Child {
    if (items.length === 0) return h('p', { class: 'hint' }, `${title}: none`);
    return [h('h4', {}, `${title} (${items.length})`), h('ul', { class: cls }, items.map((item) => h('li', {}, describe(item), ' · ', eventLink(item.event.id))))];
  }

  function eventLink(id: string): Child {
    return h('button', { type: 'button', class: 'link', 'aria-label': `Show trail of event ${id}`, onclick: () => app.openEvent(id) }, shortId(id));
  }

  return { open, refresh, current: () => account };
}

/** Deposit / withdraw in a chosen region, with its outcome beside the buttons. */
function createMoneyForm(root: HTMLElement, app: App, accountOf: () => string | undefined): { show(): void; reset(): void } {
  const fb = feedback('money-feedback');
  const amount = h('input', { id: 'money-amount', name: 'amount', type: 'number', min: 1, step: 1, required: true, inputmode: 'numeric' });
  const region = h('select', { id: 'money-region', name: 'region' });
  const form = h(
    'form',
    { id: 'money-form', class: 'panel', hidden: true },
    h('h3', {}, 'Deposit or withdraw'),
    h('label', { for: 'money-amount' }, 'Amount (minor units)'),
    amount,
    h('label', { for: 'money-region' }, 'In region'),
    region,
    h('div', { class: 'actions' }, h('button', { type: 'submit', name: 'kind', value: 'deposit' }, 'Deposit'), h('button', { type: 'submit', name: 'kind', value: 'withdraw', class: 'secondary' }, 'Withdraw')),
    fb.el,
  );
  root.append(form);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    fb.clear();
    const submitter = (e as SubmitEvent).submitter as HTMLButtonElement | null;
    const kind = submitter?.value === 'withdraw' ? 'withdraw' : 'deposit';
    const account = accountOf();
    const client = app.client(region.value);
    const n = Number(amount.value);
    if (account === undefined || client === undefined) return fb.fail(`No URL known for ${region.value}.`);
    if (!Number.isSafeInteger(n) || n <= 0) return fb.fail('The amount must be a positive whole number (minor units).');
    void busy(submitter, async () => {
      try {
        const { event } = await (kind === 'deposit' ? client.deposit(account, n) : client.withdraw(account, n));
        fb.ok(`${kind === 'deposit' ? 'Deposited' : 'Withdrew'} ${n} ${kind === 'deposit' ? 'into' : 'from'} ${account} in ${region.value} (event ${shortId(event.id)}).`);
      } catch (error) {
        fb.fail(`${kind === 'deposit' ? 'Deposit' : 'Withdrawal'} refused: ${describeFailure(error).text}`);
      }
      await app.refresh();
    });
  });
  return {
    show() {
      form.hidden = false;
      if (region.options.length === 0) for (const r of app.regions) region.append(h('option', { value: r.region }, r.region));
    },
    reset() {
      amount.value = '';
      fb.clear();
    },
  };
}
