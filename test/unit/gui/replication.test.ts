import { describe, expect, it } from 'vitest';
import { compareDigests, linkRows, refusedText, regionStates, ReplicationSeries, waitingOn } from '../../../gui/src/replication.ts';
import type { LinkState, StatusAnswer } from '../../../gui/src/replication.ts';

const digest = (...counts: number[]) => ({ buckets: counts.length, entries: counts.map((count) => ({ count, sum: String(count * 7) })) });

function status(region: string, links: LinkState[], counts = [1, 1]): StatusAnswer {
  return { region, ok: true, value: { region, peers: [], links, digest: digest(...counts), events: counts.reduce((a, b) => a + b, 0) } };
}

describe('linkRows', () => {
  it('takes a link\'s state from its destination, else from any region that reports it', () => {
    const rows = linkRows([
      status('a', [{ from: 'a', to: 'b', enabled: true, backlog: 9 }, { from: 'b', to: 'a', enabled: true, backlog: 1 }]),
      status('b', [{ from: 'a', to: 'b', enabled: false, backlog: 2 }]),
    ]);
    expect(rows).toEqual([
      { from: 'a', to: 'b', state: { from: 'a', to: 'b', enabled: false, backlog: 2 } },
      { from: 'b', to: 'a', state: { from: 'b', to: 'a', enabled: true, backlog: 1 } },
    ]);
  });
});

describe('ReplicationSeries', () => {
  it('estimates the lag as how long something has waited (a lower bound), 0 once the queue is empty', () => {
    // Prepare
    const series = new ReplicationSeries();
    const row = (backlog: number) => [{ from: 'a', to: 'b', state: { from: 'a', to: 'b', enabled: false, backlog, inFlight: 0 } }];

    // Act
    for (const [t, backlog] of [[1000, 0], [3000, 4], [5000, 6], [9000, 6], [11_000, 0]] as const) series.add(t, row(backlog));

    // Assess
    expect(series.samples('a', 'b').map((s) => [s.pending, s.ageMs, s.estimated])).toEqual([
      [0, 0, false],
      [4, 0, true],
      [6, 2000, true],
      [6, 6000, true],
      [0, 0, false],
    ]);
  });

  it('uses the staleMs the API reports when it reports one, and keeps only the newest samples', () => {
    const series = new ReplicationSeries(2);
    for (const t of [1, 2, 3]) series.add(t, [{ from: 'a', to: 'b', state: { from: 'a', to: 'b', enabled: true, backlog: 3, staleMs: 700 + t, lag: { lastMs: 50, at: 0, originAt: 0, events: 1 } } }]);
    expect(series.samples('a', 'b').map((s) => [s.t, s.ageMs, s.estimated, s.lastBatchMs])).toEqual([
      [2, 702, false, 50],
      [3, 703, false, 50],
    ]);
    expect(series.samples('b', 'a')).toEqual([]);
  });
});

describe('regionStates', () => {
  it('says in sync, behind by the events queued for it, or partitioned with whether repair still reaches it', () => {
    // Prepare: c's link from a is cut (3 waiting), its link from b is up; b has 2 waiting from a.
    const links: LinkState[] = [
      { from: 'a', to: 'b', enabled: true, backlog: 1, inFlight: 1 },
      { from: 'a', to: 'c', enabled: false, backlog: 3 },
      { from: 'b', to: 'c', enabled: true, backlog: 0 },
      { from: 'b', to: 'a', enabled: true, backlog: 0 },
      { from: 'c', to: 'a', enabled: true, backlog: 0 },
      { from: 'c', to: 'b', enabled: true, backlog: 0 },
    ];
    const statuses = ['a', 'b', 'c'].map((r) => status(r, links));

    // Act
    const states = regionStates(statuses, linkRows(statuses));

    // Assess
    expect(states.map((s) => [s.region, s.kind, s.text])).toEqual([
      ['a', 'in-sync', 'in sync: nothing waits for it, and it holds what every other region holds'],
      ['b', 'behind', 'behind by 2 events (queued for delivery)'],
      ['c', 'partitioned', 'partitioned from a (3 events queued); repair still active through b'],
    ]);
  });

  it('finds a region behind by its digest when nothing is queued, and says when no delivery or repair reaches it', () => {
    const up = (from: string, to: string, enabled = true): LinkState => ({ from, to, enabled, backlog: 0, dlq: from === 'b' && to === 'a' ? 2 : 0 });
    const statuses: StatusAnswer[] = [
      status('a', [up('b', 'a'), up('a', 'b')], [1, 1]),
      status('b', [up('a', 'b'), up('b', 'a')], [3, 1]),
      { region: 'x', ok: false },
    ];
    const isolated = [status('a', [up('b', 'a', false)]), status('b', [])];

    expect(regionStates(statuses, linkRows(statuses)).map((s) => s.text)).toEqual([
      'behind by ≥ 2 events that b holds (repair pulls them); 2 messages in dead-letter queues',
      // b holds more, and nothing waits for it: the difference is a's lag, not b's.
      'in sync: nothing waits for it; a still lacks some of its events',
      'not answering',
    ]);
    expect(regionStates(isolated, linkRows(isolated))[0]?.text).toBe('partitioned from b; no delivery and no repair reach it; 2 messages in dead-letter queues');
    // With dead letters on its links, a region whose digest differs cannot claim to be in sync.
    const lost = [status('a', [up('b', 'a')], [1, 1]), status('b', [{ ...up('a', 'b'), dlq: 1 }], [3, 1])];
    expect(regionStates(lost, linkRows(lost))[1]?.text).toBe('differs from a (repair reconciles); 1 message in dead-letter queues');
  });
});

describe('regionStates of a region that joined the mesh', () => {
  it('says it is catching up, with its backfill progress, until its backfill is done', () => {
    // Prepare: c joined and copies from a; its links are up and empty, its digest is still short.
    const up = (from: string, to: string): LinkState => ({ from, to, enabled: true, backlog: 0, dlq: 0 });
    const peer = { bucket: 21, buckets: 64, read: 700, copied: 698, startedAt: 1, updatedAt: 2 };
    const joining = (phase: 'copy' | 'repair', state: 'catching-up' | 'done'): StatusAnswer => {
      const s = status('c', [up('a', 'c')], [1, 0]);
      return { ...s, value: { ...(s.value as NonNullable<StatusAnswer['value']>), backfill: { state, peers: { a: { ...peer, phase, progress: phase === 'copy' ? 21 / 64 : 1 } } } } };
    };
    const of = (c: StatusAnswer) => {
      const statuses = [status('a', [up('c', 'a')], [1, 1]), c];
      return regionStates(statuses, linkRows(statuses))[1];
    };
    // Act / Assess
    expect(of(joining('copy', 'catching-up'))).toMatchObject({ kind: 'behind', text: 'catching up: backfill from a 33 % copied (bucket 21/64, 698 events)' });
    expect(of(joining('repair', 'catching-up'))?.text).toBe('catching up: backfill from a copied, anti-entropy running');
    // Done: judged by its links and digest like any region (here still short of a's events).
    expect(of(joining('repair', 'done'))?.text).toBe('behind by ≥ 1 event that a holds (repair pulls them)');
  });
});

describe('waitingOn', () => {
  it('takes the API\'s waiting when it reports one, else backlog and in flight once each', () => {
    expect(waitingOn({ from: 'a', to: 'b', enabled: true, backlog: 2, inFlight: 1, waiting: 3 })).toBe(3);
    expect(waitingOn({ from: 'a', to: 'b', enabled: true, backlog: 2, inFlight: 1 })).toBe(3);
    expect(waitingOn({ from: 'a', to: 'b', enabled: true })).toBeUndefined();
    expect(waitingOn(undefined)).toBeUndefined();
  });
});

describe('regionStates with the API\'s staleMs and refused counts', () => {
  it('says how far behind a partitioned region is, and what it refused from peers', () => {
    // Prepare
    const links: LinkState[] = [
      { from: 'a', to: 'b', enabled: false, backlog: 3, inFlight: 1, waiting: 4, staleMs: 65_000, sync: 'partitioned' },
      { from: 'c', to: 'b', enabled: true, backlog: 0, inFlight: 0, waiting: 0, staleMs: 0, sync: 'in-sync' },
    ];
    const b: StatusAnswer = { region: 'b', ok: true, value: { region: 'b', peers: ['a', 'c'], links, digest: digest(1, 1), events: 2, refused: { 'untrusted-origin': 1, 'clock-skew': 2 } } };

    // Act
    const statuses = [status('a', []), b, status('c', [])];
    const state = regionStates(statuses, linkRows(statuses))[1];

    // Assess
    expect(state?.text).toBe('partitioned from a (4 events queued, up to 1 min 5 s behind); repair still active through c');
    expect(state?.refused).toBe('refused 3 events from peers and repair (clock-skew 2, untrusted-origin 1)');
  });

  it('says nothing of refusals when none were counted', () => {
    expect(refusedText(undefined)).toBeUndefined();
    expect(refusedText({ 'clock-skew': 0 })).toBeUndefined();
  });
});

describe('compareDigests', () => {
  it('counts the events the other region has beyond this one, per bucket', () => {
    expect(compareDigests(digest(1, 5), digest(3, 5))).toEqual({ differs: true, missingAtLeast: 2 });
    expect(compareDigests(digest(3, 5), digest(1, 5))).toEqual({ differs: true, missingAtLeast: 0 });
    expect(compareDigests(digest(1), digest(1))).toEqual({ differs: false, missingAtLeast: 0 });
    expect(compareDigests(digest(1), digest(1, 1))).toBeUndefined();
  });
});
