/**
 * Registers: last-writer-wins values with visible conflicts. The value is the payload of the
 * greatest `set`/`delete`/`resolve` event in total order (a delete reads as "no value"); the
 * heads show whether concurrent writes are still unresolved. Because both are functions of the
 * event set alone, every region holding the same events answers the same.
 *
 * @example
 * ```ts
 * import { registerView } from './register.ts';
 * const view = registerView('colour', events);
 * view?.value;    // 'blue'
 * view?.conflict; // true while two concurrent writes are both heads
 * ```
 */
import { isRegisterKind, sortedUnique } from './event.ts';
import { computeHeads } from './heads.ts';
import type { MeshEvent, RegisterView } from './types.ts';

/**
 * The resolved state of `key` from `events` (other keys and money events are ignored; order and
 * duplicates do not matter). `undefined` when there is no register event for the key.
 *
 * A `resolve` is an ordinary write whose parents are all the heads, so once it is known it is the
 * only head and the conflict ends; it also wins because its stamp is above its parents'.
 *
 * @example
 * ```ts
 * registerView('colour', [a, b]);            // conflict: true when a and b are concurrent
 * registerView('colour', [a, b, resolveAB]); // conflict: false, value from resolveAB
 * ```
 */
export function registerView(key: string, events: Iterable<MeshEvent>): RegisterView | undefined {
  const mine: MeshEvent[] = [];
  for (const e of events) if (e.key === key && isRegisterKind(e.kind)) mine.push(e);
  const ordered = sortedUnique(mine);
  const winner = ordered[ordered.length - 1];
  if (winner === undefined) return undefined;
  const heads = computeHeads(ordered);
  const deleted = winner.kind === 'delete';
  return {
    key,
    value: deleted ? null : winner.payload,
    deleted,
    conflict: heads.length > 1,
    winner,
    heads,
  };
}

/**
 * True when two lists name the same set of head ids (order and duplicates ignored): the check a
 * resolve makes so it never silently covers a head the client did not see.
 *
 * @example
 * ```ts
 * sameHeads([a.id, b.id], [b.id, a.id]); // true
 * sameHeads([a.id], [a.id, b.id]);       // false
 * ```
 */
export function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size !== sb.size) return false;
  for (const id of sa) if (!sb.has(id)) return false;
  return true;
}
