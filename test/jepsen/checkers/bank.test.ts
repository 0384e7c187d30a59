import { describe, expect, it } from 'vitest';
import { checkBank } from '../../../jepsen/checkers/bank.ts';
import { HistoryBuilder } from '../support/history-builder.ts';
import { acct, ev, finalReads, regionFinal } from '../support/final-factory.ts';

// Deposit 10 in us-east-1; during a partition both regions accept a withdrawal of 8; after the
// merge the later one (in total order) bounces. Balance 2 everywhere.
const history = (): HistoryBuilder => new HistoryBuilder()
  .invoke(0, 'deposit', 'a0', 10, 0, { region: 'us-east-1' }).ok(0, 10, 5, { eventId: 'd1' })
  .invoke(0, 'withdraw', 'a0', 8, 10, { region: 'us-east-1' }).ok(0, 8, 15, { eventId: 'w1' })
  .invoke(1, 'withdraw', 'a0', 8, 11, { region: 'eu-west-1' }).ok(1, 8, 16, { eventId: 'w2' })
  .invoke(1, 'withdraw', 'a0', 50, 20, { region: 'eu-west-1' }).fail(1, 21, 'insufficient-funds')
  .invoke(2, 'read', 'a0', null, 30, { region: 'eu-west-1' }).ok(2, 2, 31);
const events = [ev('d1', 'deposit', 10, '1'), ev('w1', 'withdraw', 8, '2'), ev('w2', 'withdraw', 8, '3', 'eu-west-1')];
const good = { accounts: { a0: acct(2, [{ id: 'w2', amount: 8 }]) }, histories: { a0: events } };

describe('checkBank', () => {
  it('is valid when regions agree, nothing goes negative and the balance is conserved', () => {
    // Act
    const v = checkBank(history().build(), finalReads(regionFinal('us-east-1', good), regionFinal('eu-west-1', good)));
    // Assess
    expect(v.valid).toBe(true);
    expect(v.details.accounts.a0).toMatchObject({ balance: 2, okDeposits: 10, appliedWithdrawals: 8, bounced: 1, replayed: true });
  });

  it('is valid without listed events, from the client history alone', () => {
    const g = { accounts: good.accounts };
    const v = checkBank(history().build(), finalReads(regionFinal('us-east-1', g), regionFinal('eu-west-1', g)));
    expect(v.valid).toBe(true);
    expect(v.details.accounts.a0?.replayed).toBe(false);
  });

  it('is invalid when regions disagree on the balance', () => {
    const v = checkBank(history().build(), finalReads(regionFinal('us-east-1', good), regionFinal('eu-west-1', { accounts: { a0: acct(10, [{ id: 'w2', amount: 8 }]) } })));
    expect(v.valid).toBe(false);
    expect(v.explanation).toContain('eu-west-1 reports balance 10');
  });

  it('is invalid when the replay would go negative (both withdrawals applied)', () => {
    const bad = { accounts: { a0: acct(-6) }, histories: { a0: events } };
    const v = checkBank(history().build(), finalReads(regionFinal('us-east-1', bad)));
    expect(v.valid).toBe(false);
    expect(v.details.accounts.a0?.problems.join(' ')).toContain('negative');
  });

  it('is invalid when a withdrawal is bounced that the balance covered', () => {
    const bad = { accounts: { a0: acct(10, [{ id: 'w1', amount: 8 }, { id: 'w2', amount: 8 }]) }, histories: { a0: events } };
    const v = checkBank(history().build(), finalReads(regionFinal('us-east-1', bad)));
    expect(v.valid).toBe(false);
    expect(v.details.accounts.a0?.problems.join(' ')).toContain('bounced although');
  });

  it('is invalid when a client read a negative balance', () => {
    const h = history().invoke(2, 'read', 'a0', null, 40).ok(2, -3, 41).build();
    const v = checkBank(h, finalReads(regionFinal('us-east-1', good)));
    expect(v.valid).toBe(false);
    expect(v.details.negativeReads).toBe(1);
  });

  it('is invalid when the balance is not deposits minus applied withdrawals (money appeared)', () => {
    const g = { accounts: { a0: acct(12, [{ id: 'w2', amount: 8 }]) } };
    const v = checkBank(history().build(), finalReads(regionFinal('us-east-1', g)));
    expect(v.valid).toBe(false);
    expect(v.explanation).toContain('deposits 10 − applied withdrawals 8 = 2');
  });

  it('allows an unknown-outcome deposit to have happened or not, but no more', () => {
    // Prepare: a deposit of 5 timed out.
    const h = (): HistoryBuilder => history().invoke(3, 'deposit', 'a0', 5, 50).info(3, 60);
    const at = (balance: number) => finalReads(regionFinal('us-east-1', { accounts: { a0: acct(balance, [{ id: 'w2', amount: 8 }]) } }));
    // Act / Assess
    expect(checkBank(h().build(), at(2)).valid).toBe(true);
    expect(checkBank(h().build(), at(7)).valid).toBe(true);
    expect(checkBank(h().build(), at(8)).valid).toBe(false);
  });
});

describe('checkBank: the region\'s own sums', () => {
  it('is invalid when a region\'s balance is not its deposited minus withdrawn', () => {
    const g = { accounts: { a0: { ...acct(2, [{ id: 'w2', amount: 8 }]), deposited: 10, withdrawn: 16 } } };
    const v = checkBank(history().build(), finalReads(regionFinal('us-east-1', g)));
    expect(v.valid).toBe(false);
    expect(v.explanation).toContain('deposited 10 − withdrawn 16');
  });
});
