/**
 * The run report: one self-contained HTML file (inline CSS and SVG, no scripts or external
 * assets) with the checker verdicts and what they mean, the minimal counterexample, a timeline of
 * every operation per client with the nemesis windows shaded, latency over time, and the final
 * state of every region.
 *
 * @example
 * ```ts
 * import { renderReport } from './html.ts';
 * writeFileSync('report.html', renderReport(run));
 * ```
 */
import type { Op, Operation } from '../history.ts';
import { pairOperations } from '../history.ts';
import type { FinalReads } from '../final-state.ts';
import type { NemesisWindow } from '../nemesis.ts';
import type { JudgedVerdict } from '../claims.ts';
import type { RunConfig } from '../runner.ts';
import type { Counterexample } from '../checkers/linearizable.ts';
import { validityLabel } from '../checkers/verdict.ts';
import { OUTCOME_COLOURS, axisTicks, esc } from './svg.ts';
import { sessionHighlights, sessionSection } from './session-section.ts';

/** Everything the report shows: a run's result (the runner's `RunResult` is this type), or one rebuilt from its files. */
export interface ReportInput {
  readonly config: RunConfig;
  readonly history: readonly Op[];
  readonly final: FinalReads;
  readonly windows: readonly NemesisWindow[];
  readonly verdicts: readonly JudgedVerdict[];
  /** No promise broken. */
  readonly ok: boolean;
  /** ns since start: end of client load, end of quiet period. */
  readonly loadEnd: number;
  readonly quietEnd: number;
}

const W = 1100;
const LEFT = 150;
const RIGHT = 20;
const sec = (ns: number): number => ns / 1e9;

function xScale(maxNs: number): (ns: number) => number {
  return (ns) => LEFT + (Math.min(ns, maxNs) / maxNs) * (W - LEFT - RIGHT);
}

/** Shorten a label to fit `px` pixels at 10 px sans-serif (about 5.5 px a character). */
function fit(label: string, px: number): string {
  const max = Math.floor(px / 5.5);
  return label.length <= max ? label : max <= 1 ? '' : `${label.slice(0, max - 1)}…`;
}

function shading(windows: readonly NemesisWindow[], x: (ns: number) => number, top: number, height: number): string {
  return windows.map((w) => {
    const x0 = x(w.start);
    const x1 = x(Number.isFinite(w.end) ? w.end : Number.MAX_SAFE_INTEGER);
    return `<rect x="${x0.toFixed(1)}" y="${top}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${height}" fill="#f6c6c6" opacity="0.45"><title>${esc(w.description)}: ${sec(w.start).toFixed(2)} s – ${sec(w.end).toFixed(2)} s</title></rect>` +
      `<text x="${(x0 + 3).toFixed(1)}" y="${top + 11}" font-size="10" fill="#a33">${esc(fit(w.description, x1 - x0 - 6))}</text>`;
  }).join('');
}

function timeAxis(x: (ns: number) => number, maxNs: number, y: number, top: number): string {
  return axisTicks(0, sec(maxNs), 10).map((t) =>
    `<line x1="${x(t * 1e9).toFixed(1)}" x2="${x(t * 1e9).toFixed(1)}" y1="${top}" y2="${y}" stroke="#eee"/>` +
    `<text x="${x(t * 1e9).toFixed(1)}" y="${y + 14}" font-size="10" text-anchor="middle" fill="#555">${t} s</text>`).join('');
}

function describeOp(o: Operation): string {
  const result = o.outcome === 'ok' ? (o.f === 'read' ? `→ ${JSON.stringify(o.complete?.value ?? null)}` : 'ok') : `${o.outcome}${o.complete?.error ? ` (${o.complete.error})` : ''}`;
  const end = o.complete ? `${sec(o.complete.time).toFixed(3)} s` : '—';
  return `p${o.process} ${o.invoke.region ?? ''} ${o.f} ${o.key ?? ''} ${o.f === 'read' ? '' : JSON.stringify(o.invoke.value)} ${result}\n${sec(o.start).toFixed(3)} s → ${end} (#${o.invoke.index})`;
}

function timeline(ops: readonly Operation[], input: ReportInput, highlight: ReadonlySet<number>, sessionMarks: ReadonlySet<number>, maxNs: number): string {
  const workers = input.config.concurrency;
  const regions = input.config.regions.map((r) => r.region);
  const switching = input.config.clients === 'switching';
  const rowH = 18;
  const top = 16;
  const height = top + workers * rowH + 24;
  const x = xScale(maxNs);
  const rows = Array.from({ length: workers }, (_, w) =>
    `<text x="${LEFT - 6}" y="${top + w * rowH + 13}" font-size="11" text-anchor="end">worker ${w} · ${switching ? 'switching' : esc(regions[w % regions.length] ?? '')}</text>` +
    `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${top + (w + 1) * rowH}" y2="${top + (w + 1) * rowH}" stroke="#f3f3f3"/>`).join('');
  const bars = ops.map((o) => {
    const w = (o.process as number) % workers;
    const end = o.complete?.time ?? input.loadEnd;
    const x0 = x(o.start);
    const width = Math.max(1.5, x(end) - x0);
    const y = top + w * rowH + 3;
    const outline = highlight.has(o.invoke.index) ? ' stroke="#000" stroke-width="2"' : sessionMarks.has(o.invoke.index) ? ' stroke="#1f5fbf" stroke-width="2"' : '';
    const read = o.f === 'read';
    return `<rect x="${x0.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${rowH - 6}" class="${o.outcome}${read ? ' r' : ''}"${outline}><title>${esc(describeOp(o))}</title></rect>`;
  }).join('');
  const end = `<line x1="${x(input.loadEnd).toFixed(1)}" x2="${x(input.loadEnd).toFixed(1)}" y1="${top}" y2="${height - 24}" stroke="#333" stroke-dasharray="4 3"/>`;
  return `<svg width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" aria-label="timeline of operations per worker">` +
    timeAxis(x, maxNs, height - 20, top) + shading(input.windows, x, top - 14, workers * rowH + 14) + rows + bars + end + '</svg>';
}

function latency(ops: readonly Operation[], input: ReportInput, maxNs: number): string {
  const top = 16;
  const plotH = 220;
  const height = top + plotH + 30;
  const x = xScale(maxNs);
  const lat = (o: Operation): number => ((o.complete?.time ?? o.start) - o.start) / 1e6;
  const maxMs = ops.reduce((m, o) => Math.max(m, lat(o)), 10);
  const minMs = 1;
  const y = (ms: number): number => top + plotH - (Math.log10(Math.max(ms, minMs)) / Math.log10(maxMs)) * plotH;
  const ticks = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000].filter((t) => t <= maxMs * 1.01);
  const grid = ticks.map((t) => `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/><text x="${LEFT - 6}" y="${(y(t) + 3).toFixed(1)}" font-size="10" text-anchor="end" fill="#555">${t} ms</text>`).join('');
  const dots = ops.map((o) => `<circle cx="${x(o.start).toFixed(1)}" cy="${y(lat(o)).toFixed(1)}" r="2" class="${o.outcome}"><title>p${o.process} ${o.f} ${o.outcome} ${lat(o).toFixed(0)} ms (#${o.invoke.index})</title></circle>`).join('');
  return `<svg width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" aria-label="latency over time">` +
    timeAxis(x, maxNs, top + plotH + 4, top) + shading(input.windows, x, top - 14, plotH + 14) + grid + dots + '</svg>';
}

function verdictRows(verdicts: readonly JudgedVerdict[]): string {
  return verdicts.map((v) => {
    const label = validityLabel(v.valid);
    const cls = v.breach ? 'bad' : v.asExpected ? 'good' : 'meh';
    return `<tr><td><b>${esc(v.checker)}</b></td><td><span class="badge ${label}">${label}</span></td><td>${esc(v.expected)}</td>` +
      `<td class="${cls}">${v.breach ? 'promise broken' : v.asExpected ? 'as designed' : 'not observed in this run'}</td>` +
      `<td>${esc(v.explanation)}<div class="meaning">${esc(v.meaning)}</div></td></tr>`;
  }).join('');
}

function finalTable(final: FinalReads): string {
  const keys = [...new Set(final.regions.flatMap((r) => [...Object.keys(r.registers), ...Object.keys(r.accounts)]))].sort();
  const cell = (r: FinalReads['regions'][number], k: string): string => {
    if (r.error) return `<td class="bad">${esc(r.error)}</td>`;
    const reg = r.registers[k];
    if (reg) return `<td>${reg.found ? esc(JSON.stringify(reg.value)) : '<i>none</i>'} <small>${reg.heads.length} head${reg.heads.length === 1 ? '' : 's'}, ${(r.histories[k] ?? []).length} events</small></td>`;
    const a = r.accounts[k];
    if (a) return `<td>${a.balance} <small>${a.bounced.length} bounced, ${a.reversed.length} reversed, ${(r.histories[k] ?? []).length} events</small></td>`;
    return '<td>—</td>';
  };
  return `<table><tr><th>key / account</th>${final.regions.map((r) => `<th>${esc(r.region)}</th>`).join('')}</tr>` +
    keys.map((k) => `<tr><td><code>${esc(k)}</code></td>${final.regions.map((r) => cell(r, k)).join('')}</tr>`).join('') + '</table>' +
    `<p>Final reads took ${final.attempts} round${final.attempts === 1 ? '' : 's'}${final.attempts > 1 ? ` (${(final.settledMs / 1000).toFixed(1)} s after the quiet period)` : ''}.</p>`;
}

function stats(ops: readonly Operation[]): string {
  const fs = [...new Set(ops.map((o) => o.f))].sort();
  const count = (f: string, outcome: string): number => ops.filter((o) => o.f === f && o.outcome === outcome).length;
  return `<table><tr><th>operation</th><th>ok</th><th>fail</th><th>info</th></tr>` +
    fs.map((f) => `<tr><td>${f}</td><td>${count(f, 'ok')}</td><td>${count(f, 'fail')}</td><td>${count(f, 'info')}</td></tr>`).join('') + '</table>';
}

/**
 * Render the whole report as one HTML document.
 *
 * @example
 * ```ts
 * const html = renderReport(await runJepsen(options));
 * html.startsWith('<!doctype html>'); // true
 * ```
 */
export function renderReport(input: ReportInput): string {
  const ops = pairOperations(input.history).filter((o) => o.process !== 'nemesis');
  // Folds, not Math.max(...spread): a history of 65,000+ operations would overflow the stack.
  const lastOp = ops.reduce((m, o) => Math.max(m, o.complete?.time ?? 0), 0);
  const lastWindow = input.windows.reduce((m, w) => Math.max(m, Number.isFinite(w.end) ? w.end : 0), 0);
  const maxNs = Math.max(input.loadEnd, lastOp, lastWindow, 1);
  const lin = input.verdicts.find((v) => v.checker === 'linearizable');
  const ce = (lin?.details as { counterexample?: Counterexample } | undefined)?.counterexample;
  const highlight = new Set(ce?.ops.map((o) => o.index) ?? []);
  const c = input.config;
  const title = `${c.workload} · nemesis ${c.nemesis} · ${c.startedAt}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Jepsen run: ${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#222;max-width:${W + 40}px}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:6px 0} td,th{border:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:600}
.valid{background:${OUTCOME_COLOURS.ok}} .invalid{background:${OUTCOME_COLOURS.fail}} .unknown{background:${OUTCOME_COLOURS.info}}
.good{color:${OUTCOME_COLOURS.ok};font-weight:600} .bad{color:${OUTCOME_COLOURS.fail};font-weight:600} .meh{color:#a36b00;font-weight:600}
.meaning{color:#555;font-size:12px;margin-top:4px} pre{background:#f7f7f7;padding:10px;white-space:pre-wrap;font-size:12px}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle} small{color:#666}
.summary{font-size:16px;margin:8px 0}
rect.ok,circle.ok{fill:${OUTCOME_COLOURS.ok}} rect.fail,circle.fail{fill:${OUTCOME_COLOURS.fail}} rect.info,circle.info{fill:${OUTCOME_COLOURS.info}}
rect.ok,rect.fail,rect.info{fill-opacity:.95} rect.r{fill-opacity:.55} circle{fill-opacity:.7}
</style></head><body>
<h1>Jepsen-style run: ${esc(title)}</h1>
<div>${ops.length} operations by ${c.concurrency} ${c.clients === 'switching' ? 'switching ' : ''}workers over ${c.regions.length} regions (${c.regions.map((r) => esc(`${r.region} ${r.url}`)).join(', ')}), ${c.timeS} s of load, ${c.quietS} s quiet, request timeout ${c.timeoutMs} ms, seed ${c.seed}.</div>
<p class="summary ${input.ok ? 'good' : 'bad'}">${input.ok ? 'Every promise held: the mesh behaved as designed.' : 'A promise was broken: see the verdicts below.'}</p>
<h2>Verdicts</h2>
<table><tr><th>checker</th><th>verdict</th><th>designed</th><th>judgement</th><th>explanation · what it means</th></tr>${verdictRows(input.verdicts)}</table>
${ce ? `<h2>Counterexample to linearizability</h2><pre>${esc(ce.text)}</pre><p>These operations are outlined in black on the timeline.</p>` : ''}
${sessionSection(input.verdicts)}
<h2>Timeline</h2>
<div class="legend"><span style="background:${OUTCOME_COLOURS.ok}"></span>ok<span style="background:${OUTCOME_COLOURS.fail}"></span>fail<span style="background:${OUTCOME_COLOURS.info}"></span>info (unknown outcome)<span style="background:#f6c6c6"></span>nemesis fault · reads are paler than writes · dashed line: end of load · hover for details</div>
${timeline(ops, input, highlight, sessionHighlights(input.verdicts), maxNs)}
<h2>Latency</h2>
${latency(ops, input, maxNs)}
<h2>Operations</h2>
${stats(ops)}
<h2>Nemesis</h2>
${input.windows.length === 0 ? '<p>No faults injected.</p>' : `<table><tr><th>fault</th><th>from</th><th>to</th></tr>${input.windows.map((w) => `<tr><td>${esc(w.description)}</td><td>${sec(w.start).toFixed(2)} s</td><td>${Number.isFinite(w.end) ? `${sec(w.end).toFixed(2)} s` : 'end'}</td></tr>`).join('')}</table>`}
<h2>Final state of every region</h2>
${finalTable(input.final)}
<p><small>Files beside this report: <a href="history.jsonl">history.jsonl</a> (one op per line), <a href="history.edn">history.edn</a> (Jepsen/Knossos), <a href="final.json">final.json</a> (every region's final answers), <a href="results.json">results.json</a> (configuration and verdicts).</small></p>
</body></html>
`;
}
