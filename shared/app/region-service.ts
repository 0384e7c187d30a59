/**
 * A region's behaviour, route by route, on the ports: the api handler only parses HTTP and maps
 * results and errors to responses; ingest and repair call {@link RegionService.ingestBatch}.
 * The work is split by concern — `registers.ts`, `accounts.ts`, `event-detail.ts`, `status.ts`,
 * `ingest.ts`, and `local-writer.ts` for how every local write is decided and committed — and this
 * class wires them to one store, one clock and one link control.
 *
 * @example
 * ```ts
 * import { RegionService } from './region-service.ts';
 * import { MemoryEventStore } from '../adapters/memory-event-store.ts';
 * const service = new RegionService({ region: 'us-east-1', peers: [], store: new MemoryEventStore({ region: 'us-east-1' }), links });
 * await service.put('colour', 'blue');        // { event, receipt, region }
 * (await service.get('colour')).value;        // 'blue'
 * ```
 */
import { DEFAULT_MAX_CLOCK_OFFSET_MS, HybridClock } from '../domain/index.ts';
import type { MeshEvent, ReceiptVia, WallClock } from '../domain/index.ts';
import type { AppendResult, EventStore } from '../ports/event-store.ts';
import type { LinkControl, LinkState } from '../ports/link-control.ts';
import { AccountRouter } from './account-router.ts';
import { Accounts } from './accounts.ts';
import type {
  AccountCreation,
  AccountHistory,
  AccountList,
  AccountSummary,
  EscrowHistory,
  EscrowSummary,
  RebalancingHistory,
  TickReport,
  ConflictList,
  EventDetail,
  HeadsPage,
  KeyHistory,
  KeyList,
  KeyView,
  RegionStatus,
  WriteResult,
} from './answers.ts';
import { EscrowAccounts } from './escrow.ts';
import type { HandOverReport, RebalancePolicy } from './escrow.ts';
import { eventDetail } from './event-detail.ts';
import { Ingestor } from './ingest.ts';
import type { IngestItem, IngestOutcome } from './ingest.ts';
import { LocalWriter } from './local-writer.ts';
import type { Query } from './paging.ts';
import { Registers } from './registers.ts';
import { RegionStatusService } from './status.ts';

export type * from './answers.ts';
export type { IngestItem, IngestOutcome } from './ingest.ts';

export interface RegionServiceOptions {
  readonly region: string;
  readonly peers: readonly string[];
  readonly store: EventStore;
  readonly links: LinkControl;
  /** Regions no longer in the mesh whose events it still holds: still accepted as origins. */
  readonly retiredRegions?: readonly string[];
  /** Wall clock under the HLC; defaults to Date. */
  readonly clock?: WallClock;
  /** How long a local write may lose to contention before a 503 (default 5 000 ms). */
  readonly writeBudgetMs?: number;
  /** Largest lead of an ingested stamp over this region's clock (default 5 minutes). */
  readonly maxClockOffsetMs?: number;
  /** Ancestors walked for an event's trail (default 200): bounds `GET /events/{id}`. */
  readonly maxTrail?: number;
  /** The escrow rebalancer's knobs (the domain's defaults when left out); the same in every region. */
  readonly rebalancePolicy?: RebalancePolicy;
}

export class RegionService {
  readonly region: string;
  readonly peers: readonly string[];
  readonly store: EventStore;
  readonly links: LinkControl;
  readonly hlc: HybridClock;
  private readonly registers: Registers;
  private readonly accounts: AccountRouter;
  private readonly escrow: EscrowAccounts;
  private readonly statusService: RegionStatusService;
  private readonly ingestor: Ingestor;
  private readonly maxTrail: number;

  constructor(options: RegionServiceOptions) {
    this.region = options.region;
    this.peers = options.peers;
    this.store = options.store;
    this.links = options.links;
    const wall = options.clock ?? { now: () => Date.now() };
    const maxClockOffsetMs = options.maxClockOffsetMs ?? DEFAULT_MAX_CLOCK_OFFSET_MS;
    this.hlc = new HybridClock(wall, maxClockOffsetMs);
    this.maxTrail = options.maxTrail ?? 200;
    const writer = new LocalWriter({ store: this.store, region: this.region, hlc: this.hlc, wall, ...(options.writeBudgetMs === undefined ? {} : { budgetMs: options.writeBudgetMs }) });
    this.registers = new Registers({ region: this.region, store: this.store, writer });
    const plain = new Accounts({ region: this.region, store: this.store, writer });
    this.escrow = new EscrowAccounts({
      region: this.region,
      regions: [this.region, ...this.peers],
      store: this.store,
      writer,
      links: this.links,
      wall,
      ...(options.rebalancePolicy === undefined ? {} : { policy: options.rebalancePolicy }),
    });
    this.accounts = new AccountRouter({ store: this.store, plain, escrow: this.escrow });
    this.statusService = new RegionStatusService({ region: this.region, peers: this.peers, store: this.store, links: this.links, wall });
    const origins = [this.region, ...this.peers, ...(options.retiredRegions ?? [])];
    this.ingestor = new Ingestor({ region: this.region, origins, store: this.store, hlc: this.hlc, wall, maxClockOffsetMs });
  }

  /** `PUT /kv/{key}`. */
  put(key: unknown, value: unknown): Promise<WriteResult> {
    return this.registers.put(key, value);
  }

  /** `DELETE /kv/{key}`: a tombstone. */
  delete(key: unknown): Promise<WriteResult> {
    return this.registers.delete(key);
  }

  /** `GET /kv/{key}`. */
  get(key: unknown): Promise<KeyView> {
    return this.registers.get(key);
  }

  /** `GET /kv/{key}/heads`. */
  heads(key: unknown, query?: Query): Promise<HeadsPage> {
    return this.registers.heads(key, query);
  }

  /** `GET /kv/{key}/history`. */
  history(key: unknown, query?: Query): Promise<KeyHistory> {
    return this.registers.history(key, query);
  }

  /** `POST /kv/{key}/resolve`: on the heads given (ids) or the version read. */
  resolve(key: unknown, value: unknown, heads: unknown, version?: unknown): Promise<WriteResult> {
    return this.registers.resolve(key, value, heads, version);
  }

  /** `GET /kv?prefix=`. */
  keys(query?: Query): Promise<KeyList> {
    return this.registers.list(query);
  }

  /** `GET /conflicts`. */
  conflicts(query?: Query): Promise<ConflictList> {
    return this.registers.conflicts(query);
  }

  /** `POST /accounts/{id}` `{"mode"}`: opens an escrow account (see `account-router.ts`). */
  createAccount(account: unknown, mode: unknown): Promise<AccountCreation> {
    return this.accounts.create(account, mode);
  }

  /** `POST /accounts/{id}/deposit`: plain or escrow by the account's mode (`mode` names it). */
  deposit(account: unknown, amount: unknown, mode?: unknown): Promise<WriteResult> {
    return this.accounts.deposit(account, amount, mode);
  }

  /** `POST /accounts/{id}/withdraw`: plain or escrow by the account's mode (`mode` names it). */
  withdraw(account: unknown, amount: unknown, mode?: unknown): Promise<WriteResult> {
    return this.accounts.withdraw(account, amount, mode);
  }

  /** `POST /accounts/{id}/transfer`: moves an escrow account's rights from this region to `to`. */
  transfer(account: unknown, to: unknown, amount: unknown): Promise<WriteResult> {
    return this.accounts.transfer(account, to, amount);
  }

  /** `GET /accounts/{id}`: an escrow account's answer has `mode: 'escrow'` and its rights per region. */
  account(account: unknown, query?: Query): Promise<AccountSummary | EscrowSummary> {
    return this.accounts.account(account, query);
  }

  /** `GET /accounts/{id}/history`. */
  accountHistory(account: unknown, query?: Query): Promise<AccountHistory | EscrowHistory> {
    return this.accounts.history(account, query);
  }

  /** `GET /accounts/{id}/rebalancing`: an escrow account's transfers and rights requests. */
  rebalancing(account: unknown, query?: Query): Promise<RebalancingHistory> {
    return this.accounts.rebalancing(account, query);
  }

  /** One rebalancer tick over every escrow account held here (the schedule's job); stops at `deadline` (epoch ms). */
  rebalance(options: { readonly deadline?: number } = {}): Promise<TickReport> {
    return this.escrow.tick(options);
  }

  /** Before this region retires: every escrow right it holds sent to one of `to` (see `EscrowAccounts.handOver`). */
  handOverRights(to: readonly string[]): Promise<HandOverReport> {
    return this.escrow.handOver(to);
  }

  /** `GET /accounts?prefix=`. */
  accountList(query?: Query): Promise<AccountList> {
    return this.accounts.list(query);
  }

  /** `GET /events/{id}`. */
  event(id: unknown): Promise<EventDetail> {
    return eventDetail(this.store, this.region, id, { maxTrail: this.maxTrail });
  }

  /** `GET /status`. */
  status(): Promise<RegionStatus> {
    return this.statusService.status();
  }

  /** `PUT /admin/links/{from}/{to}`. */
  setLink(from: unknown, to: unknown, enabled: unknown): Promise<LinkState> {
    return this.statusService.setLink(from, to, enabled);
  }

  /** Records a delivered batch's lag (ingest, once per batch and sender). */
  recordDelivery(from: string, events: readonly MeshEvent[]): Promise<void> {
    return this.statusService.recordDelivery(from, events);
  }

  /** Ingests a batch from a peer's queue or a repair pull; see `ingest.ts` for what is refused. */
  ingestBatch(items: readonly IngestItem[]): Promise<IngestOutcome[]> {
    return this.ingestor.batch(items);
  }

  /**
   * Ingests one event; throws its refusal (`PoisonMessageError`, `ClockSkewError`).
   *
   * @example
   * ```ts
   * const { status } = await service.ingest(event, { type: 'repair', peer: 'eu-west-1' });
   * ```
   */
  async ingest(raw: unknown, via: ReceiptVia): Promise<AppendResult & { event: MeshEvent }> {
    const [outcome] = await this.ingestBatch([{ raw, via }]);
    if (outcome === undefined) throw new Error('ingest answered nothing');
    if (!outcome.ok) throw outcome.error;
    return { status: outcome.status, receipt: outcome.receipt, event: outcome.event };
  }
}
