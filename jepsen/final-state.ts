/**
 * What every region answered in the final reads, after the nemesis healed every link and the quiet
 * period passed: the input of the convergence, lost-writes and bank checkers. Stored per run as
 * `final.json`.
 *
 * @example
 * ```ts
 * import type { FinalReads } from './final-state.ts';
 * const final: FinalReads = { regions: [{ region: 'us-east-1', time: 9e9, registers: {}, histories: {}, accounts: {}, found: {} }], attempts: 1, settledMs: 0 };
 * ```
 */
import type { JsonValue, MeshEvent } from '../shared/domain/types.ts';

/** `GET /kv/{key}` in one region. `found: false` = 404 (no event for the key there). */
export interface FinalRegister {
  readonly found: boolean;
  readonly value: JsonValue;
  readonly deleted: boolean;
  /** Head event ids, sorted. */
  readonly heads: readonly string[];
  readonly winner?: string;
}

/**
 * One event as listed by `GET /kv/{key}/history` or `GET /accounts/{id}/history`: the fields of the
 * domain's event the checkers need (its key is the listing's). Its parents complete the event DAG
 * the session checkers walk; `final.json` files written before they were kept have none.
 */
export type FinalEvent = Pick<MeshEvent, 'id' | 'kind' | 'payload' | 'hlc' | 'origin'> & { readonly parents?: readonly string[] };

/** `GET /accounts/{id}` in one region. */
export interface FinalAccount {
  readonly balance: number;
  /** Bounced withdrawals: event id and amount, sorted by id. */
  readonly bounced: ReadonlyArray<{ readonly id: string; readonly amount: number }>;
  /** Ids of reversed decisions (accepted locally, bounced after merge), sorted. */
  readonly reversed: readonly string[];
  /** How many withdrawals the region says it bounced (its account answer), to check the statement against. */
  readonly bouncedCount?: number;
  /** Sum of every deposit, and of applied withdrawals, as the region reports them. */
  readonly deposited?: number;
  readonly withdrawn?: number;
}

export interface RegionFinal {
  readonly region: string;
  /** ns since start when the final read of this region began. */
  readonly time: number;
  /** Set when the region could not be read (then the other fields may be partial). */
  readonly error?: string;
  readonly registers: Readonly<Record<string, FinalRegister>>;
  /** Events of each key: `GET /kv/{key}/history` for registers, `GET /accounts/{id}/history` for accounts. */
  readonly histories: Readonly<Record<string, readonly FinalEvent[]>>;
  readonly accounts: Readonly<Record<string, FinalAccount>>;
  /** Acknowledged event ids not in a listed history, looked up one by one (`GET /events/{id}`). */
  readonly found: Readonly<Record<string, boolean>>;
}

export interface FinalReads {
  readonly regions: readonly RegionFinal[];
  /** How many rounds of final reads it took until the regions agreed (or the settle limit). */
  readonly attempts: number;
  /** ms from the end of the quiet period until the last round of final reads. */
  readonly settledMs: number;
}

/**
 * Ids of every event a region's listings held, over all its keys: what the lost-writes checker
 * and the by-id confirmation of unlisted writes both start from.
 *
 * @example
 * ```ts
 * listedIds(region).has(op.eventId); // false: look it up by id before calling it lost
 * ```
 */
export function listedIds(r: RegionFinal): Set<string> {
  return new Set(Object.values(r.histories).flatMap((events) => events.map((e) => e.id)));
}
