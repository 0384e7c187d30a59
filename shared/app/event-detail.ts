/**
 * `GET /events/{id}`: an event, this region's receipt, its parents and its trail — the ancestry
 * known here, bounded. Ancestors always sort before an event (a writer stamps above what it saw),
 * so the trail is found by walking the stream backwards from the event in pages, keeping what the
 * parent links reach, instead of one lookup per ancestor.
 *
 * @example
 * ```ts
 * import { eventDetail } from './event-detail.ts';
 * const detail = await eventDetail(store, 'us-east-1', id, { maxTrail: 200 });
 * detail.trail.at(-1)?.event.id === id; // true
 * ```
 */
import { NotFoundError, ValidationError, buildTrail, eventSortKey, isEventId } from '../domain/index.ts';
import type { StoredEvent } from '../domain/index.ts';
import type { EventStore } from '../ports/event-store.ts';
import { streamOf } from '../ports/stream.ts';
import type { EventDetail } from './answers.ts';

export interface EventDetailOptions {
  /** Ancestors in the trail at most (default 200). */
  readonly maxTrail?: number;
  /** Events of the stream walked at most looking for them (default 2 000): bounds the route's cost. */
  readonly maxScan?: number;
}

/**
 * The detail of event `id` as this region knows it. Throws `ValidationError` on a malformed id,
 * `NotFoundError` when the event is not here.
 *
 * @example
 * ```ts
 * await eventDetail(store, region, '0'.repeat(64)); // throws NotFoundError
 * ```
 */
export async function eventDetail(store: EventStore, region: string, id: unknown, options: EventDetailOptions = {}): Promise<EventDetail> {
  if (!isEventId(id)) throw new ValidationError('invalid-event', 'id: must be 64 lowercase hex characters');
  const maxTrail = options.maxTrail ?? 200;
  const maxScan = options.maxScan ?? 2_000;
  const found = await store.get(id);
  if (found === undefined) throw new NotFoundError(`no event ${id} in ${region}`);
  const stream = streamOf(found.event);
  const known = new Map<string, StoredEvent>([[id, found]]);
  const wanted = new Set(found.event.parents);
  let after: string | undefined = eventSortKey(found.event);
  for (let scanned = 0; wanted.size > 0 && known.size < maxTrail && scanned < maxScan && after !== undefined; ) {
    const page: { events: StoredEvent[]; next?: string } = await store.eventsPage(stream, { limit: 200, after, desc: true });
    for (const s of page.events) {
      scanned++;
      if (!wanted.has(s.event.id) || known.size >= maxTrail) continue;
      wanted.delete(s.event.id);
      known.set(s.event.id, s);
      for (const p of s.event.parents) if (!known.has(p)) wanted.add(p);
    }
    after = page.next;
  }
  const all = [...known.values()];
  return {
    event: found.event,
    receipt: found.receipt,
    parents: found.event.parents.map((p) => known.get(p)?.event ?? p),
    trail: buildTrail(id, all.map((s) => s.event), all.map((s) => s.receipt)),
    region,
  };
}
