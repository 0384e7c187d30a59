import { describe, expect, it } from 'vitest';
import { escrowState, rightsOf } from '../../../../shared/domain/escrow.ts';
import { causalCore, hasGap, provableRights, spendableRights } from '../../../../shared/domain/escrow-spendable.ts';
import { escrowDeposit, escrowTransfer, escrowWithdraw, setEvent } from '../../../support/factories.ts';

const US = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';

/**
 * Why a view with a gap must not be trusted as it stands. eu-west-1 spends rights it got from
 * ap-southeast-2, then hands its rest to us-east-1. us-east-1 receives eu-west-1's transfer, and
 * later its withdrawal, but not ap-southeast-2's transfer they both depend on.
 */
function gapHistory() {
  const dEu = escrowDeposit('acct', 10, { origin: EU, wall: 10 });
  const dAp = escrowDeposit('acct', 10, { origin: AP, wall: 11 });
  const u = escrowTransfer('acct', EU, 10, { origin: AP, parents: [dAp], wall: 12 });
  const z = escrowWithdraw('acct', 10, { origin: EU, parents: [dEu, u], wall: 13 });
  const t = escrowTransfer('acct', US, 10, { origin: EU, parents: [z], wall: 14 });
  const dUs = escrowDeposit('acct', 10, { origin: US, wall: 15 });
  // us-east-1 knows {dUs, dEu, t} (a gap: t's parent z is missing): 20 rights, all spent.
  const y = escrowWithdraw('acct', 20, { origin: US, parents: [dUs, dEu, t], wall: 16 });
  return { dEu, dAp, u, z, t, dUs, y, all: [dEu, dAp, u, z, t, dUs, y] };
}

describe('causalCore and hasGap', () => {
  it('keep exactly the events whose whole ancestry is known', () => {
    // Prepare
    const { dEu, dUs, t, z, y } = gapHistory();

    // Act
    const core = causalCore([y, z, t, dEu, dUs, dUs]);

    // Assess: z misses u, so t (child of z) and y (child of t) are out too.
    expect(core).toEqual([dEu, dUs]);
    expect(hasGap([y, z, t, dEu, dUs])).toBe(true);
    expect(hasGap(gapHistory().all)).toBe(false);
    expect(hasGap([])).toBe(false);
  });

  it('leave out an event stamped below its own parent (a forged order), conservatively', () => {
    // Prepare
    const late = escrowDeposit('acct', 1, { origin: US, wall: 50 });
    const early = escrowWithdraw('acct', 1, { origin: US, parents: [late], wall: 40 });

    // Act / Assess
    expect(causalCore([late, early])).toEqual([late]);
  });
});

describe('spendableRights', () => {
  it('equals the replay\'s rights when the view has no gap', () => {
    // Prepare
    const { all } = gapHistory();

    // Act / Assess
    for (const r of [US, EU, AP, 'sa-east-1']) expect(spendableRights('acct', all, r)).toBe(rightsOf(escrowState('acct', all), r));
  });

  it('with a gap, refuses what the gapped replay would allow and the full history would bounce', () => {
    // Prepare: us-east-1 now also holds z, but still not u (nor dAp).
    const { dEu, dUs, t, z, y, all } = gapHistory();
    const view = [dEu, dUs, t, z, y];

    // Act
    const naive = rightsOf(escrowState('acct', view), US);
    const spendable = spendableRights('acct', view, US);

    // Assess: in the gapped replay z is applied, so t and then y bounce, leaving 10 that do not exist…
    expect(escrowState('acct', view).bounced.map((b) => b.id)).toEqual([t.id, y.id]);
    expect(naive).toBe(10n);
    // …while in the full history us-east-1 holds nothing: a withdrawal of 10 on the naive figure would bounce.
    const x = escrowWithdraw('acct', 10, { origin: US, parents: [y, z], wall: 17 });
    expect(rightsOf(escrowState('acct', all), US)).toBe(0n);
    expect(escrowState('acct', [...all, x]).bounced.map((b) => b.id)).toEqual([x.id]);
    // spendableRights counts at face value: 10 own − 20 spent + 10 from eu-west-1, as in the merged history.
    expect(spendable).toBe(0n);
  });

  it('with a gap, counts its own events and every known transfer in at face value, and ignores other accounts and kinds', () => {
    // Prepare: ap-southeast-2 gave us-east-1 30, but the deposit that funded it is missing here,
    // so this view's replay bounces the gift; us-east-1 then spent and sent some of it.
    const d = escrowDeposit('acct', 50, { origin: AP, wall: 10 });
    const give = escrowTransfer('acct', US, 30, { origin: AP, parents: [d], wall: 11 });
    const own = escrowDeposit('acct', 5, { origin: US, wall: 12 });
    const spent = escrowWithdraw('acct', 8, { origin: US, parents: [give, own], wall: 13 });
    const sent = escrowTransfer('acct', EU, 2, { origin: US, parents: [spent], wall: 14 });
    const noise = [setEvent('acct', 1), escrowDeposit('other', 1000, { origin: US }), escrowTransfer('other', US, 99, { origin: AP })];
    const view = [give, own, spent, sent, ...noise];

    // Act
    const s = spendableRights('acct', view, US);

    // Assess: 5 own − 8 spent − 2 sent + 30 received, as in the merged history.
    expect(escrowState('acct', view).bounced.map((b) => b.id)).toEqual([give.id, spent.id]);
    expect(s).toBe(25n);
    expect(rightsOf(escrowState('acct', [d, ...view]), US)).toBe(25n);
  });
});

describe('provableRights', () => {
  it('without a gap is the replay\'s rights', () => {
    // Prepare
    const { all } = gapHistory();
    const s = escrowState('acct', all);

    // Act / Assess
    for (const r of [US, EU, AP, 'sa-east-1']) expect(provableRights(s, r)).toBe(rightsOf(s, r));
  });

  it('with a gap that makes the replay overstate, counts the bounced own debits: the same figure as spendableRights', () => {
    // Prepare: the gapped view of the relay above, whose replay bounces t and then y.
    const { dEu, dUs, t, z, y } = gapHistory();
    const view = [dEu, dUs, t, z, y];

    // Act
    const p = provableRights(escrowState('acct', view), US);

    // Assess
    expect(rightsOf(escrowState('acct', view), US)).toBe(10n);
    expect(p).toBe(0n);
    expect(p).toBe(spendableRights('acct', view, US));
  });

  it('with a gap that makes the replay understate, keeps the replay\'s (lower) figure until the gap fills', () => {
    // Prepare: the gift into us-east-1 bounces in this view's replay (its funding deposit is missing).
    const d = escrowDeposit('acct', 50, { origin: AP, wall: 10 });
    const give = escrowTransfer('acct', US, 30, { origin: AP, parents: [d], wall: 11 });
    const own = escrowDeposit('acct', 5, { origin: US, wall: 12 });
    const view = [give, own];

    // Act
    const gapped = provableRights(escrowState('acct', view), US);
    const filled = provableRights(escrowState('acct', [d, ...view]), US);

    // Assess: 5 now (the 30 at face value would be 35), all 35 once the deposit arrives.
    expect(escrowState('acct', view).bounced).toEqual([expect.objectContaining({ id: give.id, to: US })]);
    expect(spendableRights('acct', view, US)).toBe(35n);
    expect(gapped).toBe(5n);
    expect(filled).toBe(35n);
  });
});
