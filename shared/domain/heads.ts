/**
 * Heads: a key's events that no other known event of the key names as a parent — the frontier of
 * its DAG. One head means every write has seen every other; several mean concurrent writes (a
 * conflict). Heads depend only on the set of events: a child that arrives before its parent
 * keeps that parent out of the heads as soon as the parent arrives.
 *
 * @example
 * ```ts
 * import { computeHeads, nextHeads } from './heads.ts';
 * computeHeads([a, b, childOfA]);     // [b, childOfA] in total order (a is covered)
 * nextHeads([a.id], childOfA, false); // [childOfA.id]
 * ```
 */
import { eventSortKey, sortedUnique } from './event.ts';
import type { MeshEvent } from './types.ts';

/**
 * The heads of `events` (pass the events of one key), deduplicated, in total order.
 *
 * @example
 * ```ts
 * computeHeads([a, a, b]).map((e) => e.id); // both ids when b does not name a as parent
 * ```
 */
export function computeHeads(events: Iterable<MeshEvent>): MeshEvent[] {
  const all = sortedUnique(events);
  const referenced = new Set<string>();
  for (const e of all) for (const p of e.parents) referenced.add(p);
  return all.filter((e) => !referenced.has(e.id));
}

/**
 * Incremental heads, for a store that keeps a key's head ids instead of rescanning its history:
 * `(currentHeadIds \ event.parents) ∪ ({event.id} unless referencedByKnownEvent)`, sorted by id.
 * `referencedByKnownEvent` = some event already stored names `event` as a parent (it arrived
 * before its parent). Folding every arrival through this gives the ids of `computeHeads` of the
 * same set, whatever the order and however many duplicates.
 *
 * @example
 * ```ts
 * let heads: string[] = [];
 * heads = nextHeads(heads, child, false); // [child.id]
 * heads = nextHeads(heads, parent, true); // still [child.id]: the parent is covered
 * ```
 */
export function nextHeads(currentHeadIds: readonly string[], event: MeshEvent, referencedByKnownEvent: boolean): string[] {
  const covered = new Set(event.parents);
  const next = new Set<string>();
  for (const id of currentHeadIds) if (!covered.has(id)) next.add(id);
  if (!referencedByKnownEvent) next.add(event.id);
  else next.delete(event.id);
  return [...next].sort();
}

/**
 * Ids of `events`' heads, sorted by id: the form `nextHeads` keeps, for comparing the two.
 *
 * @example
 * ```ts
 * headIds([a, b]); // [a.id, b.id].sort()
 * ```
 */
export function headIds(events: Iterable<MeshEvent>): string[] {
  return computeHeads(events)
    .map((e) => e.id)
    .sort();
}

/**
 * A stream's heads as a store keeps them: the `eventSortKey` (`hlc#origin#id`) of each head,
 * sorted, so a writer can stamp above them and name them without reading their bodies.
 *
 * @example
 * ```ts
 * const heads: HeadPosition[] = ['000001732600000000-00000#us-east-1#9f2c…'];
 * ```
 */
export type HeadPosition = string;

/** What {@link advanceHeads} answers. */
export interface HeadsAdvance {
  /** The heads after the events, as positions, sorted (= total order). */
  readonly heads: HeadPosition[];
  /**
   * Parent ids of the new events that are neither a head before them nor one of them: the ids a
   * store must remember as "named by a known event", in case they arrive later (a child before
   * its parent). Sorted, unique.
   */
  readonly refs: string[];
}

/**
 * The batch form of {@link nextHeads}: the heads after storing `events` (new to the stream,
 * distinct) on a stream whose heads were `heads`, where `referenced` holds the new events' ids
 * that some already stored event names as a parent. The result depends only on the sets, as
 * folding `nextHeads` over the events in any order would.
 *
 * @example
 * ```ts
 * advanceHeads([eventSortKey(a)], [b], new Set()).heads; // [eventSortKey(b)] when b's parent is a
 * ```
 */
export function advanceHeads(heads: readonly HeadPosition[], events: readonly MeshEvent[], referenced: ReadonlySet<string>): HeadsAdvance {
  const named = new Set<string>();
  for (const e of events) for (const p of e.parents) named.add(p);
  const known = new Set<string>(heads.map(idOfPosition));
  for (const e of events) known.add(e.id);
  const next = new Set<HeadPosition>();
  for (const h of heads) if (!named.has(idOfPosition(h))) next.add(h);
  for (const e of events) if (!named.has(e.id) && !referenced.has(e.id)) next.add(eventSortKey(e));
  const refs = [...named].filter((p) => !known.has(p)).sort();
  return { heads: [...next].sort(), refs };
}

/**
 * The event id inside a position (`hlc#origin#id`): ids are hex, never `#`.
 *
 * @example
 * ```ts
 * idOfPosition('000001732600000000-00000#us-east-1#9f2c'); // '9f2c'
 * ```
 */
export function idOfPosition(position: HeadPosition): string {
  return position.slice(position.lastIndexOf('#') + 1);
}

/**
 * The HLC stamp inside a position.
 *
 * @example
 * ```ts
 * hlcOfPosition('000001732600000000-00000#us-east-1#9f2c'); // '000001732600000000-00000'
 * ```
 */
export function hlcOfPosition(position: HeadPosition): string {
  return position.slice(0, position.indexOf('#'));
}

/**
 * How one write names `heads` when they are more than an event may carry: groups of parent ids
 * for a chain of events, the first of at most `maxParents` heads, each later one of at most
 * `maxParents - 1` (its other parent is the previous event of the chain). One group when the
 * heads fit; `[[]]` for no heads.
 *
 * @example
 * ```ts
 * parentGroups(['a', 'b', 'c'], 2); // [['a', 'b'], ['c']]: the second event names c and the first
 * ```
 */
export function parentGroups(headIds: readonly string[], maxParents: number): string[][] {
  if (!Number.isSafeInteger(maxParents) || maxParents < 2) throw new RangeError(`parentGroups: maxParents must be at least 2, got ${maxParents}`);
  const groups: string[][] = [[...headIds.slice(0, maxParents)]];
  for (let i = maxParents; i < headIds.length; i += maxParents - 1) groups.push([...headIds.slice(i, i + maxParents - 1)]);
  return groups;
}
