import { describe, expect, it } from 'vitest';
import type { StatementEntry } from '../../../gui/src/bounce.ts';
import { trailGraph } from '../../../gui/src/trail-graph.ts';
import type { TrailEvent } from '../../../gui/src/trail.ts';
import { BASE_WALL, deposit, setEvent, withdraw } from '../../support/factories.ts';

const node = (event: TrailEvent['event']): TrailEvent => ({ event, receipts: {}, missingParents: [] });

describe('trailGraph', () => {
  it('draws the ancestry with the concurrent siblings beside it, not what descends from the event', () => {
    // Prepare: base ← left (opened), base ← right (concurrent), left ← later (a descendant).
    const base = setEvent('k', 0);
    const left = setEvent('k', 'L', { parents: [base] });
    const right = setEvent('k', 'R', { parents: [base], origin: 'eu-west-1' });
    const later = setEvent('k', 'Z', { parents: [left] });
    const stream = [base, left, right, later].map((event) => ({ event, receipts: {} }));

    // Act
    const graph = trailGraph([node(base), node(left)], left.id, stream);

    // Assess
    expect(Object.fromEntries(graph.nodes.map((n) => [n.id, n.role]))).toEqual({ [base.id]: 'ancestor', [left.id]: 'selected', [right.id]: 'sibling' });
    expect(graph.nodes.map((n) => n.id)).not.toContain(later.id);
    expect(graph.edges).toEqual([]);
  });

  it('for money, gives each event its outcome and draws "bounced by" from the concurrent withdrawal that caused it', () => {
    // Prepare
    const d = deposit('alice', 100);
    const first = withdraw('alice', 80, { parents: [d], wall: BASE_WALL + 2 });
    const bounced = withdraw('alice', 80, { parents: [d], origin: 'eu-west-1', wall: BASE_WALL + 3 });
    const statement: StatementEntry[] = [
      { event: d, amount: 100, outcome: 'applied', balanceAfter: 100, reversed: false },
      { event: first, amount: 80, outcome: 'applied', balanceAfter: 20, reversed: false },
      { event: bounced, amount: 80, outcome: 'bounced', balanceAfter: 20, reversed: true },
    ];

    // Act: the statement alone names the cause, even with no stream events to find siblings in.
    const graph = trailGraph([node(d), node(bounced)], bounced.id, [], statement);

    // Assess
    expect(graph.nodes.find((n) => n.id === first.id)).toMatchObject({ role: 'sibling', money: { outcome: 'applied', balanceBefore: 100 } });
    expect(graph.nodes.find((n) => n.id === bounced.id)?.money).toMatchObject({ outcome: 'reversed', balanceBefore: 20 });
    expect(graph.edges).toEqual([{ from: first.id, to: bounced.id, kind: 'bounce' }]);
    // Ranked in total order: the deposit, the applied withdrawal, the bounced one.
    expect(graph.nodes.map((n) => n.id)).toEqual([d.id, first.id, bounced.id]);
  });
});
