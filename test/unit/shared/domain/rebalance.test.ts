import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors.ts';
import type { EscrowState } from '../../../../shared/domain/escrow.ts';
import { escrowState } from '../../../../shared/domain/escrow.ts';
import type { MeshEvent } from '../../../../shared/domain/types.ts';
import { escrowTargets, planTransfers, rebalanceBand } from '../../../../shared/domain/rebalance.ts';
import { escrowDeposit, escrowRequest, escrowTransfer } from '../../../support/factories.ts';

const US = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';
const MESH = [US, EU, AP];

/** A state from deposits per region and wants per region. */
function stateOf(deposits: Record<string, number>, wants: Record<string, number> = {}, extra: MeshEvent[] = []): EscrowState {
  const events = [
    ...Object.entries(deposits).map(([origin, amount]) => escrowDeposit('acct', amount, { origin })),
    ...Object.entries(wants).map(([origin, want]) => escrowRequest('acct', want, { origin, wall: 1 })),
    ...extra,
  ];
  return escrowState('acct', events);
}

describe('rebalanceBand', () => {
  it('is bandPercent of the balance, rounded up, and never below minBand', () => {
    // Act / Assess
    expect(rebalanceBand(stateOf({ [US]: 1000 }))).toBe(50n);
    expect(rebalanceBand(stateOf({ [US]: 1001 }))).toBe(51n);
    expect(rebalanceBand(stateOf({}))).toBe(1n);
    expect(rebalanceBand(stateOf({ [US]: 1000 }), { bandPercent: 0, minBand: 7 })).toBe(7n);
    expect(rebalanceBand(stateOf({ [US]: 1000 }), { bandPercent: 10, minBand: 7 })).toBe(100n);
  });

  it('refuses parameters out of range', () => {
    // Act / Assess
    expect(() => rebalanceBand(stateOf({}), { bandPercent: 101 })).toThrow(/bandPercent: must be an integer from 0 to 100/);
    expect(() => rebalanceBand(stateOf({}), { bandPercent: 2.5 })).toThrow(ValidationError);
    expect(() => rebalanceBand(stateOf({}), { minBand: 0 })).toThrow(/minBand: must be a positive integer/);
  });
});

describe('escrowTargets', () => {
  it('without wants, splits the balance evenly; the remainder goes one unit each in name order', () => {
    // Act
    const t = escrowTargets(stateOf({ [US]: 100 }), MESH);

    // Assess
    expect(Object.fromEntries(t)).toEqual({ [AP]: 34n, [EU]: 33n, [US]: 33n });
  });

  it('when the wants fit, gives each its want plus an even share of the rest', () => {
    // Act
    const t = escrowTargets(stateOf({ [US]: 110 }, { [EU]: 50 }), MESH);

    // Assess
    expect(Object.fromEntries(t)).toEqual({ [AP]: 20n, [EU]: 70n, [US]: 20n });
  });

  it('when they do not, splits the balance in proportion to the wants (largest remainders first)', () => {
    // Act
    const proportional = escrowTargets(stateOf({ [AP]: 100 }, { [EU]: 100, [US]: 300 }), MESH);
    const ties = escrowTargets(stateOf({ [AP]: 2 }, { [EU]: 1, [US]: 1, [AP]: 1 }), MESH);
    const remainders = escrowTargets(stateOf({ [AP]: 10 }, { [EU]: 20, [US]: 10 }), [US, EU]);

    // Assess
    expect(Object.fromEntries(proportional)).toEqual({ [AP]: 0n, [EU]: 25n, [US]: 75n });
    expect(Object.fromEntries(ties)).toEqual({ [AP]: 1n, [EU]: 1n, [US]: 0n });
    expect(Object.fromEntries(remainders)).toEqual({ [EU]: 7n, [US]: 3n });
  });

  it('ignores the order and repeats of the region list, and the wants of regions outside it', () => {
    // Prepare
    const s = stateOf({ [US]: 100 }, { 'sa-east-1': 60 });

    // Act / Assess
    expect(escrowTargets(s, [AP, US, EU, US])).toEqual(escrowTargets(s, MESH));
    expect(Object.fromEntries(escrowTargets(s, MESH))).toEqual({ [AP]: 34n, [EU]: 33n, [US]: 33n });
  });

  it('refuses an empty or malformed region list', () => {
    // Act / Assess
    expect(() => escrowTargets(stateOf({}), [])).toThrow(/regions: must list the mesh's regions/);
    expect(() => escrowTargets(stateOf({}), ['US East'])).toThrow(/regions\[0\]: must be a region name/);
  });
});

describe('planTransfers', () => {
  it('a region holding everything sends each peer its share, when its excess is above the band', () => {
    // Prepare: 90 deposited in us-east-1, targets 30 each, band 5.
    const s = stateOf({ [US]: 90 });

    // Act / Assess
    expect(planTransfers(s, US, { regions: MESH })).toEqual([
      { to: AP, amount: 30 },
      { to: EU, amount: 30 },
    ]);
    expect(planTransfers(s, EU, { regions: MESH })).toEqual([]);
  });

  it('sends nothing while its excess is within the band (hysteresis)', () => {
    // Prepare: targets 34/33/33 of 100, band 5: us-east-1 is 4 above its target.
    const s = stateOf({ [US]: 37, [EU]: 33, [AP]: 30 });

    // Act / Assess
    expect(planTransfers(s, US, { regions: MESH })).toEqual([]);
    expect(planTransfers(s, US, { regions: MESH, bandPercent: 0, minBand: 1 })).toEqual([{ to: AP, amount: 4 }]);
  });

  it('below the band, a giver still serves a receiver more than a band short (no starvation between bands)', () => {
    // Prepare: targets 100 each, band 15; both givers are 10 over, ap-southeast-2 is 20 short.
    const s = stateOf({ [US]: 110, [EU]: 110, [AP]: 80 });

    // Act / Assess
    expect(planTransfers(s, EU, { regions: MESH })).toEqual([{ to: AP, amount: 10 }]);
    expect(planTransfers(s, US, { regions: MESH })).toEqual([{ to: AP, amount: 10 }]);
    expect(planTransfers(stateOf({ [US]: 110, [EU]: 100, [AP]: 90 }), US, { regions: MESH })).toEqual([]);
  });

  it('two givers split one deficit between them (north-west corner), never both sending it all', () => {
    // Prepare: 60 each in eu-west-1 and us-east-1; targets 40 each; ap-southeast-2 needs 40.
    const s = stateOf({ [US]: 60, [EU]: 60 });

    // Act
    const eu = planTransfers(s, EU, { regions: MESH });
    const us = planTransfers(s, US, { regions: MESH });

    // Assess
    expect(eu).toEqual([{ to: AP, amount: 20 }]);
    expect(us).toEqual([{ to: AP, amount: 20 }]);
  });

  it('is stable: once a peer\'s transfers of the plan are seen, a giver\'s own part is unchanged', () => {
    // Prepare: as above, then us-east-1 sees eu-west-1's transfer of its part.
    const d = [escrowDeposit('acct', 60, { origin: US }), escrowDeposit('acct', 60, { origin: EU })];
    const euPart = escrowTransfer('acct', AP, 20, { origin: EU, parents: d });
    const before = escrowState('acct', d);
    const after = escrowState('acct', [...d, euPart]);

    // Act / Assess
    expect(planTransfers(after, US, { regions: MESH })).toEqual(planTransfers(before, US, { regions: MESH }));
    expect(planTransfers(after, EU, { regions: MESH })).toEqual([]);
  });

  it('follows the wants: rights go to the region that asked for them', () => {
    // Prepare: eu-west-1 wants 80 of the 110 held by us-east-1 (targets: ap 10, eu 90, us 10).
    const s = stateOf({ [US]: 110 }, { [EU]: 80 });

    // Act / Assess
    expect(planTransfers(s, US, { regions: MESH })).toEqual([
      { to: AP, amount: 10 },
      { to: EU, amount: 90 },
    ]);
  });

  it('holds back transfers to unreachable peers, and never sends more than the rights it can prove', () => {
    // Prepare
    const s = stateOf({ [US]: 90 });

    // Act / Assess
    expect(planTransfers(s, US, { regions: MESH, reachable: [EU] })).toEqual([{ to: EU, amount: 30 }]);
    expect(planTransfers(s, US, { regions: MESH, reachable: [] })).toEqual([]);
    expect(planTransfers(s, US, { regions: MESH, spendable: 40n })).toEqual([
      { to: AP, amount: 30 },
      { to: EU, amount: 10 },
    ]);
    expect(planTransfers(s, US, { regions: MESH, spendable: -5n })).toEqual([]);
  });

  it('a region outside the mesh list (retired) has target 0 and gives everything', () => {
    // Prepare
    const s = stateOf({ 'sa-east-1': 60 });

    // Act / Assess
    expect(planTransfers(s, 'sa-east-1', { regions: MESH })).toEqual([
      { to: AP, amount: 20 },
      { to: EU, amount: 20 },
      { to: US, amount: 20 },
    ]);
  });

  it('splits a giver\'s row into transfers of at most Number.MAX_SAFE_INTEGER each', () => {
    // Prepare: 3 × MAX in us-east-1 over two regions: us-east-1 keeps half and sends 1.5 × MAX.
    const max = Number.MAX_SAFE_INTEGER;
    const s = escrowState('acct', [0, 1, 2].map((i) => escrowDeposit('acct', max, { origin: US, wall: 10 + i })));

    // Act
    const plan = planTransfers(s, US, { regions: [US, EU] });

    // Assess: one transfer per receiver, capped; the rest goes on the next run.
    expect(plan).toEqual([{ to: EU, amount: max }]);
  });
});
