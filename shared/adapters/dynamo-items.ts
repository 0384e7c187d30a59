/**
 * Codecs between the domain's shapes and the table's items (layout in `dynamo-schema.ts`):
 * event items, stream-state items, refs and keys. No I/O.
 *
 * @example
 * ```ts
 * import { eventItem, eventOfItem } from './dynamo-items.ts';
 * eventOfItem(eventItem(event, receipt)); // deep-equals event
 * ```
 */
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_BUCKETS, bucketOf, eventSortKey } from '../domain/index.ts';
import type { FoldSnapshot, HeadPosition } from '../domain/index.ts';
import type { MeshEvent, Receipt, StoredEvent } from '../domain/types.ts';
import type { StreamState } from '../ports/event-store.ts';
import { streamOf } from '../ports/stream.ts';
import type { StreamId } from '../ports/stream.ts';
import { ITEM_KEYS, TABLE_SCHEMA } from './dynamo-schema.ts';
import { foldOfStream } from './stream-transition.ts';

/** A DocumentClient item. */
export type Item = Record<string, NativeAttributeValue>;

/**
 * The primary key of an item.
 *
 * @example
 * ```ts
 * itemKey('R#colour', 'HEADS'); // { pk: 'R#colour', sk: 'HEADS' }
 * ```
 */
export function itemKey(pk: string, sk: string): Item {
  return { [TABLE_SCHEMA.partitionKey]: pk, [TABLE_SCHEMA.sortKey]: sk };
}

/**
 * An item's primary key as one string: what maps of items read back are keyed by.
 *
 * @example
 * ```ts
 * keyString(itemKey('R#k', 'HEADS')); // 'R#k\u0000HEADS'
 * ```
 */
export function keyString(item: Item): string {
  return `${String(item[TABLE_SCHEMA.partitionKey])}\u0000${String(item[TABLE_SCHEMA.sortKey])}`;
}

/**
 * Sort key of an event item: lexicographic order == total order (hlc, origin, id).
 *
 * @example
 * ```ts
 * eventSk(eventSortKey(e)); // 'E#000001732600000000-00000#us-east-1#…'
 * ```
 */
export function eventSk(position: HeadPosition): string {
  return `${ITEM_KEYS.eventPrefix}${position}`;
}

/**
 * The key of a stream's state item.
 *
 * @example
 * ```ts
 * stateKey('A#alice'); // { pk: 'A#alice', sk: 'HEADS' }
 * ```
 */
export function stateKey(stream: StreamId): Item {
  return itemKey(stream, ITEM_KEYS.stateSk);
}

/**
 * The key of the ref item "some stored event of `stream` names `id` as a parent".
 *
 * @example
 * ```ts
 * refKey('R#k', id); // { pk: 'R#k', sk: 'P#<id>' }
 * ```
 */
export function refKey(stream: StreamId, id: string): Item {
  return itemKey(stream, `${ITEM_KEYS.refPrefix}${id}`);
}

/**
 * The event item as stored. `event` is the MeshEvent as a JSON string: stored byte for byte, so
 * numbers, empty map keys and the like survive exactly and the id still verifies on read.
 *
 * @example
 * ```ts
 * eventItem(e, receipt).sk; // 'E#<hlc>#<origin>#<id>'
 * ```
 */
export function eventItem(event: MeshEvent, receipt: Receipt): Item {
  return {
    ...itemKey(streamOf(event), eventSk(eventSortKey(event))),
    [TABLE_SCHEMA.typeAttribute]: 'event',
    [TABLE_SCHEMA.byIdIndex.partitionKey]: event.id,
    [TABLE_SCHEMA.originAttribute]: event.origin,
    event: JSON.stringify(event),
    receipt,
    [TABLE_SCHEMA.byBucketIndex.partitionKey]: bucketOf(event.id, DEFAULT_BUCKETS),
  };
}

/**
 * Reads the MeshEvent back out of an event item (a stored item or a stream NEW_IMAGE, unmarshalled).
 *
 * @example
 * ```ts
 * eventOfItem(item).id;
 * ```
 */
export function eventOfItem(item: Item): MeshEvent {
  const raw: unknown = item['event'];
  return (typeof raw === 'string' ? JSON.parse(raw) : raw) as MeshEvent;
}

/**
 * An event item as the event and this region's receipt.
 *
 * @example
 * ```ts
 * storedOfItem(item).receipt.via; // { type: 'local' }
 * ```
 */
export function storedOfItem(item: Item): StoredEvent {
  return { event: eventOfItem(item), receipt: item['receipt'] as Receipt };
}

/**
 * A stream's state as its item. The namespace letter goes into `cat` (catalog index), the
 * sparse `conflicts` attribute is set only while there are several heads, and `refFree` marks a
 * stream with no ref item (see {@link REF_FREE_ATTRIBUTE}).
 *
 * @example
 * ```ts
 * stateItem({ stream: 'R#k', heads: [p], version: 1 }).cat; // 'R'
 * ```
 */
export function stateItem(state: StreamState, refFree = false): Item {
  return {
    ...stateKey(state.stream),
    [TABLE_SCHEMA.typeAttribute]: 'heads',
    [TABLE_SCHEMA.catalogIndex.partitionKey]: state.stream.slice(0, 1),
    heads: [...state.heads],
    version: state.version,
    ...(state.updatedAt === undefined ? {} : { updatedAt: state.updatedAt }),
    ...(state.heads.length > 1 ? { [TABLE_SCHEMA.conflictsIndex.partitionKey]: '1', conflictSince: state.conflictSince } : {}),
    ...(state.snapshot === undefined ? {} : { snapshot: JSON.stringify(state.snapshot) }),
    ...(refFree ? { [REF_FREE_ATTRIBUTE]: true } : {}),
  };
}

/**
 * The state item's mark "no ref item exists in this stream". Refs are written only in the same
 * transaction as their stream's state item, so a state item with the mark (or no state item at
 * all) proves there is none, and an ingest need not read them. Items without it (written by a
 * local write, by older code, or after a ref) say nothing: refs are read as before.
 */
export const REF_FREE_ATTRIBUTE = 'refFree';

/**
 * Whether a state item read back (undefined: none) proves its stream has no ref item.
 *
 * @example
 * ```ts
 * isRefFree(undefined); // true: no state item, so no refs either
 * ```
 */
export function isRefFree(item: Item | undefined): boolean {
  return item === undefined || item[REF_FREE_ATTRIBUTE] === true;
}

/**
 * A state item read back (consistent read), or the empty state of the stream.
 *
 * @example
 * ```ts
 * stateOfItem('R#k', undefined); // { stream: 'R#k', heads: [], version: 0 }
 * ```
 */
export function stateOfItem(stream: StreamId, item: Item | undefined): StreamState {
  const fold = foldOfStream(stream);
  if (item === undefined) {
    return fold === undefined ? { stream, heads: [], version: 0 } : { stream, heads: [], version: 0, snapshot: { fold: fold.name, position: '', count: 0, state: fold.initial, checkpoints: [] } };
  }
  const raw = item['snapshot'];
  const snapshot = typeof raw === 'string' ? (JSON.parse(raw) as FoldSnapshot<unknown>) : undefined;
  return {
    stream,
    heads: ((item['heads'] as string[] | undefined) ?? []).slice(),
    version: Number(item['version'] ?? 0),
    ...(item['updatedAt'] === undefined ? {} : { updatedAt: Number(item['updatedAt']) }),
    ...(item['conflictSince'] === undefined ? {} : { conflictSince: Number(item['conflictSince']) }),
    ...(snapshot === undefined ? {} : { snapshot }),
  };
}
