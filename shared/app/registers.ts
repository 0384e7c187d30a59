/**
 * The register routes: writes through the {@link LocalWriter}, reads from a key's state item plus
 * its heads (never its history), and paged listings.
 *
 * @example
 * ```ts
 * import { Registers } from './registers.ts';
 * const registers = new Registers({ region: 'us-east-1', store, writer });
 * await registers.put('colour', 'blue');
 * (await registers.get('colour')).value; // 'blue'
 * ```
 */
import {
  NotFoundError,
  StaleHeadsError,
  ValidationError,
  eventSortKey,
  idOfPosition,
  registerView,
  sameHeads,
  validateKey,
  validateValue,
} from '../domain/index.ts';
import type { MeshEvent, StoredEvent } from '../domain/index.ts';
import type { EventStore, StreamState } from '../ports/event-store.ts';
import { parseStream, registerStream } from '../ports/stream.ts';
import type { StreamId } from '../ports/stream.ts';
import { decodeCursor, encodeCursor } from '../util/cursor.ts';
import type { ConflictList, HeadsPage, KeyHistory, KeyList, KeyView, WriteResult } from './answers.ts';
import type { Decision, LocalWrite, LocalWriter } from './local-writer.ts';
import { jsonBytes, pageParams, withinBudget } from './paging.ts';
import type { Query } from './paging.ts';

export interface RegistersOptions {
  readonly region: string;
  readonly store: EventStore;
  readonly writer: LocalWriter;
}

/** Heads a key view carries at most before it pages (the budget may end it sooner). */
const VIEW_HEADS = 100;
/** Heads of each conflict a conflicts page carries. */
const CONFLICT_HEADS = 10;

export class Registers {
  private readonly region: string;
  private readonly store: EventStore;
  private readonly writer: LocalWriter;

  constructor(options: RegistersOptions) {
    this.region = options.region;
    this.store = options.store;
    this.writer = options.writer;
  }

  /** `PUT /kv/{key}`: a `set` covering the key's current heads here. */
  async put(key: unknown, value: unknown): Promise<WriteResult> {
    const k = validateKey(key);
    const v = validateValue(value);
    return this.answer(await this.writer.write(registerStream(k), () => ({ kind: 'set', key: k, payload: v })));
  }

  /** `DELETE /kv/{key}`: a tombstone. */
  async delete(key: unknown): Promise<WriteResult> {
    const k = validateKey(key);
    return this.answer(await this.writer.write(registerStream(k), () => ({ kind: 'delete', key: k, payload: null })));
  }

  /**
   * `POST /kv/{key}/resolve`: only if `heads` (ids) are exactly the key's heads here, or
   * `version` is still the key's version here (409 stale-heads otherwise); ends any number of heads.
   */
  async resolve(key: unknown, value: unknown, heads: unknown, version?: unknown): Promise<WriteResult> {
    const k = validateKey(key);
    const v = validateValue(value);
    const byVersion = heads === undefined && version !== undefined;
    if (byVersion) {
      if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
        throw new ValidationError('bad-request', 'version: must be the positive integer `version` of GET /kv/{key}');
      }
    } else if (!Array.isArray(heads) || !heads.every((h): h is string => typeof h === 'string')) {
      throw new ValidationError('bad-request', 'heads: must be an array of event ids (or give `version` from GET /kv/{key})');
    }
    const decide = (view: StreamState): Decision => {
      if (view.heads.length === 0) throw new NotFoundError(`no event for key ${k} in ${this.region}`);
      if (byVersion ? view.version !== version : !sameHeads(heads as string[], view.heads.map(idOfPosition))) {
        const current = byVersion ? `version ${view.version}` : `[${view.heads.map(idOfPosition).join(', ')}]`;
        throw new StaleHeadsError(`heads of ${k} here are ${current}, not the ones given: re-read and resolve again`);
      }
      return { kind: 'resolve', key: k, payload: v };
    };
    return this.answer(await this.writer.write(registerStream(k), decide));
  }

  /**
   * `GET /kv/{key}` from the state and the heads alone (no history): the LWW winner is the
   * greatest event, and a writer always stamps above its parents, so the winner is always a head.
   */
  async get(key: unknown): Promise<KeyView> {
    const k = validateKey(key);
    const state = await this.store.stateOf(registerStream(k));
    if (state.heads.length === 0) throw new NotFoundError(`no event for key ${k} in ${this.region}`);
    const { heads, next } = await this.headsPage(state, undefined, VIEW_HEADS);
    const view = registerView(k, heads);
    if (view === undefined) throw new NotFoundError(`no event for key ${k} in ${this.region}`);
    return {
      ...view,
      // All heads are counted, not only those on this page: the conflict is about the key.
      conflict: state.heads.length > 1,
      region: this.region,
      headCount: state.heads.length,
      version: state.version,
      ...(next === undefined ? {} : { headsNext: next }),
      ...(state.conflictSince === undefined ? {} : { conflictSince: state.conflictSince }),
    };
  }

  /** `GET /kv/{key}/heads`: a page of the key's heads, newest first. */
  async heads(key: unknown, query: Query = {}): Promise<HeadsPage> {
    const k = validateKey(key);
    const { limit, cursor } = pageParams(query, { default: VIEW_HEADS, max: 1000 });
    const state = await this.store.stateOf(registerStream(k));
    if (state.heads.length === 0) throw new NotFoundError(`no event for key ${k} in ${this.region}`);
    const before = cursor === undefined ? undefined : decodeCursor(cursor, 'heads');
    const { heads, next } = await this.headsPage(state, before, limit);
    return { key: k, region: this.region, headCount: state.heads.length, heads: [...heads].reverse(), ...(next === undefined ? {} : { next }) };
  }

  /** `GET /kv/{key}/history`: a page of the key's events in total order, with this region's receipts. */
  async history(key: unknown, query: Query = {}): Promise<KeyHistory> {
    const k = validateKey(key);
    const { limit, cursor } = pageParams(query, { default: 100, max: 1000 });
    const desc = orderOf(query) === 'desc';
    const after = cursor === undefined ? undefined : decodeCursor(cursor, desc ? 'history-desc' : 'history');
    const page = await this.store.eventsPage(registerStream(k), { limit, ...(after === undefined ? {} : { after }), desc });
    const events = withinBudget(page.events, jsonBytes);
    const last = events.at(-1);
    const more = events.length < page.events.length || page.next !== undefined;
    return {
      key: k,
      region: this.region,
      events,
      ...(more && last !== undefined ? { next: encodeCursor(desc ? 'history-desc' : 'history', positionOf(last)) } : {}),
    };
  }

  /** `GET /kv?prefix=`: a page of the keys held here, by key. */
  async list(query: Query = {}): Promise<KeyList> {
    const prefix = query['prefix'] ?? '';
    if (prefix !== '') validateKey(prefix, 'prefix');
    const page = await this.store.streams(registerStream(prefix), pageParams(query, { default: 100, max: 1000 }));
    return {
      region: this.region,
      keys: page.items.map((s) => ({
        key: parseStream(s.stream)?.key ?? s.stream,
        headCount: s.heads.length,
        conflict: s.heads.length > 1,
        version: s.version,
        ...(s.updatedAt === undefined ? {} : { updatedAt: s.updatedAt }),
        ...(s.conflictSince === undefined ? {} : { conflictSince: s.conflictSince }),
      })),
      ...(page.next === undefined ? {} : { next: page.next }),
    };
  }

  /** `GET /conflicts`: a page of register keys with more than one head here, with their newest heads. */
  async conflicts(query: Query = {}): Promise<ConflictList> {
    const page = await this.store.conflicts(pageParams(query, { default: 20, max: 100 }));
    const registers = page.items.filter((s) => parseStream(s.stream)?.namespace === 'register');
    const withHeads = await Promise.all(
      registers.map(async (s) => {
        const heads = (await this.store.eventsAt(s.stream, s.heads.slice(-CONFLICT_HEADS))).map((x) => x.event);
        return { key: parseStream(s.stream)?.key ?? s.stream, heads, headCount: s.heads.length, ...(s.conflictSince === undefined ? {} : { since: s.conflictSince }) };
      }),
    );
    const conflicts = withinBudget(withHeads, jsonBytes);
    // A page cut short by the budget continues from its last key, not from the store's cursor.
    const last = conflicts.at(-1);
    const next = conflicts.length < withHeads.length && last !== undefined ? this.conflictsCursorAfter(last.key) : page.next;
    return { region: this.region, conflicts, ...(next === undefined ? {} : { next }) };
  }

  // ---------------------------------------------------------------------------------------------

  /** The newest heads before `before` (a position), at most `limit`, within the budget. */
  private async headsPage(state: StreamState, before: string | undefined, limit: number): Promise<{ heads: MeshEvent[]; next?: string }> {
    const candidates = state.heads.filter((p) => before === undefined || p < before);
    const wanted = candidates.slice(-limit);
    const stored = await this.store.eventsAt(state.stream, wanted);
    // Newest first into the budget, so the winner is always in.
    const kept = withinBudget([...stored].reverse(), (s) => jsonBytes(s.event));
    const oldest = kept.at(-1);
    const more = candidates.length > kept.length && oldest !== undefined;
    return { heads: kept.map((s) => s.event).reverse(), ...(more ? { next: encodeCursor('heads', positionOf(oldest)) } : {}) };
  }

  private conflictsCursorAfter(key: string): string {
    return encodeCursor('conflicts', registerStream(key) satisfies StreamId);
  }

  private answer(w: LocalWrite): WriteResult {
    const event = w.events.at(-1) as MeshEvent;
    const receipt = w.receipts.at(-1);
    if (receipt === undefined) throw new Error('local write answered no receipt');
    return { event, receipt, region: this.region, ...(w.events.length > 1 ? { chain: w.events } : {}) };
  }
}

function positionOf(s: StoredEvent): string {
  return eventSortKey(s.event);
}

function orderOf(query: Query): 'asc' | 'desc' {
  const order = query['order'];
  if (order === undefined || order === 'asc') return 'asc';
  if (order === 'desc') return 'desc';
  throw new ValidationError('bad-request', `order: must be asc or desc, got ${JSON.stringify(order.slice(0, 20))}`);
}
