/**
 * One account id space over two kinds of account: each `/accounts` request goes to the plain
 * accounts (`accounts.ts`, stream `A#<id>`) or the escrow accounts (`escrow.ts`, stream `E#<id>`)
 * by the mode rule of `shared/domain/account-mode.ts` — the mode the request names, else the mode
 * this region holds the id in, else plain for deposits and withdrawals. So an account's mode is
 * fixed by its first event and no request can change it; a refusal of the rule (409
 * `mode-mismatch`, `mode-conflict`, 404 for rights of an unknown id) stores nothing.
 *
 * @example
 * ```ts
 * import { AccountRouter } from './account-router.ts';
 * const router = new AccountRouter({ store, plain: accounts, escrow });
 * await router.create('alice', 'escrow');     // 201: escrow-open written
 * await router.deposit('alice', 100);         // an escrow deposit: alice is escrow here
 * (await router.account('alice')).mode;       // 'escrow'
 * await router.deposit('bob', 5);             // a plain deposit: bob is unknown, so plain
 * ```
 */
import { ValidationError, accountModes, modeFor, validateKey } from '../domain/index.ts';
import type { AccountMode, AccountOp, ModeEvidence } from '../domain/index.ts';
import type { EventStore, StreamState } from '../ports/event-store.ts';
import { accountStream, escrowStream } from '../ports/stream.ts';
import { decodeCursor, encodeCursor } from '../util/cursor.ts';
import type { Accounts } from './accounts.ts';
import type {
  AccountCreation,
  AccountHistory,
  AccountList,
  AccountSummary,
  EscrowHistory,
  EscrowSummary,
  RebalancingHistory,
  WriteResult,
} from './answers.ts';
import type { EscrowAccounts } from './escrow.ts';
import { pageParams } from './paging.ts';
import type { Query } from './paging.ts';

export interface AccountRouterOptions {
  readonly store: EventStore;
  readonly plain: Accounts;
  readonly escrow: EscrowAccounts;
}

/** Where a listing page resumes: in the plain part or the escrow part, at the store's cursor. */
interface ListCursor {
  readonly m: AccountMode;
  readonly c?: string;
}

export class AccountRouter {
  private readonly store: EventStore;
  private readonly plain: Accounts;
  private readonly escrow: EscrowAccounts;

  constructor(options: AccountRouterOptions) {
    this.store = options.store;
    this.plain = options.plain;
    this.escrow = options.escrow;
  }

  /**
   * Which streams of `account` hold events here, in one read of both states; `plainState` is
   * handed on, so the plain code does not read it again.
   */
  async evidence(account: string): Promise<ModeEvidence & { readonly plainState: StreamState }> {
    const [p, e] = (await this.store.statesOf([accountStream(account), escrowStream(account)])) as [StreamState, StreamState];
    return { plain: p.version > 0, escrow: e.version > 0, plainState: p };
  }

  /**
   * `POST /accounts/{id}` `{"mode"}`: `escrow` writes `escrow-open` (201) unless the account
   * already exists here as an escrow account (200, nothing stored). `plain` stores nothing either:
   * a plain account is created by its first deposit, so the answer is 200 with the account as it
   * stands. A mode the id does not have here is a 409 `mode-mismatch`.
   */
  async create(account: unknown, mode: unknown): Promise<AccountCreation> {
    const a = validateKey(account, 'account');
    const known = await this.evidence(a);
    if (this.route(a, 'create', known, mode) === 'escrow') return this.escrow.create(a, modesIn({ ...known, escrow: true }));
    return { created: false, account: await this.plain.account(a, modesIn(known)), region: this.plain.region };
  }

  /** `POST /accounts/{id}/deposit` `{"amount","mode"?}`. */
  async deposit(account: unknown, amount: unknown, mode?: unknown): Promise<WriteResult> {
    const a = validateKey(account, 'account');
    const known = await this.evidence(a);
    return this.route(a, 'deposit', known, mode) === 'escrow' ? this.escrow.deposit(a, amount) : this.plain.deposit(a, amount, known.plainState);
  }

  /** `POST /accounts/{id}/withdraw` `{"amount","mode"?}`: an escrow refusal is a 409 `insufficient-rights` with the figures. */
  async withdraw(account: unknown, amount: unknown, mode?: unknown): Promise<WriteResult> {
    const a = validateKey(account, 'account');
    const known = await this.evidence(a);
    return this.route(a, 'withdraw', known, mode) === 'escrow' ? this.escrow.withdraw(a, amount) : this.plain.withdraw(a, amount, known.plainState);
  }

  /** `POST /accounts/{id}/transfer` `{"to","amount"}`: escrow only. */
  async transfer(account: unknown, to: unknown, amount: unknown): Promise<WriteResult> {
    const a = validateKey(account, 'account');
    this.route(a, 'transfer', await this.evidence(a), undefined);
    return this.escrow.transfer(a, to, amount);
  }

  /**
   * `GET /accounts/{id}[?mode=]`: the escrow summary (rights per region) for an escrow account,
   * else the plain one (zero for an unknown id). During a mode conflict the answer is the mode
   * asked for, else the plain one, and `modes` lists both.
   */
  async account(account: unknown, query: Query = {}): Promise<AccountSummary | EscrowSummary> {
    const a = validateKey(account, 'account');
    const known = await this.evidence(a);
    return this.readMode(a, query, known) === 'escrow' ? this.escrow.account(a, modesIn(known)) : this.plain.account(a, modesIn(known), known.plainState);
  }

  /** `GET /accounts/{id}/history[?mode=]`: the statement of the account's mode. */
  async history(account: unknown, query: Query = {}): Promise<AccountHistory | EscrowHistory> {
    const a = validateKey(account, 'account');
    return this.readMode(a, query, await this.evidence(a)) === 'escrow' ? this.escrow.history(a, query) : this.plain.history(a, query);
  }

  /** `GET /accounts/{id}/rebalancing`: an escrow account's transfers and rights requests (404 for an unknown id, 409 for a plain one). */
  async rebalancing(account: unknown, query: Query = {}): Promise<RebalancingHistory> {
    const a = validateKey(account, 'account');
    this.route(a, 'request', await this.evidence(a), undefined);
    return this.escrow.rebalancing(a, query);
  }

  /**
   * `GET /accounts?prefix=&mode=`: a page of the accounts held here — the plain ones by id, then
   * the escrow ones by id (`mode` keeps one part). One cursor walks both parts.
   */
  async list(query: Query = {}): Promise<AccountList> {
    const prefix = query['prefix'] ?? '';
    if (prefix !== '') validateKey(prefix, 'prefix');
    const only = query['mode'];
    if (only !== undefined && only !== 'plain' && only !== 'escrow') throw badMode(only);
    const { limit, cursor } = pageParams(query, { default: 100, max: 1000 });
    let at: ListCursor = cursor === undefined ? { m: only ?? 'plain' } : decodeCursor(cursor, 'accounts', isListCursor);
    if (only !== undefined && at.m !== only) throw badMode(only, 'the cursor is of the other part');
    const accounts: AccountList['accounts'][number][] = [];
    let region = '';
    if (at.m === 'plain') {
      const page = await this.plain.list({ ...(prefix === '' ? {} : { prefix }), limit: String(limit), ...(at.c === undefined ? {} : { cursor: at.c }) });
      region = page.region;
      accounts.push(...page.accounts);
      if (page.next !== undefined) return { region, accounts, next: encodeCursor('accounts', { m: 'plain', c: page.next }) };
      if (only === 'plain') return { region, accounts };
      at = { m: 'escrow' };
      // A page full of plain accounts leaves the escrow part to the next page.
      if (accounts.length >= limit) return { region, accounts, next: encodeCursor('accounts', at) };
    }
    const page = await this.escrow.list(prefix, { limit: limit - accounts.length, ...(at.c === undefined ? {} : { cursor: at.c }) });
    accounts.push(...page.items);
    const next = page.next === undefined ? undefined : encodeCursor('accounts', { m: 'escrow', c: page.next });
    return { region: this.escrow.region, accounts, ...(next === undefined ? {} : { next }) };
  }

  /** The mode rule on the mode a request names (its body's `mode`), if any. */
  private route(account: string, op: AccountOp, known: ModeEvidence, mode: unknown): AccountMode {
    return modeFor(account, op, known, mode as AccountMode | undefined);
  }

  /** The mode a read answers in: the one asked for (`?mode=`), else the one held here, plain during a conflict or for an unknown id. */
  private readMode(account: string, query: Query, known: ModeEvidence): AccountMode {
    const asked = query['mode'];
    // A named mode the id does not have here is the writes' 409 mode-mismatch.
    if (asked !== undefined) return modeFor(account, 'deposit', known, asked as AccountMode);
    return accountModes(known) === 'escrow' ? 'escrow' : 'plain';
  }
}

/** The modes held here, in name order. */
function modesIn(known: ModeEvidence): AccountMode[] {
  return [...(known.escrow ? ['escrow' as const] : []), ...(known.plain ? ['plain' as const] : [])];
}

function badMode(got: string, why?: string) {
  return new ValidationError('bad-request', `mode: must be "plain" or "escrow", got ${JSON.stringify(got.slice(0, 40))}${why === undefined ? '' : ` (${why})`}`);
}

function isListCursor(v: unknown): v is ListCursor {
  if (typeof v !== 'object' || v === null) return false;
  const { m, c } = v as { m?: unknown; c?: unknown };
  return (m === 'plain' || m === 'escrow') && (c === undefined || (typeof c === 'string' && c.length > 0 && c.length <= 1800));
}
