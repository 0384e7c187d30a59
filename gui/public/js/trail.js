/**
 * Merges what every region answers for `GET /events/{id}` into one trail: the event's ancestry
 * in total order, each node with every region's receipt and its lag behind the origin's receipt.
 * Pure (no DOM), so it is unit-tested directly.
 *
 * @example
 * ```js
 * import { mergeTrails } from './trail.js';
 * const nodes = mergeTrails(await everyRegion(regions, (r) => api.event(r.url, id)));
 * nodes[0].receipts['eu-west-1'].lagMs; // 37
 * ```
 */
import { compareEvents } from './format.js';

/**
 * @param answers per-region results `{ region, ok, value: EventDetail | error }`
 * @returns nodes `{ event, receipts: { [region]: receipt & { lagMs? } }, missingParents: string[] }` in total order
 */
export function mergeTrails(answers) {
  const nodes = new Map();
  for (const answer of answers) {
    if (!answer.ok || !answer.value?.event) continue;
    const detail = answer.value;
    const trail = Array.isArray(detail.trail) && detail.trail.length > 0 ? detail.trail : [{ event: detail.event, receipts: detail.receipt ? [detail.receipt] : [] }];
    for (const node of trail) {
      const merged = nodes.get(node.event.id) ?? { event: node.event, receipts: {} };
      for (const receipt of node.receipts ?? []) merged.receipts[receipt.region] = { ...receipt };
      nodes.set(node.event.id, merged);
    }
  }
  return [...nodes.values()]
    .map((node) => {
      const originAt = node.receipts[node.event.origin]?.receivedAt;
      for (const receipt of Object.values(node.receipts)) {
        if (typeof originAt === 'number' && typeof receipt.receivedAt === 'number') receipt.lagMs = receipt.receivedAt - originAt;
      }
      // A parent no region showed: a gap, or beyond the depth a region walks for one answer.
      return { ...node, missingParents: node.event.parents.filter((p) => !nodes.has(p)) };
    })
    .sort((a, b) => compareEvents(a.event, b.event));
}
