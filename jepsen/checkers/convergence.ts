/**
 * Convergence: after the heal and the quiet period, every region answers the same thing for every
 * key and account: register value, deleted flag, heads and event set; account balance and bounced
 * set. A region that could not be read makes the answer `unknown` (unless others already disagree).
 *
 * @example
 * ```ts
 * import { checkConvergence } from './convergence.ts';
 * const v = checkConvergence(final); // { checker: 'convergence', valid: true, explanation: 'All 3 regions agree on …' }
 * ```
 */
import type { FinalReads, RegionFinal } from '../final-state.ts';
import type { Verdict } from './verdict.ts';

export interface Disagreement {
  /** `register k0 value`, `account a1 balance`, … */
  readonly what: string;
  /** Region → what it answered (JSON). */
  readonly answers: Readonly<Record<string, string>>;
}

export interface ConvergenceDetails {
  readonly regions: readonly string[];
  readonly unreadable: readonly string[];
  readonly compared: number;
  readonly disagreements: readonly Disagreement[];
}

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

function facets(r: RegionFinal): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, reg] of Object.entries(r.registers)) {
    out.set(`register ${key} value`, JSON.stringify(reg.found ? { value: reg.value, deleted: reg.deleted } : 'not found'));
    out.set(`register ${key} heads`, JSON.stringify(sorted(reg.heads)));
  }
  for (const [key, events] of Object.entries(r.histories)) out.set(`history ${key} events`, JSON.stringify(sorted(events.map((e) => e.id))));
  for (const [id, acct] of Object.entries(r.accounts)) {
    out.set(`account ${id} balance`, JSON.stringify(acct.balance));
    out.set(`account ${id} bounced`, JSON.stringify(sorted(acct.bounced.map((b) => b.id))));
  }
  return out;
}

/**
 * Compare every region's final answers.
 *
 * @example
 * ```ts
 * checkConvergence({ regions: [a, b], attempts: 1, settledMs: 0 }).valid; // true when a and b agree
 * ```
 */
export function checkConvergence(final: FinalReads): Verdict<ConvergenceDetails> {
  const readable = final.regions.filter((r) => r.error === undefined);
  const unreadable = final.regions.filter((r) => r.error !== undefined).map((r) => r.region);
  const perRegion = new Map(readable.map((r) => [r.region, facets(r)]));
  const names = new Set([...perRegion.values()].flatMap((f) => [...f.keys()]));
  const disagreements: Disagreement[] = [];
  for (const what of [...names].sort()) {
    const answers: Record<string, string> = {};
    for (const [region, f] of perRegion) answers[region] = f.get(what) ?? 'not read';
    if (new Set(Object.values(answers)).size > 1) disagreements.push({ what, answers });
  }
  const details = { regions: final.regions.map((r) => r.region), unreadable, compared: names.size, disagreements };
  const settle = final.attempts > 1 ? ` (after ${final.attempts} rounds of final reads, ${(final.settledMs / 1000).toFixed(1)} s past the quiet period)` : '';
  if (disagreements.length > 0) {
    const first = disagreements[0] as Disagreement;
    return {
      checker: 'convergence', valid: false,
      explanation: `Diverged: ${disagreements.length} of ${names.size} answers differ between regions${settle}; e.g. ${first.what}: ` +
        Object.entries(first.answers).map(([r, a]) => `${r} ${a}`).join(', ') + '.',
      details,
    };
  }
  if (unreadable.length > 0 || readable.length === 0) {
    return {
      checker: 'convergence', valid: 'unknown',
      explanation: `Undecided: ${unreadable.length > 0 ? `could not read ${unreadable.join(', ')}` : 'no region was read'}; the ${readable.length} readable regions agree.`,
      details,
    };
  }
  return {
    checker: 'convergence', valid: true,
    explanation: `Converged: all ${readable.length} regions give the same ${names.size} answers (values, heads, event sets, balances, bounced sets)${settle}.`,
    details,
  };
}
