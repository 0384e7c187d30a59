/**
 * Convergence properties of the whole domain: every view is a function of the event *set*, so
 * replicas that received the same events — in any order, with duplicates, with some held back
 * and delivered later — answer the same values, heads, conflicts, balances, bounced and reversed
 * sets, and digests. Events come from a simulated mesh (test/support/mesh-sim.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountStatement, accountView } from '../../../../shared/domain/bank.ts';
import { digestOf } from '../../../../shared/domain/digest.ts';
import { compareEvents, createEvent, sortedUnique } from '../../../../shared/domain/event.ts';
import { computeHeads, headIds, nextHeads } from '../../../../shared/domain/heads.ts';
import { HybridClock } from '../../../../shared/domain/hlc.ts';
import { registerView } from '../../../../shared/domain/register.ts';
import { buildTrail } from '../../../../shared/domain/trail.ts';
import type { MeshEvent } from '../../../../shared/domain/types.ts';
import { deliveryPlan, runScenario, scenarioArb, SIM_ACCOUNTS, SIM_KEYS } from '../../../support/mesh-sim.ts';
import { RUNS, SLOW } from '../../../support/property-runs.ts';

/** A replica as a store sees it: events plus incrementally maintained heads per key. */
class ReplicaState {
  readonly known = new Map<string, MeshEvent>();
  readonly referenced = new Set<string>();
  readonly heads = new Map<string, string[]>();

  receive(e: MeshEvent): void {
    // Duplicates go through the fold too: nextHeads must be idempotent.
    const next = nextHeads(this.heads.get(e.key) ?? [], e, this.referenced.has(e.id));
    this.heads.set(e.key, next);
    for (const p of e.parents) this.referenced.add(p);
    this.known.set(e.id, e);
  }

  /** Everything a client could observe, as one comparable value. */
  snapshot() {
    const events = [...this.known.values()];
    const registers = SIM_KEYS.map((k) => registerView(k, events));
    return {
      registers,
      accounts: SIM_ACCOUNTS.map((a) => accountView(a, events)),
      statements: SIM_ACCOUNTS.map((a) => accountStatement(a, events)),
      conflicts: SIM_KEYS.filter((_k, i) => registers[i]?.conflict ?? false),
      digest: digestOf(events.map((e) => e.id)),
      digest8: digestOf(events.map((e) => e.id), 8),
      // What a store keeps incrementally must match what a full rescan computes.
      foldedHeads: [...SIM_KEYS, ...SIM_ACCOUNTS].map((k) => this.heads.get(k) ?? []),
      scannedHeads: [...SIM_KEYS, ...SIM_ACCOUNTS].map((k) => headIds(events.filter((e) => e.key === k))),
    };
  }
}

function referenceSnapshot(events: readonly MeshEvent[]) {
  const r = new ReplicaState();
  for (const e of sortedUnique(events)) r.receive(e);
  return r.snapshot();
}

const seedsArb = fc.array(fc.integer(), { minLength: 3, maxLength: 3 });

describe('convergence of replicas holding the same events', () => {
  it('values, heads, conflicts, balances, bounced/reversed sets and digests agree after any delivery', () => {
    // Counts interesting cases so the test fails if the generator stops producing them.
    const seen = { conflicts: 0, deletes: 0, bounced: 0, reversed: 0, gaps: 0 };
    fc.assert(
      fc.property(scenarioArb, seedsArb, (scenario, seeds) => {
        // Prepare
        const { universe } = runScenario(scenario);
        const expected = referenceSnapshot(universe);
        seen.conflicts += expected.conflicts.length;
        seen.deletes += expected.registers.filter((r) => r?.deleted).length;
        seen.bounced += expected.accounts.reduce((n, a) => n + a.bounced.length, 0);
        seen.reversed += expected.accounts.reduce((n, a) => n + a.reversed.length, 0);

        // Act
        const finals = seeds.map((seed) => {
          const plan = deliveryPlan(universe, seed);
          const replica = new ReplicaState();
          for (const e of plan.first) replica.receive(e);
          if ([...replica.known.values()].some((e) => e.parents.some((p) => !replica.known.has(p)))) seen.gaps++;
          // Mid-way (some events still missing) the replica agrees with any other holder of that set.
          const mid = replica.snapshot();
          expect(mid).toEqual(referenceSnapshot([...replica.known.values()].reverse()));
          for (const e of plan.later) replica.receive(e);
          return replica.snapshot();
        });

        // Assess
        for (const f of finals) expect(f).toEqual(expected);
        expect(expected.foldedHeads).toEqual(expected.scannedHeads);
      }),
      RUNS,
    );
    for (const [what, n] of Object.entries(seen)) expect(n, `scenarios exercising ${what}`).toBeGreaterThan(20);
  }, SLOW);

  it('the incremental nextHeads fold equals computeHeads after every single arrival', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer(), (scenario, seed) => {
        // Prepare
        const { universe } = runScenario(scenario);
        const plan = deliveryPlan(universe, seed);
        const replica = new ReplicaState();

        for (const e of [...plan.first, ...plan.later]) {
          // Act
          replica.receive(e);

          // Assess
          const ofKey = [...replica.known.values()].filter((x) => x.key === e.key);
          expect(replica.heads.get(e.key)).toEqual(headIds(ofKey));
        }
      }),
      RUNS,
    );
  }, SLOW);

  it('a write that has seen another orders after it, and the LWW winner is always a head', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const { universe } = runScenario(scenario);
        const byId = new Map(universe.map((e) => [e.id, e]));

        // Act / Assess: every child's stamp is above each of its parents', whatever the clocks did.
        for (const e of universe) {
          for (const p of e.parents) expect(compareEvents(byId.get(p) as MeshEvent, e)).toBeLessThan(0);
          expect(e.hlc > (byId.get(e.parents[0] ?? '')?.hlc ?? '')).toBe(true);
        }
        for (const key of SIM_KEYS) {
          const view = registerView(key, universe);
          if (view) expect(view.heads.map((h) => h.id)).toContain(view.winner.id);
        }
      }),
      RUNS,
    );
  }, SLOW);

  it('a resolve naming every head ends the conflict everywhere and wins', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: -5000, max: 5000 }), (scenario, skew) => {
        // Prepare: a region that holds everything, with a wall clock possibly far behind.
        const { universe } = runScenario(scenario);
        const clock = new HybridClock({ now: () => 1_732_600_000_000 + skew });
        for (const e of universe) clock.observe(e.hlc);

        for (const key of SIM_KEYS) {
          const before = registerView(key, universe);
          if (before === undefined) continue;

          // Act
          const resolve = createEvent({
            kind: 'resolve',
            key,
            payload: 'agreed',
            hlc: clock.tick(before.heads.map((h) => h.hlc)),
            origin: 'eu-west-1',
            parents: before.heads.map((h) => h.id),
          });
          const after = registerView(key, [...universe, resolve]);

          // Assess
          expect(after?.conflict).toBe(false);
          expect(after?.heads).toEqual([resolve]);
          expect(after?.winner).toEqual(resolve);
          expect(after?.value).toBe('agreed');
          expect(after?.deleted).toBe(false);
        }
      }),
      RUNS,
    );
  }, SLOW);

  it('bank replay invariants: non-negative balance, every withdrawal applied or bounced, reversals explained', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const { universe, checkedWithoutGap } = runScenario(scenario);

        for (const account of SIM_ACCOUNTS) {
          // Act
          const view = accountView(account, universe);

          // Assess
          const mine = universe.filter((e) => e.key === account);
          const withdrawals = mine.filter((e) => e.kind === 'withdraw');
          const deposits = mine.filter((e) => e.kind === 'deposit');
          expect(view.balance).toBe(view.deposited - view.withdrawn);
          expect(view.balance).toBeGreaterThanOrEqual(0);
          const bouncedDeposits = new Set(view.bounced.filter((b) => b.event.kind === 'deposit').map((b) => b.event.id));
          expect(view.deposited).toBe(deposits.filter((e) => !bouncedDeposits.has(e.id)).reduce((s, e) => s + (e.payload as number), 0));
          const bouncedIds = view.bounced.map((b) => b.event.id);
          const appliedW = view.applied.filter((e) => e.kind === 'withdraw').map((e) => e.id);
          const bouncedW = view.bounced.filter((b) => b.event.kind === 'withdraw').map((b) => b.event.id);
          expect([...bouncedW, ...appliedW].sort()).toEqual(withdrawals.map((e) => e.id).sort());
          for (const b of view.bounced) {
            if (b.reason === 'insufficient-funds') expect(b.balanceBefore).toBeLessThan(b.amount);
            else expect(view.deposited + b.amount).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
          }
          // Every stored money event was a decision its origin had taken: every bounce is a reversal.
          expect(view.reversed.map((r) => r.event.id)).toEqual(bouncedIds);
          for (const r of view.reversed) expect(r.acceptedBy).toBe(r.event.origin);
          const reversedIds = new Set(view.reversed.map((r) => r.event.id));
          void checkedWithoutGap;
          expect(view.heads).toEqual(computeHeads(mine));
          // The statement is the same replay, line by line.
          const statement = accountStatement(account, universe);
          expect(statement.map((l) => l.event)).toEqual(sortedUnique(mine));
          expect(statement.filter((l) => l.outcome === 'bounced').map((l) => l.event.id)).toEqual(bouncedIds);
          expect(statement.filter((l) => l.reversed).map((l) => l.event.id)).toEqual([...reversedIds]);
          expect(statement.at(-1)?.balanceAfter ?? 0).toBe(view.balance);
          let balance = 0;
          for (const l of statement) {
            if (l.outcome === 'applied') balance += l.event.kind === 'deposit' ? l.amount : -l.amount;
            expect(l.balanceAfter).toBe(balance);
          }
        }
      }),
      RUNS,
    );
  }, SLOW);

  it('trails are the known ancestry in total order, ending with the event, whatever else is known', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), (scenario, pick) => {
        // Prepare
        const { universe, replicas } = runScenario(scenario);
        const known = replicas[pick % replicas.length] ?? [];
        const target = known[pick % Math.max(known.length, 1)];
        if (target === undefined) return;
        const byId = new Map(known.map((e) => [e.id, e]));

        // Act
        const trail = buildTrail(target.id, [...known, ...universe.slice(0, pick % 3)], []);

        // Assess
        const ids = trail.map((n) => n.event.id);
        expect(ids[ids.length - 1]).toBe(target.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (let i = 1; i < trail.length; i++) expect(compareEvents((trail[i - 1] as (typeof trail)[number]).event, (trail[i] as (typeof trail)[number]).event)).toBeLessThan(0);
        for (const n of trail) {
          for (const p of n.event.parents) {
            if (ids.includes(p)) continue;
            // A parent outside the trail must be unknown, and reported as missing.
            expect(n.missingParents).toContain(p);
            expect(byId.has(p) || universe.slice(0, pick % 3).some((e) => e.id === p)).toBe(false);
          }
        }
      }),
      RUNS,
    );
  }, SLOW);
});
