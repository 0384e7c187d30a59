import { describe, expect, it } from 'vitest';
import type { AccountMode, AccountOp, ModeEvidence } from '../../../../shared/domain/account-mode.ts';
import { accountModes, modeFor, modesOf } from '../../../../shared/domain/account-mode.ts';
import type { ModeConflictError, ModeMismatchError } from '../../../../shared/domain/escrow-errors.ts';
import type { NotFoundError, ValidationError } from '../../../../shared/domain/errors.ts';
import { deposit, escrowDeposit, escrowOpen, setEvent, withdraw } from '../../../support/factories.ts';
import { errorOf } from '../../../support/thrown.ts';

const NONE: ModeEvidence = { plain: false, escrow: false };
const PLAIN: ModeEvidence = { plain: true, escrow: false };
const ESCROW: ModeEvidence = { plain: false, escrow: true };
const BOTH: ModeEvidence = { plain: true, escrow: true };

/** What modeFor answers: the mode, or the class name of what it throws. */
function outcome(op: AccountOp, known: ModeEvidence, requested?: AccountMode): string {
  try {
    return modeFor('alice', op, known, requested);
  } catch (e) {
    return (e as Error).name;
  }
}

describe('modesOf and accountModes', () => {
  it('say which streams of an id hold events here', () => {
    // Prepare
    const plain = [deposit('alice', 5), withdraw('alice', 1)];
    const escrow = [escrowOpen('alice'), escrowDeposit('alice', 5)];
    const unrelated = [setEvent('alice', 1), deposit('bob', 5), escrowDeposit('carol', 5)];

    // Act / Assess
    expect(modesOf('alice', unrelated)).toEqual(NONE);
    expect(modesOf('alice', [...plain, ...unrelated])).toEqual(PLAIN);
    expect(modesOf('alice', escrow)).toEqual(ESCROW);
    expect(modesOf('alice', [...escrow, ...plain])).toEqual(BOTH);
    expect([NONE, PLAIN, ESCROW, BOTH].map(accountModes)).toEqual(['none', 'plain', 'escrow', 'both']);
  });
});

describe('modeFor', () => {
  // Every operation × what this region holds × the mode the request names: the whole rule.
  const table: Record<AccountOp, Record<string, [string, string, string]>> = {
    //                       unnamed                  "plain"                  "escrow"
    create: {
      none: ['ValidationError', 'plain', 'escrow'],
      plain: ['ValidationError', 'plain', 'ModeMismatchError'],
      escrow: ['ValidationError', 'ModeMismatchError', 'escrow'],
      both: ['ValidationError', 'plain', 'escrow'],
    },
    deposit: {
      none: ['plain', 'plain', 'escrow'],
      plain: ['plain', 'plain', 'ModeMismatchError'],
      escrow: ['escrow', 'ModeMismatchError', 'escrow'],
      both: ['ModeConflictError', 'plain', 'escrow'],
    },
    withdraw: {
      none: ['plain', 'plain', 'escrow'],
      plain: ['plain', 'plain', 'ModeMismatchError'],
      escrow: ['escrow', 'ModeMismatchError', 'escrow'],
      both: ['ModeConflictError', 'plain', 'escrow'],
    },
    transfer: {
      none: ['NotFoundError', 'ModeMismatchError', 'escrow'],
      plain: ['ModeMismatchError', 'ModeMismatchError', 'ModeMismatchError'],
      escrow: ['escrow', 'ModeMismatchError', 'escrow'],
      both: ['escrow', 'ModeMismatchError', 'escrow'],
    },
    request: {
      none: ['NotFoundError', 'ModeMismatchError', 'escrow'],
      plain: ['ModeMismatchError', 'ModeMismatchError', 'ModeMismatchError'],
      escrow: ['escrow', 'ModeMismatchError', 'escrow'],
      both: ['escrow', 'ModeMismatchError', 'escrow'],
    },
  };
  const held = { none: NONE, plain: PLAIN, escrow: ESCROW, both: BOTH };

  for (const [op, rows] of Object.entries(table)) {
    for (const [what, expected] of Object.entries(rows)) {
      it(`${op} on an id held here as ${what}: ${expected.join(' / ')}`, () => {
        // Act
        const got = [undefined, 'plain', 'escrow'].map((m) => outcome(op as AccountOp, held[what as keyof typeof held], m as AccountMode | undefined));

        // Assess
        expect(got).toEqual(expected);
      });
    }
  }

  it('never moves an id held in one mode to the other: more evidence gives the same mode or a conflict', () => {
    // Act / Assess: for unnamed requests, what PLAIN answers, BOTH answers too or refuses as a conflict; the same for ESCROW.
    for (const op of ['deposit', 'withdraw', 'transfer', 'request'] as const) {
      for (const [one, mode] of [[PLAIN, 'plain'], [ESCROW, 'escrow']] as const) {
        const before = outcome(op, one);
        const after = outcome(op, BOTH);
        if (before === mode) expect([mode, 'ModeConflictError']).toContain(after);
        const other = mode === 'plain' ? 'escrow' : 'plain';
        expect(after === other && before === mode).toBe(false);
      }
    }
  });

  it('explains each refusal with a 409 (or 404, 400) that says what to do', () => {
    // Act
    const conflict = errorOf(() => modeFor('alice', 'deposit', BOTH)) as ModeConflictError;
    const mismatch = errorOf(() => modeFor('alice', 'transfer', PLAIN)) as ModeMismatchError;
    const missing = errorOf(() => modeFor('alice', 'request', NONE)) as NotFoundError;
    const bad = errorOf(() => modeFor('alice', 'deposit', NONE, 'gold' as AccountMode)) as ValidationError;

    // Assess
    expect([conflict.status, conflict.code]).toEqual([409, 'mode-conflict']);
    expect(conflict.message).toBe('account "alice" exists here both as a plain and as an escrow account (created concurrently in two modes): say which one this deposit is for with "mode"');
    expect([mismatch.status, mismatch.code, mismatch.message]).toEqual([409, 'mode-mismatch', 'account "alice" is a plain account here: transfer is an escrow operation']);
    expect([missing.status, missing.message]).toEqual([404, 'no escrow account "alice" in this region (yet): create it with mode "escrow", or retry once it has replicated here']);
    expect([bad.status, bad.message]).toEqual([400, 'mode: must be "plain" or "escrow", got "gold"']);
  });
});
