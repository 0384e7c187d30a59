/**
 * The report's section on session guarantees: for each guarantee its verdict, what the design
 * predicts for these sessions and why, how many pairs of operations were checked, and the first
 * violations in words, with the history indexes to find them on the timeline.
 *
 * @example
 * ```ts
 * import { sessionSection, sessionHighlights } from './session-section.ts';
 * const html = sessionSection(run.verdicts); // '' when the run checked no session guarantee
 * ```
 */
import type { JudgedVerdict } from '../claims.ts';
import type { SessionDetails } from '../checkers/session-guarantees.ts';
import { SESSION_GUARANTEES } from '../checkers/session-guarantees.ts';
import { validityLabel } from '../checkers/verdict.ts';
import { esc } from './svg.ts';

const sessionVerdicts = (verdicts: readonly JudgedVerdict[]): JudgedVerdict[] =>
  verdicts.filter((v) => (SESSION_GUARANTEES as readonly string[]).includes(v.checker));

/**
 * History indexes (invocations) of the first violation of each guarantee, to outline on the timeline.
 *
 * @example
 * ```ts
 * sessionHighlights(run.verdicts); // Set { 118, 131 }
 * ```
 */
export function sessionHighlights(verdicts: readonly JudgedVerdict[]): Set<number> {
  const out = new Set<number>();
  for (const v of sessionVerdicts(verdicts)) {
    const first = (v.details as SessionDetails).examples[0];
    if (first !== undefined) out.add(first.earlier.index).add(first.later.index);
  }
  return out;
}

const MODE: Readonly<Record<SessionDetails['mode'], string>> = {
  bound: 'Every session here stayed with one region: the mesh promises all four guarantees to such a client.',
  switching: 'Every session here switched regions between operations: the mesh promises none of the four to such a client, and a violation shows what it would see.',
  mixed: 'Some sessions stayed with one region and some switched: the promise is judged on the bound ones.',
};

/**
 * The section's HTML ('' when there are no session verdicts).
 *
 * @example
 * ```ts
 * sessionSection(judge(checkSessionGuarantees(history)).verdicts).includes('read-your-writes'); // true
 * ```
 */
export function sessionSection(verdicts: readonly JudgedVerdict[]): string {
  const vs = sessionVerdicts(verdicts);
  const first = vs[0];
  if (first === undefined) return '';
  const d0 = first.details as SessionDetails;
  const rows = vs.map((v) => {
    const d = v.details as SessionDetails;
    const label = validityLabel(v.valid);
    const cls = v.breach ? 'bad' : v.asExpected ? 'good' : 'meh';
    const examples = d.examples.map((e) => `<li>${esc(e.why)} <small>(history #${e.earlier.index} → #${e.later.index})</small></li>`).join('');
    return `<tr><td><b>${esc(v.checker)}</b></td><td><span class="badge ${label}">${label}</span></td><td>${esc(v.expected)}</td>` +
      `<td class="${cls}">${v.breach ? 'promise broken' : v.asExpected ? 'as designed' : 'not observed in this run'}</td>` +
      `<td>${d.checks}</td><td>${d.violations}${d.violations > 0 ? ` <small>in ${d.violatingSessions} session${d.violatingSessions === 1 ? '' : 's'}</small>` : ''}${d.undecided > 0 ? ` <small>${d.undecided} undecided</small>` : ''}</td>` +
      `<td>${esc(v.meaning)}${examples ? `<ul>${examples}</ul>` : ''}</td></tr>`;
  }).join('');
  return `<h2>Session guarantees</h2>
<p>Checked per client session (one worker) and per key, from the events each write created and the heads each read returned, walked through <code>parents</code>. ${d0.sessions} sessions: ${d0.boundSessions} bound to one region, ${d0.switchingSessions} switching. ${esc(MODE[d0.mode])}</p>
<table><tr><th>guarantee</th><th>verdict</th><th>designed</th><th>judgement</th><th>pairs checked</th><th>violations</th><th>why, by design · first violations (outlined in blue on the timeline)</th></tr>${rows}</table>`;
}
