import { describe, expect, it } from 'vitest';
import { EventDag } from '../../../jepsen/checkers/event-dag.ts';
import type { MeshEvent } from '../../../shared/domain/types.ts';
import { chain, setEvent } from '../../support/factories.ts';

describe('EventDag.reaches', () => {
  it('walks parents, stops below the target in the total order, and says unknown past an unrecorded event', () => {
    // Prepare
    const dag = new EventDag();
    const [a, b, c] = chain('k', [1, 2, 3]) as [MeshEvent, MeshEvent, MeshEvent];
    const ghost = setEvent('k', 'never recorded', { parents: [a] });
    const d = setEvent('k', 4, { parents: [ghost] });
    for (const e of [a, b, c, d]) dag.add(e);
    // Act / Assess
    expect([dag.reaches([c.id], a.id), dag.reaches([c.id], c.id), dag.reaches([a.id], c.id), dag.reaches([d.id], a.id), dag.reaches([d.id], b.id)])
      .toEqual([true, true, false, 'unknown', 'unknown']);
  });

  it('is built from the writes and heads of a history and the events of the final reads, a record with parents completing one without', () => {
    // Prepare
    const [a, b] = chain('k', [1, 2]) as [MeshEvent, MeshEvent];
    const dag = new EventDag();
    dag.add({ id: b.id, hlc: b.hlc, origin: b.origin });
    // Act / Assess: b's parents are unknown until a record with them comes.
    expect(dag.reaches([b.id], a.id)).toBe('unknown');
    dag.add(b);
    expect([dag.reaches([b.id], a.id), dag.size]).toEqual([true, 1]);
  });
});
