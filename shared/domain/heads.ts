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
import { sortedUnique } from './event.ts';
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
