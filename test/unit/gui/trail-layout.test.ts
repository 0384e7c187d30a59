import { describe, expect, it } from 'vitest';
import { layoutGraph } from '../../../gui/src/trail-layout.ts';

const box = { nodeWidth: 100, nodeHeight: 50, gapX: 10, gapY: 20, padding: 5 };

describe('layoutGraph', () => {
  it('puts each event one row below its deepest parent, concurrent siblings side by side', () => {
    // Prepare: r ← a ← c, r ← b, and m merging c and b.
    const nodes = [
      { id: 'r', parents: [], rank: 0 },
      { id: 'a', parents: ['r'], rank: 1 },
      { id: 'b', parents: ['r'], rank: 2 },
      { id: 'c', parents: ['a'], rank: 3 },
      { id: 'm', parents: ['c', 'b'], rank: 4 },
    ];

    // Act
    const layout = layoutGraph(nodes, [], box);

    // Assess
    const at = Object.fromEntries(layout.nodes.map((n) => [n.id, n]));
    expect(Object.fromEntries(layout.nodes.map((n) => [n.id, n.layer]))).toEqual({ r: 0, a: 1, b: 1, c: 2, m: 3 });
    expect(at['a']?.y).toBe(at['b']?.y);
    expect(at['a']?.x).toBeLessThan(at['b']?.x ?? 0);
    expect(layout.width).toBe(5 * 2 + 2 * 100 + 10);
    expect(layout.height).toBe(5 * 2 + 4 * 50 + 3 * 20);
    expect(layout.edges.map((e) => `${e.from}->${e.to}`)).toEqual(['r->a', 'r->b', 'a->c', 'c->m', 'b->m']);
  });

  it('never overlaps two boxes, and routes every edge from box to box', () => {
    const nodes = Array.from({ length: 6 }, (_, i) => ({ id: `n${i}`, parents: i === 0 ? [] : ['n0'], rank: i }));
    const layout = layoutGraph(nodes, [{ from: 'n1', to: 'n2', kind: 'bounce' }], box);
    const boxes = layout.nodes;
    for (const a of boxes) {
      for (const b of boxes) {
        if (a === b) continue;
        const apart = a.x + box.nodeWidth <= b.x || b.x + box.nodeWidth <= a.x || a.y + box.nodeHeight <= b.y || b.y + box.nodeHeight <= a.y;
        expect(apart, `${a.id} and ${b.id}`).toBe(true);
      }
    }
    const bounce = layout.edges.find((e) => e.kind === 'bounce');
    // Same row: from the right side of n1 to the left side of n2, at mid height.
    const n1 = boxes.find((n) => n.id === 'n1');
    expect(bounce?.path.startsWith(`M${(n1?.x ?? 0) + box.nodeWidth},${(n1?.y ?? 0) + box.nodeHeight / 2}`)).toBe(true);
  });

  it('orders a row by its parents\' places, so edges cross less', () => {
    // x and y are roots (x first); x's child ranks after y's child in total order.
    const nodes = [
      { id: 'x', parents: [], rank: 0 },
      { id: 'y', parents: [], rank: 1 },
      { id: 'cy', parents: ['y'], rank: 2 },
      { id: 'cx', parents: ['x'], rank: 3 },
    ];
    const order = layoutGraph(nodes, [], box).nodes.filter((n) => n.layer === 1).sort((a, b) => a.x - b.x).map((n) => n.id);
    expect(order).toEqual(['cx', 'cy']);
  });

  it('ignores parents outside the graph (a trail cut at its depth limit)', () => {
    const layout = layoutGraph([{ id: 'a', parents: ['missing'], rank: 0 }], [], box);
    expect(layout.nodes).toEqual([{ id: 'a', layer: 0, x: 5, y: 5 }]);
    expect(layout.edges).toEqual([]);
  });
});
