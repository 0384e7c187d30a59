/**
 * Properties of the rebalancer over the simulated escrow mesh (test/support/escrow-sim.ts):
 * targets always split the balance; a plan is always safe to issue; one round on a shared view
 * reaches rest; under steady demand the plan only shrinks — at most n − 1 transfers, no region
 * changes side (no A→B→A), whatever subset of the transfers each region has seen and whichever
 * links are down — and at rest rights sit within the band of their targets (moved toward the
 * regions that asked, none stranded above its share). A steady spender is refilled and never
 * gives rights away. A greedy rebalancer, which lets every giver cover a deficit on its own, is
 * the negative control: it fails the steady-demand property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EscrowTransferPayload } from '../../../../shared/domain/escrow-event.ts';
import type { EscrowState } from '../../../../shared/domain/escrow.ts';
import { checkEscrowTransfer, regionOf, rightsOf } from '../../../../shared/domain/escrow.ts';
import type { PlannedTransfer, RebalanceParams } from '../../../../shared/domain/rebalance.ts';
import { escrowTargets, planTransfers, rebalanceBand } from '../../../../shared/domain/rebalance.ts';
import type { MeshEvent } from '../../../../shared/domain/types.ts';
import type { EscrowMesh, EscrowOp, Planner } from '../../../support/escrow-sim.ts';
import { escrowNetArb, escrowScenarioArb, runEscrowScenario, SIM_BAND } from '../../../support/escrow-sim.ts';
import { RUNS, SLOW } from '../../../support/property-runs.ts';

const sum = (xs: Iterable<bigint>): bigint => [...xs].reduce((s, x) => s + x, 0n);

/** The excess of each mesh region over its target in `state` (negative: a deficit). */
function excesses(state: EscrowState, names: readonly string[]): Map<string, bigint> {
  const targets = escrowTargets(state, names);
  return new Map(names.map((r) => [r, rightsOf(state, r) - (targets.get(r) as bigint)] as const));
}

/** At rest: nobody's plan issues anything, nobody is more than a band away from its target. */
function expectAtRest(mesh: EscrowMesh): void {
  mesh.names.forEach((name, i) => {
    const s = mesh.stateOf(i);
    expect(planTransfers(s, name, { regions: mesh.names, ...SIM_BAND })).toEqual([]);
    const band = rebalanceBand(s, SIM_BAND);
    const x = excesses(s, mesh.names).get(name) as bigint;
    expect(x).toBeLessThanOrEqual(band);
    expect(-x).toBeLessThanOrEqual(band);
  });
}

/** Steady demand: only the rebalancer writes, while links fail and heal and deliveries are partial. */
const steadyOpArb: fc.Arbitrary<EscrowOp> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('rebalance' as const), r: fc.nat({ max: 3 }) }) },
  { weight: 3, arbitrary: escrowNetArb },
);

/** The steady phase, checked: returns the transfers it issued. */
function steadyPhase(mesh: EscrowMesh, ops: readonly EscrowOp[]): MeshEvent[] {
  mesh.fullSync();
  const from = mesh.rebalanced.length;
  mesh.run(ops);
  // The links heal, everything arrives, and every region runs once more.
  mesh.fullSync();
  mesh.names.forEach((_n, i) => mesh.rebalance(i));
  mesh.fullSync();
  return mesh.rebalanced.slice(from);
}

/** The steady-demand property, parameterised by the policy so the negative control reuses it. */
function steadyDemandHolds(planner?: Planner) {
  return fc.property(escrowScenarioArb, fc.array(steadyOpArb, { maxLength: 30 }), (scenario, steady) => {
    // Prepare
    const mesh = runEscrowScenario(scenario, planner === undefined ? {} : { planner });

    // Act
    const transfers = steadyPhase(mesh, steady);

    // Assess: at most n − 1 transfers, and no region both sends and receives (no A→B→A).
    expect(transfers.length).toBeLessThanOrEqual(mesh.names.length - 1);
    const senders = new Set(transfers.map((t) => t.origin));
    const receivers = new Set(transfers.map((t) => (t.payload as EscrowTransferPayload).to));
    for (const r of senders) expect(receivers.has(r)).toBe(false);
    expectAtRest(mesh);
  });
}

describe('the rebalancer over arbitrary escrow histories', () => {
  it('targets are never negative and sum to the balance; a want that fits is covered; the mesh list\'s order does not matter', () => {
    fc.assert(
      fc.property(escrowScenarioArb, fc.nat(), (scenario, who) => {
        // Prepare
        const mesh = runEscrowScenario(scenario);
        const s = mesh.stateOf(who % mesh.names.length);

        // Act
        const targets = escrowTargets(s, mesh.names);

        // Assess
        expect(sum(targets.values())).toBe(BigInt(s.balance));
        for (const t of targets.values()) expect(t).toBeGreaterThanOrEqual(0n);
        const wants = mesh.names.map((r) => BigInt(regionOf(s, r).want));
        if (sum(wants) <= BigInt(s.balance)) mesh.names.forEach((r, i) => expect(targets.get(r)).toBeGreaterThanOrEqual(wants[i] as bigint));
        expect(escrowTargets(s, [...mesh.names].reverse())).toEqual(targets);
      }),
      RUNS,
    );
  }, SLOW);

  it('a plan is always safe to issue: positive safe amounts, to reachable peers, within the rights it can prove', () => {
    fc.assert(
      fc.property(escrowScenarioArb, fc.nat(), fc.nat(), fc.option(fc.bigInt({ min: -50n, max: 500n })), (scenario, who, mask, spendable) => {
        // Prepare
        const mesh = runEscrowScenario(scenario);
        const i = who % mesh.names.length;
        const name = mesh.names[i] as string;
        const s = mesh.stateOf(i);
        const reachable = mesh.names.filter((_n, j) => ((mask >>> j) & 1) === 1);
        const params: RebalanceParams = { regions: mesh.names, reachable, ...(spendable === null ? {} : { spendable }), ...SIM_BAND };

        // Act
        const plan = planTransfers(s, name, params);

        // Assess
        const total = sum(plan.map((p) => BigInt(p.amount)));
        expect(total).toBeLessThanOrEqual(rightsOf(s, name));
        if (spendable !== null) expect(total).toBeLessThanOrEqual(spendable < 0n ? 0n : spendable);
        let left = spendable === null ? rightsOf(s, name) : spendable;
        for (const p of plan) {
          expect(Number.isSafeInteger(p.amount) && p.amount > 0).toBe(true);
          expect(p.to).not.toBe(name);
          expect(reachable).toContain(p.to);
          expect(() => checkEscrowTransfer(s, name, p.to, p.amount, left)).not.toThrow();
          left -= BigInt(p.amount);
        }
        expect(new Set(plan.map((p) => p.to)).size).toBe(plan.length);
      }),
      RUNS,
    );
  }, SLOW);

  it('one round on a shared view reaches rest: every region at most a band above target, nobody left with a plan', () => {
    const seen = { moved: 0 };
    fc.assert(
      fc.property(escrowScenarioArb, (scenario) => {
        // Prepare: everyone holds everything.
        const mesh = runEscrowScenario(scenario);
        mesh.fullSync();
        const from = mesh.rebalanced.length;

        // Act: each region plans on the same state (none sees another's transfers before planning).
        mesh.names.forEach((_n, i) => mesh.rebalance(i));
        mesh.fullSync();

        // Assess
        const issued = mesh.rebalanced.length - from;
        seen.moved += issued > 0 ? 1 : 0;
        expect(issued).toBeLessThanOrEqual(mesh.names.length - 1);
        expectAtRest(mesh);
      }),
      RUNS,
    );
    expect(seen.moved).toBeGreaterThan(200);
  }, SLOW);

  it('does not flap under steady demand: at most n − 1 transfers, no region changes side, whatever each has seen and whichever links are down', () => {
    fc.assert(steadyDemandHolds(), RUNS);
  }, SLOW);

  it('at rest, rights sit where the demand is: each region within the band of its target, a want that fits is held, nothing stranded above a share', () => {
    fc.assert(
      fc.property(escrowScenarioArb, fc.array(steadyOpArb, { maxLength: 30 }), (scenario, steady) => {
        // Prepare
        const mesh = runEscrowScenario(scenario);

        // Act
        steadyPhase(mesh, steady);

        // Assess
        const s = mesh.stateOf(0);
        const band = rebalanceBand(s, SIM_BAND);
        const targets = escrowTargets(s, mesh.names);
        const wants = mesh.names.map((r) => BigInt(regionOf(s, r).want));
        const fits = sum(wants) <= BigInt(s.balance);
        mesh.names.forEach((r, i) => {
          const rights = rightsOf(s, r);
          expect(rights).toBeLessThanOrEqual((targets.get(r) as bigint) + band);
          expect(rights).toBeGreaterThanOrEqual((targets.get(r) as bigint) - band);
          if (fits) expect(rights).toBeGreaterThanOrEqual((wants[i] as bigint) - band);
        });
      }),
      RUNS,
    );
  }, SLOW);

  it('moves rights to the regions that spend: a steady spender is refilled, is not refused while links are up, and never gives rights away', () => {
    const scenarioArb = fc.record({
      regions: fc.constantFrom(3, 4),
      spender: fc.nat({ max: 3 }),
      holder: fc.nat({ max: 3 }),
      balance: fc.integer({ min: 2000, max: 20_000 }),
      rate: fc.integer({ min: 5, max: 60 }),
      partitions: fc.array(fc.record({ round: fc.nat({ max: 12 }), mask: fc.nat({ max: 4095 }) }), { maxLength: 3 }),
    });
    const seen = { refilledAgain: 0, refusedAfterCut: 0 };
    fc.assert(
      fc.property(scenarioArb, ({ regions, spender, holder, balance, rate, partitions }) => {
        // Prepare: all the money deposited in one region; one region spends `rate` per half window.
        const mesh = runEscrowScenario({ regions, skews: [0, 0, 0, 0], ops: [{ t: 'deposit', r: holder % regions, amount: balance }] });
        const spenderName = mesh.names[spender % regions] as string;
        const refusedIn: number[] = [];

        // Act: 16 rounds; a partition lasts one round, then the links heal.
        for (let round = 0; round < 16; round++) {
          const cut = partitions.find((p) => p.round === round);
          mesh.apply(cut === undefined ? { t: 'heal' } : { t: 'partition', mask: cut.mask });
          mesh.apply({ t: 'wait', ms: 500 });
          const before = mesh.refusals.length;
          mesh.apply({ t: 'spend', r: spender % regions, amount: rate });
          if (mesh.refusals.length > before) refusedIn.push(round);
          for (let i = 0; i < regions; i++) mesh.apply({ t: 'schedule', r: i });
          mesh.syncUpLinks();
        }

        // Assess: rights flow to the spender and never back (a holder that spends may first spread
        // the free rights), and after the first rounds it is refused only in or right after a round
        // with a cut link (the balance covers its spending many times over).
        const firstRefill = mesh.rebalanced.findIndex((t) => (t.payload as EscrowTransferPayload).to === spenderName);
        if (firstRefill >= 0) expect(mesh.rebalanced.slice(firstRefill).filter((t) => t.origin === spenderName)).toEqual([]);
        expect(mesh.rebalanced.some((t) => (t.payload as EscrowTransferPayload).to === spenderName) || spender % regions === holder % regions).toBe(true);
        const afterCut = new Set(partitions.flatMap((p) => [p.round, p.round + 1]));
        for (const round of refusedIn) if (round >= 3) expect(afterCut.has(round)).toBe(true);
        seen.refilledAgain += mesh.rebalanced.filter((t) => (t.payload as EscrowTransferPayload).to === spenderName).length > 1 ? 1 : 0;
        seen.refusedAfterCut += refusedIn.some((r) => r >= 3) ? 1 : 0;
      }),
      RUNS,
    );
    // Coverage, not luck: about 31 % of random scenarios refill the spender twice (282-335 of
    // 1,000 over five runs, σ ≈ 15), so 200 is far below chance and far above "never refilled".
    expect(seen.refilledAgain).toBeGreaterThan(200);
  }, SLOW);
});

describe('negative control: a greedy rebalancer flaps', () => {
  /** Each giver covers each deficit on its own, as if it were the only giver. */
  const greedy: Planner = (state, region, params) => {
    const x = excesses(state, params.regions);
    let mine = x.get(region) ?? 0n;
    if (mine <= rebalanceBand(state, params)) return [];
    const plan: PlannedTransfer[] = [];
    for (const [r, e] of x) {
      if (e >= 0n || mine <= 0n || (params.reachable !== undefined && !params.reachable.includes(r))) continue;
      const amount = -e < mine ? -e : mine;
      plan.push({ to: r, amount: Number(amount) });
      mine -= amount;
    }
    return plan;
  };

  it('fails the steady-demand property (more than n − 1 transfers, or a region on both sides)', () => {
    // Act
    const result = fc.check(steadyDemandHolds(greedy), RUNS);

    // Assess
    expect(result.failed).toBe(true);
  }, SLOW);
});
