import { describe, expect, it } from 'vitest';
import { accountStatement, accountView, canWithdraw } from '../../../../shared/domain/bank.ts';
import { deposit, setEvent, withdraw } from '../../../support/factories.ts';

describe('accountView', () => {
  it('is an empty account without events', () => {
    // Act
    const view = accountView('acct', [setEvent('acct', 1)]);

    // Assess
    expect(view).toEqual({ account: 'acct', balance: 0, deposited: 0, withdrawn: 0, applied: [], bounced: [], reversed: [], heads: [] });
  });

  it('replays deposits and withdrawals in total order', () => {
    // Prepare
    const d = deposit('acct', 100);
    const w = withdraw('acct', 30, { parents: [d] });
    const other = deposit('other', 999);

    // Act
    const view = accountView('acct', [w, other, d, w]);

    // Assess
    expect(view).toMatchObject({ balance: 70, deposited: 100, withdrawn: 30, applied: [d, w], bounced: [], reversed: [], heads: [w] });
  });

  it('bounces a withdrawal its origin could not cover, without reversing it', () => {
    // Prepare
    const d = deposit('acct', 10);
    const w = withdraw('acct', 25, { parents: [d] });

    // Act
    const view = accountView('acct', [d, w]);

    // Assess
    expect(view.balance).toBe(10);
    expect(view.bounced).toEqual([{ event: w, amount: 25, balanceBefore: 10, reason: 'insufficient-funds' }]);
    expect(view.reversed).toEqual([]);
  });

  it('concurrent withdrawals of the same money: the later one bounces and is a reversed decision', () => {
    // Prepare: both regions saw the deposit of 100 and each took 80.
    const d = deposit('acct', 100, { wall: 10 });
    const us = withdraw('acct', 80, { parents: [d], origin: 'us-east-1', wall: 20 });
    const eu = withdraw('acct', 80, { parents: [d], origin: 'eu-west-1', wall: 21 });

    // Act
    const view = accountView('acct', [eu, d, us]);

    // Assess
    expect(view.balance).toBe(20);
    expect(view.applied).toEqual([d, us]);
    expect(view.bounced).toEqual([{ event: eu, amount: 80, balanceBefore: 20, reason: 'insufficient-funds' }]);
    expect(view.reversed).toEqual([{ event: eu, amount: 80, balanceBefore: 20, reason: 'insufficient-funds', viewBalance: 100, acceptedBy: 'eu-west-1' }]);
    expect(view.heads).toEqual([us, eu]);
  });

  it("the origin's view is its ancestry only: a withdrawal that saw the other one is not reversed", () => {
    // Prepare
    const d = deposit('acct', 100, { wall: 10 });
    const w1 = withdraw('acct', 80, { parents: [d], wall: 20 });
    const w2 = withdraw('acct', 50, { parents: [w1], wall: 30 }); // its view: 20, could not cover

    // Act
    const view = accountView('acct', [d, w1, w2]);

    // Assess
    expect(view.bounced.map((b) => b.event)).toEqual([w2]);
    expect(view.reversed).toEqual([]);
  });

  it('computes the view from the known ancestry when a parent is missing (a gap)', () => {
    // Prepare: d2 is not known here; the ancestry view of w is only d1.
    const d1 = deposit('acct', 30, { wall: 10 });
    const d2 = deposit('acct', 70, { wall: 11, origin: 'eu-west-1' });
    const w = withdraw('acct', 40, { parents: [d1, d2], wall: 20 });
    const earlier = withdraw('acct', 30, { parents: [d1], origin: 'ap-southeast-2', wall: 15 });

    // Act
    const withGap = accountView('acct', [d1, w, earlier]);
    const filled = accountView('acct', [d1, w, earlier, d2]);

    // Assess
    expect(withGap.bounced.map((b) => b.event)).toEqual([w]);
    expect(withGap.reversed).toEqual([]); // viewBalance 30 < 40
    expect(filled.bounced).toEqual([]); // 30 + 70 - 30 - 40 = 30
    expect(filled.balance).toBe(30);
  });

  it('stays exact beyond 2^53 in the intermediate sums', () => {
    // Prepare
    const big = Number.MAX_SAFE_INTEGER;
    const d1 = deposit('acct', big, { wall: 1 });
    const d2 = deposit('acct', 2, { wall: 2 });
    const w = withdraw('acct', big, { wall: 3, parents: [d1, d2] });

    // Act
    const view = accountView('acct', [d1, d2, w]);

    // Assess
    expect(view.balance).toBe(2);
    expect(view.withdrawn).toBe(big);
  });
});

describe('accountStatement', () => {
  it('is empty for an account without money events', () => {
    // Act / Assess
    expect(accountStatement('acct', [setEvent('acct', 1), deposit('other', 5)])).toEqual([]);
  });

  it('lists every money event in total order with its outcome and the balance after it', () => {
    // Prepare: both regions saw 100 and each took 80; eu-west-1's comes later in the order.
    const d = deposit('acct', 100, { wall: 10 });
    const us = withdraw('acct', 80, { parents: [d], origin: 'us-east-1', wall: 20 });
    const eu = withdraw('acct', 80, { parents: [d], origin: 'eu-west-1', wall: 21 });
    const small = withdraw('acct', 5, { parents: [us, eu], wall: 30 });

    // Act
    const statement = accountStatement('acct', [small, eu, d, us, d]);

    // Assess
    expect(statement).toEqual([
      { event: d, amount: 100, outcome: 'applied', balanceAfter: 100, reversed: false },
      { event: us, amount: 80, outcome: 'applied', balanceAfter: 20, reversed: false },
      { event: eu, amount: 80, outcome: 'bounced', balanceAfter: 20, reversed: true },
      { event: small, amount: 5, outcome: 'applied', balanceAfter: 15, reversed: false },
    ]);
    expect(statement.at(-1)?.balanceAfter).toBe(accountView('acct', [d, us, eu, small]).balance);
  });

  it('marks a bounce its origin could not cover as not reversed', () => {
    // Prepare
    const d = deposit('acct', 10);
    const w = withdraw('acct', 25, { parents: [d] });

    // Act / Assess
    expect(accountStatement('acct', [d, w]).map((l) => [l.outcome, l.balanceAfter, l.reversed])).toEqual([
      ['applied', 10, false],
      ['bounced', 10, false],
    ]);
  });
});

describe('canWithdraw', () => {
  it('is true only for positive integer amounts the balance covers', () => {
    // Prepare
    const view = accountView('acct', [deposit('acct', 50)]);

    // Act / Assess
    expect(canWithdraw(view, 50)).toBe(true);
    expect(canWithdraw(view, 51)).toBe(false);
    expect(canWithdraw(view, 0)).toBe(false);
    expect(canWithdraw(view, 1.5)).toBe(false);
    expect(canWithdraw(view, -1)).toBe(false);
  });
});
