/**
 * Tolerant readers for the list-shaped answers of the API: the design fixes their content
 * ("the keys that have more than one head", "the key's events … each with this region's
 * receipt"), not whether the list is bare or wrapped, so the client accepts both and always hands
 * callers one shape.
 *
 * @example
 * ```ts
 * import { toConflictList } from './shape.ts';
 * toConflictList(['a', 'b'], 'us-east-1'); // { region: 'us-east-1', conflicts: [{ key: 'a' }, { key: 'b' }] }
 * ```
 */
import type { MeshEvent } from '../domain/types.ts';
import type { ConflictEntry, ConflictList, HistoryEntry, KeyHistory } from './types.ts';

type Loose = Record<string, unknown>;

function isObject(x: unknown): x is Loose {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Reads `GET /conflicts`: `[key…]`, `[{key, heads}…]`, `{conflicts: …}` or `{keys: …}`.
 *
 * @example
 * ```ts
 * toConflictList({ region: 'eu-west-1', conflicts: [{ key: 'a', heads: ['x', 'y'] }] }, '?');
 * ```
 */
export function toConflictList(raw: unknown, fallbackRegion: string): ConflictList {
  const region = isObject(raw) && typeof raw.region === 'string' ? raw.region : fallbackRegion;
  const list: unknown = Array.isArray(raw) ? raw : isObject(raw) ? (raw.conflicts ?? raw.keys ?? []) : [];
  const conflicts: ConflictEntry[] = (Array.isArray(list) ? list : []).flatMap((item): ConflictEntry[] => {
    if (typeof item === 'string') return [{ key: item }];
    if (isObject(item) && typeof item.key === 'string') {
      return [Array.isArray(item.heads) ? { key: item.key, heads: item.heads as (MeshEvent | string)[] } : { key: item.key }];
    }
    return [];
  });
  return { region, conflicts };
}

/**
 * Reads `GET /kv/{key}/history`: `[{event, receipt}…]`, `[event…]` or `{events: …}`.
 *
 * @example
 * ```ts
 * toKeyHistory([{ event, receipt }], 'colour', 'us-east-1').events.length; // 1
 * ```
 */
export function toKeyHistory(raw: unknown, key: string, fallbackRegion: string): KeyHistory {
  const region = isObject(raw) && typeof raw.region === 'string' ? raw.region : fallbackRegion;
  const list: unknown = Array.isArray(raw) ? raw : isObject(raw) ? (raw.events ?? raw.history ?? []) : [];
  const events: HistoryEntry[] = (Array.isArray(list) ? list : []).flatMap((item): HistoryEntry[] => {
    if (!isObject(item)) return [];
    if (isObject(item.event)) return [item as unknown as HistoryEntry];
    if (typeof item.id === 'string') {
      // A bare event, maybe with its receipt inline.
      const { receipt, ...event } = item;
      return [isObject(receipt) ? ({ event, receipt } as unknown as HistoryEntry) : ({ event } as unknown as HistoryEntry)];
    }
    return [];
  });
  return { key: isObject(raw) && typeof raw.key === 'string' ? raw.key : key, region, events };
}

/**
 * Ids of a list of heads given as events or ids.
 *
 * @example
 * ```ts
 * headIds([{ id: 'a' }, 'b']); // ['a', 'b']
 * ```
 */
export function headIds(heads: readonly (Pick<MeshEvent, 'id'> | string)[]): string[] {
  return heads.map((h) => (typeof h === 'string' ? h : h.id));
}
