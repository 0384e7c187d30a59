/**
 * How far behind a link into a region is: `waiting`, `staleMs` and `sync` per link, and the
 * region's `inbound` summary, on known answers: in sync, behind on an open link, cut with events
 * waiting (measured from the later of the last delivered event and the cut), and unknown depths.
 */
import { describe, expect, it } from 'vitest';
import { inboundSync, withSync } from '../../../../shared/app/link-sync.ts';
import type { LinkLag } from '../../../../shared/app/answers.ts';
import { BASE_WALL } from '../../../support/factories.ts';

const NOW = BASE_WALL + 60_000;
/** The last batch delivered 50 s before NOW; its newest event was written 1 s before that. */
const LAG: LinkLag = { lastMs: 1_000, at: BASE_WALL + 10_000, originAt: BASE_WALL + 9_000, events: 12 };

describe('withSync', () => {
  it('is in sync with staleness 0 when nothing waits, whatever the last batch’s lag', () => {
    const link = withSync({ from: 'a', to: 'b', enabled: true, backlog: 0, inFlight: 0, dlq: 0 }, LAG, NOW);
    expect(link).toEqual({ from: 'a', to: 'b', enabled: true, backlog: 0, inFlight: 0, dlq: 0, lag: LAG, waiting: 0, staleMs: 0, sync: 'in-sync' });
  });

  it('is behind when events wait on an open link, stale since the newest event delivered', () => {
    const link = withSync({ from: 'a', to: 'b', enabled: true, backlog: 3, inFlight: 2 }, LAG, NOW);
    expect(link).toMatchObject({ waiting: 5, sync: 'behind', staleMs: NOW - LAG.originAt });
  });

  it('measures a cut link from the cut when it came after the last delivery, so a quiet spell before it does not count', () => {
    const cutAt = BASE_WALL + 55_000;
    const link = withSync({ from: 'a', to: 'b', enabled: false, backlog: 4, inFlight: 0, changedAt: cutAt }, LAG, NOW);
    expect(link).toMatchObject({ waiting: 4, sync: 'partitioned', staleMs: 5_000 });
  });

  it('measures a cut link from the last delivered event when that came after the cut', () => {
    const link = withSync({ from: 'a', to: 'b', enabled: false, backlog: 1, changedAt: BASE_WALL }, LAG, NOW);
    expect(link).toMatchObject({ waiting: 1, sync: 'partitioned', staleMs: NOW - LAG.originAt });
  });

  it('returns to 0 once the cut link’s events are delivered, however long it was cut', () => {
    const link = withSync({ from: 'a', to: 'b', enabled: false, backlog: 0, inFlight: 0, changedAt: BASE_WALL }, LAG, NOW);
    expect(link).toMatchObject({ waiting: 0, staleMs: 0, sync: 'partitioned' });
  });

  it('leaves out what it cannot know: depths not reported, or events waiting on a link with nothing to measure from', () => {
    expect(withSync({ from: 'a', to: 'b', enabled: true }, undefined, NOW)).toEqual({ from: 'a', to: 'b', enabled: true });
    expect(withSync({ from: 'a', to: 'b', enabled: false }, undefined, NOW)).toEqual({ from: 'a', to: 'b', enabled: false, sync: 'partitioned' });
    expect(withSync({ from: 'a', to: 'b', enabled: true, backlog: 2 }, undefined, NOW)).toEqual({ from: 'a', to: 'b', enabled: true, backlog: 2, waiting: 2, sync: 'behind' });
  });

  it('never answers a negative staleness when the origin’s clock runs ahead of this one', () => {
    const ahead: LinkLag = { ...LAG, originAt: NOW + 4_000, lastMs: -4_000 };
    expect(withSync({ from: 'a', to: 'b', enabled: true, backlog: 1 }, ahead, NOW).staleMs).toBe(0);
  });
});

describe('inboundSync', () => {
  it('sums the links into the region, names the cut-off peers and those repair still pulls from', () => {
    const links = [
      withSync({ from: 'a', to: 'c', enabled: false, backlog: 4, inFlight: 0, dlq: 1, changedAt: NOW - 9_000 }, LAG, NOW),
      withSync({ from: 'b', to: 'c', enabled: true, backlog: 0, inFlight: 1, dlq: 0 }, LAG, NOW),
      { from: 'c', to: 'a', enabled: false, backlog: 99 },
    ];
    expect(inboundSync('c', links)).toEqual({ sync: 'partitioned', waiting: 5, dlq: 1, partitionedFrom: ['a'], repairThrough: ['b'], staleMs: NOW - LAG.originAt });
  });

  it('is behind while anything waits, and in sync when nothing does', () => {
    expect(inboundSync('b', [withSync({ from: 'a', to: 'b', enabled: true, backlog: 2, inFlight: 0 }, LAG, NOW)])).toMatchObject({ sync: 'behind', waiting: 2, repairThrough: [] });
    expect(inboundSync('b', [withSync({ from: 'a', to: 'b', enabled: true, backlog: 0, inFlight: 0 }, LAG, NOW)])).toEqual({ sync: 'in-sync', waiting: 0, dlq: 0, partitionedFrom: [], repairThrough: [], staleMs: 0 });
  });
});
