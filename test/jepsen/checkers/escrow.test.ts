import { describe, expect, it } from 'vitest';
import { checkBank } from '../../../jepsen/checkers/bank.ts';
import { checkEscrow } from '../../../jepsen/checkers/escrow.ts';
import { HistoryBuilder } from '../support/history-builder.ts';
import { acct, ev, finalReads, regionFinal } from '../support/final-factory.ts';

// An escrow account: 10 deposited in us-east-1, 5 of its rights sent to eu-west-1; during a
// partition each withdraws its own 5, and each is refused 8 (insufficient-rights). Balance 0.
const history = (): HistoryBuilder => new HistoryBuilder()
  .invoke(0, 'deposit', 'a0', 10, 0, { region: 'us-east-1' }).ok(0, 10, 5, { eventId: 'd1' })
  .invoke(0, 'withdraw', 'a0', 5, 10, { region: 'us-east-1' }).ok(0, 5, 15, { eventId: 'w1' })
  .invoke(1, 'withdraw', 'a0', 5, 11, { region: 'eu-west-1' }).ok(1, 5, 16, { eventId: 'w2' })
  .invoke(0, 'withdraw', 'a0', 8, 20, { region: 'us-east-1' }).fail(0, 21, 'insufficient-rights')
  .invoke(1, 'withdraw', 'a0', 8, 22, { region: 'eu-west-1' }).fail(1, 23, 'insufficient-rights')
  .invoke(2, 'read', 'a0', null, 30, { region: 'eu-west-1' }).ok(2, 0, 31);
const events = [
  ev('o1', 'escrow-open', null, '0'),
  ev('d1', 'escrow-deposit', 10, '1'),
  ev('t1', 'escrow-transfer', { to: 'eu-west-1', amount: 5 }, '2'),
  ev('w1', 'escrow-withdraw', 5, '3'),
  ev('w2', 'escrow-withdraw', 5, '4', 'eu-west-1'),
];
const good = { accounts: { a0: { ...acct(0), deposited: 10, withdrawn: 10 } }, histories: { a0: events } };

describe('checkEscrow', () => {
  it('is valid when nothing bounced, regions agree and the balance is deposits minus withdrawals; it reports availability', () => {
    // Act
    const v = checkEscrow(history().build(), finalReads(regionFinal('us-east-1', good), regionFinal('eu-west-1', good)));
    // Assess
    expect(v.valid).toBe(true);
    expect(v.checker).toBe('escrow');
    expect(v.details.withdrawals).toEqual({ accepted: 2, refused: 2, availability: 0.5 });
    expect(v.explanation).toContain('bounced 0, reversed 0');
    expect(v.explanation).toContain('50.0 % of withdrawals accepted (2 of 4)');
  });

  it('fails on a broken escrow: a region spent rights it did not hold, so the merge bounced an acknowledged withdrawal', () => {
    // Prepare: eu-west-1 also said yes to 5 more on the balance it saw; the replay bounces it.
    const h = history().invoke(1, 'withdraw', 'a0', 5, 40, { region: 'eu-west-1' }).ok(1, 5, 41, { eventId: 'w3' }).build();
    const broken = {
      accounts: { a0: { ...acct(0, [{ id: 'w3', amount: 5 }]), deposited: 10, withdrawn: 10 } },
      histories: { a0: [...events, ev('w3', 'escrow-withdraw', 5, '5', 'eu-west-1')] },
    };
    const reads = finalReads(regionFinal('us-east-1', broken), regionFinal('eu-west-1', broken));

    // Act
    const v = checkEscrow(h, reads);

    // Assess: the plain bank checker accepts this history (a bounce is its price); escrow does not.
    expect(checkBank(h, reads).valid).toBe(true);
    expect(v.valid).toBe(false);
    expect(v.details.accounts.a0?.problems.join(' ')).toContain('bounced 1 debit(s)');
    expect(v.details.accounts.a0?.problems.join(' ')).toContain('reversed 1 acknowledged withdrawal(s)');
  });

  it('fails when a replay goes negative, and when the balance is not what the replay gives', () => {
    const negative = { accounts: { a0: { ...acct(-5), deposited: 10, withdrawn: 15 } }, histories: { a0: [...events, ev('w3', 'escrow-withdraw', 5, '5', 'eu-west-1')] } };
    const v = checkEscrow(history().build(), finalReads(regionFinal('us-east-1', negative)));
    expect(v.valid).toBe(false);
    expect(v.explanation).toContain('replay goes negative');
  });

  it('fails when a client read a negative balance or regions disagree (the bank invariants)', () => {
    const h = history().invoke(2, 'read', 'a0', null, 40).ok(2, -3, 41).build();
    expect(checkEscrow(h, finalReads(regionFinal('us-east-1', good))).valid).toBe(false);
    const other = { accounts: { a0: { ...acct(5), deposited: 10, withdrawn: 5 } }, histories: { a0: events } };
    const v = checkEscrow(history().build(), finalReads(regionFinal('us-east-1', good), regionFinal('eu-west-1', other)));
    expect(v.valid).toBe(false);
    expect(v.explanation).toContain('eu-west-1 reports balance 5');
  });
});
