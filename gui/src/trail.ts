/**
 * Merges what every region answers for `GET /events/{id}` into one trail: the event's ancestry in
 * total order, each node with every region's receipt and that hop's lag behind the origin's own
 * receipt. Pure.
 *
 * @example
 * ```ts
 * import { mergeTrails } from './trail.ts';
 * const nodes = mergeTrails(answers);
 * nodes[0].receipts['eu-west-1']; // { receivedAt, via, lagMs: 37, … }
 * ```
 */
import type { MeshEvent, Receipt } from '../../shared/domain/types.ts';
import type { EventDetail } from '../../shared/client/types.ts';
import { compareEvents } from './format.ts';

/** A receipt with its hop's lag: ms after the origin received (stored) the event. */
export type HopReceipt = Receipt & { readonly lagMs?: number };

/** One event of the trail with every region's receipt. */
export interface TrailEvent {
  readonly event: MeshEvent;
  readonly receipts: Readonly<Record<string, HopReceipt>>;
  /** Parents no region answered (a gap, or beyond the depth one answer walks). */
  readonly missingParents: readonly string[];
}

/** One region's answer to `GET /events/{id}`. */
export interface TrailAnswer {
  readonly region: string;
  readonly ok: boolean;
  readonly value?: EventDetail;
}

/**
 * The merged trail, oldest first.
 *
 * @example
 * ```ts
 * mergeTrails([{ region: 'us', ok: true, value: detail }]).map((n) => n.event.id);
 * ```
 */
export function mergeTrails(answers: readonly TrailAnswer[]): TrailEvent[] {
  const nodes = new Map<string, { event: MeshEvent; receipts: Record<string, HopReceipt> }>();
  for (const answer of answers) {
    const detail = answer.ok ? answer.value : undefined;
    if (detail?.event === undefined) continue;
    const trail = detail.trail !== undefined && detail.trail.length > 0 ? detail.trail : [{ event: detail.event, receipts: detail.receipt ? [detail.receipt] : [] }];
    for (const node of trail) {
      const merged = nodes.get(node.event.id) ?? { event: node.event, receipts: {} };
      for (const receipt of node.receipts ?? []) merged.receipts[receipt.region] = { ...receipt };
      nodes.set(node.event.id, merged);
    }
  }
  return [...nodes.values()]
    .map((node): TrailEvent => {
      const originAt = node.receipts[node.event.origin]?.receivedAt;
      const receipts: Record<string, HopReceipt> = {};
      for (const [region, r] of Object.entries(node.receipts)) receipts[region] = typeof originAt === 'number' ? { ...r, lagMs: r.receivedAt - originAt } : r;
      return { event: node.event, receipts, missingParents: node.event.parents.filter((p) => !nodes.has(p)) };
    })
    .sort((a, b) => compareEvents(a.event, b.event));
}
