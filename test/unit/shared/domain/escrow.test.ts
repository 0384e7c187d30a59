import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors.ts';
import { BalanceLimitError, InsufficientRightsError } from '../../../../shared/domain/escrow-errors.ts';
import {
  checkEscrowDeposit,
  checkEscrowTransfer,
  checkEscrowWithdraw,
  DEFAULT_SPEND_WINDOW_MS,
  ESCROW_FOLD,
  escrowFold,
  escrowState,
  regionOf,
  rightsByRegion,
  rightsOf,
} from '../../../../shared/domain/escrow.ts';
import { sortedUnique } from '../../../../shared/domain/event.ts';
import { deposit, escrowDeposit, escrowOpen, escrowRequest, escrowTransfer, escrowWithdraw, setEvent, withdraw } from '../../../support/factories.ts';
import { errorOf } from '../../../support/thrown.ts';

const US = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';
const MAX = Number.MAX_SAFE_INTEGER;

describe('escrowState', () => {
  it('is the initial state without escrow events (plain money and registers of the same id are not its events)', () => {
    // Act
    const s = escrowState('acct', [deposit('acct', 5), setEvent('acct', 1), escrowDeposit('other', 9)]);

    // Assess
    expect(s).toEqual({ opened: false, balance: '0', deposited: '0', withdrawn: '0', transferred: '0', regions: {}, bounced: [], spendWindowMs: DEFAULT_SPEND_WINDOW_MS });
    expect(s).toEqual(ESCROW_FOLD.initial);
  });

  it('an open creates the account with nothing in it; a second open changes nothing', () => {
    // Prepare
    const o1 = escrowOpen('acct', { origin: US });
    const o2 = escrowOpen('acct', { origin: EU });

    // Act
    const s = escrowState('acct', [o1, o2]);

    // Assess
    expect(s).toMatchObject({ opened: true, balance: '0', regions: {} });
  });

  it("a deposit adds to its origin's rights and to the balance", () => {
    // Prepare
    const d1 = escrowDeposit('acct', 100, { origin: US, wall: 10 });
    const d2 = escrowDeposit('acct', 30, { origin: EU, wall: 11 });

    // Act
    const s = escrowState('acct', [d2, d1]);

    // Assess
    expect(s).toMatchObject({ balance: '130', deposited: '130', withdrawn: '0' });
    expect(rightsByRegion(s)).toEqual({ [EU]: '30', [US]: '100' });
    expect(regionOf(s, US)).toMatchObject({ rights: '100', deposited: '100', sent: '0', received: '0' });
  });

  it("a withdrawal spends its origin's own rights, never another region's", () => {
    // Prepare: all the money is in us-east-1's rights; eu-west-1 (forced, unchecked) tries to spend it.
    const d = escrowDeposit('acct', 100, { origin: US, wall: 10 });
    const us = escrowWithdraw('acct', 30, { origin: US, parents: [d], wall: 20 });
    const eu = escrowWithdraw('acct', 10, { origin: EU, parents: [d], wall: 21 });

    // Act
    const s = escrowState('acct', [eu, us, d]);

    // Assess
    expect(s).toMatchObject({ balance: '70', withdrawn: '30' });
    expect(rightsByRegion(s)).toEqual({ [US]: '70' });
    expect(s.bounced).toEqual([{ id: eu.id, kind: 'escrow-withdraw', origin: EU, amount: '10', rightsBefore: '0', reason: 'insufficient-rights' }]);
  });

  it('a transfer moves rights from its origin to `to`, leaving the balance alone', () => {
    // Prepare
    const d = escrowDeposit('acct', 100, { origin: US, wall: 10 });
    const t = escrowTransfer('acct', EU, 40, { origin: US, parents: [d], wall: 20 });
    const w = escrowWithdraw('acct', 40, { origin: EU, parents: [t], wall: 30 });

    // Act
    const afterTransfer = escrowState('acct', [d, t]);
    const afterWithdraw = escrowState('acct', [d, t, w]);

    // Assess
    expect(afterTransfer).toMatchObject({ balance: '100', transferred: '40' });
    expect(rightsByRegion(afterTransfer)).toEqual({ [EU]: '40', [US]: '60' });
    expect(regionOf(afterTransfer, US).sent).toBe('40');
    expect(regionOf(afterTransfer, EU).received).toBe('40');
    expect(afterWithdraw).toMatchObject({ balance: '60', bounced: [] });
    expect(rightsByRegion(afterWithdraw)).toEqual({ [EU]: '0', [US]: '60' });
  });

  it('a transfer its origin cannot cover is bounced and moves nothing', () => {
    // Prepare
    const d = escrowDeposit('acct', 10, { origin: US, wall: 10 });
    const t = escrowTransfer('acct', EU, 40, { origin: US, parents: [d], wall: 20 });

    // Act
    const s = escrowState('acct', [d, t]);

    // Assess
    expect(rightsByRegion(s)).toEqual({ [US]: '10' });
    expect(s.transferred).toBe('0');
    expect(s.bounced).toEqual([{ id: t.id, kind: 'escrow-transfer', origin: US, amount: '40', to: EU, rightsBefore: '10', reason: 'insufficient-rights' }]);
  });

  it("a request sets its origin's want; its latest request replaces the earlier ones, 0 withdraws it", () => {
    // Prepare
    const r1 = escrowRequest('acct', 50, { origin: EU, wall: 10 });
    const r2 = escrowRequest('acct', 80, { origin: EU, parents: [r1], wall: 20 });
    const r3 = escrowRequest('acct', 0, { origin: EU, parents: [r2], wall: 30 });

    // Act / Assess
    expect(regionOf(escrowState('acct', [r2, r1]), EU).want).toBe('80');
    expect(regionOf(escrowState('acct', [r1, r2, r3]), EU).want).toBe('0');
    expect(escrowState('acct', [r1]).balance).toBe('0');
  });

  it('keeps each region\'s applied spending in tumbling windows of the stamps\' wall time', () => {
    // Prepare: windows of 1000 ms; three withdrawals in window 5, one in 6, one in 9.
    const fold = escrowFold({ spendWindowMs: 1000 });
    const d = escrowDeposit('acct', 1000, { origin: EU, wall: 5000 });
    const w1 = escrowWithdraw('acct', 10, { origin: EU, parents: [d], wall: 5100 });
    const w2 = escrowWithdraw('acct', 20, { origin: EU, parents: [w1], wall: 5999 });
    const tooMuch = escrowWithdraw('acct', 5000, { origin: EU, parents: [w2], wall: 6000 });
    const w3 = escrowWithdraw('acct', 5, { origin: EU, parents: [tooMuch], wall: 6500 });
    const w4 = escrowWithdraw('acct', 7, { origin: EU, parents: [w3], wall: 9000 });

    // Act
    const at = (n: number) => regionOf(escrowState('acct', [d, w1, w2, tooMuch, w3, w4].slice(0, n), fold), EU).spend;

    // Assess: a bounced withdrawal spends nothing.
    expect(at(1)).toEqual({ window: 0, current: '0', previous: '0' });
    expect(at(3)).toEqual({ window: 5, current: '30', previous: '0' });
    expect(at(4)).toEqual({ window: 5, current: '30', previous: '0' });
    expect(at(5)).toEqual({ window: 6, current: '5', previous: '30' });
    expect(at(6)).toEqual({ window: 9, current: '7', previous: '0' });
  });

  it('is exact past Number.MAX_SAFE_INTEGER (decimal strings), and never bounces a deposit', () => {
    // Prepare: concurrent deposits of the largest amount in two regions (as in a partition).
    const d1 = escrowDeposit('acct', MAX, { origin: US, wall: 10 });
    const d2 = escrowDeposit('acct', MAX, { origin: EU, wall: 10 });
    const t = escrowTransfer('acct', EU, MAX, { origin: US, parents: [d1, d2], wall: 20 });
    const w = escrowWithdraw('acct', 1, { origin: EU, parents: [t], wall: 30 });

    // Act
    const s = escrowState('acct', [d1, d2, t, w]);

    // Assess
    expect(s.deposited).toBe('18014398509481982');
    expect(s.balance).toBe('18014398509481981');
    expect(rightsByRegion(s)).toEqual({ [EU]: '18014398509481981', [US]: '0' });
    expect(s.bounced).toEqual([]);
  });

  it('the same state whatever the order of arrival and however many duplicates', () => {
    // Prepare
    const d = escrowDeposit('acct', 100, { origin: US, wall: 10 });
    const t = escrowTransfer('acct', EU, 40, { origin: US, parents: [d], wall: 20 });
    const w = escrowWithdraw('acct', 25, { origin: EU, parents: [t], wall: 30 });
    const r = escrowRequest('acct', 60, { origin: AP, wall: 25 });

    // Act / Assess
    expect(escrowState('acct', [w, r, t, d, w, d])).toEqual(escrowState('acct', [d, t, r, w]));
  });

  it('the fold is pure and its state is plain JSON that resumes the fold exactly (a checkpoint)', () => {
    // Prepare
    const d = escrowDeposit('acct', 100, { origin: US, wall: 10 });
    const t = escrowTransfer('acct', EU, 40, { origin: US, parents: [d], wall: 20 });
    const w = escrowWithdraw('acct', 50, { origin: EU, parents: [t], wall: 30 });
    const before = ESCROW_FOLD.step(ESCROW_FOLD.initial, d);
    const frozen = JSON.stringify(before);

    // Act
    const resumed = [t, w].reduce((s, e) => ESCROW_FOLD.step(s, e), JSON.parse(frozen));

    // Assess
    expect(JSON.stringify(before)).toBe(frozen);
    expect(resumed).toEqual(escrowState('acct', [d, t, w]));
    expect(JSON.parse(JSON.stringify(resumed))).toEqual(resumed);
    expect(ESCROW_FOLD.step(before, withdraw('acct', 5))).toBe(before);
  });

  it('region names that are also Object.prototype members are ordinary regions', () => {
    // Prepare
    const d = escrowDeposit('acct', 10, { origin: 'constructor', wall: 10 });

    // Act / Assess
    expect(rightsOf(ESCROW_FOLD.initial, 'constructor')).toBe(0n);
    expect(rightsOf(ESCROW_FOLD.initial, 'tostring')).toBe(0n);
    expect(rightsOf(escrowState('acct', [d]), 'constructor')).toBe(10n);
  });

  it('refuses a spending window that is not a positive integer', () => {
    // Act / Assess
    expect(() => escrowFold({ spendWindowMs: 0 })).toThrow(/spendWindowMs: must be a positive integer/);
    expect(() => escrowFold({ spendWindowMs: 1.5 })).toThrow(ValidationError);
  });

  it('sortedUnique + reduce is the whole of escrowState (what a store with checkpoints does)', () => {
    // Prepare
    const d = escrowDeposit('acct', 7, { origin: AP });

    // Act / Assess
    expect(sortedUnique([d]).reduce((s, e) => ESCROW_FOLD.step(s, e), ESCROW_FOLD.initial)).toEqual(escrowState('acct', [d]));
  });
});

describe('the checks before a write', () => {
  const d = escrowDeposit('acct', 100, { origin: US, wall: 10 });
  const t = escrowTransfer('acct', EU, 30, { origin: US, parents: [d], wall: 20 });
  const t2 = escrowTransfer('acct', AP, 20, { origin: US, parents: [t], wall: 30 });
  const state = escrowState('acct', [d, t, t2]);

  it('a withdrawal within the region\'s own rights passes and returns the amount', () => {
    // Act / Assess
    expect(checkEscrowWithdraw(state, EU, 30)).toBe(30);
    expect(checkEscrowWithdraw(state, US, 50)).toBe(50);
  });

  it('a withdrawal beyond them is a 409 that gives its rights, the balance, and who holds the rest', () => {
    // Act
    const err = errorOf(() => checkEscrowWithdraw(state, EU, 31));

    // Assess
    expect(err).toBeInstanceOf(InsufficientRightsError);
    const e = err as InsufficientRightsError;
    expect([e.status, e.code]).toEqual([409, 'insufficient-rights']);
    expect(e.details).toEqual({
      region: EU,
      amount: '31',
      rights: '30',
      balance: '100',
      elsewhere: '70',
      holders: { [AP]: '20', [US]: '50' },
    });
    expect(e.message).toBe(
      "eu-west-1 holds rights to 30 of this escrow account's balance of 100 and cannot cover 31: the other 70 are held by other regions (ap-southeast-2: 20, us-east-1: 50); this region has asked its peers for rights: retry once they arrive, or withdraw where the rights are",
    );
  });

  it('says so when the balance itself cannot cover the amount, or when nobody else holds any', () => {
    // Act
    const tooMuch = errorOf(() => checkEscrowWithdraw(state, US, 101)) as InsufficientRightsError;
    const alone = errorOf(() => checkEscrowWithdraw(escrowState('acct', [d]), US, 101)) as InsufficientRightsError;
    const unknownRegion = errorOf(() => checkEscrowWithdraw(ESCROW_FOLD.initial, 'sa-east-1', 1)) as InsufficientRightsError;

    // Assess
    expect(tooMuch.message).toMatch(/the balance itself is below 101, so no region can cover it$/);
    expect(alone.message).toMatch(/cannot cover 101: no other region holds any; the balance itself/);
    expect(unknownRegion.details).toMatchObject({ rights: '0', balance: '0', elsewhere: '0', holders: {} });
  });

  it('a spendable figure (a view with a gap) replaces the replay\'s rights, either way; below zero it counts as zero', () => {
    // Act / Assess: us-east-1 holds 50 in the replay.
    expect(() => checkEscrowWithdraw(state, US, 50, 49n)).toThrow(InsufficientRightsError);
    expect(checkEscrowWithdraw(state, US, 49, 49n)).toBe(49);
    expect(checkEscrowWithdraw(state, US, 70, 70n)).toBe(70);
    expect((errorOf(() => checkEscrowWithdraw(state, US, 50, -10n)) as InsufficientRightsError).details).toMatchObject({ rights: '0', elsewhere: '100' });
    expect(() => checkEscrowTransfer(state, US, EU, 60, 59n)).toThrow(/us-east-1 holds rights to 59/);
  });

  it('a bad amount is a 400, before any rights are looked at', () => {
    // Act
    const err = errorOf(() => checkEscrowWithdraw(state, US, 0)) as ValidationError;

    // Assess
    expect(err).toBeInstanceOf(ValidationError);
    expect([err.status, err.code]).toEqual([400, 'invalid-amount']);
  });

  it('a transfer needs another well-formed region and the sender\'s own rights', () => {
    // Act / Assess
    expect(checkEscrowTransfer(state, US, EU, 50)).toEqual({ to: EU, amount: 50 });
    expect(() => checkEscrowTransfer(state, US, EU, 51)).toThrow(InsufficientRightsError);
    expect(() => checkEscrowTransfer(state, EU, AP, 31)).toThrow(/eu-west-1 holds rights to 30/);
    const self = errorOf(() => checkEscrowTransfer(state, US, US, 1)) as ValidationError;
    expect([self.status, self.message]).toEqual([400, 'to: a region cannot transfer rights to itself ("us-east-1")']);
    expect(() => checkEscrowTransfer(state, US, 'Nowhere!', 1)).toThrow(/to: must be a region name/);
    expect(() => checkEscrowTransfer(state, US, EU, 2.5)).toThrow(/amount: must be a positive integer/);
  });

  it('a deposit is refused (409) when this view\'s deposits would pass Number.MAX_SAFE_INTEGER', () => {
    // Prepare
    const big = escrowState('acct', [escrowDeposit('acct', MAX - 10, { origin: US })]);

    // Act
    const err = errorOf(() => checkEscrowDeposit(big, 11)) as BalanceLimitError;

    // Assess
    expect(checkEscrowDeposit(big, 10)).toBe(10);
    expect(err).toBeInstanceOf(BalanceLimitError);
    expect([err.status, err.code]).toEqual([409, 'balance-limit']);
    expect(err.message).toBe("a deposit of 11 would take this account's deposits to 9007199254740992, past the 9007199254740991 that stays exact as a JSON number");
    expect(() => checkEscrowDeposit(big, -1)).toThrow(ValidationError);
  });
});
