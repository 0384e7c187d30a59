/**
 * Regions and links: each region's reachability and event count, and every directed link with its
 * state, its last delivery's lag, and a Partition / Heal button (the nemesis, `PUT /admin/links/{from}/{to}`).
 *
 * @example
 * ```js
 * import { linkRows, renderRegions } from './links-view.js';
 * section.replaceChildren(renderRegions(statuses, app));
 * ```
 */
import { api } from './api.js';
import { h } from './dom.js';

/**
 * Every directed link between the regions, with the state the regions report. A link's own
 * report comes preferably from its destination (where delivery is switched), else any region.
 *
 * @example
 * ```js
 * linkRows(statuses); // [{ from: 'us-east-1', to: 'eu-west-1', state: { enabled: true, backlog: 0 } }, …]
 * ```
 */
export function linkRows(statuses) {
  const names = statuses.map((s) => s.region);
  const rows = [];
  for (const from of names) {
    for (const to of names) {
      if (from === to) continue;
      const reports = statuses.filter((s) => s.ok).map((s) => ({ by: s.region, link: (s.value.links ?? []).find((l) => l.from === from && l.to === to) }));
      const best = reports.find((r) => r.by === to && r.link) ?? reports.find((r) => r.link);
      rows.push({ from, to, state: best?.link });
    }
  }
  return rows;
}

/** The region through which to switch a link: its destination when reachable, else any reachable one. */
function controllerOf(statuses, to) {
  return statuses.find((s) => s.region === to && s.ok && s.url) ?? statuses.find((s) => s.ok && s.url);
}

const n = (x) => (x === undefined || x === null ? '–' : String(x));

/**
 * A link's lag as shown in the table: the last delivered batch's lag, with when it arrived and
 * how many events the link delivered in the tooltip. It includes the clock skew between the two
 * regions (receiver's clock minus the origin's stamp), so it can even be negative.
 *
 * @example
 * ```js
 * lagText({ lastMs: 250, at: 1732600000250, originAt: 1732600000000, events: 42 });
 * // { text: '250 ms', title: 'last batch stored 2024-11-26T05:46:40.250Z; 42 events delivered; includes clock skew' }
 * lagText(undefined); // { text: '–', title: 'nothing delivered yet (or not reported)' }
 * ```
 */
export function lagText(lag) {
  if (!lag || typeof lag.lastMs !== 'number') return { text: '–', title: 'nothing delivered yet (or not reported)' };
  return {
    text: `${lag.lastMs} ms`,
    title: `last batch stored ${new Date(lag.at).toISOString()}; ${lag.events} events delivered; includes clock skew`,
  };
}

/** The regions table and the links table with their toggles. */
export function renderRegions(statuses, app) {
  const setLink = async (from, to, enabled) => {
    const via = controllerOf(statuses, to);
    if (!via) return app.fail('No region is reachable to switch the link.');
    try {
      await api.setLink(via.url, from, to, enabled);
      app.announce(`${enabled ? 'Healed' : 'Partitioned'} ${from} → ${to}.`);
    } catch (error) {
      app.fail(`Could not switch ${from} → ${to}: ${error.message}`);
    }
    await app.refresh();
  };
  const rows = linkRows(statuses);
  const setAll = async (enabled) => {
    for (const row of rows) {
      const via = controllerOf(statuses, row.to);
      if (!via) continue;
      try {
        await api.setLink(via.url, row.from, row.to, enabled);
      } catch (error) {
        app.fail(`Could not switch ${row.from} → ${row.to}: ${error.message}`);
      }
    }
    app.announce(enabled ? 'Healed every link.' : 'Partitioned every link.');
    await app.refresh();
  };

  return [
    h(
      'table',
      { class: 'data' },
      h('caption', {}, 'Regions'),
      h('thead', {}, h('tr', {}, ['Region', 'API', 'Reachable', 'Events', 'Peers'].map((c) => h('th', { scope: 'col', class: c === 'Events' ? 'num' : null }, c)))),
      h(
        'tbody',
        {},
        statuses.map((s) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, s.region),
            h('td', {}, s.url ? h('code', {}, s.url) : 'unknown (pass ?regions=…)'),
            h('td', {}, s.ok ? h('span', { class: 'badge ok' }, 'yes') : h('span', { class: 'badge bad', title: s.error?.message }, 'no')),
            h('td', { class: 'num' }, s.ok ? n(s.value.events) : '–'),
            h('td', {}, s.ok ? (s.value.peers ?? []).join(', ') : ''),
          ),
        ),
      ),
    ),
    h(
      'table',
      { class: 'data' },
      h('caption', {}, 'Replication links (delivery from → to)'),
      h('thead', {}, h('tr', {}, ['From', 'To', 'State', 'Backlog', 'In flight', 'DLQ', 'Lag', 'Action'].map((c) => h('th', { scope: 'col', class: ['Backlog', 'In flight', 'DLQ', 'Lag'].includes(c) ? 'num' : null }, c)))),
      h(
        'tbody',
        {},
        rows.map(({ from, to, state }) => {
          const enabled = state?.enabled;
          const label = enabled === false ? 'Heal' : 'Partition';
          const lag = lagText(state?.lag);
          return h(
            'tr',
            { 'data-link': `${from}->${to}` },
            h('td', { class: 'nowrap' }, from),
            h('td', { class: 'nowrap' }, to),
            h('td', {}, state === undefined ? 'unknown' : enabled ? h('span', { class: 'badge ok' }, 'up') : h('span', { class: 'badge bad' }, 'partitioned')),
            h('td', { class: 'num' }, n(state?.backlog)),
            h('td', { class: 'num' }, n(state?.inFlight)),
            h('td', { class: 'num' }, n(state?.dlq)),
            h('td', { class: 'num nowrap', title: lag.title }, lag.text),
            h(
              'td',
              {},
              h(
                'button',
                { type: 'button', id: `link-${from}-${to}`, 'aria-label': `${label} ${from} to ${to}`, onclick: () => setLink(from, to, enabled === false) },
                label,
              ),
            ),
          );
        }),
      ),
    ),
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'button', id: 'partition-all', onclick: () => setAll(false) }, 'Partition all links'),
      ' ',
      h('button', { type: 'button', id: 'heal-all', onclick: () => setAll(true) }, 'Heal all links'),
    ),
  ];
}
