/**
 * A key: what every region answers for it side by side (its value in full, its heads, whether it
 * sees every head of the conflict), the resolver when it is in conflict (`./merge-editor.ts`), a
 * form to write or delete it (delete asks first), and every region's history merged into one
 * table with each region's receipt.
 *
 * @example
 * ```ts
 * import { createKeyView } from './key-view.ts';
 * const keys = createKeyView(document.querySelector('#key-section')!, app);
 * await keys.open('colour');
 * ```
 */
import type { KeyView } from '../../../shared/client/types.ts';
import type { MeshEvent } from '../../../shared/domain/types.ts';
import { MeshHttpError } from '../../../shared/client/errors.ts';
import type { App } from '../app.ts';
import { allPages, everyRegion, withEveryHead } from '../api.ts';
import type { Answer } from '../api.ts';
import { commonAncestor, headsOf } from '../ancestry.ts';
import { busy, feedback, h, renderIfChanged, replace } from '../dom.ts';
import type { Child } from '../dom.ts';
import { describeFailure } from '../failure.ts';
import { compareEvents, eventValue, formatHlc, formatJson, formatTime, formatVia, plural, shortId } from '../format.ts';
import { mergeHistories } from '../history.ts';
import type { MergedEvent } from '../history.ts';
import type { HistoryEntry } from '../../../shared/client/types.ts';
import { createMergePanel, headLetter } from './merge-editor.ts';
import { dataTable } from './table.ts';
import { createValueEditor } from './value-editor.ts';

/** What one region answers for the key: its view (null: no event here yet) and its history. */
interface RegionKey {
  readonly view: KeyView | null;
  readonly history: readonly HistoryEntry[];
  /** False when older events remain than the pages read. */
  readonly complete: boolean;
}

/** History pages (100 events each, newest first) read per region; "Show older events" adds one. */
const HISTORY_PAGE = 100;

export interface KeyPanel {
  open(key: string): Promise<void>;
  refresh(): Promise<void>;
  readonly current: () => string | undefined;
}

/** Wires the key section. */
export function createKeyView(root: HTMLElement, app: App): KeyPanel {
  const form = root.querySelector('#key-form') as HTMLFormElement;
  const input = root.querySelector('#key-input') as HTMLInputElement;
  const view = root.querySelector('#key-view') as HTMLElement;
  const historyView = root.querySelector('#history-view') as HTMLElement;
  const writePanel = root.querySelector('#write-panel') as HTMLElement;
  const merge = createMergePanel(root.querySelector('#merge-panel') as HTMLElement, app);
  const writer = createWriter(writePanel, app, () => key);
  let key: string | undefined;
  let historyPages = 1;
  let results: Answer<RegionKey>[] = [];

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const k = input.value.trim();
    if (k) app.openKey(k);
  });

  async function open(k: string): Promise<void> {
    if (k !== key) {
      // Another key: nothing typed, picked or said about the last one carries over.
      historyPages = 1;
      merge.reset();
      writer.reset();
      view.replaceChildren();
      historyView.replaceChildren();
      delete view.dataset['signature'];
      delete historyView.dataset['signature'];
    }
    key = k;
    input.value = k;
    writer.show();
    await refresh();
  }

  async function refresh(): Promise<void> {
    if (key === undefined) return;
    const k = key;
    const answers = await everyRegion(app.regions, async (_r, client): Promise<RegionKey> => {
      const [got, history] = await Promise.all([
        client
          .get(k)
          .then((v) => withEveryHead(client, v))
          .catch((error: unknown) => (error instanceof MeshHttpError && error.status === 404 && error.code !== 'route-not-found' ? null : Promise.reject(error))),
        // Newest first: the heads and their recent ancestors are what a conflict needs.
        allPages<HistoryEntry>(client, `/kv/${encodeURIComponent(k)}/history?order=desc`, 'events', historyPages, HISTORY_PAGE),
      ]);
      return { view: got, history: history.items, complete: history.complete };
    });
    if (k !== key) return;
    results = answers;
    const merged = mergeHistories(results.flatMap((r) => (r.ok ? [{ region: r.region, events: r.value.history.map((x) => ({ event: x.event, ...(x.receipt ? { receipt: x.receipt } : {}) })) }] : [])));
    // The heads of everything known: the histories read and every region's heads (a head older than
    // the pages read still counts, and one that another region's event names as parent does not).
    const known = new Map(merged.map((m) => [m.event.id, m.event]));
    for (const r of results) if (r.ok && r.value.view) for (const e of r.value.view.heads) if (!known.has(e.id)) known.set(e.id, e);
    const heads = headsOf([...known.values()]);
    const regionHeads = results.map((r) => {
      const v = r.ok ? r.value.view : null;
      return { region: r.region, heads: v ? v.heads.map((e) => e.id) : undefined, ...(v?.version === undefined ? {} : { version: v.version }) };
    });
    renderIfChanged(view, { k, results: results.map((r) => (r.ok ? { r: r.region, v: r.value.view } : { r: r.region, e: describeFailure(r.error).text })), heads: heads.map((e) => e.id) }, () =>
      renderCards(k, heads),
    );
    merge.update(
      heads.length > 1
        ? { key: k, heads, winner: heads.length - 1, ancestor: commonAncestor(heads.map((e) => e.id), merged.map((m) => m.event)), regions: regionHeads }
        : undefined,
    );
    const older = results.some((r) => r.ok && !r.value.complete);
    renderIfChanged(historyView, { k, merged: merged.map((m) => [m.event.id, Object.keys(m.receipts)]), down: results.map((r) => r.ok), older }, () => historyTable(k, merged, older));
  }

  function renderCards(k: string, heads: readonly MeshEvent[]): Child {
    const conflictHere = heads.length > 1;
    return [
      conflictHere
        ? h('p', { class: 'warn', id: 'key-summary' }, h('span', { class: 'badge conflict' }, 'Conflict'), ` ${k} has ${plural(heads.length, 'concurrent head')} across the regions: resolve it below.`)
        : null,
      h(
        'div',
        { class: 'columns', role: 'list', 'aria-label': `Key ${k} in every region` },
        results.map((r) => h('article', { class: 'card', role: 'listitem', 'aria-labelledby': `key-${r.region}-title`, 'data-region': r.region }, regionCard(k, r, heads))),
      ),
    ];
  }

  function regionCard(k: string, r: Answer<RegionKey>, all: readonly MeshEvent[]): Child {
    const title = (extra: Child): Child => h('h3', { id: `key-${r.region}-title` }, r.region, ' ', extra);
    if (!r.ok) return [title(h('span', { class: 'badge bad' }, 'no answer')), h('p', { class: 'warn' }, describeFailure(r.error).text)];
    const v = r.value.view;
    if (v === null) return [title(h('span', { class: 'badge muted' }, 'no event')), h('p', {}, `No event for ${k} here (yet).`)];
    const seen = new Set(v.heads.map((e) => e.id));
    const missing = all.filter((e) => !seen.has(e.id));
    return [
      title(v.conflict ? h('span', { class: 'badge conflict' }, `Conflict: ${plural(v.heads.length, 'head')}`) : h('span', { class: 'badge ok' }, 'One head')),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Value'),
        h('dd', {}, v.deleted ? h('em', {}, '(deleted)') : h('pre', { class: 'json' }, formatJson(v.value, true))),
        h('dt', {}, 'Sees'),
        h('dd', {}, missing.length === 0 ? 'every head' : h('span', { class: 'warn' }, `${v.heads.length} of ${all.length} heads — not yet ${missing.map((e) => shortId(e.id)).join(', ')}`)),
      ),
      v.conflictSince === undefined ? null : h('p', { class: 'hint' }, `In conflict here since ${formatTime(v.conflictSince)}.`),
      h('h4', {}, v.headCount !== undefined && v.headCount > v.heads.length ? `The newest ${v.heads.length} of ${plural(v.headCount, 'head')} here` : `${plural(v.heads.length, 'head')} here`),
      h(
        'ul',
        { class: 'plain' },
        v.heads.map((head) => {
          const i = all.findIndex((e) => e.id === head.id);
          return h(
            'li',
            { class: 'head', 'data-head': head.id },
            h(
              'span',
              { class: 'meta' },
              h('strong', {}, i >= 0 && all.length > 1 ? `${headLetter(i)} · ${head.origin}` : head.origin),
              h('code', { class: 'hlc', title: head.hlc }, formatHlc(head.hlc)),
              eventLink(head.id),
              head.id === v.winner.id ? h('span', { class: 'tag', title: 'answered now: last writer wins' }, 'answered now') : null,
              i < 0 && all.length > 1 ? h('span', { class: 'warn' }, 'older: the newer heads have not arrived') : null,
            ),
          );
        }),
      ),
    ];
  }

  function historyTable(k: string, rows: readonly MergedEvent[], older: boolean): Child {
    if (rows.length === 0) return null;
    const table = dataTable({
      caption: older ? `History of ${k}: the newest ${plural(rows.length, 'event')} in total order` : `History of ${k}: ${plural(rows.length, 'event')} in total order`,
      props: { id: 'history-table' },
      className: 'compact',
      columns: [{ label: 'Event' }, { label: 'Kind' }, { label: 'Origin' }, { label: 'HLC' }, { label: 'Value' }, { label: 'Parents' }, { label: 'Received' }],
      rows: rows.map(({ event: e, receipts }) => ({
        cells: [
          eventLink(e.id),
          e.kind,
          e.origin,
          h('code', { class: 'hlc', title: e.hlc }, formatHlc(e.hlc)),
          h('code', {}, eventValue(e)),
          e.parents.length ? e.parents.map((p) => h('code', { title: p }, shortId(p))).flatMap((c, i) => (i ? [', ', c] : [c])) : '(root)',
          h(
            'ul',
            { class: 'plain receipts' },
            results.map((r) => {
              const receipt = receipts[r.region];
              if (!r.ok) return h('li', {}, `${r.region}: ?`);
              // Older than the pages read from that region: not known either way.
              const oldest = r.value.complete ? undefined : r.value.history.at(-1)?.event;
              if (!(r.region in receipts) && oldest !== undefined && compareEvents(e, oldest) < 0) return h('li', { class: 'hint' }, `${r.region}: not read`);
              if (!(r.region in receipts)) return h('li', {}, `${r.region}: `, h('span', { class: 'badge bad' }, 'not yet'));
              return h('li', {}, `${r.region}: ${receipt ? `${formatTime(receipt.receivedAt)} ${formatVia(receipt.via)}` : 'held'}`);
            }),
          ),
        ],
      })),
    });
    if (!older) return table;
    const more = h('button', { type: 'button', class: 'secondary', id: 'history-older', onclick: () => ((historyPages++), void refresh()) }, 'Show older events');
    return [table, h('p', { class: 'actions' }, more)];
  }

  function eventLink(id: string): Child {
    return h('button', { type: 'button', class: 'link', 'aria-label': `Show trail of event ${id}`, title: id, onclick: () => app.openEvent(id) }, shortId(id));
  }

  return { open, refresh, current: () => key };
}

/** The write / delete form of the open key, reset for each key; delete asks for confirmation. */
function createWriter(root: HTMLElement, app: App, keyOf: () => string | undefined): { show(): void; reset(): void } {
  const editor = createValueEditor('write-value', 'Value to write', 3);
  const fb = feedback('write-feedback');
  const region = h('select', { id: 'write-region', name: 'region' });
  const confirm = h('div', { class: 'confirm', id: 'delete-confirm', hidden: true, role: 'group', 'aria-label': 'Confirm the delete' });
  const writeButton = h('button', { type: 'submit', id: 'write-button' }, 'Write value');
  const deleteButton = h('button', { type: 'button', id: 'delete-button', class: 'danger' }, 'Delete key…');
  const form = h(
    'form',
    { id: 'write-form', class: 'panel', hidden: true },
    h('h3', {}, 'Write or delete'),
    h('p', { class: 'hint' }, 'A write names every head the region sees as its parents, so in a conflict it also ends the heads that region sees.'),
    editor.el,
    h('label', { for: 'write-region' }, 'In region'),
    region,
    h('div', { class: 'actions' }, writeButton, deleteButton),
    confirm,
    fb.el,
  );
  root.append(form);

  const target = (): { key: string; region: string; client: NonNullable<ReturnType<App['client']>> } | undefined => {
    const key = keyOf();
    const client = app.client(region.value);
    if (key === undefined || client === undefined) {
      fb.fail(`No URL known for ${region.value}.`);
      return undefined;
    }
    return { key, region: region.value, client };
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    fb.clear();
    confirm.hidden = true;
    const value = editor.read();
    if (value === undefined) {
      fb.fail('Not written: the value is not valid JSON (see above).');
      return;
    }
    const t = target();
    if (t === undefined) return;
    void busy(writeButton, async () => {
      try {
        const { event } = await t.client.put(t.key, value);
        fb.ok(`Wrote ${t.key} = ${formatJson(value).slice(0, 80)} in ${t.region} (event ${shortId(event.id)}).`);
      } catch (error) {
        fb.fail(`Not written: ${describeFailure(error).text}`);
      }
      await app.refresh();
    });
  });

  deleteButton.addEventListener('click', () => {
    fb.clear();
    const key = keyOf();
    if (key === undefined) return;
    replace(
      confirm,
      h('span', {}, `Delete ${key} in ${region.value}? It writes a tombstone that replicates everywhere.`),
      h('button', { type: 'button', id: 'delete-confirm-button', class: 'danger', onclick: (e: Event) => void doDelete(e.currentTarget as HTMLButtonElement) }, `Delete ${key}`),
      h('button', { type: 'button', id: 'delete-cancel', class: 'secondary', onclick: () => ((confirm.hidden = true), deleteButton.focus()) }, 'Cancel'),
    );
    confirm.hidden = false;
    (confirm.querySelector('#delete-confirm-button') as HTMLButtonElement).focus();
  });

  async function doDelete(button: HTMLButtonElement): Promise<void> {
    const t = target();
    if (t === undefined) return;
    await busy(button, async () => {
      try {
        const { event } = await t.client.delete(t.key);
        fb.ok(`Deleted ${t.key} in ${t.region} (event ${shortId(event.id)}).`);
      } catch (error) {
        fb.fail(`Not deleted: ${describeFailure(error).text}`);
      }
    });
    confirm.hidden = true;
    deleteButton.focus();
    await app.refresh();
  }

  return {
    show() {
      form.hidden = false;
      if (region.options.length === 0) replace(region, app.regions.map((r) => h('option', { value: r.region }, r.region)));
    },
    reset() {
      editor.reset();
      fb.clear();
      confirm.hidden = true;
    },
  };
}
