/**
 * The key view: each region's value and heads side by side, each region's history, and the forms
 * that act on the key — Resolve (`POST /kv/{key}/resolve` with the chosen value and the heads the
 * chosen region shows) and Write / Delete.
 *
 * @example
 * ```js
 * import { createKeyView } from './key-view.js';
 * const keys = createKeyView(document.querySelector('#key-section'), app);
 * await keys.open('colour');
 * ```
 */
import { api, everyRegion } from './api.js';
import { busy, h, renderIfChanged, replace } from './dom.js';
import { compareEvents, eventValue, formatHlc, formatTime, formatValue, formatVia, parseValue, shortId } from './format.js';

/**
 * Every event any region's history holds, once, in total order, with each region's receipt.
 *
 * @example
 * ```js
 * mergeHistories(results); // [{ event, receipts: { 'us-east-1': { receivedAt, via }, … } }, …]
 * ```
 */
export function mergeHistories(results) {
  const byId = new Map();
  for (const r of results) {
    if (!r.ok) continue;
    for (const entry of r.value.history) {
      const event = entry.event ?? entry;
      const row = byId.get(event.id) ?? { event, receipts: {} };
      row.receipts[r.region] = entry.receipt ?? { region: r.region };
      byId.set(event.id, row);
    }
  }
  return [...byId.values()].sort((a, b) => compareEvents(a.event, b.event));
}

/** Wires the key form and answers `{ open(key), refresh() }`. */
export function createKeyView(root, app) {
  const form = root.querySelector('#key-form');
  const input = root.querySelector('#key-input');
  const view = root.querySelector('#key-view');
  const actions = root.querySelector('#key-actions');
  let key;
  let results = [];

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const k = input.value.trim();
    if (k) void open(k);
  });

  async function open(k) {
    key = k;
    input.value = k;
    renderActions();
    await refresh();
    root.scrollIntoView({ block: 'start' });
  }

  async function refresh() {
    if (key === undefined) return;
    const k = key;
    results = await everyRegion(app.regions, async (r) => {
      const [got, history] = await Promise.all([
        api.get(r.url, k).catch((error) => (error.status === 404 ? null : Promise.reject(error))),
        api.history(r.url, k).catch(() => undefined),
      ]);
      return { view: got, history: history?.events ?? (Array.isArray(history) ? history : []) };
    });
    if (k !== key) return;
    renderIfChanged(view, { key: k, results: results.map(({ region, ok, value, error }) => ({ region, ok, value, e: error?.message })) }, () => renderColumns(k));
    updateHeadsNote();
  }

  function renderColumns(k) {
    return h(
      'div',
      {},
      h(
        'div',
        { class: 'columns', role: 'list', 'aria-label': `Key ${k} in every region` },
        results.map((r) => h('article', { class: 'card', role: 'listitem', 'aria-labelledby': `key-${r.region}-title`, 'data-region': r.region }, regionCard(k, r))),
      ),
      historyTable(k),
    );
  }

  /** One row per event any region holds, one column per region: when and how it arrived there. */
  function historyTable(k) {
    const rows = mergeHistories(results);
    if (rows.length === 0) return null;
    return h(
      'table',
      { class: 'data compact', id: 'history-table' },
      h('caption', {}, `History of ${k}: ${rows.length} event${rows.length === 1 ? '' : 's'} in total order`),
      h(
        'thead',
        {},
        h('tr', {}, ['HLC', 'Origin', 'Kind', 'Value', 'Parents', 'Event'].map((c) => h('th', { scope: 'col' }, c)), results.map((r) => h('th', { scope: 'col' }, `Received in ${r.region}`))),
      ),
      h(
        'tbody',
        {},
        rows.map(({ event: e, receipts }) =>
          h(
            'tr',
            {},
            h('td', {}, h('code', { class: 'hlc', title: e.hlc }, formatHlc(e.hlc))),
            h('td', {}, e.origin),
            h('td', {}, e.kind),
            h('td', {}, h('code', {}, eventValue(e))),
            h('td', {}, e.parents.length ? e.parents.map((p) => h('code', { title: p }, shortId(p))).flatMap((c, i) => (i ? [', ', c] : [c])) : '—'),
            h('td', {}, eventLink(e.id)),
            results.map((r) => {
              const receipt = receipts[r.region];
              if (!r.ok) return h('td', {}, '?');
              if (!receipt) return h('td', {}, h('span', { class: 'badge bad' }, 'not yet'));
              return h('td', {}, formatTime(receipt.receivedAt), h('small', {}, ` ${formatVia(receipt.via)}`));
            }),
          ),
        ),
      ),
    );
  }

  function regionCard(k, r) {
    const title = h('h3', { id: `key-${r.region}-title` }, r.region);
    if (!r.ok) return [title, h('p', { class: 'warn' }, `Not answering: ${r.error.message}`)];
    const v = r.value.view;
    if (v === null) return [title, h('p', {}, `No event for ${k} here (yet).`)];
    const heads = v.heads ?? [];
    return [
      title,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Value'),
        h('dd', { class: 'value' }, v.deleted ? h('em', {}, '(deleted)') : h('code', {}, formatValue(v.value, 200))),
        h('dt', {}, 'State'),
        h('dd', {}, v.conflict ? h('span', { class: 'badge conflict' }, `Conflict: ${heads.length} heads`) : h('span', { class: 'badge ok' }, 'One head')),
      ),
      h(
        'table',
        { class: 'data compact' },
        h('caption', {}, `Heads in ${r.region}`),
        h('thead', {}, h('tr', {}, ['Origin', 'HLC', 'Value', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          heads.map((head) =>
            h(
              'tr',
              { class: head.id === v.winner?.id ? 'winner' : '' },
              h('td', {}, head.origin),
              h('td', {}, h('code', { class: 'hlc', title: head.hlc }, formatHlc(head.hlc))),
              h('td', {}, h('code', {}, eventValue(head)), head.id === v.winner?.id ? h('span', { class: 'tag', title: 'answered now: last writer wins' }, ' winner') : null),
              h(
                'td',
                {},
                head.kind === 'delete'
                  ? null
                  : h('button', { type: 'button', class: 'small', 'aria-label': `Use value ${eventValue(head)} from ${head.origin}`, onclick: () => useValue(head.payload) }, 'Use'),
              ),
            ),
          ),
        ),
      ),
    ];
  }

  function eventLink(id) {
    return h('button', { type: 'button', class: 'link', 'aria-label': `Show trail of event ${id}`, title: id, onclick: () => app.openEvent(id) }, shortId(id));
  }

  function useValue(payload) {
    const textarea = actions.querySelector('#resolve-value');
    textarea.value = JSON.stringify(payload);
    textarea.focus();
  }

  function regionOptions(id) {
    return h('select', { id, name: id }, app.regions.map((r) => h('option', { value: r.region }, r.region)));
  }

  function renderActions() {
    actions.hidden = false;
    if (actions.querySelector('#resolve-form')) return;
    replace(
      actions,
      h(
        'form',
        { id: 'resolve-form', class: 'panel', onsubmit: onResolve },
        h('h3', {}, 'Resolve'),
        h('p', { class: 'hint' }, 'Writes the value over the heads the chosen region shows: the conflict ends once it has replicated.'),
        h('label', { for: 'resolve-value' }, 'Resolution value (JSON, or plain text)'),
        h('textarea', { id: 'resolve-value', name: 'value', rows: 2, required: true }),
        h('label', { for: 'resolve-region' }, 'Resolve in region'),
        regionOptions('resolve-region'),
        h('p', { id: 'resolve-heads', class: 'hint', 'aria-live': 'polite' }),
        h('button', { type: 'submit', id: 'resolve-button' }, 'Resolve'),
      ),
      h(
        'form',
        { id: 'write-form', class: 'panel', onsubmit: onWrite },
        h('h3', {}, 'Write'),
        h('label', { for: 'write-value' }, 'Value to write (JSON, or plain text)'),
        h('input', { id: 'write-value', name: 'value', type: 'text', required: true }),
        h('label', { for: 'write-region' }, 'Write in region'),
        regionOptions('write-region'),
        h('p', { class: 'actions' }, h('button', { type: 'submit' }, 'Write value'), ' ', h('button', { type: 'button', onclick: onDelete }, 'Delete key')),
      ),
    );
    actions.querySelector('#resolve-region').addEventListener('change', updateHeadsNote);
  }

  function headsIn(region) {
    const r = results.find((x) => x.region === region);
    return r?.ok && r.value.view ? r.value.view.heads ?? [] : undefined;
  }

  function updateHeadsNote() {
    const note = actions.querySelector('#resolve-heads');
    if (!note) return;
    const region = actions.querySelector('#resolve-region').value;
    const heads = headsIn(region);
    note.textContent =
      heads === undefined
        ? `${region} has no view of ${key} to resolve.`
        : `Resolves ${heads.length} head${heads.length === 1 ? '' : 's'} seen in ${region}: ${heads.map((x) => shortId(x.id)).join(', ')}.`;
  }

  async function onResolve(e) {
    e.preventDefault();
    const region = actions.querySelector('#resolve-region').value;
    const heads = headsIn(region);
    const url = app.urlOf(region);
    if (!heads || !url) return app.fail(`${region} has no view of ${key} to resolve.`);
    const value = parseValue(actions.querySelector('#resolve-value').value);
    try {
      const result = await busy(e.submitter, () => api.resolve(url, key, value, heads.map((x) => x.id)));
      app.announce(`Resolved ${key} to ${formatValue(value)} in ${region} (event ${shortId(result.event.id)}).`);
    } catch (error) {
      app.fail(error.code === 'stale-heads' ? `The heads of ${key} moved in ${region}; look again and resolve what is there now.` : `Resolve failed: ${error.message}`);
    }
    await app.refresh();
  }

  async function onWrite(e) {
    e.preventDefault();
    const region = actions.querySelector('#write-region').value;
    const value = parseValue(actions.querySelector('#write-value').value);
    await busy(e.submitter, () => write(region, () => api.put(app.urlOf(region), key, value), `Wrote ${key} = ${formatValue(value)} in ${region}.`));
  }

  async function onDelete(e) {
    const region = actions.querySelector('#write-region').value;
    await busy(e.currentTarget, () => write(region, () => api.delete(app.urlOf(region), key), `Deleted ${key} in ${region}.`));
  }

  async function write(region, fn, message) {
    if (!app.urlOf(region)) return app.fail(`No URL known for ${region}.`);
    try {
      await fn();
      app.announce(message);
    } catch (error) {
      app.fail(`Write failed: ${error.message}`);
    }
    await app.refresh();
  }

  return { open, refresh };
}
