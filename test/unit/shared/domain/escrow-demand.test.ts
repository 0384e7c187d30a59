import { describe, expect, it } from 'vitest';
import { nextWant, recentSpend } from '../../../../shared/domain/escrow-demand.ts';
import { escrowFold, escrowState } from '../../../../shared/domain/escrow.ts';
import type { MeshEvent } from '../../../../shared/domain/types.ts';
import { escrowDeposit, escrowRequest, escrowWithdraw } from '../../../support/factories.ts';

const EU = 'eu-west-1';
/** Windows of 1000 ms, so wall times read as window numbers. */
const FOLD = escrowFold({ spendWindowMs: 1000 });

/** eu-west-1 holds 10 000, withdraws `spends` (wall, amount) and last asked for `want` (if given). */
function history(spends: readonly [number, number][], want?: number): MeshEvent[] {
  const out: MeshEvent[] = [escrowDeposit('acct', 10_000, { origin: EU, wall: 1 })];
  if (want !== undefined) out.push(escrowRequest('acct', want, { origin: EU, parents: [out[0] as MeshEvent], wall: 2 }));
  for (const [wall, amount] of spends) out.push(escrowWithdraw('acct', amount, { origin: EU, parents: [out[out.length - 1] as MeshEvent], wall }));
  return out;
}
const stateOf = (events: MeshEvent[]) => escrowState('acct', events, FOLD);

describe('recentSpend', () => {
  it('is the larger of what the region withdrew in the window of `now` and in the one before', () => {
    // Prepare: 30 in window 5, 12 in window 6.
    const s = stateOf(history([[5100, 10], [5900, 20], [6200, 12]]));

    // Act / Assess
    expect(recentSpend(s, EU, 6500)).toBe(30n);
    expect(recentSpend(stateOf(history([[5100, 10], [6200, 12]])), EU, 6500)).toBe(12n);
    expect(recentSpend(s, EU, 7999)).toBe(12n);
    expect(recentSpend(s, EU, 8000)).toBe(0n);
    expect(recentSpend(s, 'us-east-1', 6500)).toBe(0n);
  });
});

describe('nextWant', () => {
  it('asks for at least a refused amount at once, when its want is below it', () => {
    // Prepare
    const s = stateOf(history([]));

    // Act / Assess
    expect(nextWant(s, EU, 10_000, { refused: 50 })).toBe(50);
    expect(nextWant(stateOf(history([], 40)), EU, 10_000, { refused: 50 })).toBe(50);
  });

  it('does not ask for a refused amount the whole balance cannot cover', () => {
    // Act / Assess: the balance is 10 000.
    expect(nextWant(stateOf(history([])), EU, 10_000, { refused: 10_001 })).toBeUndefined();
    expect(nextWant(stateOf(history([])), EU, 10_000, { refused: 10_000 })).toBe(10_000);
  });

  it('does not ask again while a request that covers the refusal stands', () => {
    // Act / Assess
    expect(nextWant(stateOf(history([], 80)), EU, 10_000, { refused: 50 })).toBeUndefined();
  });

  it('follows recent spending with headroom, when it moves by more than the band', () => {
    // Prepare: 10 000 balance → band 500 at 5 %; 1 000 spent this window.
    const spending = history([[9100, 600], [9200, 400]]);

    // Act / Assess
    expect(nextWant(stateOf(spending), EU, 9500)).toBe(1500);
    expect(nextWant(stateOf(spending), EU, 9500, { headroomPercent: 200 })).toBe(2000);
    expect(nextWant(stateOf(history([[9100, 100]])), EU, 9500)).toBeUndefined();
  });

  it('keeps a steady spender\'s want: no stream of requests', () => {
    // Prepare: it asked for 1500, and keeps spending 1000 per window.
    const s = stateOf(history([[9100, 1000], [10_100, 1000]], 1500));

    // Act / Assess
    expect(nextWant(s, EU, 10_050)).toBeUndefined();
    expect(nextWant(s, EU, 10_950)).toBeUndefined();
  });

  it('releases its want when spending stops', () => {
    // Prepare
    const s = stateOf(history([[9100, 1000]], 1500));

    // Act / Assess
    expect(nextWant(s, EU, 20_000)).toBe(0);
  });

  it('refuses a headroom below 100 % and a malformed refused amount', () => {
    // Prepare
    const s = stateOf(history([]));

    // Act / Assess
    expect(() => nextWant(s, EU, 0, { headroomPercent: 90 })).toThrow(/headroomPercent: must be an integer of at least 100/);
    expect(() => nextWant(s, EU, 0, { refused: 1.5 })).toThrow(/refused: must be a positive integer/);
  });
});
