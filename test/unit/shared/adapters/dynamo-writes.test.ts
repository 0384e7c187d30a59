/**
 * How one stream's share of a batch is cut to fit one TransactWriteItems (100 items): the refs of
 * the parents its events name count, not only the events.
 */
import { describe, expect, it } from 'vitest';
import { fitStreamWrite } from '../../../../shared/adapters/dynamo-writes.ts';
import { setEvent } from '../../../support/factories.ts';

const id = (i: number): string => i.toString(16).padStart(64, '0');

describe('fitStreamWrite', () => {
  it('takes events while the state, events, digest cells and refs fit in 100 items', () => {
    // Prepare: each event names 4 parents of its own: 6 items each, after the state's 1.
    const arrivals = Array.from({ length: 40 }, (_, i) => ({ event: setEvent('k', i, { counter: i, parents: [0, 1, 2, 3].map((j) => id(1000 + 4 * i + j)) }) }));
    // Act
    const { taken, rest } = fitStreamWrite(arrivals, 32);
    // Assess: 1 + 16 × 6 = 97; a 17th would make 103.
    expect(taken).toHaveLength(16);
    expect(rest).toEqual(arrivals.slice(16));
  });

  it('counts a parent named by several events once, and stops at the cap on events', () => {
    const shared = [id(1), id(2)];
    const arrivals = Array.from({ length: 40 }, (_, i) => ({ event: setEvent('k', i, { counter: i, parents: shared }) }));
    // 1 + 2 + 32 × 2 = 67 items: the cap of 32 events is what stops it.
    expect(fitStreamWrite(arrivals, 32).taken).toHaveLength(32);
  });

  it('always takes one event, and nothing from an empty list', () => {
    // Two events of 64 parents each: 1 + 66 = 67 items, and a second would make 133.
    const big = (n: number) => ({ event: setEvent('k', n, { counter: n, parents: Array.from({ length: 64 }, (_, j) => id(100 * n + j)) }) });
    expect(fitStreamWrite([big(1), big(2)], 32).taken).toHaveLength(1);
    expect(fitStreamWrite([], 32)).toEqual({ taken: [], rest: [] });
  });
});
