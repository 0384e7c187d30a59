/**
 * The conflicts of every region in one table: each key, how many heads each region sees, every
 * head's value in full, how long the conflict has existed, and a button to open it.
 *
 * @example
 * ```ts
 * import { renderConflicts } from './conflicts-view.ts';
 * replace(section, renderConflicts(lists, app, Date.now()));
 * ```
 */
import type { App } from '../app.ts';
import { h } from '../dom.ts';
import type { Child } from '../dom.ts';
import { conflictRows } from '../conflicts.ts';
import type { ConflictListAnswer } from '../conflicts.ts';
import { describeFailure } from '../failure.ts';
import { eventValue, formatDuration, formatHlc, plural } from '../format.ts';
import { dataTable } from './table.ts';

/**
 * The table, or a sentence when no region has a conflict; regions that did not answer are named.
 *
 * @example
 * ```ts
 * section.replaceChildren(...[renderConflicts(lists, app, now)].flat());
 * ```
 */
export function renderConflicts(lists: ReadonlyArray<ConflictListAnswer & { error?: unknown }>, app: App, now: number, more?: () => void): Child {
  const rows = conflictRows(lists, now);
  const failed = lists.filter((l) => !l.ok);
  const note = failed.length ? h('p', { class: 'warn' }, failed.map((l) => `${l.region}: ${describeFailure(l.error).text}`).join('; ')) : null;
  if (rows.length === 0) return [h('p', { id: 'no-conflicts' }, failed.length ? 'No conflicts in the regions that answered.' : 'No conflicts in any region.'), note];
  const paged = lists.filter((l) => l.ok && l.value?.next !== undefined).map((l) => l.region);
  return [
    dataTable({
      caption: `${plural(rows.length, 'key')} in conflict${paged.length ? ' so far' : ''}`,
      props: { id: 'conflicts-table' },
      columns: [{ label: 'Key', rowHeader: true }, { label: 'Heads per region' }, { label: 'Head values' }, { label: 'For' }, { label: 'Action' }],
      rows: rows.map((row) => ({
        props: { 'data-key': row.key },
        cells: [
          h('code', {}, row.key),
          h(
            'ul',
            { class: 'plain' },
            lists.map((l) =>
              h('li', {}, `${l.region}: `, !l.ok ? '?' : row.counts[l.region] === undefined ? 'no conflict' : h('span', { class: 'badge conflict' }, plural(row.counts[l.region] ?? 0, 'head'))),
            ),
          ),
          h(
            'ul',
            { class: 'plain' },
            row.heads.map((e) => h('li', {}, h('span', { class: 'hint' }, `${e.origin} at ${formatHlc(e.hlc)}: `), h('code', {}, eventValue(e)))),
          ),
          row.ageMs === undefined
            ? '?'
            : h('span', { title: row.ageFrom === 'api' ? 'since the regions first saw the conflict' : 'since the second concurrent head was written (its clock stamp)' }, formatDuration(row.ageMs)),
          h('button', { type: 'button', 'aria-label': `Open key ${row.key}`, onclick: () => app.openKey(row.key) }, 'Open'),
        ],
      })),
    }),
    paged.length && more
      ? h(
          'p',
          { class: 'actions' },
          h('span', { class: 'hint' }, `${paged.join(', ')} ${paged.length === 1 ? 'has' : 'have'} more keys in conflict.`),
          h('button', { type: 'button', id: 'conflicts-more', class: 'secondary', onclick: more }, 'Show more conflicts'),
        )
      : null,
    note,
  ];
}
