/**
 * Whole-stream reads for tests, built on the store's paged port (the port itself has no unbounded
 * read): every event of a stream, and its head ids in total order.
 *
 * @example
 * ```ts
 * import { allEventsOf, headIdsOf } from '../support/store-reads.ts';
 * const events = await allEventsOf(store, registerStream('k'));
 * ```
 */
import { idOfPosition } from '../../shared/domain/heads.ts';
import type { MeshEvent, ReceiptVia, StoredEvent } from '../../shared/domain/types.ts';
import type { AppendResult, EventStore } from '../../shared/ports/event-store.ts';
import type { StreamId } from '../../shared/ports/stream.ts';

/** Every event of `stream` in total order, page by page. */
export async function allEventsOf(store: EventStore, stream: StreamId): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let after: string | undefined;
  do {
    const page: { events: StoredEvent[]; next?: string } = await store.eventsPage(stream, { limit: 500, ...(after === undefined ? {} : { after }) });
    out.push(...page.events);
    after = page.next;
  } while (after !== undefined);
  return out;
}

/** The ids of `stream`'s heads, in total order. */
export async function headIdsOf(store: EventStore, stream: StreamId): Promise<string[]> {
  return (await store.stateOf(stream)).heads.map(idOfPosition);
}

/** Appends one event as a delivery would (`appendBatch` of one); answers its result. */
export async function appendOne(store: EventStore, event: MeshEvent, via: ReceiptVia = { type: 'local' }): Promise<AppendResult> {
  const [r] = await store.appendBatch([{ event, via }]);
  if (r === undefined) throw new Error('appendBatch answered nothing');
  return r;
}
