/**
 * What the mesh claims, checker by checker, and what each verdict means for a user. A run is
 * "as claimed" when every safety checker (convergence, no lost writes, bank) is valid, and every
 * session guarantee holds for clients bound to one region.
 * Linearizability is not claimed, nor are session guarantees for clients that switch regions:
 * `invalid` is the expected answer and shows what a client can observe; a `valid` answer only
 * means this run did not happen to exercise the anomaly (a non-guarantee is not a promise to
 * fail), so it does not make the run fail.
 *
 * @example
 * ```ts
 * import { judge } from './claims.ts';
 * const { ok, verdicts } = judge([linearizable, convergence, lostWrites]);
 * process.exitCode = ok ? 0 : 1;
 * ```
 */
import type { Verdict } from './checkers/verdict.ts';
import { validityLabel } from './checkers/verdict.ts';
import type { SessionDetails, SessionGuarantee } from './checkers/session-guarantees.ts';

export interface Claim {
  /** The verdict the mesh's design predicts. */
  readonly expected: 'valid' | 'invalid';
  /** Whether a different verdict breaks a promise (only the safety properties do). */
  readonly promise: boolean;
  /** What the verdict means for someone choosing this system. */
  readonly meaning: string;
  /** Whether a verdict breaks the promise, when not simply "not valid" (default: `valid !== true`). */
  readonly broken?: (v: Verdict) => boolean;
}

/**
 * The claim behind each checker.
 *
 * @example
 * ```ts
 * CLAIMS['lost-writes']?.expected; // 'valid'
 * ```
 */
export const CLAIMS: Readonly<Record<string, Claim>> = {
  linearizable: {
    expected: 'invalid', promise: false,
    meaning: 'Not promised. Every region answers from its own copy at once, even when cut off, so a read can miss a write another region already acknowledged (a stale read), and two regions can briefly disagree on the order of writes. Do not use it where a read must reflect every completed write (locks, unique-name claims, compare-and-set).',
  },
  convergence: {
    expected: 'valid', promise: true,
    meaning: 'Promised. Once links heal and replication catches up, every region gives the same value, heads, balance and bounced set, whatever order the events arrived in.',
  },
  'lost-writes': {
    expected: 'valid', promise: true,
    meaning: 'Promised. A write the mesh acknowledged (201) is durable in its region and reaches every other region, through any partition; concurrent writes are kept as visible conflicts, never silently dropped.',
  },
  bank: {
    expected: 'valid', promise: true,
    meaning: 'Promised. Balances agree everywhere, never go negative in the merged replay, and equal deposits minus applied withdrawals. The price of availability: a withdrawal a region accepted during a partition may be bounced after the merge (listed as a reversed decision), so do not hand out cash on a local balance.',
  },
  escrow: {
    expected: 'valid', promise: true,
    meaning: 'Promised for escrow accounts. As bank, and no withdrawal is ever bounced or reversed: a region says yes only to what its own rights cover. The price: withdrawals its share cannot cover are refused (409 insufficient-rights) until rights arrive; availability is the fraction accepted.',
  },
};

/**
 * The session guarantees, promised to a client that stays with one region and not to one that
 * moves between regions. Why they hold for a bound client: a region's table only grows and its
 * reads are strongly consistent, and a write takes the key's heads there as its parents and
 * stamps above them.
 *
 * @example
 * ```ts
 * SESSION_CLAIMS['read-your-writes'].switching.expected; // 'invalid'
 * ```
 */
export const SESSION_CLAIMS: Readonly<Record<SessionGuarantee, { readonly bound: Claim; readonly switching: Claim }>> = {
  'read-your-writes': {
    bound: {
      expected: 'valid', promise: true,
      meaning: 'Promised to a client that stays with one region: a write is acknowledged once it is in that region\'s table, the table only grows and reads are strongly consistent, so every later read there includes it.',
    },
    switching: {
      expected: 'invalid', promise: false,
      meaning: 'Not promised to a client that moves between regions: the next region may not have received its write yet (replication is asynchronous, and held back during a partition). Keep a user\'s session on one region, or wait until the write\'s event id is there (GET /events/{id}) before reading elsewhere.',
    },
  },
  'monotonic-reads': {
    bound: {
      expected: 'valid', promise: true,
      meaning: 'Promised to a client that stays with one region: that region\'s events for a key only grow, so a read there never loses what an earlier read saw.',
    },
    switching: {
      expected: 'invalid', promise: false,
      meaning: 'Not promised to a client that moves between regions: the next region may be behind the last one, so a value can seem to go back to an older one until replication catches up.',
    },
  },
  'monotonic-writes': {
    bound: {
      expected: 'valid', promise: true,
      meaning: 'Promised to a client that stays with one region: its next write takes the key\'s heads there, which include its previous write, as parents and stamps above them, so it wins over the previous write in every region, whatever order they arrive in.',
    },
    switching: {
      expected: 'invalid', promise: false,
      meaning: 'Not promised to a client that moves between regions: a region that has not yet received its previous write accepts the next one as concurrent with it, a conflict that LWW by stamp decides, so the earlier write may end up the value.',
    },
  },
  'writes-follow-reads': {
    bound: {
      expected: 'valid', promise: true,
      meaning: 'Promised to a client that stays with one region: a write takes as parents the key\'s heads there, which include everything an earlier read there returned, so a reply descends from what it replies to.',
    },
    switching: {
      expected: 'invalid', promise: false,
      meaning: 'Not promised to a client that moves between regions: a write accepted where what it read has not yet arrived does not descend from it, and shows as a conflict beside it.',
    },
  },
};

const isSessionGuarantee = (c: string): c is SessionGuarantee => c in SESSION_CLAIMS;

/**
 * The claim a verdict is judged against: by checker, and for a session guarantee by which
 * sessions it judged (a history mixing both kinds is held to the promise for its bound sessions).
 *
 * @example
 * ```ts
 * claimOf(verdict).expected; // 'valid' | 'invalid'
 * ```
 */
export function claimOf(v: Verdict): Claim {
  if (isSessionGuarantee(v.checker)) {
    const claims = SESSION_CLAIMS[v.checker];
    const mode = (v.details as SessionDetails).mode;
    if (mode === 'switching') return claims.switching;
    if (mode === 'mixed') return { ...claims.bound, broken: (x) => x.valid === 'unknown' || (x.details as SessionDetails).boundViolations > 0 };
    return claims.bound;
  }
  return CLAIMS[v.checker] ?? { expected: 'valid', promise: true, meaning: '' };
}

/** A verdict with the claim it is judged against. */
export interface JudgedVerdict extends Verdict {
  readonly expected: 'valid' | 'invalid';
  /** The verdict is what the design predicts. */
  readonly asExpected: boolean;
  /** The verdict breaks a promise (a safety checker not valid). */
  readonly breach: boolean;
  readonly meaning: string;
}

/**
 * Judge verdicts against the claims; `ok` when no promise is broken.
 *
 * @example
 * ```ts
 * judge([{ checker: 'convergence', valid: true, explanation: '…', details: {} }]).ok; // true
 * ```
 */
export function judge(verdicts: readonly Verdict[]): { ok: boolean; verdicts: JudgedVerdict[] } {
  const judged = verdicts.map((v): JudgedVerdict => {
    const claim = claimOf(v);
    const breach = claim.promise && (claim.broken ? claim.broken(v) : v.valid !== true);
    return { ...v, expected: claim.expected, asExpected: validityLabel(v.valid) === claim.expected, breach, meaning: claim.meaning };
  });
  return { ok: judged.every((v) => !v.breach), verdicts: judged };
}
