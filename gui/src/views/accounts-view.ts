/**
 * Accounts: each region's balance side by side, its bounced withdrawals and reversed decisions
 * (each with the concurrent withdrawal that took the money first), its statement (every deposit
 * and withdrawal in total order, applied or bounced, balance after), and a form to deposit or
 * withdraw in a chosen region, whose outcome appears beside its buttons. An escrow account's
 * cards show each region's rights instead (`escrow-card.ts`), and the form also transfers rights;
 * a form beside the finders opens a new account in the mode chosen.
 *
 * @example
 * ```ts
 * import { createAccountsView } from './accounts-view.ts';
 * const accounts = createAccountsView(document.querySelector('#accounts-section')!, app);
 * await accounts.open('alice');
 * ```
 */
import type { AccountHistory, AccountSummary, EscrowHistoryEntry, RebalancingEntry } from '../../../shared/client/types.ts';
import type { App } from '../app.ts';
import { allPages, everyRegion } from '../api.ts';
import type { Answer } from '../api.ts';
import { explainWithdrawal } from '../bounce.ts';
import type { StatementEntry } from '../bounce.ts';
import { busy, feedback, h, renderIfChanged } from '../dom.ts';
import type { Child } from '../dom.ts';
import { modeAcrossRegions, rightsShortfall, shortfallFacts } from '../escrow.ts';
import type { ModeAcrossRegions } from '../escrow.ts';
import { describeFailure } from '../failure.ts';
import { formatHlc, plural, shortId } from '../format.ts';
import { escrowCard } from './escrow-card.ts';
import type { EscrowAnswer } from './escrow-card.ts';
import { createAccountForm } from './account-create-form.ts';
import { eventLink } from './event-link.ts';
import { dataTable } from './table.ts';

/** One region's answer for a plain account: its summary and statement. */
interface PlainAnswer {
  readonly mode: 'plain';
  readonly summary: AccountSummary;
  readonly statement: readonly AccountHistory['events'][number][];
  /** False when the statement has more pages than were read. */
  readonly complete: boolean;
}

/** One region's answer: a plain account and its statement, or an escrow account and its rebalancing history. */
type RegionAccount = PlainAnswer | ({ readonly mode: 'escrow' } & EscrowAnswer);

/** Statement pages (100 events each, from the first) read per region; "Show more" adds one. */
const STATEMENT_PAGE = 100;

/** Rebalancing history pages (100 entries each, newest first) read per region; "Show more" adds one. */
const REBALANCING_PAGE = 100;

/** What an escrow account means, beside its mode. */
const ESCROW_MEANING = 'withdrawals are never reversed; each region spends only the rights it holds';

/** What a plain account means, beside its mode. */
const PLAIN_MEANING = 'every region accepts what its own view covers; a withdrawal may be reversed once concurrent ones merge';

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
  const money = createMoneyForm(root.querySelector('#money-panel') as HTMLElement, app, () => account, () => mode);
  const creation = createAccountForm(root.querySelector('#account-create-panel') as HTMLElement, app);
  let account: string | undefined;
  let mode: ModeAcrossRegions = { mode: undefined, conflict: false };
  let statementPages = 1;
  let rebalancingPages = 1;

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (value) app.openAccount(value);
  });

  async function open(name: string): Promise<void> {
    if (name !== account) {
      statementPages = 1;
      rebalancingPages = 1;
      mode = { mode: undefined, conflict: false };
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
    creation.follow();
    if (account === undefined) return;
    const name = account;
    const path = `/accounts/${encodeURIComponent(name)}`;
    const answers = await everyRegion(app.regions, async (_r, c): Promise<RegionAccount> => {
      // The summary says the mode this region holds the account in; its lists follow that mode.
      const summary = await c.accountView(name);
      if (summary.mode === 'escrow') {
        const [history, statement] = await Promise.all([
          allPages<RebalancingEntry>(c, `${path}/rebalancing`, 'entries', rebalancingPages, REBALANCING_PAGE),
          allPages<EscrowHistoryEntry>(c, `${path}/history?mode=escrow`, 'events', statementPages, STATEMENT_PAGE),
        ]);
        return { mode: 'escrow', summary, rebalancing: history.items, complete: history.complete, statement: statement.items, statementComplete: statement.complete };
      }
      const statement = await allPages<AccountHistory['events'][number]>(c, `${path}/history`, 'events', statementPages, STATEMENT_PAGE);
      return { mode: 'plain', summary, statement: statement.items, complete: statement.complete };
    });
    if (name !== account) return;
    mode = modeAcrossRegions(answers.flatMap((a) => (a.ok ? [a.value.summary] : [])));
    money.follow(mode);
    renderIfChanged(view, { name, mode, answers: answers.map((a) => (a.ok ? { r: a.region, v: a.value } : { r: a.region, e: describeFailure(a.error).text })) }, () => [
      modeLine(name, mode),
      h('div', { class: 'columns', role: 'list', 'aria-label': `Account ${name} in every region` }, answers.map(card)),
    ]);
  }

  /** The account's mode across the regions, above their cards. */
  function modeLine(name: string, m: ModeAcrossRegions): Child {
    const text =
      m.mode === 'escrow' ? `${name} is an escrow account: ${ESCROW_MEANING}.` : m.mode === 'plain' ? `${name} is a plain account: ${PLAIN_MEANING}.` : `No region holds ${name} yet: its first deposit makes it a plain account, unless it is opened as an escrow account.`;
    return [
      h('p', { id: 'account-mode', class: 'mode', 'data-mode': m.mode ?? 'none' }, text),
      m.conflict ? h('p', { class: 'warn', role: 'alert' }, `${name} is held as both a plain and an escrow account (a mode conflict): every deposit and withdrawal must name its mode.`) : null,
    ];
  }

  function card(a: Answer<RegionAccount>): Child {
    const modeBadge = a.ok ? badge(a.value) : null;
    const title = h('h3', { id: `account-${a.region}-title` }, a.region, modeBadge);
    const body: Child = !a.ok
      ? h('p', { class: 'warn' }, describeFailure(a.error).text)
      : a.value.mode === 'escrow'
        ? escrowCard(a.value, { app, more: () => ((rebalancingPages++), void refresh()), moreStatement: () => ((statementPages++), void refresh()) })
        : plainCard(a.region, a.value);
    return h('article', { class: 'card', role: 'listitem', 'aria-labelledby': `account-${a.region}-title`, 'data-region': a.region }, title, body);
  }

  /**
   * The card's mode: what the region holds the account as, or that it holds nothing of it yet (it
   * then answers an empty plain account, which an escrow account's opening has not reached).
   */
  function badge(v: RegionAccount): Child {
    const held = v.summary.modes === undefined || v.summary.modes.length > 0;
    if (!held) return h('span', { class: 'badge muted', 'data-mode': 'none' }, 'not here yet');
    return h('span', { class: `badge ${v.mode === 'escrow' ? 'ok' : 'muted'}`, 'data-mode': v.mode }, v.mode);
  }

  function plainCard(region: string, v: PlainAnswer): Child {
    return [
      h('p', { class: 'balance' }, h('span', { class: 'label' }, 'Balance '), h('strong', {}, String(v.summary.balance))),
      v.summary.deposited === undefined ? null : h('p', { class: 'hint' }, `deposited ${v.summary.deposited}, withdrawn ${v.summary.withdrawn}`),
      list('Bounced withdrawals', v.summary.bounced, (b) => [`${b.amount} from ${b.event.origin} (balance was ${b.balanceBefore})`, causeText(v.statement, b.event.id)], 'bounced'),
      list(
        'Reversed decisions',
        v.summary.reversed,
        (r) => [`${r.amount} accepted by ${r.acceptedBy} on its own view; merged balance was ${r.balanceBefore}`, causeText(v.statement, r.event.id)],
        'reversed',
      ),
      statementTable(region, v.statement, v.complete),
    ];
  }

  /** ", bounced by 80 from us-east-1 (abc…)": the concurrent withdrawals applied before it. */
  function causeText(statement: readonly StatementEntry[], id: string): Child {
    const causes = explainWithdrawal(statement, id)?.causes ?? [];
    if (causes.length === 0) return null;
    return [
      '; bounced by ',
      causes.map((c, i) => [i ? ', ' : '', `${c.amount} from ${c.event.origin} `, eventLink(app, c.event.id)]),
      ' (concurrent: its origin had not seen it)',
    ];
  }

  /**
   * The region's statement: one row per money event in total order, what the replay did, the
   * balance after. The amount opens the event's trail and shows its stamp as a tooltip.
   */
  function statementTable(region: string, lines: PlainAnswer['statement'], complete: boolean): Child {
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
    return [h('h4', {}, `${title} (${items.length})`), h('ul', { class: cls }, items.map((item) => h('li', {}, describe(item), ' · ', eventLink(app, item.event.id))))];
  }

  return { open, refresh, current: () => account };
}

/** The money form's handle: shown once an account is open, following the account's mode. */
interface MoneyForm {
  show(): void;
  reset(): void;
  /** Shows the transfer of rights for an escrow account, and names the mode in every write. */
  follow(mode: ModeAcrossRegions): void;
}

/**
 * Deposit / withdraw in a chosen region (and, for an escrow account, transfer rights to another),
 * with its outcome beside the buttons; a refusal for want of rights lists its figures too.
 */
function createMoneyForm(root: HTMLElement, app: App, accountOf: () => string | undefined, modeOf: () => ModeAcrossRegions): MoneyForm {
  const fb = feedback('money-feedback');
  const heading = h('h3', { id: 'money-heading' }, 'Deposit or withdraw');
  const amount = h('input', { id: 'money-amount', name: 'amount', type: 'number', min: 1, step: 1, required: true, inputmode: 'numeric' });
  const region = h('select', { id: 'money-region', name: 'region' });
  const to = h('select', { id: 'money-to', name: 'to' });
  const transfer = h(
    'fieldset',
    { id: 'transfer-fields', class: 'panel', hidden: true },
    h('legend', {}, 'Escrow: move rights between regions'),
    h('label', { for: 'money-to' }, 'Transfer rights to region'),
    to,
    h('p', { class: 'hint', id: 'money-to-hint' }, 'Moves rights from the region above to this one; the balance does not change. They count there once it receives the transfer.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', name: 'kind', value: 'transfer', class: 'secondary', 'aria-describedby': 'money-to-hint' }, 'Transfer rights')),
  );
  // The figures of a refusal for want of rights, beside the message that announces it.
  const shortfall = h('dl', { id: 'money-shortfall', class: 'facts', hidden: true });
  const form = h(
    'form',
    { id: 'money-form', class: 'panel', hidden: true, 'aria-labelledby': 'money-heading' },
    heading,
    h('label', { for: 'money-amount' }, 'Amount (minor units)'),
    amount,
    h('label', { for: 'money-region' }, 'In region'),
    region,
    h('div', { class: 'actions' }, h('button', { type: 'submit', name: 'kind', value: 'deposit' }, 'Deposit'), h('button', { type: 'submit', name: 'kind', value: 'withdraw', class: 'secondary' }, 'Withdraw')),
    transfer,
    fb.el,
    shortfall,
  );
  root.append(form);
  const clear = (): void => {
    fb.clear();
    shortfall.hidden = true;
    shortfall.replaceChildren();
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clear();
    const submitter = (e as SubmitEvent).submitter as HTMLButtonElement | null;
    const kind = submitter?.value === 'withdraw' ? 'withdraw' : submitter?.value === 'transfer' ? 'transfer' : 'deposit';
    const account = accountOf();
    const client = app.client(region.value);
    const n = Number(amount.value);
    if (account === undefined || client === undefined) return fb.fail(`No URL known for ${region.value}.`);
    if (!Number.isSafeInteger(n) || n <= 0) return fb.fail('The amount must be a positive whole number (minor units).');
    if (kind === 'transfer' && to.value === region.value) return fb.fail(`Rights move from one region to another: choose a region other than ${region.value} to transfer them to.`);
    // A region the opening has not reached yet would take a deposit without a mode as a plain account's first.
    const mode = modeOf().mode === 'escrow' ? 'escrow' : undefined;
    const verb = { deposit: 'Deposit', withdraw: 'Withdrawal', transfer: 'Transfer' }[kind];
    void busy(submitter, async () => {
      try {
        if (kind === 'transfer') {
          const { event } = await client.transfer(account, to.value, n);
          fb.ok(`Transferred ${n} of ${account}'s rights from ${region.value} to ${to.value} (event ${shortId(event.id)}); they count in ${to.value} once it receives the transfer.`);
        } else {
          const { event } = await (kind === 'deposit' ? client.deposit(account, n, mode) : client.withdraw(account, n, mode));
          fb.ok(`${kind === 'deposit' ? 'Deposited' : 'Withdrew'} ${n} ${kind === 'deposit' ? 'into' : 'from'} ${account} in ${region.value} (event ${shortId(event.id)}).`);
        }
      } catch (error) {
        fb.fail(`${verb} refused: ${describeFailure(error).text}`);
        const short = rightsShortfall(error);
        if (short !== undefined) {
          const action = kind === 'transfer' ? 'transfer' : 'withdraw';
          shortfall.setAttribute('aria-label', `Why the ${action === 'transfer' ? 'transfer' : 'withdrawal'} was refused`);
          shortfall.replaceChildren(...shortfallFacts(short, action).flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]));
          shortfall.hidden = false;
        }
      }
      await app.refresh();
    });
  });
  return {
    show() {
      form.hidden = false;
      if (region.options.length > 0) return;
      for (const r of app.regions) region.append(h('option', { value: r.region }, r.region));
      for (const r of app.regions) to.append(h('option', { value: r.region }, r.region));
      // Rights go elsewhere: start on the second region.
      if (app.regions.length > 1) to.selectedIndex = 1;
    },
    reset() {
      amount.value = '';
      clear();
    },
    follow(m) {
      const escrow = m.mode === 'escrow';
      transfer.hidden = !escrow;
      heading.textContent = escrow ? 'Deposit, withdraw or transfer rights' : 'Deposit or withdraw';
    },
  };
}
