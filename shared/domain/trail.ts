/**
 * Trails (provenance): an event's ancestry through its hash-linked `parents`, each node with
 * every region's receipt for it, so a reader sees who wrote what having seen what, and how long
 * each replication hop took.
 *
 * @example
 * ```ts
 * import { buildTrail } from './trail.ts';
 * const trail = buildTrail(e.id, knownEvents, receiptsFromAllRegions);
 * trail.at(-1)?.lags; // { 'us-east-1': 0, 'eu-west-1': 412 } — ms after the origin received it
 * ```
 */
import { NotFoundError } from './errors.ts';
import { compareEvents } from './event.ts';
import type { MeshEvent, Receipt, TrailNode } from './types.ts';

/**
 * The trail of `eventId`: the event and its known ancestry (transitively through `parents`), in
 * total order (oldest first, so the event itself — greater than its ancestors — comes last when
 * stamps were issued properly). Each node carries:
 * - `receipts`: every receipt known for it, one per region (the earliest, if a region's receipt
 *   was passed twice), ordered by arrival time then region;
 * - `missingParents`: parents that are not among `events` (gaps, e.g. not yet replicated);
 * - `lags`: per receipt region, `receivedAt - receivedAt` of the origin region's receipt, when the
 *   origin's receipt is known (the origin itself shows 0).
 *
 * Throws `NotFoundError` when `eventId` is not among `events`.
 *
 * @example
 * ```ts
 * buildTrail(child.id, [parent, child], [receipt(child, 'us-east-1', 1000), receipt(child, 'eu-west-1', 1250)]);
 * // [ {event: parent, …}, {event: child, lags: {'us-east-1': 0, 'eu-west-1': 250}, …} ]
 * ```
 */
export function buildTrail(eventId: string, events: Iterable<MeshEvent>, receipts: Iterable<Receipt>): TrailNode[] {
  const byId = new Map<string, MeshEvent>();
  for (const e of events) if (!byId.has(e.id)) byId.set(e.id, e);
  const start = byId.get(eventId);
  if (start === undefined) throw new NotFoundError(`no event with id ${eventId}`);

  const members: MeshEvent[] = [];
  const seen = new Set<string>();
  const stack = [eventId];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const e = byId.get(id);
    if (e === undefined) continue;
    members.push(e);
    stack.push(...e.parents);
  }
  members.sort(compareEvents);

  // One receipt per (event, region): a region records an event once, on first arrival.
  const receiptsOf = new Map<string, Map<string, Receipt>>();
  for (const r of receipts) {
    if (!seen.has(r.eventId)) continue;
    let perRegion = receiptsOf.get(r.eventId);
    if (perRegion === undefined) {
      perRegion = new Map();
      receiptsOf.set(r.eventId, perRegion);
    }
    const prev = perRegion.get(r.region);
    if (prev === undefined || r.receivedAt < prev.receivedAt) perRegion.set(r.region, r);
  }

  return members.map((event) => {
    const perRegion = receiptsOf.get(event.id) ?? new Map<string, Receipt>();
    const list = [...perRegion.values()].sort((a, b) => a.receivedAt - b.receivedAt || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
    const originReceipt = perRegion.get(event.origin);
    const lags: Record<string, number> = {};
    if (originReceipt !== undefined) for (const r of list) lags[r.region] = r.receivedAt - originReceipt.receivedAt;
    return {
      event,
      receipts: list,
      missingParents: event.parents.filter((p) => !byId.has(p)),
      lags,
    };
  });
}
