import { describe, expect, it } from 'vitest';
import { explainWithdrawal } from '../../../gui/src/bounce.ts';
import type { StatementEntry } from '../../../gui/src/bounce.ts';
import { BASE_WALL, deposit, withdraw } from '../../support/factories.ts';

// 100 deposited; us withdraws 80 and ap 70 on that same view (both name the deposit); us then
// withdraws 10 more after its 80 (its own ancestry), which is applied.
const d = deposit('alice', 100);
const us80 = withdraw('alice', 80, { parents: [d], origin: 'us-east-1', wall: BASE_WALL + 2 });
const ap70 = withdraw('alice', 70, { parents: [d], origin: 'ap-southeast-2', wall: BASE_WALL + 3 });
const us10 = withdraw('alice', 10, { parents: [us80, ap70], origin: 'us-east-1', wall: BASE_WALL + 4 });
const statement: StatementEntry[] = [
  { event: d, amount: 100, outcome: 'applied', balanceAfter: 100, reversed: false },
  { event: us80, amount: 80, outcome: 'applied', balanceAfter: 20, reversed: false },
  { event: ap70, amount: 70, outcome: 'bounced', balanceAfter: 20, reversed: true },
  { event: us10, amount: 10, outcome: 'applied', balanceAfter: 10, reversed: false },
];

describe('explainWithdrawal', () => {
  it('names the concurrent withdrawal applied before a bounce as its cause', () => {
    const outcome = explainWithdrawal(statement, ap70.id);
    expect(outcome).toMatchObject({ outcome: 'reversed', balanceBefore: 20 });
    expect(outcome?.causes.map((c) => c.event.id)).toEqual([us80.id]);
  });

  it('gives an applied event no cause, and never blames an ancestor', () => {
    expect(explainWithdrawal(statement, us10.id)).toEqual({ outcome: 'applied', balanceBefore: 20, causes: [] });
    // A bounce whose only earlier withdrawal is its own ancestor has nobody concurrent to blame.
    const own = withdraw('alice', 500, { parents: [us80], wall: BASE_WALL + 5 });
    const lines = [...statement.slice(0, 2), { event: own, amount: 500, outcome: 'bounced' as const, balanceAfter: 20, reversed: false }];
    expect(explainWithdrawal(lines, own.id)).toEqual({ outcome: 'bounced', balanceBefore: 20, causes: [] });
  });

  it('answers undefined for an event not in the statement', () => {
    expect(explainWithdrawal(statement, 'f'.repeat(64))).toBeUndefined();
  });
});
