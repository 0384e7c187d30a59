/**
 * Replication: each region's state in plain words (in sync / behind by N / partitioned, and
 * whether repair still reaches it), then every directed link with its state, what waits on it and
 * its lag now, each as a small chart over the last minutes (sampled by this page), and a
 * Partition / Heal switch (the nemesis) with its outcome beside it.
 *
 * @example
 * ```ts
 * import { createReplicationView } from './replication-view.ts';
 * const replication = createReplicationView(document.querySelector('#replication-view')!, app);
 * replication.render(statuses, series);
 * ```
 */
import type { App } from '../app.ts';
import { busy, h, renderIfChanged, s } from '../dom.ts';
import type { Child } from '../dom.ts';
import { describeFailure } from '../failure.ts';
import { formatDuration, plural } from '../format.ts';
import { LAG_DEFINITION, linkRows, regionStates } from '../replication.ts';
import type { LinkRow, LinkSample, ReplicationSeries, StatusAnswer } from '../replication.ts';
import { sparkline } from '../spark.ts';
import { dataTable } from './table.ts';
import type { Row } from './table.ts';

/** The charts show at most this much history, and at least this little (so a new page's first samples are not one spike). */
const MAX_SPAN_MS = 5 * 60_000;
const MIN_SPAN_MS = 60_000;
const CHART = { width: 160, height: 32 };

export interface ReplicationView {
  render(statuses: readonly StatusAnswer[], series: ReplicationSeries): void;
}

/** Wires the view into `root`. */
export function createReplicationView(root: HTMLElement, app: App): ReplicationView {
  /** The outcome of the last switch of each link (and of "all"), shown beside its button. */
  const outcomes = new Map<string, { ok: boolean; text: string }>();
  let last: { statuses: readonly StatusAnswer[]; series: ReplicationSeries } | undefined;

  const rerender = (): void => {
    if (last) render(last.statuses, last.series);
  };

  async function setLink(statuses: readonly StatusAnswer[], from: string, to: string, enabled: boolean): Promise<boolean> {
    // Switched through its destination when that region answers (where delivery is), else any.
    const via = statuses.find((x) => x.region === to && x.ok) ?? statuses.find((x) => x.ok);
    const client = via === undefined ? undefined : app.client(via.region);
    if (client === undefined) {
      outcomes.set(`${from}->${to}`, { ok: false, text: 'no region answers to switch it' });
      return false;
    }
    try {
      await client.setLink(from, to, enabled);
      outcomes.set(`${from}->${to}`, { ok: true, text: enabled ? 'healed' : 'partitioned' });
      return true;
    } catch (error) {
      outcomes.set(`${from}->${to}`, { ok: false, text: describeFailure(error).text });
      return false;
    }
  }

  function render(statuses: readonly StatusAnswer[], series: ReplicationSeries): void {
    last = { statuses, series };
    const rows = linkRows(statuses);
    const states = regionStates(statuses, rows);
    const model = { states, rows: rows.map((r) => ({ ...r, samples: series.samples(r.from, r.to).slice(-60) })), outcomes: [...outcomes] };
    renderIfChanged(root, model, () => [
      h(
        'div',
        { class: 'states', role: 'list', 'aria-label': 'Replication state of each region' },
        states.map((st) =>
          h(
            'article',
            { class: `state ${st.kind}`, role: 'listitem', id: `region-state-${st.region}`, 'data-state': st.kind },
            h('h3', {}, st.region, ' ', h('span', { class: `badge ${st.kind === 'in-sync' ? 'ok' : st.kind === 'behind' ? 'conflict' : 'bad'}` }, word(st.kind))),
            h('p', {}, st.text),
            st.refused === undefined ? null : h('p', { class: 'warn', 'data-refused': '' }, st.refused),
          ),
        ),
      ),
      dataTable({
        caption: 'Replication links (delivery from → to), sampled every refresh',
        props: { id: 'links-table' },
        columns: [{ label: 'Link', rowHeader: true }, { label: 'State' }, { label: 'Waiting' }, { label: 'Lag' }, { label: 'Last batch', num: true }, { label: 'DLQ', num: true }, { label: 'Switch' }],
        rows: rows.map((row) => linkRow(row, series.samples(row.from, row.to), () => setLink(statuses, row.from, row.to, row.state?.enabled === false).then(() => app.refresh()))),
      }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', id: 'partition-all', onclick: (e: Event) => void setAll(e, rows, statuses, false) }, 'Partition all links'),
        h('button', { type: 'button', id: 'heal-all', class: 'secondary', onclick: (e: Event) => void setAll(e, rows, statuses, true) }, 'Heal all links'),
        outcomeText(outcomes.get('all'), 'links-feedback'),
      ),
    ]);
  }

  async function setAll(e: Event, rows: readonly LinkRow[], statuses: readonly StatusAnswer[], enabled: boolean): Promise<void> {
    outcomes.delete('all');
    await busy(e.currentTarget as HTMLButtonElement, async () => {
      const results = await Promise.all(rows.map((r) => setLink(statuses, r.from, r.to, enabled)));
      const failed = results.filter((ok) => !ok).length;
      outcomes.set('all', failed === 0 ? { ok: true, text: enabled ? 'Healed every link.' : 'Partitioned every link.' } : { ok: false, text: `${plural(failed, 'link')} could not be switched (see each link).` });
    });
    await app.refresh();
    rerender();
  }

  function linkRow(row: LinkRow, samples: readonly LinkSample[], toggle: () => Promise<void>): Row {
    const { from, to, state } = row;
    const now = samples.at(-1);
    const label = state?.enabled === false ? 'Heal' : 'Partition';
    const outcome = outcomes.get(`${from}->${to}`);
    const cells: Child[] = [
      h('span', { class: 'nowrap' }, from, ' → ', to),
      linkBadge(state),
      chartCell(`Events waiting on ${from} → ${to}`, samples.map((x) => ({ t: x.t, v: x.pending })), now?.pending === undefined ? '–' : String(now.pending)),
      chartCell(`Lag of ${from} → ${to}`, samples.map((x) => ({ t: x.t, v: x.ageMs })), lagNow(now), LAG_DEFINITION),
      state?.lag === undefined ? '–' : h('span', { title: `stored ${new Date(state.lag.at).toISOString()}; ${state.lag.events} events delivered so far; clock skew included` }, formatDuration(state.lag.lastMs)),
      state?.dlq === undefined ? '–' : String(state.dlq),
      h(
        'span',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            id: `link-${from}-${to}`,
            class: state?.enabled === false ? null : 'secondary',
            'aria-label': `${label} ${from} to ${to}`,
            onclick: (e: Event) => {
              outcomes.delete(`${from}->${to}`);
              void busy(e.currentTarget as HTMLButtonElement, toggle).then(rerender);
            },
          },
          label,
        ),
        outcomeText(outcome, `link-feedback-${from}-${to}`),
      ),
    ];
    return { cells, props: { 'data-link': `${from}->${to}` } };
  }

  return { render };
}

/** The link's state: off (partitioned), else the API's `sync` (in sync / behind) where it reports one. */
function linkBadge(state: LinkRow['state']): HTMLElement {
  if (state === undefined) return h('span', { class: 'badge muted' }, 'unknown');
  if (!state.enabled) return h('span', { class: 'badge bad', 'data-sync': 'partitioned' }, 'partitioned');
  if (state.sync === 'behind') return h('span', { class: 'badge conflict', 'data-sync': 'behind' }, 'up, behind');
  return h('span', { class: 'badge ok', 'data-sync': state.sync ?? 'up' }, state.sync === 'in-sync' ? 'up, in sync' : 'up');
}

function word(kind: string): string {
  return kind === 'in-sync' ? 'in sync' : kind === 'unreachable' ? 'not answering' : kind;
}

function lagNow(sample: LinkSample | undefined): string {
  if (sample?.ageMs === undefined) return '–';
  return `${sample.estimated ? '≥ ' : ''}${formatDuration(sample.ageMs)}`;
}

function outcomeText(outcome: { ok: boolean; text: string } | undefined, id: string): HTMLElement {
  return h('span', { id, class: `feedback ${outcome === undefined ? '' : outcome.ok ? 'ok' : 'bad'}`, role: 'status', 'aria-live': 'polite' }, outcome === undefined ? null : [h('span', { 'aria-hidden': 'true' }, outcome.ok ? '✓ ' : '✗ '), outcome.text]);
}

function chartCell(title: string, points: ReadonlyArray<{ t: number; v: number | undefined }>, now: string, definition?: string): HTMLElement {
  const sampled = (points.at(-1)?.t ?? 0) - (points[0]?.t ?? 0);
  const span = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, sampled));
  const spark = sparkline(points, { ...CHART, span });
  const max = Math.round(spark.max);
  const period = formatDuration(span);
  return h(
    'div',
    { class: 'chart' },
    h('strong', { title: definition ?? null, 'data-now': '' }, now),
    s(
      'svg',
      { class: 'spark', viewBox: `0 0 ${CHART.width} ${CHART.height}`, role: 'img', 'aria-label': `${title} over the last ${period}: now ${now}` },
      s('title', {}, `${title}, last ${period} (scale 0 to ${title.startsWith('Lag') ? formatDuration(max) : max})`),
      s('line', { class: 'axis', x1: 0, y1: CHART.height - 0.5, x2: CHART.width, y2: CHART.height - 0.5 }),
      spark.path ? s('path', { class: 'line', d: spark.path }) : null,
    ),
    h('span', { class: 'spark-label' }, `last ${period}, top ${title.startsWith('Lag') ? formatDuration(max) : max}`),
  );
}
