/**
 * The conflicts list across regions: every key some region holds with more than one head, with
 * what each region sees (its head count), every head's value, and how long the conflict has
 * existed. Pure.
 *
 * @example
 * ```ts
 * import { conflictRows } from './conflicts.ts';
 * conflictRows(lists, Date.now());
 * // [{ key: 'colour', counts: { 'us-east-1': 2 }, heads: [red, blue], ageMs: 190000, ageFrom: 'heads' }]
 * ```
 */
import type { MeshEvent } from '../../shared/domain/types.ts';
import { compareEvents, hlcWall } from './format.ts';

/**
 * One region's `GET /conflicts` answer; `since` is when that region saw the key fork (its wall
 * ms) where the API reports it, and heads may be bare ids in a tolerant reading.
 */
export interface ConflictListAnswer {
  readonly region: string;
  readonly ok: boolean;
  readonly value?: {
    readonly conflicts: ReadonlyArray<{ readonly key: string; readonly heads?: ReadonlyArray<MeshEvent | string>; readonly headCount?: number; readonly since?: number }>;
    /** The cursor of the next page, when the region has more keys in conflict than were read. */
    readonly next?: string;
  };
}

/** One conflicting key. */
export interface ConflictRow {
  readonly key: string;
  /** Head count per region where the key is in conflict (absent: not in conflict there). */
  readonly counts: Readonly<Record<string, number>>;
  /** Every head any region lists, once, in total order. */
  readonly heads: readonly MeshEvent[];
  /** How long the conflict has existed, in ms; undefined when unknown. */
  readonly ageMs: number | undefined;
  /**
   * `api`: from the earliest `since` of the regions (the first to see the fork); `heads`: from the
   * heads' clocks — a conflict exists from the moment a second concurrent head is written, so the
   * second-oldest head's stamp.
   */
  readonly ageFrom: 'api' | 'heads' | undefined;
}

/**
 * The conflicting keys of every answering region, sorted by key.
 *
 * @example
 * ```ts
 * conflictRows([{ region: 'us', ok: true, value: { conflicts: [{ key: 'k', heads: [a, b] }] } }], now)[0].counts; // { us: 2 }
 * ```
 */
export function conflictRows(lists: readonly ConflictListAnswer[], now: number): ConflictRow[] {
  const keys = new Map<string, { counts: Record<string, number>; heads: Map<string, MeshEvent>; since: number[] }>();
  for (const list of lists) {
    if (!list.ok) continue;
    for (const entry of list.value?.conflicts ?? []) {
      const row = keys.get(entry.key) ?? { counts: {} as Record<string, number>, heads: new Map<string, MeshEvent>(), since: [] as number[] };
      // The entry lists only the newest heads; headCount counts them all.
      row.counts[list.region] = entry.headCount ?? entry.heads?.length ?? 2;
      for (const head of entry.heads ?? []) if (typeof head !== 'string') row.heads.set(head.id, head);
      if (typeof entry.since === 'number') row.since.push(entry.since);
      keys.set(entry.key, row);
    }
  }
  return [...keys.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, row]) => {
      const heads = [...row.heads.values()].sort(compareEvents);
      const second = heads[1];
      const wall = second === undefined ? Number.NaN : hlcWall(second.hlc);
      const fromHeads = Number.isFinite(wall) ? now - wall : undefined;
      const ageMs = row.since.length > 0 ? now - Math.min(...row.since) : fromHeads;
      return { key, counts: row.counts, heads, ageMs, ageFrom: row.since.length > 0 ? 'api' : fromHeads === undefined ? undefined : 'heads' };
    });
}
