import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountFold } from '../../../../shared/domain/bank.ts';
import { compareEvents, eventSortKey } from '../../../../shared/domain/event.ts';
import { checkpointLevel, CHECKPOINTS_PER_LEVEL, emptySnapshot, foldAll, foldForward, planFold } from '../../../../shared/domain/fold.ts';
import type { Fold, FoldSnapshot } from '../../../../shared/domain/fold.ts';
import type { MeshEvent } from '../../../../shared/domain/types.ts';
import { deposit, makeEvent, withdraw } from '../../../support/factories.ts';
import { RUNS, SLOW } from '../../../support/property-runs.ts';

/** Order-sensitive on purpose: any event folded out of total order changes the result. */
const chainFold: Fold<string> = {
  name: 'chain',
  initial: '',
  step: (s, e) => createHash('sha256').update(s).update(e.id).digest('hex').slice(0, 16),
};

/** What a store does on each arrival: append when it can, else replay from the planned checkpoint. */
function arrive<S>(fold: Fold<S>, snapshot: FoldSnapshot<S>, stored: readonly MeshEvent[], batch: readonly MeshEvent[], spacing: number): { snapshot: FoldSnapshot<S>; replayed: number } {
  const plan = planFold(fold, snapshot, batch);
  if (plan.kind === 'append') return { snapshot: foldForward(fold, snapshot, [...batch].sort(compareEvents), spacing), replayed: 0 };
  const after = stored.filter((e) => eventSortKey(e) > plan.from.position);
  const merged = [...after, ...batch].sort(compareEvents);
  return { snapshot: foldForward(fold, plan.from, merged, spacing), replayed: after.length };
}

const moneyArb = fc.array(
  fc.record({ kind: fc.constantFrom('deposit' as const, 'withdraw' as const), amount: fc.integer({ min: 1, max: 100 }), wall: fc.integer({ min: 0, max: 5_000 }), origin: fc.constantFrom('us-east-1', 'eu-west-1') }),
  { minLength: 1, maxLength: 250 },
);

describe('fold with checkpoints', () => {
  it('property: after any arrival order and batching, the snapshot equals the fold of every event', () => {
    fc.assert(
      fc.property(moneyArb, fc.array(fc.nat(), { maxLength: 250 }), fc.integer({ min: 1, max: 9 }), (specs, keys, batchSize) => {
        // Prepare: distinct money events, delivered in a random order in batches.
        const events = specs.map((s, i) => (s.kind === 'deposit' ? deposit : withdraw)('acct', s.amount, { wall: s.wall, counter: i % 1000, origin: s.origin }));
        const order = events.map((e, i) => ({ e, k: keys[i] ?? i })).sort((a, b) => a.k - b.k).map((x) => x.e);
        let chain = emptySnapshot(chainFold);
        let account = emptySnapshot(accountFold);
        const stored: MeshEvent[] = [];

        // Act
        for (let i = 0; i < order.length; i += batchSize) {
          const batch = order.slice(i, i + batchSize);
          chain = arrive(chainFold, chain, stored, batch, 4).snapshot;
          account = arrive(accountFold, account, stored, batch, 4).snapshot;
          stored.push(...batch);
        }

        // Assess
        const all = foldAll(chainFold, events);
        expect(chain.state).toBe(all.state);
        expect(chain.count).toBe(events.length);
        expect(chain.position).toBe(all.position);
        expect(account.state).toEqual(foldAll(accountFold, events).state);
        for (const cp of chain.checkpoints) expect(checkpointLevel(cp.position.slice(-64), 4)).toBe(cp.level);
      }),
      RUNS,
    );
  }, SLOW);

  it('replays from the latest checkpoint before a late event, not from the start', () => {
    // Prepare: 2,000 events in order, then one that sorts just before the last 10.
    const events = Array.from({ length: 2_000 }, (_, i) => makeEvent({ kind: 'set', key: 'k', payload: i, wall: 1_000 + i * 10 }));
    let snap = foldForward(chainFold, emptySnapshot(chainFold), events, 4);
    const late = makeEvent({ kind: 'set', key: 'k', payload: 'late', wall: 1_000 + 1_990 * 10 - 5 });

    // Act
    const { snapshot, replayed } = arrive(chainFold, snap, events, [late], 4);
    snap = snapshot;

    // Assess: a few spacings of replay at most, and the same answer as a full fold.
    expect(replayed).toBeLessThanOrEqual(4 * 4 + 10);
    expect(snap.state).toBe(foldAll(chainFold, [...events, late]).state);
  });

  it('keeps O(log n) checkpoints, a few per level', () => {
    // Prepare
    const events = Array.from({ length: 5_000 }, (_, i) => makeEvent({ kind: 'set', key: 'k', payload: i, wall: 1_000 + i }));

    // Act
    const snap = foldForward(chainFold, emptySnapshot(chainFold), events, 4);

    // Assess: ~ CHECKPOINTS_PER_LEVEL x log2(5000 / 4) levels, never one per site.
    const levels = new Set(snap.checkpoints.map((c) => c.level));
    expect(snap.checkpoints.length).toBeLessThanOrEqual(CHECKPOINTS_PER_LEVEL * (levels.size + 1));
    expect(snap.checkpoints.length).toBeLessThan(5_000 / 4 / 10);
    expect(levels.size).toBeGreaterThan(3);
    const positions = snap.checkpoints.map((c) => c.position);
    expect([...positions].sort()).toEqual(positions);
  });

  it('plans a replay from nothing for a snapshot of another fold, and refuses to fold backwards', () => {
    // Prepare
    const a = makeEvent({ wall: 10 });
    const b = makeEvent({ wall: 20 });
    const other = foldForward(chainFold, emptySnapshot(chainFold), [a]);

    // Act
    const plan = planFold(accountFold, { ...other, fold: 'chain', state: accountFold.initial, checkpoints: [] }, [b]);

    // Assess
    expect(plan).toEqual({ kind: 'replay', from: emptySnapshot(accountFold) });
    expect(() => foldForward(chainFold, foldForward(chainFold, emptySnapshot(chainFold), [b]), [a])).toThrow(RangeError);
  });

  it('checkpointLevel: sites are multiples of the spacing, levels count further factors of two (known answers)', () => {
    // Act / Assess
    const id = (tail: number): string => tail.toString(16).padStart(64, '0');
    expect(checkpointLevel(id(1))).toBe(-1);
    expect(checkpointLevel(id(64))).toBe(0);
    expect(checkpointLevel(id(64 * 3))).toBe(0);
    expect(checkpointLevel(id(128))).toBe(1);
    expect(checkpointLevel(id(64 * 8))).toBe(3);
    expect(checkpointLevel(id(0))).toBe(20);
  });
});
