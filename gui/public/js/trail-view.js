/**
 * An event's trail: `GET /events/{id}` from every region, merged (see `trail.js`) into one table —
 * the ancestry in total order, and per region when and how each event arrived, with its lag.
 *
 * @example
 * ```js
 * import { createTrailView } from './trail-view.js';
 * const trail = createTrailView(document.querySelector('#trail-section'), app);
 * await trail.open(eventId);
 * ```
 */
import { api, everyRegion } from './api.js';
import { h, renderIfChanged } from './dom.js';
import { eventValue, formatHlc, formatTime, formatVia, shortId } from './format.js';
import { mergeTrails } from './trail.js';

/** Wires the event form and answers `{ open(id), refresh() }`. */
export function createTrailView(root, app) {
  const form = root.querySelector('#trail-form');
  const input = root.querySelector('#trail-input');
  const view = root.querySelector('#trail-view');
  let id;

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (value) void open(value);
  });

  async function open(eventId) {
    id = eventId;
    input.value = eventId;
    await refresh();
    root.scrollIntoView({ block: 'start' });
  }

  async function refresh() {
    if (id === undefined) return;
    const wanted = id;
    const answers = await everyRegion(app.regions, (r) => api.event(r.url, wanted));
    if (wanted !== id) return;
    const nodes = mergeTrails(answers);
    renderIfChanged(view, { wanted, nodes, down: answers.map((a) => [a.region, a.ok, a.error?.status]) }, () => render(wanted, answers, nodes));
  }

  function render(wanted, answers, nodes) {
    if (nodes.length === 0) {
      return h('p', { class: 'warn' }, `No region holds event ${shortId(wanted)}: ${answers.map((a) => `${a.region}: ${a.ok ? 'ok' : a.error.message}`).join('; ')}.`);
    }
    const regions = app.regions.map((r) => r.region);
    return h(
      'div',
      {},
      h(
        'table',
        { class: 'data', id: 'trail-table' },
        h('caption', {}, `Trail of ${shortId(wanted)}: ${nodes.length} event${nodes.length === 1 ? '' : 's'} of its ancestry, oldest first`),
        h(
          'thead',
          {},
          h('tr', {}, ['Event', 'Kind', 'Key', 'Value', 'Origin', 'HLC', 'Parents'].map((c) => h('th', { scope: 'col' }, c)), regions.map((r) => h('th', { scope: 'col' }, `Receipt in ${r}`))),
        ),
        h(
          'tbody',
          {},
          nodes.map((node) =>
            h(
              'tr',
              { class: node.event.id === wanted ? 'selected' : '' },
              h('td', {}, h('button', { type: 'button', class: 'link', title: node.event.id, 'aria-label': `Show trail of event ${node.event.id}`, onclick: () => open(node.event.id) }, shortId(node.event.id))),
              h('td', {}, node.event.kind),
              h('td', {}, h('code', {}, node.event.key)),
              h('td', {}, h('code', {}, eventValue(node.event))),
              h('td', { class: 'nowrap' }, node.event.origin),
              h('td', {}, h('code', { class: 'hlc', title: node.event.hlc }, formatHlc(node.event.hlc))),
              h('td', {}, node.event.parents.length ? node.event.parents.map((p) => h('code', { title: p }, shortId(p))).flatMap((c, i) => (i ? [', ', c] : [c])) : '(root)'),
              regions.map((region) => h('td', {}, receiptCell(node, region))),
            ),
          ),
        ),
      ),
      nodes.some((n) => n.missingParents.length)
        ? h('p', { class: 'hint' }, 'Some parents are not shown: no region answered them within one request (a gap, or a long ancestry).')
        : null,
      answers.some((a) => !a.ok && a.error.status !== 404) ? h('p', { class: 'warn' }, `Not answering: ${answers.filter((a) => !a.ok && a.error.status !== 404).map((a) => a.region).join(', ')}.`) : null,
    );
  }

  function receiptCell(node, region) {
    const receipt = node.receipts[region];
    if (!receipt) return h('span', { class: 'badge bad' }, 'not here');
    const lag = region === node.event.origin ? 'origin' : typeof receipt.lagMs === 'number' ? `+${receipt.lagMs} ms` : '';
    return [h('strong', {}, lag), ' ', h('small', {}, `${formatTime(receipt.receivedAt)} · ${formatVia(receipt.via)}`)];
  }

  return { open, refresh };
}
