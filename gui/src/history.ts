/**
 * Every region's history of a key, merged: each event once, in total order, with the receipt of
 * every region that holds it. Pure.
 *
 * @example
 * ```ts
 * import { mergeHistories } from './history.ts';
 * mergeHistories([{ region: 'us', events: [{ event, receipt }] }]); // [{ event, receipts: { us: receipt } }]
 * ```
 */
import type { MeshEvent, Receipt } from '../../shared/domain/types.ts';
import { compareEvents } from './format.ts';

/** One region's history: its events, each with that region's receipt where known. */
export interface RegionHistory {
  readonly region: string;
  readonly events: ReadonlyArray<{ readonly event: MeshEvent; readonly receipt?: Receipt }>;
}

/** One event and, per region that holds it, its receipt there. */
export interface MergedEvent {
  readonly event: MeshEvent;
  readonly receipts: Readonly<Record<string, Receipt | undefined>>;
}

/**
 * One row per event any region holds, in total order.
 *
 * @example
 * ```ts
 * mergeHistories(histories).map((r) => Object.keys(r.receipts)); // [['us', 'eu'], ['us']]
 * ```
 */
export function mergeHistories(histories: readonly RegionHistory[]): MergedEvent[] {
  const byId = new Map<string, { event: MeshEvent; receipts: Record<string, Receipt | undefined> }>();
  for (const h of histories) {
    for (const entry of h.events) {
      const row = byId.get(entry.event.id) ?? { event: entry.event, receipts: {} };
      row.receipts[h.region] = entry.receipt;
      byId.set(entry.event.id, row);
    }
  }
  return [...byId.values()].sort((a, b) => compareEvents(a.event, b.event));
}
