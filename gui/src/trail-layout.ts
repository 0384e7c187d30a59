/**
 * Lays out an event graph for drawing: each event one row below its lowest parent (its layer is
 * the longest parent path from a root), so concurrent events — siblings that do not know each
 * other — share a row, side by side. Within a row events are ordered by the mean position of their
 * parents (fewer crossings), then by total order. Edges are SVG paths between the boxes. Pure:
 * numbers in, numbers out; the view draws them.
 *
 * @example
 * ```ts
 * import { layoutGraph } from './trail-layout.ts';
 * const layout = layoutGraph([{ id: 'r', parents: [], rank: 0 }, { id: 'a', parents: ['r'], rank: 1 }, { id: 'b', parents: ['r'], rank: 2 }], []);
 * layout.nodes.map((n) => [n.id, n.layer]); // [['r', 0], ['a', 1], ['b', 1]]
 * ```
 */

/** An event to place: its parents (ids outside the graph are ignored) and its rank in total order. */
export interface GraphNode {
  readonly id: string;
  readonly parents: readonly string[];
  readonly rank: number;
}

/** A line to draw: a parent edge (parent → child), or another relation such as "bounced by". */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'parent' | 'bounce';
}

/** Box sizes and gaps, in SVG units. */
export interface LayoutOptions {
  readonly nodeWidth: number;
  readonly nodeHeight: number;
  readonly gapX: number;
  readonly gapY: number;
  readonly padding: number;
}

export interface PlacedNode {
  readonly id: string;
  readonly layer: number;
  /** Top-left corner of the box. */
  readonly x: number;
  readonly y: number;
}

export interface PlacedEdge extends GraphEdge {
  /** SVG path data from the `from` box to the `to` box. */
  readonly path: string;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

const DEFAULTS: LayoutOptions = { nodeWidth: 250, nodeHeight: 120, gapX: 28, gapY: 44, padding: 8 };

/**
 * Places `nodes` in layers and routes their parent edges plus `extra` edges.
 *
 * @example
 * ```ts
 * layoutGraph(nodes, [{ from: causeId, to: bouncedId, kind: 'bounce' }], { nodeHeight: 140 });
 * ```
 */
export function layoutGraph(nodes: readonly GraphNode[], extra: readonly GraphEdge[], options: Partial<LayoutOptions> = {}): Layout {
  const o = { ...DEFAULTS, ...options };
  const byId = new Map(nodes.map((n) => [n.id, n] as const));
  const layerOf = layers(nodes, byId);
  const rows: GraphNode[][] = [];
  for (const n of nodes) (rows[layerOf.get(n.id) ?? 0] ??= []).push(n);

  const slot = new Map<string, number>();
  rows.forEach((row, layer) => {
    const mean = (n: GraphNode): number => {
      const placed = n.parents.map((p) => slot.get(p)).filter((s): s is number => s !== undefined);
      return placed.length === 0 ? Number.POSITIVE_INFINITY : placed.reduce((a, b) => a + b, 0) / placed.length;
    };
    const keyed = row.map((n) => ({ n, m: layer === 0 ? 0 : mean(n) }));
    keyed.sort((a, b) => (a.m === b.m ? a.n.rank - b.n.rank : a.m < b.m ? -1 : 1));
    keyed.forEach(({ n }, i) => slot.set(n.id, i));
    rows[layer] = keyed.map(({ n }) => n);
  });

  const widest = Math.max(1, ...rows.map((r) => r.length));
  const width = o.padding * 2 + widest * o.nodeWidth + (widest - 1) * o.gapX;
  const height = o.padding * 2 + rows.length * o.nodeHeight + Math.max(0, rows.length - 1) * o.gapY;
  const placed = new Map<string, PlacedNode>();
  rows.forEach((row, layer) => {
    const rowWidth = row.length * o.nodeWidth + (row.length - 1) * o.gapX;
    const left = o.padding + (width - 2 * o.padding - rowWidth) / 2;
    row.forEach((n, i) => placed.set(n.id, { id: n.id, layer, x: left + i * (o.nodeWidth + o.gapX), y: o.padding + layer * (o.nodeHeight + o.gapY) }));
  });

  const edges: PlacedEdge[] = [];
  const parentEdges = nodes.flatMap((n) => n.parents.filter((p) => byId.has(p)).map((p): GraphEdge => ({ from: p, to: n.id, kind: 'parent' })));
  for (const e of [...parentEdges, ...extra]) {
    const a = placed.get(e.from);
    const b = placed.get(e.to);
    if (a && b) edges.push({ ...e, path: route(a, b, o) });
  }
  return { width, height, nodes: nodes.map((n) => placed.get(n.id) as PlacedNode), edges };
}

/** Longest path from a root (a node with no parent in the graph); a cycle, impossible for hash links, is cut. */
function layers(nodes: readonly GraphNode[], byId: ReadonlyMap<string, GraphNode>): Map<string, number> {
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (n: GraphNode): number => {
    const known = layer.get(n.id);
    if (known !== undefined) return known;
    if (visiting.has(n.id)) return 0;
    visiting.add(n.id);
    const parents = n.parents.map((p) => byId.get(p)).filter((p): p is GraphNode => p !== undefined);
    const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map(depth));
    visiting.delete(n.id);
    layer.set(n.id, d);
    return d;
  };
  for (const n of nodes) depth(n);
  return layer;
}

function route(a: PlacedNode, b: PlacedNode, o: LayoutOptions): string {
  const cx = (n: PlacedNode): number => n.x + o.nodeWidth / 2;
  if (b.y > a.y) {
    // Downwards: bottom centre to top centre, leaving and arriving vertically.
    const y1 = a.y + o.nodeHeight;
    const mid = (y1 + b.y) / 2;
    return `M${cx(a)},${y1} C${cx(a)},${mid} ${cx(b)},${mid} ${cx(b)},${b.y}`;
  }
  if (b.y < a.y) {
    const y2 = b.y + o.nodeHeight;
    const mid = (a.y + y2) / 2;
    return `M${cx(a)},${a.y} C${cx(a)},${mid} ${cx(b)},${mid} ${cx(b)},${y2}`;
  }
  // Same row: side to side, at mid height.
  const y = a.y + o.nodeHeight / 2;
  const [x1, x2] = a.x < b.x ? [a.x + o.nodeWidth, b.x] : [a.x, b.x + o.nodeWidth];
  return `M${x1},${y} C${(x1 + x2) / 2},${y} ${(x1 + x2) / 2},${y} ${x2},${y}`;
}
