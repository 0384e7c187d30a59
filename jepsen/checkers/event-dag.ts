/**
 * The events of a run as a DAG through `parents`, rebuilt from what the clients saw — each
 * acknowledged write's event, each head a read returned — and, when there are final reads, every
 * event every region listed at the end. It answers the one question the session checkers ask:
 * is an event one of a set of heads, or an ancestor of one of them (so a read of those heads
 * reflected it, or a write with those parents followed it)?
 *
 * A writer stamps above every parent, so an ancestor always comes first in the total order
 * `(hlc, origin, id)`: the walk down from the heads stops at any event ordered before the one it
 * looks for. An event whose parents nobody recorded (a write of unknown outcome that no read and
 * no final listing showed) cannot be walked through: a search that needed it answers `unknown`.
 *
 * @example
 * ```ts
 * import { EventDag } from './event-dag.ts';
 * const dag = EventDag.fromRun(history, final);
 * dag.reaches(read.heads.map((h) => h.id), ownWrite.eventId); // true: the read reflected the write
 * ```
 */
import type { EventStamp, Op } from '../history.ts';
import type { FinalReads } from '../final-state.ts';

/** `true`/`false`, or `unknown` when the walk met an event whose parents nobody recorded. */
export type Reach = true | false | 'unknown';

interface Node {
  readonly hlc: string;
  readonly origin: string;
  readonly parents: readonly string[] | undefined;
}

/** Negative when `a` comes first in the mesh's total order `(hlc, origin, id)`. */
function compare(a: Node, aId: string, b: Node, bId: string): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.origin !== b.origin) return a.origin < b.origin ? -1 : 1;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

/**
 * The run's event DAG.
 *
 * @example
 * ```ts
 * const dag = new EventDag();
 * dag.add({ id: 'a', hlc: '000000000000000001-00000', origin: 'us-east-1', parents: [] });
 * dag.add({ id: 'b', hlc: '000000000000000002-00000', origin: 'us-east-1', parents: ['a'] });
 * dag.reaches(['b'], 'a'); // true
 * ```
 */
export class EventDag {
  readonly #nodes = new Map<string, Node>();

  /**
   * Every event the history and the final reads show.
   *
   * @example
   * ```ts
   * EventDag.fromRun(history).size; // events seen by the clients
   * ```
   */
  static fromRun(history: readonly Op[], final?: FinalReads): EventDag {
    const dag = new EventDag();
    for (const op of history) {
      if (op.event !== undefined) dag.add(op.event);
      for (const h of op.heads ?? []) dag.add(h);
    }
    for (const r of final?.regions ?? []) {
      for (const events of Object.values(r.histories)) for (const e of events) dag.add(e);
    }
    return dag;
  }

  /** Number of events known. */
  get size(): number {
    return this.#nodes.size;
  }

  /**
   * Record an event (a later record with parents completes an earlier one without).
   *
   * @example
   * ```ts
   * dag.add(op.event);
   * ```
   */
  add(e: Pick<EventStamp, 'id' | 'hlc' | 'origin'> & { readonly parents?: readonly string[] }): void {
    const known = this.#nodes.get(e.id);
    if (known === undefined || (known.parents === undefined && e.parents !== undefined)) {
      this.#nodes.set(e.id, { hlc: e.hlc, origin: e.origin, parents: e.parents });
    }
  }

  /**
   * Is `target` one of `heads`, or an ancestor of one of them?
   *
   * @example
   * ```ts
   * dag.reaches(write.parents, earlierWrite.id); // false: the later write did not follow the earlier one
   * ```
   */
  reaches(heads: readonly string[], target: string): Reach {
    const goal = this.#nodes.get(target);
    const stack = [...heads];
    const visited = new Set<string>();
    let blind = false;
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (id === target) return true;
      if (visited.has(id)) continue;
      visited.add(id);
      const node = this.#nodes.get(id);
      if (node === undefined || node.parents === undefined) {
        blind = true;
        continue;
      }
      // Everything below an event ordered before the target is ordered before it too.
      if (goal !== undefined && compare(node, id, goal, target) < 0) continue;
      for (const p of node.parents) stack.push(p);
    }
    return blind ? 'unknown' : false;
  }
}
