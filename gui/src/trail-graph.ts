/**
 * What the trail graph shows, from the trail and the events of its key or account: the ancestry,
 * the concurrent siblings beside it (events of the same stream that share a parent with the
 * ancestry but are not part of it — the writes it raced), and for money each event's outcome and,
 * for a bounce, the concurrent withdrawals that caused it (drawn as "bounced by" edges). Pure.
 *
 * @example
 * ```ts
 * import { trailGraph } from './trail-graph.ts';
 * const graph = trailGraph(trail, keyEvents, statement);
 * graph.nodes.filter((n) => n.role === 'sibling').length; // the concurrent writes
 * ```
 */
import type { MeshEvent } from '../../shared/domain/types.ts';
import { ancestorsOf } from './ancestry.ts';
import { explainWithdrawal } from './bounce.ts';
import type { MoneyOutcome, StatementEntry } from './bounce.ts';
import { compareEvents } from './format.ts';
import type { GraphEdge, GraphNode } from './trail-layout.ts';
import type { HopReceipt, TrailEvent } from './trail.ts';

/** An event of the graph: in the ancestry, the event itself, or a concurrent sibling. */
export interface TrailGraphNode extends GraphNode {
  readonly event: MeshEvent;
  readonly role: 'selected' | 'ancestor' | 'sibling';
  /** Receipts known for it (siblings carry the ones the stream's histories gave). */
  readonly receipts: Readonly<Record<string, HopReceipt | undefined>>;
  /** For deposits and withdrawals: what the merged replay did with it. */
  readonly money?: MoneyOutcome;
}

export interface TrailGraph {
  readonly nodes: readonly TrailGraphNode[];
  /** Extra edges: "bounced by" from each cause to the withdrawal it bounced. */
  readonly edges: readonly GraphEdge[];
}

/** The events of the stream (key history or account statement), with receipts where known. */
export interface StreamEvent {
  readonly event: MeshEvent;
  readonly receipts: Readonly<Record<string, HopReceipt | undefined>>;
}

/** At most this many siblings are drawn: enough to show a race, few enough to read. */
const MAX_SIBLINGS = 12;

/**
 * Builds the graph of `trail` (its last-opened event is `selectedId`).
 *
 * @example
 * ```ts
 * trailGraph(mergeTrails(answers), selectedId, mergeHistories(histories), statement?.events);
 * ```
 */
export function trailGraph(trail: readonly TrailEvent[], selectedId: string, stream: readonly StreamEvent[], statement?: readonly StatementEntry[]): TrailGraph {
  const inTrail = new Set(trail.map((n) => n.event.id));
  const siblings = stream
    .filter((s) => !inTrail.has(s.event.id) && s.event.parents.some((p) => inTrail.has(p)))
    .filter((s) => !ancestorsOf(s.event.id, stream.map((x) => x.event)).has(selectedId))
    .sort((a, b) => compareEvents(a.event, b.event))
    .slice(0, MAX_SIBLINGS);
  const extraIds = new Set(siblings.map((s) => s.event.id));
  // Money: the causes of every bounce in view join the graph even when they share no parent here.
  const money = new Map<string, MoneyOutcome>();
  if (statement !== undefined) {
    for (const id of [...inTrail, ...extraIds]) {
      const outcome = explainWithdrawal(statement, id);
      if (outcome !== undefined) money.set(id, outcome);
    }
    for (const outcome of [...money.values()]) {
      for (const cause of outcome.causes) {
        if (inTrail.has(cause.event.id) || extraIds.has(cause.event.id)) continue;
        extraIds.add(cause.event.id);
        siblings.push({ event: cause.event, receipts: stream.find((s) => s.event.id === cause.event.id)?.receipts ?? {} });
        const own = explainWithdrawal(statement, cause.event.id);
        if (own !== undefined) money.set(cause.event.id, own);
      }
    }
  }
  const all = [
    ...trail.map((n) => ({ event: n.event, receipts: n.receipts, role: n.event.id === selectedId ? ('selected' as const) : ('ancestor' as const) })),
    ...siblings.map((s) => ({ event: s.event, receipts: s.receipts, role: 'sibling' as const })),
  ].sort((a, b) => compareEvents(a.event, b.event));
  const nodes = all.map((n, rank): TrailGraphNode => {
    const outcome = money.get(n.event.id);
    return { id: n.event.id, parents: n.event.parents, rank, event: n.event, role: n.role, receipts: n.receipts, ...(outcome ? { money: outcome } : {}) };
  });
  const edges: GraphEdge[] = [];
  for (const [id, outcome] of money) for (const cause of outcome.causes) edges.push({ from: cause.event.id, to: id, kind: 'bounce' });
  return { nodes, edges };
}
