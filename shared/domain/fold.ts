/**
 * Folds with checkpoints: a state computed as a left fold over a stream's events in total order,
 * kept as a snapshot beside the stream and advanced by each append, so a read never replays the
 * history. When an event arrives whose position is before the snapshot's (a late replica, a gap
 * filled), the fold resumes from the latest checkpoint before it instead of from the start.
 *
 * Checkpoints sit at content-defined positions: an event is a checkpoint site when its id's last
 * 32 bits are a multiple of {@link CHECKPOINT_SPACING}, and its level is how many more factors of
 * two they hold. Sites therefore do not move when an event is inserted before them, so a replay
 * rewrites exactly the checkpoints it passes. Retention keeps the newest few checkpoints of every
 * level, which spaces them exponentially back in time: a late event `d` positions back costs a
 * replay of O(d) events, and the snapshot holds O(log n) checkpoints.
 *
 * The result never depends on the checkpoints: `foldAll` of a set of events equals the snapshot
 * reached by any sequence of appends and replays of the same set (the property tests check it).
 *
 * @example
 * ```ts
 * import { emptySnapshot, foldForward, planFold } from './fold.ts';
 * const count: Fold<number> = { name: 'count', initial: 0, step: (n) => n + 1 };
 * let snap = foldForward(count, emptySnapshot(count), [a, b]);
 * const plan = planFold(count, snap, [late]);    // { kind: 'replay', from } when late < b
 * if (plan.kind === 'replay') snap = foldForward(count, plan.from, [...storedAfter(plan.from.position), late].sort(compareEvents));
 * ```
 */
import { compareEvents, eventSortKey } from './event.ts';
import type { MeshEvent } from './types.ts';

/**
 * A left fold over events in total order. `step` must be pure and deterministic, and the state
 * plain JSON data (it is stored beside the stream). `name` is stored with the snapshot, so a
 * snapshot written by another fold is never resumed by mistake.
 *
 * @example
 * ```ts
 * const total: Fold<number> = { name: 'total', initial: 0, step: (s, e) => s + (e.payload as number) };
 * ```
 */
export interface Fold<S> {
  readonly name: string;
  readonly initial: S;
  step(state: S, event: MeshEvent): S;
}

/**
 * The fold's state just after the event at `position` (the `eventSortKey` of that event), which
 * was the `index`-th event folded (1-based).
 *
 * @example
 * ```ts
 * const cp: Checkpoint<number> = { position: eventSortKey(e), index: 64, level: 0, state: 64 };
 * ```
 */
export interface Checkpoint<S> {
  readonly position: string;
  readonly index: number;
  readonly level: number;
  readonly state: S;
}

/**
 * A fold's state after every event up to `position` ('' before any), `count` events in all, and
 * the checkpoints behind it (ascending by position).
 *
 * @example
 * ```ts
 * const snap: FoldSnapshot<number> = { fold: 'count', position: '', count: 0, state: 0, checkpoints: [] };
 * ```
 */
export interface FoldSnapshot<S> {
  readonly fold: string;
  readonly position: string;
  readonly count: number;
  readonly state: S;
  readonly checkpoints: readonly Checkpoint<S>[];
}

/**
 * What to do with new events: fold them on (`append`), or resume from `from` (a checkpoint, or
 * the empty snapshot) with every stored event after `from.position` plus the new ones.
 *
 * @example
 * ```ts
 * const plan: FoldPlan<number> = { kind: 'append' };
 * ```
 */
export type FoldPlan<S> = { readonly kind: 'append' } | { readonly kind: 'replay'; readonly from: FoldSnapshot<S> };

/** Expected distance between checkpoint sites (events). */
export const CHECKPOINT_SPACING = 64;
/** Checkpoints kept per level; levels above hold the older, sparser ones. */
export const CHECKPOINTS_PER_LEVEL = 3;
const MAX_LEVEL = 20;

/**
 * The snapshot of a fold over nothing.
 *
 * @example
 * ```ts
 * emptySnapshot(count); // { fold: 'count', position: '', count: 0, state: 0, checkpoints: [] }
 * ```
 */
export function emptySnapshot<S>(fold: Fold<S>): FoldSnapshot<S> {
  return { fold: fold.name, position: '', count: 0, state: fold.initial, checkpoints: [] };
}

/**
 * The checkpoint level of an event id, or -1 when it is not a checkpoint site. Content-defined,
 * so every region and every replay agrees on where checkpoints go.
 *
 * @example
 * ```ts
 * checkpointLevel('0'.repeat(64)); // 20: the all-zero tail is a site of the highest level
 * ```
 */
export function checkpointLevel(id: string, spacing: number = CHECKPOINT_SPACING): number {
  const tail = Number.parseInt(id.slice(-8), 16);
  if (!Number.isFinite(tail) || tail % spacing !== 0) return -1;
  let rest = tail / spacing;
  let level = 0;
  while (level < MAX_LEVEL && rest % 2 === 0) {
    if (rest === 0) return MAX_LEVEL;
    rest /= 2;
    level++;
  }
  return level;
}

/**
 * Whether `events` (new to the stream: none already folded) extend the snapshot, or which
 * checkpoint to replay from: the latest one strictly before the earliest new event.
 *
 * @example
 * ```ts
 * planFold(count, snap, [newest]); // { kind: 'append' }
 * ```
 */
export function planFold<S>(fold: Fold<S>, snapshot: FoldSnapshot<S>, events: readonly MeshEvent[]): FoldPlan<S> {
  if (events.length === 0) return { kind: 'append' };
  let earliest = eventSortKey(events[0] as MeshEvent);
  for (const e of events) {
    const p = eventSortKey(e);
    if (p < earliest) earliest = p;
  }
  // A snapshot another fold wrote cannot be resumed: start over.
  if (snapshot.fold !== fold.name) return { kind: 'replay', from: emptySnapshot(fold) };
  if (earliest > snapshot.position) return { kind: 'append' };
  let from: Checkpoint<S> | undefined;
  for (const cp of snapshot.checkpoints) if (cp.position < earliest) from = cp;
  if (from === undefined) return { kind: 'replay', from: emptySnapshot(fold) };
  const kept = snapshot.checkpoints.filter((cp) => cp.position <= (from as Checkpoint<S>).position);
  return { kind: 'replay', from: { fold: snapshot.fold, position: from.position, count: from.index, state: from.state, checkpoints: kept } };
}

/**
 * Folds `ordered` onto `base`: the events must be distinct, in total order, and all after
 * `base.position`. Records a checkpoint at every site passed and applies the retention.
 * `spacing` (a power of two) sets how dense checkpoint sites are; it only affects cost.
 *
 * @example
 * ```ts
 * foldForward(count, emptySnapshot(count), [a, b]).state; // 2
 * ```
 */
export function foldForward<S>(fold: Fold<S>, base: FoldSnapshot<S>, ordered: readonly MeshEvent[], spacing: number = CHECKPOINT_SPACING): FoldSnapshot<S> {
  let state = base.state;
  let count = base.count;
  let position = base.position;
  const checkpoints = [...base.checkpoints];
  for (const e of ordered) {
    const p = eventSortKey(e);
    if (p <= position) throw new RangeError(`foldForward: ${p} is not after ${position}`);
    state = fold.step(state, e);
    count++;
    position = p;
    const level = checkpointLevel(e.id, spacing);
    if (level >= 0) checkpoints.push({ position: p, index: count, level, state });
  }
  return { fold: fold.name, position, count, state, checkpoints: retain(checkpoints) };
}

/**
 * The snapshot of `fold` over a whole set of events (any order, duplicates ignored): the
 * reference every incremental snapshot must equal.
 *
 * @example
 * ```ts
 * foldAll(count, [b, a, a]).state; // 2
 * ```
 */
export function foldAll<S>(fold: Fold<S>, events: Iterable<MeshEvent>): FoldSnapshot<S> {
  const byId = new Map<string, MeshEvent>();
  for (const e of events) byId.set(e.id, e);
  return foldForward(fold, emptySnapshot(fold), [...byId.values()].sort(compareEvents));
}

/**
 * Keeps, newest first, a checkpoint when fewer than {@link CHECKPOINTS_PER_LEVEL} newer kept
 * checkpoints are of its level or higher: a few dense recent ones, then sparser ones back in time.
 */
function retain<S>(checkpoints: readonly Checkpoint<S>[]): Checkpoint<S>[] {
  const atLeast = new Array<number>(MAX_LEVEL + 1).fill(0);
  const kept: Checkpoint<S>[] = [];
  for (let i = checkpoints.length - 1; i >= 0; i--) {
    const cp = checkpoints[i] as Checkpoint<S>;
    if ((atLeast[cp.level] ?? 0) >= CHECKPOINTS_PER_LEVEL) continue;
    kept.push(cp);
    for (let l = 0; l <= cp.level; l++) atLeast[l] = (atLeast[l] ?? 0) + 1;
  }
  return kept.reverse();
}
