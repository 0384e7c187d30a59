import { describe, expect, it } from 'vitest';
import { accountFold, accountStatement, accountView, canDeposit, canWithdraw, EMPTY_ACCOUNT, MAX_ACCOUNT_TOTAL, RECENT_BOUNCES, stepAccount } from '../../../../shared/domain/bank.ts';
import { foldAll } from '../../../../shared/domain/fold.ts';
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

  it('bounces a withdrawal the merged balance cannot cover, as a reversed decision of its origin', () => {
    // Prepare
    const d = deposit('acct', 10);
    const w = withdraw('acct', 25, { parents: [d] });

    // Act
    const view = accountView('acct', [d, w]);

    // Assess
    expect(view.balance).toBe(10);
    expect(view.bounced).toEqual([{ event: w, amount: 25, balanceBefore: 10, reason: 'insufficient-funds' }]);
    // Its origin stored it, so it had accepted it: every bounce is a reversed decision.
    expect(view.reversed).toEqual([{ event: w, amount: 25, balanceBefore: 10, reason: 'insufficient-funds', acceptedBy: w.origin }]);
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
    expect(view.reversed).toEqual([{ event: eu, amount: 80, balanceBefore: 20, reason: 'insufficient-funds', acceptedBy: 'eu-west-1' }]);
    expect(view.heads).toEqual([us, eu]);
  });

  it('fills a gap: the same events give the same view once the missing parent arrives', () => {
    // Prepare: d2 is not known here yet.
    const d1 = deposit('acct', 30, { wall: 10 });
    const d2 = deposit('acct', 70, { wall: 11, origin: 'eu-west-1' });
    const w = withdraw('acct', 40, { parents: [d1, d2], wall: 20 });
    const earlier = withdraw('acct', 30, { parents: [d1], origin: 'ap-southeast-2', wall: 15 });

    // Act
    const withGap = accountView('acct', [d1, w, earlier]);
    const filled = accountView('acct', [d1, w, earlier, d2]);

    // Assess
    expect(withGap.bounced.map((b) => b.event)).toEqual([w]);
    expect(filled.bounced).toEqual([]); // 30 + 70 - 30 - 40 = 30
    expect(filled.balance).toBe(30);
  });

  it('keeps every total exact: a deposit past 2^53 - 1 in all is bounced as limit-exceeded', () => {
    // Prepare: the case, 9007199254740991 then 2.
    const d1 = deposit('acct', MAX_ACCOUNT_TOTAL, { wall: 1 });
    const d2 = deposit('acct', 2, { wall: 2, parents: [] });
    const w = withdraw('acct', MAX_ACCOUNT_TOTAL, { wall: 3, parents: [d1, d2] });

    // Act
    const view = accountView('acct', [d1, d2, w]);

    // Assess
    expect(view.bounced).toEqual([{ event: d2, amount: 2, balanceBefore: MAX_ACCOUNT_TOTAL, reason: 'limit-exceeded' }]);
    expect(view.balance).toBe(0);
    expect(view.deposited).toBe(MAX_ACCOUNT_TOTAL);
    expect(view.withdrawn).toBe(MAX_ACCOUNT_TOTAL);
  });
});

describe('accountFold', () => {
  it('keeps counts, exact totals and only the newest bounces (known answer)', () => {
    // Prepare: one deposit of 10, then RECENT_BOUNCES + 2 withdrawals of 25 that all bounce.
    const d = deposit('acct', 10, { wall: 1 });
    const ws = Array.from({ length: RECENT_BOUNCES + 2 }, (_, i) => withdraw('acct', 25, { wall: 10 + i, parents: [d] }));

    // Act
    const { state } = foldAll(accountFold, [d, ...ws]);

    // Assess
    expect(state).toMatchObject({ balance: 10, deposited: 10, withdrawn: 0, applied: 1, bounced: RECENT_BOUNCES + 2 });
    expect(state.recentBounces.map((b) => b.id)).toEqual(ws.slice(-RECENT_BOUNCES).map((w) => w.id));
    expect(state.recentBounces[0]).toMatchObject({ kind: 'withdraw', amount: 25, balanceBefore: 10, reason: 'insufficient-funds' });
  });

  it('ignores register events, and starts from the empty account', () => {
    // Act / Assess
    expect(stepAccount(EMPTY_ACCOUNT, setEvent('acct', 1))).toBe(EMPTY_ACCOUNT);
    expect(foldAll(accountFold, []).state).toEqual(EMPTY_ACCOUNT);
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

describe('canDeposit', () => {
  it('is true only while the cumulative deposits stay within Number.MAX_SAFE_INTEGER', () => {
    // Act / Assess
    expect(canDeposit(EMPTY_ACCOUNT, MAX_ACCOUNT_TOTAL)).toBe(true);
    expect(canDeposit({ deposited: MAX_ACCOUNT_TOTAL }, 1)).toBe(false);
    expect(canDeposit({ deposited: 5 }, 0)).toBe(false);
    expect(canDeposit({ deposited: 5 }, 2.5)).toBe(false);
  });
});
