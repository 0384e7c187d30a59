/**
 * A region's behaviour, route by route, on the ports: the api handler only parses HTTP and maps
 * results and errors to responses; ingest and repair call {@link RegionService.ingest}.
 *
 * Local writes take their parents from the current heads and stamp `hlc` above them, then store
 * with `appendIfHeads` on the heads version they read: if anything landed on the stream meanwhile
 * the decision is taken again on the new view. That is what keeps two concurrent withdrawals in one
 * region from both passing the balance check, and keeps one region from creating conflicts with
 * itself.
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
import {
  HybridClock,
  InsufficientFundsError,
  accountStatement,
  NotFoundError,
  StaleHeadsError,
  ValidationError,
  accountView,
  buildTrail,
  canWithdraw,
  createEvent,
  isEventId,
  isMeshError,
  parseEvent,
  parseHlc,
  registerView,
  sameHeads,
  validateAmount,
  validateKey,
  validateValue,
} from '../domain/index.ts';
import type {
  AccountView,
  Digest,
  EventKind,
  JsonValue,
  MeshEvent,
  Receipt,
  ReceiptVia,
  RegisterView,
  StatementLine,
  StoredEvent,
  TrailNode,
  WallClock,
} from '../domain/index.ts';
import type { AppendResult, EventStore, HeadsState, LinkDelivery } from '../ports/event-store.ts';
import { HeadsMovedError } from '../ports/heads-moved-error.ts';
import type { LinkControl, LinkState } from '../ports/link-control.ts';
import { accountStream, parseStream, registerStream } from '../ports/stream.ts';
import type { StreamId } from '../ports/stream.ts';
import { PoisonMessageError } from './poison-message-error.ts';

/** What every write route answers (201). */
export interface WriteResult {
  readonly event: MeshEvent;
  readonly receipt: Receipt;
  readonly region: string;
}

/** `GET /kv/{key}`: the domain's register view, and the answering region. */
export interface KeyView extends RegisterView {
  readonly region: string;
}

/** `GET /kv/{key}/history`. */
export interface KeyHistory {
  readonly key: string;
  readonly region: string;
  readonly events: readonly StoredEvent[];
}

/**
 * `GET /accounts/{id}`: the domain's account view without its `applied` list (the statement,
 * `GET /accounts/{id}/history`, is where every event is listed), and the answering region.
 */
export interface AccountSummary extends Omit<AccountView, 'applied'> {
  readonly region: string;
}

/** One line of `GET /accounts/{id}/history`: the event, this region's receipt, and what the replay did with it. */
export interface AccountHistoryEntry extends StoredEvent, StatementLine {}

/**
 * `GET /accounts/{id}/history`: the account's statement, its money events in total order; empty
 * (balance 0) for an account with no event here.
 */
export interface AccountHistory {
  readonly account: string;
  readonly balance: number;
  readonly region: string;
  readonly events: readonly AccountHistoryEntry[];
}

/** `GET /events/{id}`: parents are events where known here, bare ids where not (gaps). */
export interface EventDetail {
  readonly event: MeshEvent;
  readonly receipt: Receipt;
  readonly parents: readonly (MeshEvent | string)[];
  /** The event's ancestry known here, with this region's receipts (other regions add theirs). */
  readonly trail: readonly TrailNode[];
  readonly region: string;
}

/** `GET /conflicts`. */
export interface ConflictList {
  readonly region: string;
  readonly conflicts: ReadonlyArray<{ readonly key: string; readonly heads: readonly MeshEvent[] }>;
}

/**
 * The last delivery over an inbound link, as `GET /status` shows it.
 *
 * `lastMs` is this region's wall clock when the last batch was stored minus the origin's HLC wall
 * time of that batch's newest event. It therefore includes the clock skew between the two regions
 * (it can even be negative): a measure of how stale the link looks from here, not a network delay.
 *
 * @example
 * ```ts
 * const lag: LinkLag = { lastMs: 250, at: 1_732_600_000_250, originAt: 1_732_600_000_000, events: 42 };
 * ```
 */
export interface LinkLag {
  /** Lag of the last batch (ms): receiver's clock minus the newest event's origin wall time, skew included. */
  readonly lastMs: number;
  /** When the last batch was stored, by this region's wall clock (ms since the epoch). */
  readonly at: number;
  /** Origin wall time (HLC wall part) of the newest event of that batch (ms since the epoch). */
  readonly originAt: number;
  /** Events delivered over the link so far (every recorded batch). */
  readonly events: number;
}

/** A link's state in `GET /status`: what the link control reports, plus the lag on inbound links. */
export interface LinkStatus extends LinkState {
  /**
   * Only on links into this region that have delivered at least one batch. Includes clock skew
   * between the regions: see {@link LinkLag}.
   */
  readonly lag?: LinkLag;
}

/** `GET /status`. */
export interface RegionStatus {
  readonly region: string;
  readonly peers: readonly string[];
  readonly links: readonly LinkStatus[];
  /** Why `links` is empty when the link control could not answer. */
  readonly linksError?: string;
  /** Why the links carry no lag when the store could not answer. */
  readonly lagError?: string;
  readonly events: number;
  readonly digest: Digest;
}

export interface RegionServiceOptions {
  readonly region: string;
  readonly peers: readonly string[];
  readonly store: EventStore;
  readonly links: LinkControl;
  /** Wall clock under the HLC; defaults to Date. */
  readonly clock?: WallClock;
  /** Attempts of a local write whose stream keeps moving under it (default 50). */
  readonly maxWriteAttempts?: number;
  /** Ancestors walked for an event's trail (default 200): bounds `GET /events/{id}`. */
  readonly maxTrail?: number;
}

export class RegionService {
  readonly region: string;
  readonly peers: readonly string[];
  readonly store: EventStore;
  readonly links: LinkControl;
  readonly hlc: HybridClock;
  private readonly wall: WallClock;
  private readonly maxWriteAttempts: number;
  private readonly maxTrail: number;

  constructor(options: RegionServiceOptions) {
    this.region = options.region;
    this.peers = options.peers;
    this.store = options.store;
    this.links = options.links;
    this.wall = options.clock ?? { now: () => Date.now() };
    this.hlc = new HybridClock(this.wall);
    this.maxWriteAttempts = options.maxWriteAttempts ?? 50;
    this.maxTrail = options.maxTrail ?? 200;
  }

  /** `PUT /kv/{key}`: a `set` whose parents are the key's current heads here. */
  async put(key: unknown, value: unknown): Promise<WriteResult> {
    const k = validateKey(key);
    const v = validateValue(value);
    return this.writeLocal(registerStream(k), () => ({ kind: 'set', key: k, payload: v }));
  }

  /** `DELETE /kv/{key}`: a tombstone. */
  async delete(key: unknown): Promise<WriteResult> {
    const k = validateKey(key);
    return this.writeLocal(registerStream(k), () => ({ kind: 'delete', key: k, payload: null }));
  }

  /**
   * `GET /kv/{key}` from the heads alone (no history scan): the LWW winner is the greatest event,
   * and a writer always stamps above its parents, so the winner is always a head.
   */
  async get(key: unknown): Promise<KeyView> {
    const k = validateKey(key);
    const { heads } = await this.store.headsOf(registerStream(k));
    const view = registerView(k, heads);
    if (view === undefined) throw new NotFoundError(`no event for key ${k} in ${this.region}`);
    return { ...view, region: this.region };
  }

  /** `GET /kv/{key}/history`: every event of the key in total order with this region's receipt. */
  async history(key: unknown): Promise<KeyHistory> {
    const k = validateKey(key);
    return { key: k, region: this.region, events: await this.store.eventsOf(registerStream(k)) };
  }

  /** `POST /kv/{key}/resolve`: only if `heads` are exactly the key's heads here (else 409 stale-heads). */
  async resolve(key: unknown, value: unknown, heads: unknown): Promise<WriteResult> {
    const k = validateKey(key);
    const v = validateValue(value);
    if (!Array.isArray(heads) || !heads.every((h): h is string => typeof h === 'string')) {
      throw new ValidationError('bad-request', 'heads: must be an array of event ids');
    }
    const stream = registerStream(k);
    const state = await this.store.headsOf(stream);
    if (state.heads.length === 0) throw new NotFoundError(`no event for key ${k} in ${this.region}`);
    const current = state.heads.map((e) => e.id);
    if (!sameHeads(heads, current)) {
      throw new StaleHeadsError(`heads of ${k} here are [${current.join(', ')}], not the ones given: re-read and resolve again`);
    }
    try {
      return await this.appendOn(state, this.newEvent({ kind: 'resolve', key: k, payload: v }, state));
    } catch (e) {
      if (e instanceof HeadsMovedError) throw new StaleHeadsError(`heads of ${k} moved while resolving: re-read and resolve again`);
      throw e;
    }
  }

  /** `POST /accounts/{id}/deposit`. */
  async deposit(account: unknown, amount: unknown): Promise<WriteResult> {
    const a = validateKey(account, 'account');
    const n = validateAmount(amount);
    return this.writeLocal(accountStream(a), () => ({ kind: 'deposit', key: a, payload: n }));
  }

  /**
   * `POST /accounts/{id}/withdraw`: 409 insufficient-funds, storing nothing, when this region's
   * view cannot cover it. The check and the append are guarded by one heads version.
   */
  async withdraw(account: unknown, amount: unknown): Promise<WriteResult> {
    const a = validateKey(account, 'account');
    const n = validateAmount(amount);
    return this.writeLocal(accountStream(a), async () => {
      const view = accountView(a, (await this.store.eventsOf(accountStream(a))).map((s) => s.event));
      if (!canWithdraw(view, n)) {
        throw new InsufficientFundsError(`balance of ${a} in ${this.region} is ${view.balance}, cannot withdraw ${n}`);
      }
      return { kind: 'withdraw', key: a, payload: n };
    });
  }

  /** `GET /accounts/{id}`: replayed balance, bounced and reversed withdrawals (0 for an unknown account). */
  async account(account: unknown): Promise<AccountSummary> {
    const a = validateKey(account, 'account');
    const { applied: _applied, ...summary } = accountView(a, (await this.store.eventsOf(accountStream(a))).map((s) => s.event));
    return { ...summary, region: this.region };
  }

  /**
   * `GET /accounts/{id}/history`: the statement — every deposit and withdrawal in total order with
   * this region's receipt, applied or bounced, and the balance after each (empty for an unknown
   * account). The same replay as {@link account}, on the same read.
   */
  async accountHistory(account: unknown): Promise<AccountHistory> {
    const a = validateKey(account, 'account');
    const stored = await this.store.eventsOf(accountStream(a));
    const receipts = new Map(stored.map((s) => [s.event.id, s.receipt] as const));
    const events = accountStatement(a, stored.map((s) => s.event)).flatMap((line): AccountHistoryEntry[] => {
      const receipt = receipts.get(line.event.id);
      return receipt === undefined ? [] : [{ ...line, receipt }];
    });
    return { account: a, balance: events.at(-1)?.balanceAfter ?? 0, region: this.region, events };
  }

  /** `GET /events/{id}`. */
  async event(id: unknown): Promise<EventDetail> {
    if (!isEventId(id)) {
      throw new ValidationError('invalid-event', 'id: must be 64 lowercase hex characters');
    }
    const found = await this.store.get(id);
    if (found === undefined) throw new NotFoundError(`no event ${id} in ${this.region}`);
    const known = new Map<string, StoredEvent>([[id, found]]);
    // Walk the ancestry breadth-first, bounded, so a long history cannot make this unbounded.
    let frontier = [...found.event.parents];
    while (frontier.length > 0 && known.size < this.maxTrail) {
      const next: string[] = [];
      const batch = frontier.filter((p) => !known.has(p)).slice(0, this.maxTrail - known.size);
      const got = await Promise.all(batch.map((p) => this.store.get(p)));
      for (const s of got) {
        if (s === undefined || known.has(s.event.id)) continue;
        known.set(s.event.id, s);
        next.push(...s.event.parents);
      }
      frontier = next;
    }
    const all = [...known.values()];
    return {
      event: found.event,
      receipt: found.receipt,
      parents: found.event.parents.map((p) => known.get(p)?.event ?? p),
      trail: buildTrail(id, all.map((s) => s.event), all.map((s) => s.receipt)),
      region: this.region,
    };
  }

  /** `GET /conflicts`: register keys with more than one head here, with those heads. */
  async conflicts(): Promise<ConflictList> {
    const streams = await this.store.conflicts();
    const registers = streams.filter((s) => parseStream(s)?.namespace === 'register');
    const conflicts = await Promise.all(
      registers.map(async (s: StreamId) => ({ key: parseStream(s)?.key ?? s, heads: (await this.store.headsOf(s)).heads })),
    );
    // The index is eventually consistent; keep only keys still in conflict on a consistent read.
    return { region: this.region, conflicts: conflicts.filter((c) => c.heads.length > 1) };
  }

  /** `GET /status`; links into this region carry the lag of their last delivery. */
  async status(): Promise<RegionStatus> {
    // Link state and lag are advisory: a link control or a lag read that fails must not hide the rest.
    let linksError: string | undefined;
    let lagError: string | undefined;
    const [links, deliveries, digest] = await Promise.all([
      this.links.links().catch((e: unknown): LinkState[] => {
        linksError = e instanceof Error ? e.message : String(e);
        return [];
      }),
      this.store.deliveries(this.peers).catch((e: unknown): LinkDelivery[] => {
        lagError = e instanceof Error ? e.message : String(e);
        return [];
      }),
      this.store.digest(),
    ]);
    const lagOf = new Map(deliveries.map((d): [string, LinkLag] => [d.from, { lastMs: d.lagMs, at: d.receivedAt, originAt: d.originAt, events: d.events }]));
    return {
      region: this.region,
      peers: this.peers,
      links: links.map((l): LinkStatus => {
        const lag = l.to === this.region ? lagOf.get(l.from) : undefined;
        return lag === undefined ? l : { ...l, lag };
      }),
      ...(linksError === undefined ? {} : { linksError }),
      ...(lagError === undefined ? {} : { lagError }),
      events: digest.entries.reduce((n, e) => n + e.count, 0),
      digest,
    };
  }

  /**
   * Records that a batch of `events` from `from` was delivered (ingest calls it once per batch and
   * sender, after storing them): the lag is this region's wall clock now minus the origin wall
   * time of the newest event's HLC stamp, so it includes the clock skew between the regions.
   * Nothing is recorded for an empty batch.
   */
  async recordDelivery(from: string, events: readonly MeshEvent[]): Promise<void> {
    if (events.length === 0) return;
    const originAt = events.reduce((max, e) => Math.max(max, parseHlc(e.hlc).wall), 0);
    const receivedAt = this.wall.now();
    await this.store.recordDelivery({ from, receivedAt, originAt, lagMs: receivedAt - originAt, events: events.length });
  }

  /** `PUT /admin/links/{from}/{to}`: the nemesis switch of one link. */
  async setLink(from: unknown, to: unknown, enabled: unknown): Promise<LinkState> {
    const regions = new Set([this.region, ...this.peers]);
    if (typeof enabled !== 'boolean') throw new ValidationError('bad-request', 'enabled: must be true or false');
    for (const [what, r] of [['from', from], ['to', to]] as const) {
      if (typeof r !== 'string' || !regions.has(r)) {
        throw new NotFoundError(`${what}: ${String(r)} is not a region of this mesh (${[...regions].join(', ')})`);
      }
    }
    if (from === to) throw new ValidationError('bad-request', 'from and to must be different regions');
    return this.links.setLink(from as string, to as string, enabled);
  }

  /**
   * Ingests an event received from a peer (or pulled by repair): verified (shape and hash),
   * its stamp folded into this region's clock, stored idempotently. A message that can never be
   * stored throws {@link PoisonMessageError}; anything else thrown is transient (retry).
   */
  async ingest(raw: unknown, via: ReceiptVia): Promise<AppendResult & { event: MeshEvent }> {
    let event: MeshEvent;
    try {
      event = parseEvent(raw);
    } catch (e) {
      if (isMeshError(e)) throw new PoisonMessageError(e.code, e.message, { cause: e });
      throw e;
    }
    this.hlc.observe(event.hlc);
    return { ...(await this.store.append(event, via)), event };
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Reads the stream's heads, lets `decide` build the write (or refuse it) on that view, and
   * stores it only if the heads did not move; otherwise decides again on the new view.
   */
  private async writeLocal(
    stream: StreamId,
    decide: (state: HeadsState) => Promise<Omit<NewEvent, 'parents'>> | Omit<NewEvent, 'parents'>,
  ): Promise<WriteResult> {
    for (let attempt = 0; ; attempt++) {
      const state = await this.store.headsOf(stream);
      const event = this.newEvent(await decide(state), state);
      try {
        return await this.appendOn(state, event);
      } catch (e) {
        if (!(e instanceof HeadsMovedError) || attempt + 1 >= this.maxWriteAttempts) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
      }
    }
  }

  private newEvent(u: Omit<NewEvent, 'parents'>, state: HeadsState): MeshEvent {
    return createEvent({
      ...u,
      hlc: this.hlc.tick(state.heads.map((h) => h.hlc)),
      origin: this.region,
      parents: state.heads.map((h) => h.id),
    });
  }

  private async appendOn(state: HeadsState, event: MeshEvent): Promise<WriteResult> {
    const { receipt } = await this.store.appendIfHeads(event, state.version, { type: 'local' });
    return { event, receipt, region: this.region };
  }
}

interface NewEvent {
  readonly kind: EventKind;
  readonly key: string;
  readonly payload: JsonValue;
  readonly parents: readonly string[];
}
