/**
 * The escrow statement: outcomes and figures of each line, read whole or a page at a time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escrowState, rightsOf } from '../../../../shared/domain/escrow.ts';
import { FROM_FIRST, escrowStatement, startAfter, statementStartOf } from '../../../../shared/domain/escrow-statement.ts';
import { sortedUnique } from '../../../../shared/domain/event.ts';
import { ESCROW_SIM_ACCOUNT, escrowScenarioArb, runEscrowScenario, SIM_FOLD } from '../../../support/escrow-sim.ts';
import { escrowDeposit, escrowOpen, escrowRequest, escrowTransfer, escrowWithdraw, setEvent } from '../../../support/factories.ts';
import { RUNS, SLOW } from '../../../support/property-runs.ts';

const US = 'us-east-1';
const EU = 'eu-west-1';

describe('escrowStatement', () => {
  it('gives each event its outcome, the balance after it and the rights of the regions it touched', () => {
    // Prepare
    const o = escrowOpen('acct', { origin: US, wall: 1 });
    const d = escrowDeposit('acct', 100, { origin: US, parents: [o], wall: 2 });
    const t = escrowTransfer('acct', EU, 40, { origin: US, parents: [d], wall: 3 });
    const r = escrowRequest('acct', 80, { origin: EU, parents: [t], wall: 4 });
    const w = escrowWithdraw('acct', 50, { origin: EU, parents: [r], wall: 5 });
    const noise = [setEvent('acct', 1), escrowDeposit('other', 5)];

    // Act
    const lines = escrowStatement('acct', [w, r, t, d, o, d, ...noise]);

    // Assess
    expect(lines.map((l) => [l.event.id, l.outcome, l.balanceAfter, l.rightsAfter])).toEqual([
      [o.id, 'applied', '0', { [US]: '0' }],
      [d.id, 'applied', '100', { [US]: '100' }],
      [t.id, 'applied', '100', { [US]: '60', [EU]: '40' }],
      [r.id, 'applied', '100', { [EU]: '40' }],
      [w.id, 'bounced', '100', { [EU]: '40' }],
    ]);
  });

  it('read a page at a time from the figures after the previous page, says what a read of the whole says', () => {
    // Prepare
    const d = escrowDeposit('acct', 100, { origin: US, wall: 2 });
    const t = escrowTransfer('acct', EU, 40, { origin: US, parents: [d], wall: 3 });
    const w1 = escrowWithdraw('acct', 30, { origin: EU, parents: [t], wall: 4 });
    const w2 = escrowWithdraw('acct', 30, { origin: EU, parents: [w1], wall: 5 });
    const all = [d, t, w1, w2];

    // Act
    const first = escrowStatement('acct', all.slice(0, 2));
    const second = escrowStatement('acct', all.slice(2), startAfter(first));

    // Assess
    expect([...first, ...second]).toEqual(escrowStatement('acct', all));
    expect(second.map((l) => l.outcome)).toEqual(['applied', 'bounced']);
    expect(startAfter([...first, ...second])).toEqual(statementStartOf(escrowState('acct', all)));
  });

  it('property: cut anywhere, the pages say what the fold says of every event (bounces included), and end at its figures', () => {
    fc.assert(
      fc.property(escrowScenarioArb, fc.nat(), fc.nat(), fc.nat(), (scenario, who, pick, cut) => {
        // Prepare: one region's view (often with gaps, so some debits bounce in it) and a cut.
        const mesh = runEscrowScenario(scenario);
        const views = [mesh.known(who % mesh.names.length), mesh.universe().filter((_e, i) => ((pick >>> i % 31) & 1) === 1)];
        for (const view of views) {
          const ordered = sortedUnique(view);
          const k = cut % (ordered.length + 1);

          // Act
          const head = escrowStatement(ESCROW_SIM_ACCOUNT, ordered.slice(0, k), FROM_FIRST, SIM_FOLD);
          const tail = escrowStatement(ESCROW_SIM_ACCOUNT, ordered.slice(k), startAfter(head), SIM_FOLD);

          // Assess
          const state = escrowState(ESCROW_SIM_ACCOUNT, view, SIM_FOLD);
          const bounced = new Set(state.bounced.map((b) => b.id));
          const lines = [...head, ...tail];
          expect(lines.map((l) => l.event.id)).toEqual(ordered.map((e) => e.id));
          for (const l of lines) expect(l.outcome === 'bounced').toBe(bounced.has(l.event.id));
          const end = startAfter(lines);
          expect(end.balance).toBe(state.balance);
          for (const r of Object.keys(state.regions)) expect(BigInt(end.rights[r] ?? '0')).toBe(rightsOf(state, r));
        }
      }),
      RUNS,
    );
  }, SLOW);
});
