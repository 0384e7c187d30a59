/**
 * How a stream's state moves when events are stored in it — the one piece of logic both stores
 * share, so the memory store is a faithful model of the DynamoDB one. Pure apart from its
 * inputs: the store reads what it needs (the state, which new events some stored event already
 * names, and for a late account event the stored events after a checkpoint), calls
 * {@link transition}, and writes the result with the events in one atomic write.
 *
 * @example
 * ```ts
 * import { planReplay, transition } from './stream-transition.ts';
 * const from = planReplay(state, events);          // undefined: the snapshot extends
 * const { state: next, refs } = transition(state, events, referenced, Date.now(), from === undefined ? undefined : storedAfter);
 * ```
 */
import { accountFold } from '../domain/bank.ts';
import { ESCROW_FOLD } from '../domain/escrow.ts';
import { compareEvents } from '../domain/event.ts';
import { emptySnapshot, foldForward, planFold } from '../domain/fold.ts';
import type { Fold, FoldSnapshot } from '../domain/fold.ts';
import { advanceHeads } from '../domain/heads.ts';
import type { MeshEvent } from '../domain/types.ts';
import type { StreamState } from '../ports/event-store.ts';
import type { StreamId } from '../ports/stream.ts';

/**
 * The fold a stream keeps a snapshot of: plain accounts fold their money events, escrow accounts
 * their escrow events (rights per region, wants, bounces); registers need none (their value is
 * the greatest head).
 *
 * @example
 * ```ts
 * foldOfStream('A#alice') === accountFold; // true
 * foldOfStream('E#alice') === ESCROW_FOLD; // true
 * foldOfStream('R#colour');                // undefined
 * ```
 */
export function foldOfStream(stream: StreamId): Fold<unknown> | undefined {
  if (stream.startsWith('A#')) return accountFold as Fold<unknown>;
  if (stream.startsWith('E#')) return ESCROW_FOLD as Fold<unknown>;
  return undefined;
}

/**
 * The empty state of a stream.
 *
 * @example
 * ```ts
 * emptyState('R#k'); // { stream: 'R#k', heads: [], version: 0 }
 * ```
 */
export function emptyState(stream: StreamId): StreamState {
  const fold = foldOfStream(stream);
  return fold === undefined ? { stream, heads: [], version: 0 } : { stream, heads: [], version: 0, snapshot: emptySnapshot(fold) };
}

/**
 * Where a replay must start for `events` on `state` (a position; '' = from the first event), or
 * undefined when the snapshot simply extends (or the stream keeps none).
 *
 * @example
 * ```ts
 * planReplay(state, [late]); // '000001732600000000-00000#us-east-1#…'
 * ```
 */
export function planReplay(state: StreamState, events: readonly MeshEvent[]): string | undefined {
  return replayFrom(state, events)?.position;
}

/**
 * {@link planReplay}'s position, and how many stored events lie after it when the snapshot can
 * say (`after`: its count minus the checkpoint's; undefined for a snapshot of another fold or
 * none). A store that read those events before can then read only the newer ones, and check by
 * the count that none landed in between.
 *
 * @example
 * ```ts
 * replayFrom(state, [late]); // { position: '000001732600000000-00000#us-east-1#…', after: 57 }
 * ```
 */
export function replayFrom(state: StreamState, events: readonly MeshEvent[]): { position: string; after?: number } | undefined {
  const fold = foldOfStream(state.stream);
  if (fold === undefined) return undefined;
  const snapshot = state.snapshot as FoldSnapshot<unknown> | undefined;
  const plan = planFold(fold, snapshot ?? emptySnapshot(fold), events);
  if (plan.kind === 'append') return undefined;
  const exact = snapshot !== undefined && snapshot.fold === fold.name;
  return { position: plan.from.position, ...(exact ? { after: snapshot.count - plan.from.count } : {}) };
}

/** The result of {@link transition}. */
export interface Transition {
  readonly state: StreamState;
  /** Parent ids to record as "named by a stored event" (see `advanceHeads`). */
  readonly refs: readonly string[];
}

/**
 * The stream's state after storing `events` (new to it, distinct). `referenced`: the new ids some
 * stored event already names as a parent. `storedAfter`: when {@link planReplay} asked for a
 * replay, every stored event of the stream after that position (any order).
 *
 * @example
 * ```ts
 * transition(emptyState('R#k'), [a], new Set(), 1_000).state.heads; // [eventSortKey(a)]
 * ```
 */
export function transition(
  state: StreamState,
  events: readonly MeshEvent[],
  referenced: ReadonlySet<string>,
  now: number,
  storedAfter?: readonly MeshEvent[],
): Transition {
  const { heads, refs } = advanceHeads(state.heads, events, referenced);
  const conflictSince = heads.length > 1 ? (state.conflictSince ?? now) : undefined;
  const next: StreamState = {
    stream: state.stream,
    heads,
    version: state.version + events.length,
    updatedAt: now,
    ...(conflictSince === undefined ? {} : { conflictSince }),
  };
  const fold = foldOfStream(state.stream);
  if (fold === undefined) return { state: next, refs };
  return { state: { ...next, snapshot: advanceSnapshot(fold, state.snapshot ?? emptySnapshot(fold), events, storedAfter) }, refs };
}

function advanceSnapshot(fold: Fold<unknown>, snapshot: FoldSnapshot<unknown>, events: readonly MeshEvent[], storedAfter: readonly MeshEvent[] | undefined): FoldSnapshot<unknown> {
  const plan = planFold(fold, snapshot, events);
  if (plan.kind === 'append') return foldForward(fold, snapshot, [...events].sort(compareEvents));
  if (storedAfter === undefined) throw new Error(`transition: a replay from ${plan.from.position || 'the start'} needs the stored events after it`);
  const merged = new Map<string, MeshEvent>();
  for (const e of storedAfter) merged.set(e.id, e);
  for (const e of events) merged.set(e.id, e);
  return foldForward(fold, plan.from, [...merged.values()].sort(compareEvents));
}
