/**
 * The account routes. Every decision and every read comes from the account's fold snapshot, kept
 * beside it by the store (`domain/fold.ts`): a withdrawal checks the snapshot's balance, a balance
 * read is one item, whatever the length of the history. The statement pages forward from the first
 * event, carrying the fold's totals in its cursor, so each page costs its own events only.
 *
 * @example
 * ```ts
 * import { Accounts } from './accounts.ts';
 * const accounts = new Accounts({ region: 'us-east-1', store, writer });
 * await accounts.deposit('alice', 100);
 * (await accounts.account('alice')).balance; // 100
 * ```
 */
import {
  EMPTY_ACCOUNT,
  InsufficientFundsError,
  LimitExceededError,
  MAX_ACCOUNT_TOTAL,
  accountStatement,
  canDeposit,
  canWithdraw,
  eventSortKey,
  reversalOf,
  stepAccount,
  validateAmount,
  validateKey,
} from '../domain/index.ts';
import type { AccountState, Bounce, MeshEvent } from '../domain/index.ts';
import type { EventStore, StreamState } from '../ports/event-store.ts';
import { accountStream, parseStream } from '../ports/stream.ts';
import { decodeCursor, encodeCursor } from '../util/cursor.ts';
import type { AccountHistory, AccountHistoryEntry, AccountList, AccountSummary, WriteResult } from './answers.ts';
import type { LocalWrite, LocalWriter } from './local-writer.ts';
import { jsonBytes, pageParams, withinBudget } from './paging.ts';
import type { Query } from './paging.ts';

export interface AccountsOptions {
  readonly region: string;
  readonly store: EventStore;
  readonly writer: LocalWriter;
}

/** The numeric part of the fold state a statement cursor carries. */
type Totals = Pick<AccountState, 'balance' | 'deposited' | 'withdrawn' | 'applied' | 'bounced'>;

export class Accounts {
  readonly region: string;
  private readonly store: EventStore;
  private readonly writer: LocalWriter;

  constructor(options: AccountsOptions) {
    this.region = options.region;
    this.store = options.store;
    this.writer = options.writer;
  }

  /**
   * `POST /accounts/{id}/deposit`: 409 limit-exceeded, storing nothing, when the deposits would
   * leave the exact range. `seen`: the account's state, if the caller has just read it.
   */
  async deposit(account: unknown, amount: unknown, seen?: StreamState): Promise<WriteResult> {
    const a = validateKey(account, 'account');
    const n = validateAmount(amount);
    return this.answer(
      await this.writer.write(accountStream(a), (view) => {
        const state = stateOf(view);
        if (!canDeposit(state, n)) {
          throw new LimitExceededError(`deposits of ${a} in ${this.region} total ${state.deposited}; ${n} more would pass ${MAX_ACCOUNT_TOTAL}, the largest exact total`);
        }
        return { kind: 'deposit', key: a, payload: n };
      }, seen),
    );
  }

  /**
   * `POST /accounts/{id}/withdraw`: 409 insufficient-funds, storing nothing, when this region's
   * view cannot cover it. The check and the append are guarded by one stream version. `seen`: the
   * account's state, if the caller has just read it.
   */
  async withdraw(account: unknown, amount: unknown, seen?: StreamState): Promise<WriteResult> {
    const a = validateKey(account, 'account');
    const n = validateAmount(amount);
    return this.answer(
      await this.writer.write(accountStream(a), (view) => {
        const state = stateOf(view);
        if (!canWithdraw(state, n)) throw new InsufficientFundsError(`balance of ${a} in ${this.region} is ${state.balance}, cannot withdraw ${n}`);
        return { kind: 'withdraw', key: a, payload: n };
      }, seen),
    );
  }

  /**
   * `GET /accounts/{id}`: the snapshot's balance and totals, with the newest bounces (0 for an
   * unknown account). `modes`: the modes the id is held in here (`account-router.ts` knows them);
   * `seen`: the account's state, if the caller has just read it.
   */
  async account(account: unknown, modes: AccountSummary['modes'] = ['plain'], seen?: StreamState): Promise<AccountSummary> {
    const a = validateKey(account, 'account');
    const state = seen?.stream === accountStream(a) ? seen : await this.store.stateOf(accountStream(a));
    const folded = stateOf(state);
    const bouncePositions = folded.recentBounces.map((b) => `${b.hlc}#${b.origin}#${b.id}`);
    const stored = state.heads.length + bouncePositions.length === 0 ? [] : await this.store.eventsAt(state.stream, [...state.heads, ...bouncePositions]);
    const byId = new Map(stored.map((s) => [s.event.id, s.event] as const));
    const bounced: Bounce[] = folded.recentBounces.flatMap((b) => {
      const event = byId.get(b.id);
      return event === undefined ? [] : [{ event, amount: b.amount, balanceBefore: b.balanceBefore, reason: b.reason }];
    });
    const heads = state.heads.map((p) => byId.get(p.slice(p.lastIndexOf('#') + 1))).filter((e): e is MeshEvent => e !== undefined);
    return {
      account: a,
      mode: 'plain',
      modes,
      balance: folded.balance,
      deposited: folded.deposited,
      withdrawn: folded.withdrawn,
      bouncedCount: folded.bounced,
      bounced,
      reversed: bounced.map(reversalOf),
      heads,
      version: state.version,
      region: this.region,
    };
  }

  /**
   * `GET /accounts/{id}/history`: a page of the statement — money events in total order with this
   * region's receipt, applied or bounced, and the balance after each.
   */
  async history(account: unknown, query: Query = {}): Promise<AccountHistory> {
    const a = validateKey(account, 'account');
    const { limit, cursor } = pageParams(query, { default: 100, max: 1000 });
    const from = cursor === undefined ? undefined : decodeCursor(cursor, 'statement', isStatementCursor);
    const stream = accountStream(a);
    const [state, page] = await Promise.all([this.store.stateOf(stream), this.store.eventsPage(stream, { limit, ...(from === undefined ? {} : { after: from.p }) })]);
    const start: AccountState = from === undefined ? EMPTY_ACCOUNT : { ...from.s, recentBounces: [] };
    const receipts = new Map(page.events.map((s) => [s.event.id, s.receipt] as const));
    const lines = accountStatement(a, page.events.map((s) => s.event), start).map((line): AccountHistoryEntry => ({ ...line, receipt: receipts.get(line.event.id) as AccountHistoryEntry['receipt'] }));
    const events = withinBudget(lines, jsonBytes);
    const more = events.length < lines.length || page.next !== undefined;
    const last = events.at(-1);
    let next: string | undefined;
    if (more && last !== undefined) {
      // The totals after the page's last line: replay of the kept lines from the page's start.
      const totals = accountStatementTotals(start, events);
      next = encodeCursor('statement', { p: eventSortKey(last.event), s: totals });
    }
    return { account: a, mode: 'plain', balance: stateOf(state).balance, region: this.region, events, ...(next === undefined ? {} : { next }) };
  }

  /** `GET /accounts?prefix=`: a page of the accounts held here, by id, with their balances. */
  async list(query: Query = {}): Promise<AccountList> {
    const prefix = query['prefix'] ?? '';
    if (prefix !== '') validateKey(prefix, 'prefix');
    const page = await this.store.streams(accountStream(prefix), pageParams(query, { default: 100, max: 1000 }));
    return {
      region: this.region,
      accounts: page.items.map((s) => {
        const folded = stateOf(s);
        return {
          account: parseStream(s.stream)?.key ?? s.stream,
          mode: 'plain' as const,
          balance: folded.balance,
          bouncedCount: folded.bounced,
          version: s.version,
          ...(s.updatedAt === undefined ? {} : { updatedAt: s.updatedAt }),
        };
      }),
      ...(page.next === undefined ? {} : { next: page.next }),
    };
  }

  private answer(w: LocalWrite): WriteResult {
    const event = w.events[0] as MeshEvent;
    const receipt = w.receipts[0];
    if (receipt === undefined) throw new Error('local write answered no receipt');
    return { event, receipt, region: this.region };
  }
}

/** The account fold state of a stream state (the empty account when it has none yet). */
function stateOf(view: StreamState): AccountState {
  return (view.snapshot?.state as AccountState | undefined) ?? EMPTY_ACCOUNT;
}

/** The fold's totals after `lines`, from `start`: what the next page starts from. */
function accountStatementTotals(start: AccountState, lines: readonly AccountHistoryEntry[]): Totals {
  const { balance, deposited, withdrawn, applied, bounced } = lines.reduce((st, l) => stepAccount(st, l.event), start);
  return { balance, deposited, withdrawn, applied, bounced };
}

/** A statement cursor: the position of the last line given, and the fold's totals after it. */
function isStatementCursor(v: unknown): v is { p: string; s: Totals } {
  if (typeof v !== 'object' || v === null) return false;
  const { p, s } = v as { p?: unknown; s?: unknown };
  if (typeof p !== 'string' || p.length === 0 || p.length > 400 || typeof s !== 'object' || s === null) return false;
  const t = s as Record<string, unknown>;
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  return ok(t['balance']) && ok(t['deposited']) && ok(t['withdrawn']) && ok(t['applied']) && ok(t['bounced']) && (t['balance'] as number) <= (t['deposited'] as number);
}
