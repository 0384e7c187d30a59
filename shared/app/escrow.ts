/**
 * The escrow account routes and the rebalancer's writes, on the account's fold snapshot
 * (`E#<id>`, kept by the store with `ESCROW_FOLD`): no route replays a history.
 *
 * - A debit (withdrawal, transfer) is checked against this region's **provable** rights on the
 *   snapshot (`provableRights`: sound with or without a gap in this region's view, exact without
 *   one), inside `LocalWriter.write`, so the check and the append are guarded by one stream
 *   version: two debits can never both pass one check.
 * - A withdrawal refused for want of rights (409 `insufficient-rights`, nothing of it stored)
 *   stores a rights request when `nextWant` says one is due, so the rights move here by the
 *   peers' rebalancers. A 409 may store a request, never the withdrawal.
 * - The rebalancer (`rebalance`, `tick`): the region's want from its spending, then the transfers
 *   `planTransfers` assigns it, to the peers it can deliver to now, each decided and checked on
 *   the current stream state like any debit.
 *
 * Amounts are JSON numbers in every answer, as for plain accounts; the state keeps decimal strings.
 *
 * @example
 * ```ts
 * import { EscrowAccounts } from './escrow.ts';
 * const escrow = new EscrowAccounts({ region: 'us-east-1', regions: ['eu-west-1', 'us-east-1'], store, writer, links });
 * await escrow.create('alice');
 * await escrow.deposit('alice', 100);
 * await escrow.rebalance('alice');          // transfers 50 to eu-west-1 (its even share)
 * (await escrow.account('alice')).rights;   // { 'eu-west-1': 50, 'us-east-1': 50 }
 * ```
 */
import {
  ESCROW_FOLD,
  FROM_FIRST,
  InsufficientRightsError,
  ValidationError,
  checkEscrowDeposit,
  checkEscrowTransfer,
  checkEscrowWithdraw,
  escrowStatement,
  escrowTargets,
  eventSortKey,
  idOfPosition,
  nextWant,
  planTransfers,
  provableRights,
  regionOf,
  startAfter,
  validateKey,
  validateOrigin,
} from '../domain/index.ts';
import type { DemandParams, EscrowState, EscrowTransferPayload, JsonValue, MeshEvent, RebalanceParams, StatementStart, WallClock } from '../domain/index.ts';
import type { EventStore, StreamState } from '../ports/event-store.ts';
import type { LinkControl } from '../ports/link-control.ts';
import { escrowStream, parseStream } from '../ports/stream.ts';
import { decodeCursor, encodeCursor } from '../util/cursor.ts';
import type {
  AccountCreation,
  EscrowBounceView,
  EscrowHistory,
  EscrowHistoryEntry,
  EscrowListing,
  EscrowSummary,
  RebalanceOutcome,
  RebalancingEntry,
  RebalancingHistory,
  TickReport,
  WriteResult,
} from './answers.ts';
import type { LocalWrite, LocalWriter } from './local-writer.ts';
import { jsonBytes, pageParams, withinBudget } from './paging.ts';
import type { PageParams, Query } from './paging.ts';

/**
 * The rebalancing policy's knobs (the domain's defaults when left out): the band of
 * `rebalance.ts` and the headroom of `escrow-demand.ts`. Every region of a mesh should use the
 * same ones, or their plans disagree (rights are never at risk, only traffic).
 *
 * @example
 * ```ts
 * const policy: RebalancePolicy = { bandPercent: 5, minBand: 1, headroomPercent: 150 };
 * ```
 */
export type RebalancePolicy = Pick<DemandParams, 'bandPercent' | 'minBand' | 'headroomPercent'>;

export interface EscrowAccountsOptions {
  readonly region: string;
  /** Every region of the mesh, this one included: the same list in every region (the rebalancer's targets). */
  readonly regions: readonly string[];
  readonly store: EventStore;
  readonly writer: LocalWriter;
  /** Which peers this region can deliver to now: the rebalancer holds back transfers to the others. */
  readonly links: LinkControl;
  /** Stamps of "now" for the spending windows (defaults to Date). */
  readonly wall?: WallClock;
  readonly policy?: RebalancePolicy;
  /** Accounts a tick visits per page of the catalog (default 100). */
  readonly tickPageSize?: number;
}

/** Rebalancing history entries scanned per page at most: bounds a page over a history of deposits. */
export const REBALANCING_SCAN = 500;
/** Bounces listed in an account answer (the statement lists all). */
export const LISTED_BOUNCES = 20;

/** Thrown inside a decision that turns out to have nothing to write; never leaves this module. */
class NothingToWrite extends Error {}

export class EscrowAccounts {
  readonly region: string;
  private readonly regions: readonly string[];
  private readonly store: EventStore;
  private readonly writer: LocalWriter;
  private readonly links: LinkControl;
  private readonly wall: WallClock;
  private readonly policy: RebalancePolicy;
  private readonly tickPageSize: number;

  constructor(options: EscrowAccountsOptions) {
    this.region = options.region;
    this.regions = [...new Set([options.region, ...options.regions])].sort();
    this.store = options.store;
    this.writer = options.writer;
    this.links = options.links;
    this.wall = options.wall ?? { now: () => Date.now() };
    this.policy = options.policy ?? {};
    this.tickPageSize = options.tickPageSize ?? 100;
  }

  /**
   * `POST /accounts/{id}` `{"mode":"escrow"}`: writes `escrow-open` unless the account already
   * has events here (then nothing is stored and the answer is the account as it stands).
   */
  async create(account: string, modes: EscrowSummary['modes'] = ['escrow']): Promise<AccountCreation> {
    const a = validateKey(account, 'account');
    try {
      const w = await this.writer.write(escrowStream(a), (view) => {
        if (view.version > 0) throw new NothingToWrite();
        return { kind: 'escrow-open', key: a, payload: null };
      });
      return { created: true, ...this.answer(w) };
    } catch (e) {
      if (!(e instanceof NothingToWrite)) throw e;
      return { created: false, account: await this.account(a, modes), region: this.region };
    }
  }

  /** An escrow deposit: adds to this region's rights; 409 `balance-limit` past the exact range. */
  async deposit(account: string, amount: unknown): Promise<WriteResult> {
    const a = validateKey(account, 'account');
    return this.answer(
      await this.writer.write(escrowStream(a), (view) => ({ kind: 'escrow-deposit', key: a, payload: checkEscrowDeposit(stateOf(view), amount) })),
    );
  }

  /**
   * An escrow withdrawal: 409 `insufficient-rights`, nothing of it stored, when this region's
   * provable rights cannot cover it; the refusal then stores a rights request when one is due
   * (its want is in `details.requested`).
   */
  async withdraw(account: string, amount: unknown): Promise<WriteResult> {
    const a = validateKey(account, 'account');
    try {
      return this.answer(
        await this.writer.write(escrowStream(a), (view) => {
          const s = stateOf(view);
          return { kind: 'escrow-withdraw', key: a, payload: checkEscrowWithdraw(s, this.region, amount, provableRights(s, this.region)) };
        }),
      );
    } catch (e) {
      if (!(e instanceof InsufficientRightsError)) throw e;
      const requested = await this.request(a, Number(e.details.amount)).catch(() => undefined);
      throw requested === undefined ? e : new InsufficientRightsError({ ...e.details, requested: String(requested) });
    }
  }

  /**
   * `POST /accounts/{id}/transfer` `{"to","amount"}`: moves rights from this region to `to`, a
   * peer of the mesh. A refused transfer asks for nothing: rights are short here, so they should
   * be sent from where they are.
   */
  async transfer(account: string, to: unknown, amount: unknown): Promise<WriteResult> {
    const a = validateKey(account, 'account');
    const target = validateOrigin(to, 'to');
    if (target !== this.region && !this.regions.includes(target)) {
      throw new ValidationError('invalid-region', `to: ${target} is not a region of this mesh (${this.regions.join(', ')})`);
    }
    return this.answer(
      await this.writer.write(escrowStream(a), (view) => {
        const s = stateOf(view);
        return { kind: 'escrow-transfer', key: a, payload: { ...checkEscrowTransfer(s, this.region, target, amount, provableRights(s, this.region)) } };
      }),
    );
  }

  /** `GET /accounts/{id}` of an escrow account: the snapshot's figures, every region's rights, want and target. */
  async account(account: string, modes: EscrowSummary['modes']): Promise<EscrowSummary> {
    const a = validateKey(account, 'account');
    const state = await this.store.stateOf(escrowStream(a));
    const s = stateOf(state);
    const stored = state.heads.length === 0 ? [] : await this.store.eventsAt(state.stream, state.heads);
    const byId = new Map(stored.map((x) => [x.event.id, x.event] as const));
    const heads = state.heads.map((p) => byId.get(idOfPosition(p))).filter((e): e is MeshEvent => e !== undefined);
    const targets = escrowTargets(s, this.regions);
    const names = [...new Set([...this.regions, ...Object.keys(s.regions)])].sort();
    const regions = names.map((r) => {
      const x = regionOf(s, r);
      return { region: r, rights: num(x.rights), want: num(x.want), target: Number(targets.get(r) ?? 0n), deposited: num(x.deposited), withdrawn: num(x.withdrawn), sent: num(x.sent), received: num(x.received) };
    });
    const provable = provableRights(s, this.region);
    return {
      account: a,
      mode: 'escrow',
      modes,
      opened: s.opened,
      balance: num(s.balance),
      deposited: num(s.deposited),
      withdrawn: num(s.withdrawn),
      transferred: num(s.transferred),
      rights: Object.fromEntries(regions.map((r) => [r.region, r.rights])),
      wants: Object.fromEntries(regions.filter((r) => r.want > 0).map((r) => [r.region, r.want])),
      regions,
      spendable: Number(provable < 0n ? 0n : provable),
      bouncedCount: s.bounced.length,
      bounced: s.bounced.slice(-LISTED_BOUNCES).map(bounceView),
      heads,
      version: state.version,
      region: this.region,
    };
  }

  /**
   * `GET /accounts/{id}/history` of an escrow account: a page of its statement from the first
   * event — each event with this region's receipt, applied or bounced, the balance and the rights
   * it touched after it. The cursor carries the figures after the page, so each page costs its
   * own events only.
   */
  async history(account: string, query: Query = {}): Promise<EscrowHistory> {
    const a = validateKey(account, 'account');
    const { limit, cursor } = pageParams(query, { default: 100, max: 1000 });
    const from = cursor === undefined ? undefined : decodeCursor(cursor, 'escrow-statement', isStatementCursor);
    const stream = escrowStream(a);
    const [state, page] = await Promise.all([this.store.stateOf(stream), this.store.eventsPage(stream, { limit, ...(from === undefined ? {} : { after: from.p }) })]);
    const start: StatementStart = from === undefined ? FROM_FIRST : { balance: from.b, rights: from.r };
    const receipts = new Map(page.events.map((x) => [x.event.id, x.receipt] as const));
    const lines = escrowStatement(a, page.events.map((x) => x.event), start);
    const entries = withinBudget(
      lines.map((l): EscrowHistoryEntry => ({
        event: l.event,
        receipt: receipts.get(l.event.id) as EscrowHistoryEntry['receipt'],
        outcome: l.outcome,
        balanceAfter: num(l.balanceAfter),
        rightsAfter: Object.fromEntries(Object.entries(l.rightsAfter).map(([r, v]) => [r, num(v)])),
      })),
      jsonBytes,
    );
    const kept = lines.slice(0, entries.length);
    const last = kept.at(-1);
    const more = entries.length < lines.length || page.next !== undefined;
    const after = startAfter(kept, start);
    const next = more && last !== undefined ? encodeCursor('escrow-statement', { p: eventSortKey(last.event), b: after.balance, r: after.rights }) : undefined;
    return { account: a, mode: 'escrow', balance: num(stateOf(state).balance), region: this.region, events: entries, ...(next === undefined ? {} : { next }) };
  }

  /**
   * `GET /accounts/{id}/rebalancing`: the account's transfers and rights requests, newest first,
   * each with its outcome in this region's replay. A page scans at most {@link REBALANCING_SCAN}
   * events, so a history of many deposits and withdrawals between two transfers still answers
   * quickly (perhaps with fewer entries than asked and a `next`).
   */
  async rebalancing(account: string, query: Query = {}): Promise<RebalancingHistory> {
    const a = validateKey(account, 'account');
    const { limit, cursor } = pageParams(query, { default: 50, max: 500 });
    let after = cursor === undefined ? undefined : decodeCursor(cursor, 'rebalancing');
    const stream = escrowStream(a);
    const state = await this.store.stateOf(stream);
    const bounced = new Set(stateOf(state).bounced.map((b) => b.id));
    const entries: RebalancingEntry[] = [];
    let scanned = 0;
    let exhausted = false;
    while (entries.length < limit && scanned < REBALANCING_SCAN) {
      const page = await this.store.eventsPage(stream, { limit: Math.min(100, REBALANCING_SCAN - scanned), desc: true, ...(after === undefined ? {} : { after }) });
      let stoppedEarly = false;
      for (const [i, x] of page.events.entries()) {
        scanned++;
        after = eventSortKey(x.event);
        const entry = rebalancingEntry(x.event, bounced.has(x.event.id));
        if (entry !== undefined) entries.push({ ...entry, receipt: x.receipt });
        if (entries.length >= limit) {
          stoppedEarly = i < page.events.length - 1;
          break;
        }
      }
      if (page.next === undefined && !stoppedEarly) {
        exhausted = true;
        break;
      }
    }
    const kept = withinBudget(entries, jsonBytes);
    const cut = kept.length < entries.length;
    const resume = cut ? eventSortKey((kept.at(-1) as RebalancingEntry).event) : after;
    const next = (!exhausted || cut) && resume !== undefined ? encodeCursor('rebalancing', resume) : undefined;
    return { account: a, region: this.region, entries: kept, scanned, ...(next === undefined ? {} : { next }) };
  }

  /** A page of the escrow accounts held here (`GET /accounts`, its escrow part), by id. */
  async list(prefix: string, page: PageParams): Promise<{ items: EscrowListing[]; next?: string }> {
    const p = await this.store.streams(escrowStream(prefix), page);
    return {
      items: p.items.map((st) => {
        const s = stateOf(st);
        return {
          account: parseStream(st.stream)?.key ?? st.stream,
          mode: 'escrow' as const,
          balance: num(s.balance),
          rights: Object.fromEntries(Object.keys(s.regions).sort().map((r) => [r, num(regionOf(s, r).rights)])),
          bouncedCount: s.bounced.length,
          version: st.version,
          ...(st.updatedAt === undefined ? {} : { updatedAt: st.updatedAt }),
        };
      }),
      ...(p.next === undefined ? {} : { next: p.next }),
    };
  }

  /**
   * Rebalances one account from this region: updates its want from its spending (`nextWant`),
   * then issues the transfers `planTransfers` gives it, to reachable peers only. Each write is
   * decided again on the stream's current state, so a concurrent withdrawal or transfer is never
   * double-spent; `reachable` defaults to the peers whose link from here is enabled.
   */
  async rebalance(account: string, reachable?: readonly string[]): Promise<RebalanceOutcome> {
    const a = validateKey(account, 'account');
    const peers = reachable ?? (await this.reachablePeers());
    return this.rebalanceOn(a, await this.store.stateOf(escrowStream(a)), peers);
  }

  /**
   * One scheduler tick: every escrow account held here, a page of the catalog at a time; only the
   * accounts whose want or plan asks for a write cost more than their share of the listing.
   * Failures of one account are reported and do not stop the others.
   */
  async tick(options: { readonly deadline?: number } = {}): Promise<TickReport> {
    const peers = await this.reachablePeers();
    const report = { accounts: 0, requests: 0, transfers: 0, moved: 0, errors: [] as { account: string; error: string }[], complete: true };
    report.complete = await this.eachAccount(report, options.deadline, async (account, st) => {
      const out = await this.rebalanceOn(account, st, peers);
      if (out.requested !== undefined) report.requests++;
      report.transfers += out.transfers.length;
      report.moved += out.transfers.reduce((n, t) => n + t.amount, 0);
    });
    return { region: this.region, reachable: peers, ...report };
  }

  /**
   * Before this region retires: sends every right it can prove it holds, account by account, to
   * one of `to` (the one that wants the most, else the first), so that no right is stranded in a
   * table that nobody spends from any more. Each transfer is decided on the current state, so a
   * withdrawal still in hand here is never double-spent; the transfers replicate like any event.
   * A failure on one account is reported and does not stop the others.
   *
   * @example
   * ```ts
   * await escrow.handOver(['eu-west-1', 'ap-southeast-2']); // { accounts: 3, transfers: 2, moved: 170, errors: [] }
   * ```
   */
  async handOver(to: readonly string[]): Promise<HandOverReport> {
    const targets = to.filter((r) => r !== this.region && this.regions.includes(r));
    const report = { accounts: 0, transfers: 0, moved: 0, errors: [] as { account: string; error: string }[] };
    if (targets.length === 0) throw new ValidationError('invalid-region', `hand over to: none of ${to.join(', ')} is another region of this mesh (${this.regions.join(', ')})`);
    await this.eachAccount(report, undefined, async (account) => {
      const e = await this.writeIf(account, (s) => {
        const held = provableRights(s, this.region);
        if (held <= 0n) return undefined;
        const wants = (r: string): bigint => BigInt(regionOf(s, r).want);
        const target = targets.reduce((best, r) => (wants(r) > wants(best) ? r : best));
        return { kind: 'escrow-transfer', payload: { ...checkEscrowTransfer(s, this.region, target, Number(held), held) } };
      });
      if (e === undefined) return;
      report.transfers++;
      report.moved += (e.payload as unknown as EscrowTransferPayload).amount;
    });
    return report;
  }

  /**
   * Visits every escrow account held here, a page of the catalog at a time, counting each in
   * `report.accounts`; a failure of one is pushed to `report.errors` and the others go on.
   * Answers false when `deadline` (epoch ms) cut the walk short.
   */
  private async eachAccount(
    report: { accounts: number; errors: { account: string; error: string }[] },
    deadline: number | undefined,
    visit: (account: string, state: StreamState) => Promise<void>,
  ): Promise<boolean> {
    let cursor: string | undefined;
    do {
      if (deadline !== undefined && this.wall.now() >= deadline) return false;
      const page = await this.store.streams('E#', { limit: this.tickPageSize, ...(cursor === undefined ? {} : { cursor }) });
      for (const st of page.items) {
        const account = parseStream(st.stream)?.key;
        if (account === undefined) continue;
        report.accounts++;
        try {
          await visit(account, st);
        } catch (e) {
          report.errors.push({ account, error: e instanceof Error ? e.message : String(e) });
        }
      }
      cursor = page.next;
    } while (cursor !== undefined);
    return true;
  }

  /** The peers this region can deliver to now; a link whose state cannot be read counts as up (as repair does). */
  async reachablePeers(): Promise<string[]> {
    const peers = this.regions.filter((r) => r !== this.region);
    let all: Promise<readonly { from: string; to: string; enabled: boolean }[]> | undefined;
    const up = await Promise.all(
      peers.map(async (p) => {
        try {
          if (this.links.isEnabled !== undefined) return await this.links.isEnabled(this.region, p);
          all ??= this.links.links();
          return (await all).find((l) => l.from === this.region && l.to === p)?.enabled ?? true;
        } catch {
          return true;
        }
      }),
    );
    return peers.filter((_p, i) => up[i] !== false);
  }

  /** `nextWant` and `planTransfers` on `seen` (a state read before); writes only what they ask for, each decided again on the current state. */
  private async rebalanceOn(account: string, seen: StreamState, reachable: readonly string[]): Promise<RebalanceOutcome> {
    const out: { account: string; requested?: number; transfers: { to: string; amount: number; id: string }[] } = { account, transfers: [] };
    if (seen.version === 0) return out;
    const params: RebalanceParams = { regions: this.regions, reachable, ...this.policy };
    const wantOf = (s: EscrowState) => nextWant(s, this.region, this.wall.now(), this.policy);
    const planOf = (s: EscrowState) => planTransfers(s, this.region, { ...params, spendable: provableRights(s, this.region) });
    // The listing's state says whether anything is due: most accounts cost no read and no write.
    const s0 = stateOf(seen);
    if (wantOf(s0) !== undefined) {
      const e = await this.writeIf(account, (s) => {
        const want = wantOf(s);
        return want === undefined ? undefined : { kind: 'escrow-request', payload: { want } };
      });
      if (e !== undefined) out.requested = (e.payload as { want: number }).want;
    }
    if (out.requested === undefined && planOf(s0).length === 0) return out;
    // The plan is stable: after each transfer, the plan of the new state is the rest of the old one.
    for (let i = 0; i < this.regions.length; i++) {
      const e = await this.writeIf(account, (s) => {
        const p = planOf(s)[0];
        return p === undefined ? undefined : { kind: 'escrow-transfer', payload: { ...checkEscrowTransfer(s, this.region, p.to, p.amount, provableRights(s, this.region)) } };
      });
      if (e === undefined) break;
      const { to, amount } = e.payload as unknown as EscrowTransferPayload;
      out.transfers.push({ to, amount, id: e.id });
    }
    return out;
  }

  /** Writes on the current stream state the decision `decide` finds there, or nothing when it finds none; the written event. */
  private async writeIf(account: string, decide: (s: EscrowState) => { kind: 'escrow-request' | 'escrow-transfer'; payload: JsonValue } | undefined): Promise<MeshEvent | undefined> {
    try {
      const w = await this.writer.write(escrowStream(account), (view) => {
        const d = decide(stateOf(view));
        if (d === undefined) throw new NothingToWrite();
        return { ...d, key: account };
      });
      return w.events.at(-1) as MeshEvent;
    } catch (e) {
      if (e instanceof NothingToWrite) return undefined;
      throw e;
    }
  }

  /** A refused withdrawal's request for rights, when `nextWant` says one is due now; its want, or undefined. */
  private async request(account: string, refused: number): Promise<number | undefined> {
    const e = await this.writeIf(account, (s) => {
      const want = nextWant(s, this.region, this.wall.now(), { ...this.policy, refused });
      return want === undefined ? undefined : { kind: 'escrow-request', payload: { want } };
    });
    return e === undefined ? undefined : (e.payload as { want: number }).want;
  }

  private answer(w: LocalWrite): WriteResult {
    const event = w.events.at(-1) as MeshEvent;
    const receipt = w.receipts.at(-1);
    if (receipt === undefined) throw new Error('local write answered no receipt');
    return { event, receipt, region: this.region, ...(w.events.length > 1 ? { chain: w.events } : {}) };
  }
}

/** What `handOver` did: escrow accounts seen, transfers written, rights moved, accounts that failed. */
export interface HandOverReport {
  readonly accounts: number;
  readonly transfers: number;
  readonly moved: number;
  readonly errors: readonly { readonly account: string; readonly error: string }[];
}

/** The escrow fold state of a stream state (the empty account when it has none yet). */
function stateOf(view: StreamState): EscrowState {
  return (view.snapshot?.state as EscrowState | undefined) ?? ESCROW_FOLD.initial;
}

/** A decimal-string amount as a JSON number (exact up to 2^53 − 1, which a region never passes on its own). */
function num(s: string): number {
  return Number(s);
}

function bounceView(b: EscrowState['bounced'][number]): EscrowBounceView {
  return { id: b.id, kind: b.kind, origin: b.origin, amount: num(b.amount), ...(b.to === undefined ? {} : { to: b.to }), rightsBefore: num(b.rightsBefore), reason: b.reason };
}

/** A transfer or request as a rebalancing entry (without its receipt), or undefined for other kinds. */
function rebalancingEntry(e: MeshEvent, bounced: boolean): Omit<RebalancingEntry, 'receipt'> | undefined {
  if (e.kind === 'escrow-transfer') {
    const { to, amount } = e.payload as unknown as EscrowTransferPayload;
    return { event: e, kind: 'transfer', from: e.origin, to, amount, outcome: bounced ? 'bounced' : 'applied' };
  }
  if (e.kind === 'escrow-request') return { event: e, kind: 'request', from: e.origin, want: (e.payload as { want: number }).want, outcome: 'applied' };
  return undefined;
}

/** A statement cursor: the position of the last line given, and the balance and rights after it. */
function isStatementCursor(v: unknown): v is { p: string; b: string; r: Record<string, string> } {
  if (typeof v !== 'object' || v === null) return false;
  const { p, b, r } = v as { p?: unknown; b?: unknown; r?: unknown };
  const amount = (x: unknown): boolean => typeof x === 'string' && /^\d{1,40}$/.test(x);
  if (typeof p !== 'string' || p.length === 0 || p.length > 400 || !amount(b) || typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  const entries = Object.entries(r as Record<string, unknown>);
  return entries.length <= 64 && entries.every(([name, x]) => /^[a-z0-9-]{1,64}$/.test(name) && amount(x));
}
