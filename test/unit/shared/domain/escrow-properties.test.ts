/**
 * Properties of escrow accounts over arbitrary concurrent histories of 3 or 4 regions: arbitrary
 * interleavings, partitions (links down for a while), partial deliveries (children before their
 * parents), duplicates, delays and skewed clocks (test/support/escrow-sim.ts). Every region
 * accepts a debit only when its own view allows it. Then: no accepted withdrawal or transfer is
 * ever bounced, rights are never negative and always sum to the balance, only a region lowers its
 * own rights, transfers conserve rights, and replicas holding the same events agree.
 *
 * The negative controls at the end run the first property against deliberately broken regions
 * and assert that fast-check finds a counterexample.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountModes, modesOf } from '../../../../shared/domain/account-mode.ts';
import { accountView } from '../../../../shared/domain/bank.ts';
import type { EscrowTransferPayload } from '../../../../shared/domain/escrow-event.ts';
import { causalCore, hasGap, provableRights, spendableRights } from '../../../../shared/domain/escrow-spendable.ts';
import type { EscrowState } from '../../../../shared/domain/escrow.ts';
import { escrowState, regionOf, rightsOf } from '../../../../shared/domain/escrow.ts';
import { sortedUnique } from '../../../../shared/domain/event.ts';
import type { MeshEvent } from '../../../../shared/domain/types.ts';
import { streamOf } from '../../../../shared/ports/stream.ts';
import type { Checking, EscrowScenario } from '../../../support/escrow-sim.ts';
import { ESCROW_SIM_ACCOUNT, escrowScenarioArb, runEscrowScenario, SIM_FOLD } from '../../../support/escrow-sim.ts';
import { deliveryPlan, runScenario, scenarioArb } from '../../../support/mesh-sim.ts';
import { RUNS, SLOW } from '../../../support/property-runs.ts';

const A = ESCROW_SIM_ACCOUNT;
const fold = (events: Iterable<MeshEvent>): EscrowState => escrowState(A, events, SIM_FOLD);
const sum = (xs: Iterable<bigint>): bigint => [...xs].reduce((s, x) => s + x, 0n);

/** The invariants every state must satisfy, gaps or not. */
function expectConsistent(s: EscrowState): void {
  const regions = Object.keys(s.regions);
  for (const r of regions) {
    const x = regionOf(s, r);
    expect(BigInt(x.rights)).toBeGreaterThanOrEqual(0n);
    expect(BigInt(x.rights)).toBe(BigInt(x.deposited) - BigInt(x.withdrawn) - BigInt(x.sent) + BigInt(x.received));
  }
  expect(sum(regions.map((r) => rightsOf(s, r)))).toBe(BigInt(s.balance));
  expect(BigInt(s.balance)).toBe(BigInt(s.deposited) - BigInt(s.withdrawn));
  expect(sum(regions.map((r) => BigInt(regionOf(s, r).sent)))).toBe(BigInt(s.transferred));
  expect(sum(regions.map((r) => BigInt(regionOf(s, r).received)))).toBe(BigInt(s.transferred));
}

/** The first property, parameterised by how regions check, so the negative controls reuse it. */
function noAcceptedDebitBounces(checking: Checking) {
  return fc.property(escrowScenarioArb, fc.nat(), (scenario: EscrowScenario, pick: number) => {
    // Prepare
    const mesh = runEscrowScenario(scenario, { checking });
    const universe = mesh.universe();

    // Act: the merged history, each region's causally closed part, and one arbitrary closed subset.
    const closedSets = [universe, ...mesh.names.map((_n, i) => causalCore(mesh.known(i))), causalCore(universe.filter((_e, i) => ((pick >>> i % 31) & 1) === 1))];

    // Assess
    for (const set of closedSets) expect(fold(set).bounced).toEqual([]);
  });
}

describe('escrow accounts under arbitrary concurrent histories', () => {
  it('no withdrawal or transfer a region accepted is ever bounced: in the merged history or in any causally closed part of it', () => {
    // Counts interesting cases, so the test fails if the generator stops producing them.
    const seen = { debits: 0, transfers: 0, rebalanced: 0, refusals: 0, acceptedOnAGap: 0, concurrentDebits: 0, partitioned: 0 };
    fc.assert(
      fc.property(escrowScenarioArb, fc.nat(), (scenario, pick) => {
        // Prepare
        const mesh = runEscrowScenario(scenario);
        const universe = mesh.universe();
        const debits = universe.filter((e) => e.kind === 'escrow-withdraw' || e.kind === 'escrow-transfer');
        seen.debits += debits.length;
        seen.transfers += debits.filter((e) => e.kind === 'escrow-transfer').length;
        seen.rebalanced += mesh.rebalanced.length;
        seen.refusals += mesh.refusals.length;
        seen.acceptedOnAGap += [...mesh.accepted.values()].filter((a) => a.gap).length;
        seen.concurrentDebits += hasConcurrentDebits(universe) ? 1 : 0;
        seen.partitioned += scenario.ops.some((o) => o.t === 'partition') ? 1 : 0;

        // Act
        const merged = fold(universe);
        const closed = [...mesh.names.map((_n, i) => causalCore(mesh.known(i))), causalCore(universe.filter((_e, i) => ((pick >>> i % 31) & 1) === 1))];

        // Assess: every debit went through a region's check, and none bounces anywhere closed.
        for (const d of debits) expect(mesh.accepted.has(d.id)).toBe(true);
        expect(merged.bounced).toEqual([]);
        for (const set of closed) expect(fold(set).bounced).toEqual([]);
        // Hence no negative balance, and balance = deposits − withdrawals exactly.
        const total = (kind: string) => sum(universe.filter((e) => e.kind === kind).map((e) => BigInt(e.payload as number)));
        expect(BigInt(merged.balance)).toBe(total('escrow-deposit') - total('escrow-withdraw'));
      }),
      RUNS,
    );
    for (const [what, n] of Object.entries(seen)) expect(n, `scenarios exercising ${what}`).toBeGreaterThan(50);
  }, SLOW);

  it('every region\'s rights are ≥ 0 and sum to the balance, after every step of the replay of any subset (gaps included)', () => {
    fc.assert(
      fc.property(escrowScenarioArb, fc.nat(), fc.nat(), (scenario, who, pick) => {
        // Prepare: one region's view, and an arbitrary subset that is usually not closed.
        const mesh = runEscrowScenario(scenario);
        const sets = [mesh.known(who), mesh.universe().filter((_e, i) => ((pick >>> i % 31) & 1) === 1)];

        for (const set of sets) {
          // Act / Assess
          let s = SIM_FOLD.initial;
          for (const e of sortedUnique(set)) {
            s = SIM_FOLD.step(s, e);
            expectConsistent(s);
          }
        }
      }),
      RUNS,
    );
  }, SLOW);

  it('only a region lowers its own rights, and a transfer moves exactly its amount or nothing: it never creates or destroys rights', () => {
    const seen = { appliedTransfers: 0, bouncedTransfers: 0 };
    fc.assert(
      fc.property(escrowScenarioArb, fc.nat(), (scenario, pick) => {
        // Prepare: a subset with gaps, so some transfers bounce in it.
        const mesh = runEscrowScenario(scenario);
        const set = sortedUnique(mesh.universe().filter((_e, i) => ((pick >>> i % 31) & 1) === 1 || pick % 3 === 0));
        let s = SIM_FOLD.initial;

        for (const e of set) {
          // Act
          const next = SIM_FOLD.step(s, e);

          // Assess
          const names = new Set([...Object.keys(s.regions), ...Object.keys(next.regions)]);
          for (const r of names) if (r !== e.origin) expect(rightsOf(next, r)).toBeGreaterThanOrEqual(rightsOf(s, r));
          if (e.kind === 'escrow-transfer') {
            const { to, amount } = e.payload as EscrowTransferPayload;
            expect(next.balance).toBe(s.balance);
            expect(sum([...names].map((r) => rightsOf(next, r)))).toBe(sum([...names].map((r) => rightsOf(s, r))));
            const applied = next.bounced.length === s.bounced.length;
            if (applied) seen.appliedTransfers++;
            else seen.bouncedTransfers++;
            for (const r of names) {
              const delta = rightsOf(next, r) - rightsOf(s, r);
              const expected = !applied ? 0n : r === e.origin ? -BigInt(amount) : r === to ? BigInt(amount) : 0n;
              expect(delta).toBe(expected);
            }
          }
          s = next;
        }
      }),
      RUNS,
    );
    expect(seen.appliedTransfers).toBeGreaterThan(100);
    expect(seen.bouncedTransfers).toBeGreaterThan(10);
  }, SLOW);

  it('replicas holding the same events agree on the whole state, whatever the order, duplicates or delays; a snapshot resumes the fold exactly', () => {
    fc.assert(
      fc.property(escrowScenarioArb, fc.array(fc.integer(), { minLength: 3, maxLength: 3 }), fc.nat(), (scenario, seeds, cut) => {
        // Prepare
        const universe = runEscrowScenario(scenario).universe();
        const expected = fold(universe);

        // Act
        const finals = seeds.map((seed) => {
          const plan = deliveryPlan(universe, seed);
          const held = new Map<string, MeshEvent>();
          for (const e of plan.first) held.set(e.id, e);
          // Mid-way the replica agrees with any other holder of the same set (here: reversed arrival).
          expect(fold(plan.first)).toEqual(fold([...held.values()].reverse()));
          return fold([...plan.first, ...plan.later]);
        });
        const ordered = sortedUnique(universe);
        const k = cut % (ordered.length + 1);
        const snapshot = JSON.parse(JSON.stringify(ordered.slice(0, k).reduce(SIM_FOLD.step, SIM_FOLD.initial))) as EscrowState;
        const resumed = ordered.slice(k).reduce(SIM_FOLD.step, snapshot);

        // Assess: equal as values and as the JSON a store would keep.
        for (const f of finals) {
          expect(f).toEqual(expected);
          expect(JSON.stringify(f)).toBe(JSON.stringify(expected));
        }
        expect(resumed).toEqual(expected);
      }),
      RUNS,
    );
  }, SLOW);

  it('the rights a region can prove never exceed its rights in the merged history, and equal its replay\'s rights without a gap', () => {
    const seen = { gapped: 0 };
    fc.assert(
      fc.property(escrowScenarioArb, (scenario) => {
        // Prepare
        const mesh = runEscrowScenario(scenario);
        const truth = fold(mesh.universe());

        mesh.names.forEach((name, i) => {
          // Act
          const known = mesh.known(i);
          const spendable = spendableRights(A, known, name, SIM_FOLD);

          // Assess
          expect(spendable).toBeLessThanOrEqual(rightsOf(truth, name));
          if (hasGap(known)) seen.gapped++;
          else expect(spendable).toBe(rightsOf(fold(known), name));
        });
      }),
      RUNS,
    );
    expect(seen.gapped).toBeGreaterThan(100);
  }, SLOW);

  it('regions that check on their replay alone (provableRights, what the store keeps) never get an accepted debit bounced, gaps included', () => {
    const seen = { acceptedOnAGap: 0 };
    fc.assert(
      fc.property(escrowScenarioArb, fc.nat(), (scenario, pick) => {
        // Prepare
        const mesh = runEscrowScenario(scenario, { checking: 'snapshot' });
        const universe = mesh.universe();
        seen.acceptedOnAGap += [...mesh.accepted.values()].filter((a) => a.gap).length;

        // Act
        const closed = [universe, ...mesh.names.map((_n, i) => causalCore(mesh.known(i))), causalCore(universe.filter((_e, i) => ((pick >>> i % 31) & 1) === 1))];

        // Assess
        for (const set of closed) expect(fold(set).bounced).toEqual([]);
      }),
      RUNS,
    );
    expect(seen.acceptedOnAGap).toBeGreaterThan(50);
  }, SLOW);

  it('provableRights of a replay never exceeds spendableRights of its events, and equals the replay\'s rights without a gap', () => {
    const seen = { gapped: 0, below: 0 };
    fc.assert(
      fc.property(escrowScenarioArb, fc.nat(), (scenario, pick) => {
        // Prepare: every region's view and an arbitrary subset (usually with gaps).
        const mesh = runEscrowScenario(scenario);
        const views = [...mesh.names.map((_n, i) => mesh.known(i)), mesh.universe().filter((_e, i) => ((pick >>> i % 31) & 1) === 1)];

        for (const view of views) {
          for (const name of mesh.names) {
            // Act
            const state = fold(view);
            const provable = provableRights(state, name);
            const spendable = spendableRights(A, view, name, SIM_FOLD);

            // Assess
            expect(provable).toBeLessThanOrEqual(spendable);
            if (hasGap(view)) seen.gapped++;
            else expect(provable).toBe(rightsOf(state, name));
            if (provable < spendable) seen.below++;
          }
        }
      }),
      RUNS,
    );
    expect(seen.gapped).toBeGreaterThan(100);
    expect(seen.below).toBeGreaterThan(0);
  }, SLOW);

  it('plain and escrow accounts of the same id never interfere: neither stream changes how the other reads, whatever arrives', () => {
    fc.assert(
      fc.property(scenarioArb, escrowScenarioArb, fc.integer(), (plainScenario, escrowScenario, seed) => {
        // Prepare: a plain account acct-a and an escrow account acct-a, written concurrently.
        const plain = runScenario(plainScenario).universe;
        const escrow = runEscrowScenario(escrowScenario).universe();
        const plan = deliveryPlan([...plain, ...escrow], seed);
        const mixed = [...plan.first, ...plan.later];

        // Act / Assess
        expect(accountView(A, mixed)).toEqual(accountView(A, plain));
        expect(fold(mixed)).toEqual(fold(escrow));
        for (const e of escrow) expect(streamOf(e)).toBe(`E#${A}`);
        const hasPlain = plain.some((e) => e.key === A && (e.kind === 'deposit' || e.kind === 'withdraw'));
        expect(accountModes(modesOf(A, mixed))).toBe(hasPlain && escrow.length > 0 ? 'both' : hasPlain ? 'plain' : escrow.length > 0 ? 'escrow' : 'none');
      }),
      RUNS,
    );
  }, SLOW);
});

describe('negative controls: the first property fails on a deliberately broken escrow', () => {
  /** The bounced debits of a counterexample, with how their region accepted them. */
  function bouncesOf(result: fc.RunDetails<[EscrowScenario, number]>, checking: Checking) {
    const [scenario] = result.counterexample ?? [];
    if (scenario === undefined) return [];
    const mesh = runEscrowScenario(scenario, { checking });
    return fold(mesh.universe()).bounced.map((b) => ({ ...b, acceptance: mesh.accepted.get(b.id) }));
  }

  it('a region that may spend rights it does not hold (it checks the whole balance) gets accepted withdrawals bounced', () => {
    // Act
    const result = fc.check(noAcceptedDebitBounces('spends-balance'), RUNS);

    // Assess
    expect(result.failed).toBe(true);
    const bounces = bouncesOf(result, 'spends-balance');
    expect(bounces.length).toBeGreaterThan(0);
    for (const b of bounces) expect(b.acceptance?.region).toBe(b.origin);
  }, SLOW);

  it('a region that trusts its replay despite a gap in its view gets a withdrawal it accepted on that gap bounced', () => {
    // Act
    const result = fc.check(noAcceptedDebitBounces('ignores-gaps'), RUNS);

    // Assess
    expect(result.failed).toBe(true);
    expect(bouncesOf(result, 'ignores-gaps').some((b) => b.acceptance?.gap === true)).toBe(true);
  }, SLOW);

  it('the honest mesh passes the same property (so the controls fail for the breakage, not the harness)', () => {
    // Act / Assess
    expect(fc.check(noAcceptedDebitBounces('honest'), RUNS).failed).toBe(false);
  }, SLOW);
});

/** True when two regions made debits neither of which had seen the other (a race on the money). */
function hasConcurrentDebits(universe: readonly MeshEvent[]): boolean {
  const byId = new Map(universe.map((e) => [e.id, e] as const));
  const ancestors = new Map<string, Set<string>>();
  for (const e of sortedUnique(universe)) {
    const mine = new Set<string>();
    for (const p of e.parents) {
      mine.add(p);
      for (const a of ancestors.get(p) ?? []) mine.add(a);
    }
    ancestors.set(e.id, mine);
  }
  const debits = universe.filter((e) => e.kind === 'escrow-withdraw' || e.kind === 'escrow-transfer');
  return debits.some((a) => debits.some((b) => a.origin < b.origin && byId.has(a.id) && !ancestors.get(a.id)?.has(b.id) && !ancestors.get(b.id)?.has(a.id)));
}
