import { describe, expect, it } from 'vitest';
import { checkConvergence } from '../../../jepsen/checkers/convergence.ts';
import { acct, ev, finalReads, reg, regionFinal } from '../support/final-factory.ts';

const same = {
  registers: { k0: reg(3, ['e3']) },
  histories: { k0: [ev('e1', 'set', 1, '1'), ev('e3', 'set', 3, '3')] },
  accounts: { a0: acct(10, [{ id: 'w1', amount: 5 }]) },
};

describe('checkConvergence', () => {
  it('is valid when every region answers the same', () => {
    // Prepare
    const final = finalReads(regionFinal('us-east-1', same), regionFinal('eu-west-1', same), regionFinal('ap-southeast-2', same));
    // Act
    const v = checkConvergence(final);
    // Assess
    expect(v.valid).toBe(true);
    expect(v.explanation).toContain('all 3 regions');
  });

  it.each([
    ['a value', { registers: { k0: reg(1, ['e3']) } }, 'register k0 value'],
    ['the heads', { registers: { k0: reg(3, ['e2', 'e3']) } }, 'register k0 heads'],
    ['the event set', { histories: { k0: [ev('e3', 'set', 3, '3')] } }, 'history k0 events'],
    ['a balance', { accounts: { a0: acct(15) } }, 'account a0 balance'],
    ['the bounced set', { accounts: { a0: acct(10, [{ id: 'w2', amount: 5 }]) } }, 'account a0 bounced'],
  ])('is invalid when one region differs in %s', (_what, diff, facet) => {
    // Prepare
    const final = finalReads(regionFinal('us-east-1', same), regionFinal('eu-west-1', { ...same, ...diff }));
    // Act
    const v = checkConvergence(final);
    // Assess
    expect(v.valid).toBe(false);
    expect(v.details.disagreements.map((d) => d.what)).toContain(facet);
  });

  it('is invalid when a key is missing in one region', () => {
    const final = finalReads(regionFinal('us-east-1', same), regionFinal('eu-west-1', { ...same, registers: { k0: { found: false, value: null, deleted: false, heads: [] } } }));
    expect(checkConvergence(final).valid).toBe(false);
  });

  it('is unknown when a region could not be read and the others agree', () => {
    const final = finalReads(regionFinal('us-east-1', same), regionFinal('eu-west-1', { error: 'timeout' }));
    const v = checkConvergence(final);
    expect(v.valid).toBe('unknown');
    expect(v.explanation).toContain('eu-west-1');
  });
});
