/**
 * The conflicts list across regions: every key some region holds with more than one head, and
 * what each region sees of it, with a button to open the key.
 *
 * @example
 * ```js
 * import { conflictRows, renderConflicts } from './conflicts-view.js';
 * section.replaceChildren(...renderConflicts(await everyRegion(regions, (r) => api.conflicts(r.url)), app));
 * ```
 */
import { h } from './dom.js';

/**
 * Keys in conflict anywhere, with the head count per region (undefined: not in conflict there).
 *
 * @example
 * ```js
 * conflictRows(lists); // [{ key: 'colour', heads: { 'us-east-1': 2, 'eu-west-1': undefined } }]
 * ```
 */
export function conflictRows(lists) {
  const keys = new Map();
  for (const list of lists) {
    if (!list.ok) continue;
    const entries = Array.isArray(list.value) ? list.value : (list.value?.conflicts ?? []);
    for (const entry of entries) {
      const key = typeof entry === 'string' ? entry : entry.key;
      const count = Array.isArray(entry.heads) ? entry.heads.length : 2;
      if (!keys.has(key)) keys.set(key, {});
      keys.get(key)[list.region] = count;
    }
  }
  return [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, heads]) => ({ key, heads }));
}

/** The conflicts table, or a plain sentence when there are none. */
export function renderConflicts(lists, app) {
  const rows = conflictRows(lists);
  const unreachable = lists.filter((l) => !l.ok).map((l) => l.region);
  const note = unreachable.length ? h('p', { class: 'warn' }, `Not answering: ${unreachable.join(', ')}.`) : null;
  if (rows.length === 0) return [h('p', { id: 'no-conflicts' }, 'No conflicts in any reachable region.'), note];
  return [
    h(
      'table',
      { class: 'data', id: 'conflicts-table' },
      h('caption', {}, `${rows.length} key${rows.length === 1 ? '' : 's'} in conflict`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), lists.map((l) => h('th', { scope: 'col' }, l.region)), h('th', { scope: 'col' }, 'Action'))),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            { 'data-key': row.key },
            h('th', { scope: 'row' }, h('code', {}, row.key)),
            lists.map((l) =>
              h('td', {}, !l.ok ? '?' : row.heads[l.region] === undefined ? '—' : h('span', { class: 'badge conflict' }, `${row.heads[l.region]} heads`)),
            ),
            h('td', {}, h('button', { type: 'button', 'aria-label': `Open key ${row.key}`, onclick: () => app.openKey(row.key) }, 'Open')),
          ),
        ),
      ),
    ),
    note,
  ];
}
