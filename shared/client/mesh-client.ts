/**
 * A typed HTTP client of one region's API (DESIGN.md section 2): every route, parsed JSON back,
 * and typed errors for refusals, timeouts and dead connections. The same client talks to the
 * local cloud and, with a SigV4 signer, to API Gateway with IAM auth.
 *
 * @example
 * ```ts
 * import { MeshClient } from './mesh-client.ts';
 * const us = new MeshClient({ baseUrl: 'http://127.0.0.1:3001', timeoutMs: 5000 });
 * await us.put('colour', 'blue');
 * const view = await us.get('colour'); // { key, value: 'blue', conflict: false, heads: [...], ... }
 * ```
 */
import type { JsonValue } from '../domain/types.ts';
import { MeshHttpError, MeshNetworkError, MeshTimeoutError } from './errors.ts';
import { headIds, toConflictList, toKeyHistory } from './shape.ts';
import type { RequestSigner } from './signer.ts';
import type {
  AccountCreation,
  AccountHistory,
  AccountList,
  AccountSummary,
  AnyAccountSummary,
  EscrowHistory,
  EscrowSummary,
  RebalancingHistory,
  ConflictList,
  EventDetail,
  HeadsPage,
  KeyHistory,
  KeyList,
  KeyView,
  LinkStatus,
  RegionStatus,
  WriteResult,
} from './types.ts';

/** Options of {@link MeshClient}. */
export interface MeshClientOptions {
  /** Region API base URL, e.g. `http://127.0.0.1:3001` or an API Gateway invoke URL with its stage. */
  readonly baseUrl: string;
  /** Abort a request after this many ms (default 10 000; 0 = never). */
  readonly timeoutMs?: number;
  /** Signs each request (e.g. SigV4 for API Gateway IAM auth); see `./sigv4.ts`. */
  readonly signer?: RequestSigner;
  /** The fetch to use (default: the global one). */
  readonly fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Client of one region. Methods mirror the API table; each resolves with the parsed JSON answer
 * or rejects with a `MeshHttpError`, `MeshTimeoutError` or `MeshNetworkError` (see `./errors.ts`).
 *
 * @example
 * ```ts
 * const eu = new MeshClient({ baseUrl: 'http://127.0.0.1:3002' });
 * const { heads } = await eu.get('colour');
 * await eu.resolve('colour', 'green', heads.map((h) => h.id));
 * ```
 */
export class MeshClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  private readonly signer: RequestSigner | undefined;
  private readonly fetchImpl: typeof fetch;

  constructor(options: MeshClientOptions) {
    // Keep a stage path (API Gateway `/prod`) but never a trailing slash, so paths join cleanly.
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.signer = options.signer;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** `PUT /kv/{key}`: write a value. */
  put(key: string, value: JsonValue): Promise<WriteResult> {
    return this.request<WriteResult>('PUT', `/kv/${seg(key)}`, { value });
  }

  /** `DELETE /kv/{key}`: write a tombstone. */
  delete(key: string): Promise<WriteResult> {
    return this.request<WriteResult>('DELETE', `/kv/${seg(key)}`);
  }

  /** `GET /kv/{key}`: the LWW value, conflict flag and heads; 404 when the region has no event of the key. */
  get(key: string): Promise<KeyView> {
    return this.request<KeyView>('GET', `/kv/${seg(key)}`);
  }

  /** `GET /kv/{key}/history`, every page: the key's events in total order, each with this region's receipt. */
  async history(key: string): Promise<KeyHistory> {
    const pages = await this.allPages((cursor) => this.historyPage(key, { cursor }));
    return { key, region: pages[0]?.region ?? '', events: pages.flatMap((p) => p.events) };
  }

  /** One page of `GET /kv/{key}/history` (`next` when there is more; `order: 'desc'` for newest first). */
  async historyPage(key: string, page: PageOptions & { readonly order?: 'asc' | 'desc' } = {}): Promise<KeyHistory> {
    const raw = await this.request<unknown>('GET', `/kv/${seg(key)}/history${query(page)}`);
    const next = isRecord(raw) && typeof raw['next'] === 'string' ? raw['next'] : undefined;
    return { ...toKeyHistory(raw, key, ''), ...(next === undefined ? {} : { next }) };
  }

  /** `GET /kv/{key}/heads`: a page of the key's heads, newest first (for keys with more heads than a view holds). */
  heads(key: string, page: PageOptions = {}): Promise<HeadsPage> {
    return this.request<HeadsPage>('GET', `/kv/${seg(key)}/heads${query(page)}`);
  }

  /** `GET /kv?prefix=`: a page of the keys the region holds, by key. */
  keys(page: PageOptions & { readonly prefix?: string } = {}): Promise<KeyList> {
    return this.request<KeyList>('GET', `/kv${query(page)}`);
  }

  /** `GET /accounts?prefix=`: a page of the accounts the region holds, by id, with their balances. */
  accounts(page: PageOptions & { readonly prefix?: string } = {}): Promise<AccountList> {
    return this.request<AccountList>('GET', `/accounts${query(page)}`);
  }

  /**
   * `POST /kv/{key}/resolve`: write `value` as the resolution of `heads` (ids, or events), or of
   * every head at `{ version }` (the `version` of a `GET /kv/{key}`, which covers heads beyond the
   * view's page too). The region answers 409 `stale-heads` when they are not its current heads.
   *
   * @example
   * ```ts
   * const view = await eu.get('colour');
   * await eu.resolve('colour', 'green', { version: view.version });
   * ```
   */
  resolve(key: string, value: JsonValue, heads: readonly (string | { readonly id: string })[] | { readonly version: number }): Promise<WriteResult> {
    const on = 'version' in heads ? { version: heads.version } : { heads: headIds(heads) };
    return this.request<WriteResult>('POST', `/kv/${seg(key)}/resolve`, { value, ...on });
  }

  /**
   * `POST /accounts/{id}` `{"mode"}`: opens an escrow account (201, `created: true`), or answers
   * the account as it stands (200, `created: false`): an escrow account that exists already, or a
   * plain one (its first deposit creates it). 409 `mode-mismatch` when the id has the other mode here.
   *
   * @example
   * ```ts
   * await eu.createAccount('alice', 'escrow'); // { created: true, event: { kind: 'escrow-open', … }, … }
   * ```
   */
  createAccount(account: string, mode: 'plain' | 'escrow' = 'escrow'): Promise<AccountCreation> {
    return this.request<AccountCreation>('POST', `/accounts/${seg(account)}`, { mode });
  }

  /** `POST /accounts/{id}/deposit`: amount in minor units, a positive integer; `mode` says which account when the id has both. */
  deposit(account: string, amount: number, mode?: 'plain' | 'escrow'): Promise<WriteResult> {
    return this.request<WriteResult>('POST', `/accounts/${seg(account)}/deposit`, { amount, ...(mode === undefined ? {} : { mode }) });
  }

  /**
   * `POST /accounts/{id}/withdraw`: 409 `insufficient-funds` when this region's view of a plain
   * account cannot cover it, 409 `insufficient-rights` (with `details`: rights, balance, elsewhere,
   * holders, requested) when this region's rights in an escrow account cannot.
   */
  withdraw(account: string, amount: number, mode?: 'plain' | 'escrow'): Promise<WriteResult> {
    return this.request<WriteResult>('POST', `/accounts/${seg(account)}/withdraw`, { amount, ...(mode === undefined ? {} : { mode }) });
  }

  /**
   * `POST /accounts/{id}/transfer`: moves `amount` of an escrow account's rights from this region to `to`.
   *
   * @example
   * ```ts
   * await us.transfer('alice', 'eu-west-1', 40);
   * ```
   */
  transfer(account: string, to: string, amount: number): Promise<WriteResult> {
    return this.request<WriteResult>('POST', `/accounts/${seg(account)}/transfer`, { to, amount });
  }

  /** `GET /accounts/{id}` of a plain account: balance, bounced withdrawals and reversed decisions (see {@link accountView} for either mode). */
  account(account: string): Promise<AccountSummary> {
    return this.request<AccountSummary>('GET', `/accounts/${seg(account)}`);
  }

  /**
   * `GET /accounts/{id}[?mode=]`: the account in whichever mode it has here — `mode: 'escrow'`
   * answers carry every region's rights.
   *
   * @example
   * ```ts
   * const a = await eu.accountView('alice');
   * if (a.mode === 'escrow') console.log(a.rights); // { 'eu-west-1': 60, 'us-east-1': 40 }
   * ```
   */
  accountView(account: string, mode?: 'plain' | 'escrow'): Promise<AnyAccountSummary> {
    return this.request<AnyAccountSummary>('GET', `/accounts/${seg(account)}${mode === undefined ? '' : `?mode=${mode}`}`);
  }

  /** `GET /accounts/{id}?mode=escrow`: an escrow account's balance and rights per region. */
  escrowAccount(account: string): Promise<EscrowSummary> {
    return this.request<EscrowSummary>('GET', `/accounts/${seg(account)}?mode=escrow`);
  }

  /** `GET /accounts/{id}/history?mode=escrow`, every page: an escrow account's statement. */
  async escrowHistory(account: string): Promise<EscrowHistory> {
    const pages = await this.allPages((cursor) => this.request<EscrowHistory>('GET', `/accounts/${seg(account)}/history${query({ mode: 'escrow', cursor })}`));
    const first = pages[0];
    if (first === undefined) throw new Error('no statement page');
    const { next: _next, ...rest } = first;
    return { ...rest, events: pages.flatMap((p) => p.events) };
  }

  /** `GET /accounts/{id}/rebalancing`, one page: an escrow account's transfers and rights requests, newest first. */
  rebalancing(account: string, page: PageOptions = {}): Promise<RebalancingHistory> {
    return this.request<RebalancingHistory>('GET', `/accounts/${seg(account)}/rebalancing${query(page)}`);
  }

  /**
   * `GET /accounts/{id}/history`: the account's statement — deposits and withdrawals in total order,
   * each with this region's receipt, applied or bounced, and the balance after it (an unknown
   * account answers an empty statement, balance 0).
   *
   * @example
   * ```ts
   * const { events } = await eu.accountHistory('alice');
   * events.filter((e) => e.outcome === 'bounced').map((e) => e.event.id);
   * ```
   */
  async accountHistory(account: string): Promise<AccountHistory> {
    const pages = await this.allPages((cursor) => this.accountHistoryPage(account, { cursor }));
    const first = pages[0];
    if (first === undefined) throw new Error('no statement page');
    const { next: _next, ...rest } = first;
    return { ...rest, events: pages.flatMap((p) => p.events) };
  }

  /** One page of `GET /accounts/{id}/history`, from the first event on (`next` when there is more). */
  accountHistoryPage(account: string, page: PageOptions = {}): Promise<AccountHistory> {
    return this.request<AccountHistory>('GET', `/accounts/${seg(account)}/history${query(page)}`);
  }

  /** `GET /events/{id}`: the event, this region's receipt, and its parents; 404 when unknown here. */
  event(id: string): Promise<EventDetail> {
    return this.request<EventDetail>('GET', `/events/${seg(id)}`);
  }

  /** `GET /conflicts`, every page: the keys with more than one head in this region. */
  async conflicts(): Promise<ConflictList> {
    const pages = await this.allPages((cursor) => this.conflictsPage({ cursor }));
    return { region: pages[0]?.region ?? '', conflicts: pages.flatMap((p) => p.conflicts) };
  }

  /** One page of `GET /conflicts`. */
  async conflictsPage(page: PageOptions = {}): Promise<ConflictList & { readonly next?: string }> {
    const raw = await this.request<unknown>('GET', `/conflicts${query(page)}`);
    const next = isRecord(raw) && typeof raw['next'] === 'string' ? raw['next'] : undefined;
    return { ...toConflictList(raw, ''), ...(next === undefined ? {} : { next }) };
  }

  /** `GET /status`: region, peers, per-link state, event count and digest. */
  status(): Promise<RegionStatus> {
    return this.request<RegionStatus>('GET', '/status');
  }

  /** `PUT /admin/links/{from}/{to}`: turn delivery from `from` into `to` off (partition) or on (heal). */
  setLink(from: string, to: string, enabled: boolean): Promise<LinkStatus> {
    return this.request<LinkStatus>('PUT', `/admin/links/${seg(from)}/${seg(to)}`, { enabled });
  }

  /**
   * Every page of a list: calls `page` with each `next` until there is none. Bounded, so a region
   * that kept answering the same cursor could not loop a client forever.
   */
  private async allPages<T extends { readonly next?: string }>(page: (cursor: string | undefined) => Promise<T>): Promise<T[]> {
    const pages: T[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < MAX_PAGES; n++) {
      const p = await page(cursor);
      pages.push(p);
      if (p.next === undefined || p.next === cursor) return pages;
      cursor = p.next;
    }
    throw new Error(`more than ${MAX_PAGES} pages: stopped following cursors`);
  }

  /**
   * Any route: sends `body` as JSON, answers the parsed JSON (or `undefined` for an empty body).
   *
   * @example
   * ```ts
   * await client.request<{ region: string }>('GET', '/status');
   * ```
   */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = this.baseUrl + path;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (this.signer) headers = await this.signer.sign({ method, url, headers, ...(payload === undefined ? {} : { body: payload }) });

    const signal = this.timeoutMs > 0 ? AbortSignal.timeout(this.timeoutMs) : undefined;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, { method, headers, ...(payload === undefined ? {} : { body: payload }), ...(signal ? { signal } : {}) });
      // The timeout covers the body too: a region that stalls mid-answer is as dead as a silent one.
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw new MeshTimeoutError(method, url, this.timeoutMs);
      throw new MeshNetworkError(method, url, error);
    }

    const parsed = parseJson(text);
    if (!response.ok) throw toHttpError(response, parsed, text);
    return parsed as T;
  }
}

/** Pages a list call follows at most. */
const MAX_PAGES = 100_000;

/** Where a page starts (`cursor`: a `next` from the previous page) and how long it is. */
export interface PageOptions {
  readonly cursor?: string | undefined;
  readonly limit?: number;
}

/** The query string of a page request (empty when there is nothing to say). */
function query(params: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params) as Array<[string, unknown]>) if ((typeof v === 'string' && v !== '') || typeof v === 'number') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** One path segment: keys and ids are URL-safe by the design, but never trust a caller with `/`. */
function seg(s: string): string {
  return encodeURIComponent(s);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toHttpError(response: Response, parsed: unknown, text: string): MeshHttpError {
  const error = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null) {
    const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
    if (typeof code === 'string') {
      return new MeshHttpError(response.status, code, typeof message === 'string' ? message : code, retryAfterMs(response), details);
    }
  }
  // Not the design's shape (API Gateway's own 403 `{"message":"Forbidden"}`, a proxy's HTML page…).
  const apiGatewayMessage = typeof parsed === 'object' && parsed !== null ? (parsed as { message?: unknown }).message : undefined;
  const message =
    typeof apiGatewayMessage === 'string' ? apiGatewayMessage : text.trim().slice(0, 200) || response.statusText || `HTTP ${response.status}`;
  return new MeshHttpError(response.status, `http-${response.status}`, message, retryAfterMs(response));
}

/** `Retry-After` as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(response: Response): number | undefined {
  const raw = response.headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
