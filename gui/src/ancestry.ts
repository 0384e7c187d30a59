/**
 * Questions about the hash-linked DAG of a key's (or an account's) events, answered from the
 * events a page holds (every region's history, merged): the heads, an event's ancestors, and the
 * common ancestor of a conflict's heads, the base of a three-way merge. Pure.
 *
 * @example
 * ```ts
 * import { commonAncestor, headsOf } from './ancestry.ts';
 * const heads = headsOf(events);                        // the events nobody names as a parent
 * const base = commonAncestor(heads.map((h) => h.id), events); // the newest event both heads descend from
 * ```
 */
import type { MeshEvent } from '../../shared/domain/types.ts';
import { compareEvents } from './format.ts';

/** The fields of an event these questions need. */
export type DagEvent = Pick<MeshEvent, 'id' | 'parents' | 'hlc' | 'origin'>;

/**
 * The events no other event names as a parent, in total order (the design's heads).
 *
 * @example
 * ```ts
 * headsOf([root, left, right]); // [left, right] when both name root
 * ```
 */
export function headsOf<E extends DagEvent>(events: readonly E[]): E[] {
  const named = new Set(events.flatMap((e) => e.parents));
  return events.filter((e) => !named.has(e.id)).sort(compareEvents);
}

/**
 * The ids of `id`'s ancestors among `events` (not `id` itself), through parents that are known.
 *
 * @example
 * ```ts
 * ancestorsOf(child.id, [root, child]); // Set { root.id }
 * ```
 */
export function ancestorsOf(id: string, events: readonly DagEvent[]): Set<string> {
  const byId = new Map(events.map((e) => [e.id, e] as const));
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.parents ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(byId.get(next)?.parents ?? []));
  }
  return seen;
}

/**
 * The newest event (in total order) that every one of `ids` is or descends from: the merge base
 * of a conflict. Undefined when they share none (concurrent first writes) or an ancestor is not
 * among `events` (a gap).
 *
 * @example
 * ```ts
 * commonAncestor([left.id, right.id], [root, left, right]); // root
 * ```
 */
export function commonAncestor<E extends DagEvent>(ids: readonly string[], events: readonly E[]): E | undefined {
  if (ids.length === 0) return undefined;
  const lineages = ids.map((id) => new Set([id, ...ancestorsOf(id, events)]));
  const shared = events.filter((e) => lineages.every((l) => l.has(e.id)));
  return shared.sort(compareEvents).at(-1);
}
