import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../shared/domain/errors.ts';
import { buildTrail } from '../../../../shared/domain/trail.ts';
import { receipt, setEvent } from '../../../support/factories.ts';

describe('buildTrail', () => {
  // Prepare (shared): root <- left (us) , root <- right (eu), merge <- {left, right}; unrelated.
  const root = setEvent('k', 'root', { wall: 10, origin: 'us-east-1' });
  const left = setEvent('k', 'left', { parents: [root], origin: 'us-east-1' });
  const right = setEvent('k', 'right', { parents: [root], origin: 'eu-west-1' });
  const merge = setEvent('k', 'merge', { parents: [left, right], origin: 'ap-southeast-2' });
  const unrelated = setEvent('k', 'other', { wall: 5 });

  it('is the ancestry DAG closure in total order, each event once', () => {
    // Act
    const trail = buildTrail(merge.id, [unrelated, merge, right, left, root, root], []);

    // Assess
    expect(trail.map((n) => n.event)).toEqual([root, right, left, merge]);
    expect(trail.every((n) => n.missingParents.length === 0 && n.receipts.length === 0)).toBe(true);
    expect(trail[0]?.lags).toEqual({});
  });

  it("attaches every region's receipt with the lag after the origin's receipt", () => {
    // Prepare
    const receipts = [
      receipt(merge, 'us-east-1', 1_450),
      receipt(merge, 'ap-southeast-2', 1_000),
      receipt(merge, 'eu-west-1', 1_200, { type: 'repair', peer: 'us-east-1' }),
      receipt(merge, 'eu-west-1', 1_900), // a later duplicate from the same region: the first arrival counts
      receipt(right, 'us-east-1', 700),
      receipt(unrelated, 'us-east-1', 1),
    ];

    // Act
    const trail = buildTrail(merge.id, [merge, left, right, root], receipts);

    // Assess
    const last = trail[trail.length - 1];
    expect(last?.receipts.map((r) => [r.region, r.receivedAt])).toEqual([
      ['ap-southeast-2', 1_000],
      ['eu-west-1', 1_200],
      ['us-east-1', 1_450],
    ]);
    expect(last?.receipts[1]?.via).toEqual({ type: 'repair', peer: 'us-east-1' });
    expect(last?.lags).toEqual({ 'ap-southeast-2': 0, 'eu-west-1': 200, 'us-east-1': 450 });
    // right's origin (eu-west-1) receipt is unknown here: no lag can be computed.
    expect(trail.find((n) => n.event.id === right.id)?.lags).toEqual({});
  });

  it('reports parents that are not known as missing, and stops there', () => {
    // Act
    const trail = buildTrail(merge.id, [merge, right], []);

    // Assess
    expect(trail.map((n) => n.event)).toEqual([right, merge]);
    expect(trail[0]?.missingParents).toEqual([root.id]);
    expect(trail[1]?.missingParents).toEqual([left.id]);
  });

  it('orders receipts of the same instant by region', () => {
    // Act
    const trail = buildTrail(root.id, [root], [receipt(root, 'us-east-1', 5), receipt(root, 'eu-west-1', 5)]);

    // Assess
    expect(trail[0]?.receipts.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(trail[0]?.lags).toEqual({ 'eu-west-1': 0, 'us-east-1': 0 });
  });

  it('throws NotFoundError for an unknown event', () => {
    // Act / Assess
    expect(() => buildTrail('f'.repeat(64), [root], [])).toThrow(NotFoundError);
  });
});
