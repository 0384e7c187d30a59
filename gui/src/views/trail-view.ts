/**
 * An event's trail, drawn: the ancestry through parents as an SVG graph (concurrent siblings side
 * by side, dashed), each event with its hop to every region and that hop's lag, and for money its
 * outcome (applied, bounced, reversed) with a "bounced by" edge from the concurrent withdrawal that
 * caused a bounce. Below it, the same events as a table.
 *
 * @example
 * ```ts
 * import { createTrailView } from './trail-view.ts';
 * const trail = createTrailView(document.querySelector('#trail-section')!, app);
 * await trail.open(eventId);
 * ```
 */
import type { AccountHistoryEntry, HistoryEntry } from '../../../shared/client/types.ts';
import type { Receipt } from '../../../shared/domain/types.ts';
import type { App } from '../app.ts';
import { allPages, everyRegion } from '../api.ts';
import { h, renderIfChanged, s } from '../dom.ts';
import type { Child } from '../dom.ts';
import { describeFailure } from '../failure.ts';
import { eventValue, formatDuration, formatHlc, formatTime, formatVia, plural, shortId } from '../format.ts';
import { mergeHistories } from '../history.ts';
import { mergeTrails } from '../trail.ts';
import type { HopReceipt, TrailEvent } from '../trail.ts';
import { trailGraph } from '../trail-graph.ts';
import type { TrailGraph, TrailGraphNode } from '../trail-graph.ts';
import { layoutGraph } from '../trail-layout.ts';
import { dataTable } from './table.ts';

const NODE_WIDTH = 300;
const LINE = 16;

export interface TrailPanel {
  open(id: string): Promise<void>;
  refresh(): Promise<void>;
  readonly current: () => string | undefined;
}

/** Wires the trail section. */
export function createTrailView(root: HTMLElement, app: App): TrailPanel {
  const form = root.querySelector('#trail-form') as HTMLFormElement;
  const input = root.querySelector('#trail-input') as HTMLInputElement;
  const view = root.querySelector('#trail-view') as HTMLElement;
  let id: string | undefined;

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (value) app.openEvent(value);
  });

  async function open(eventId: string): Promise<void> {
    if (eventId !== id) delete view.dataset['signature'];
    id = eventId;
    input.value = eventId;
    await refresh();
  }

  async function refresh(): Promise<void> {
    if (id === undefined) return;
    const wanted = id;
    const answers = await everyRegion(app.regions, (_r, c) => c.event(wanted));
    if (wanted !== id) return;
    const trail = mergeTrails(answers.map((a) => (a.ok ? { region: a.region, ok: true, value: a.value } : { region: a.region, ok: false })));
    const selected = trail.find((n) => n.event.id === wanted)?.event;
    let graph: TrailGraph = { nodes: [], edges: [] };
    let statementNote: Child = null;
    if (selected !== undefined) {
      const money = selected.kind === 'deposit' || selected.kind === 'withdraw';
      const path = money ? `/accounts/${encodeURIComponent(selected.key)}/history` : `/kv/${encodeURIComponent(selected.key)}/history`;
      const streams = await everyRegion(app.regions, (_r, c) => allPages<HistoryEntry | AccountHistoryEntry>(c, path, 'events'));
      if (wanted !== id) return;
      const merged = mergeHistories(streams.flatMap((a) => (a.ok ? [{ region: a.region, events: a.value.items.map((x) => ({ event: x.event, ...(x.receipt ? { receipt: x.receipt } : {}) })) }] : [])));
      // Every region with the same events replays the same statement: use the one that holds the most.
      const statement = money
        ? streams
            .flatMap((a) => (a.ok ? [a.value.items as AccountHistoryEntry[]] : []))
            .sort((a, b) => b.length - a.length)[0]
        : undefined;
      graph = trailGraph(trail, wanted, merged.map((m) => ({ event: m.event, receipts: withLags(m.event.origin, m.receipts) })), statement);
      statementNote = money ? moneyNote(graph, wanted) : null;
    }
    const down = answers.filter((a) => !a.ok && !(a.error instanceof Error && 'status' in a.error && a.error.status === 404));
    renderIfChanged(
      view,
      { wanted, nodes: graph.nodes.map((n) => [n.id, n.role, n.receipts, n.money?.outcome]), down: down.map((a) => a.region) },
      () => render(wanted, trail, graph, statementNote, answers.map((a) => (a.ok ? `${a.region}: ok` : `${a.region}: ${describeFailure(a.error).text}`)), down.map((a) => a.region)),
    );
  }

  function render(wanted: string, trail: readonly TrailEvent[], graph: TrailGraph, note: Child, answerTexts: readonly string[], down: readonly string[]): Child {
    if (trail.length === 0) return h('p', { class: 'warn' }, `No region holds event ${shortId(wanted)}: ${answerTexts.join('; ')}.`);
    const regions = app.regions.map((r) => r.region);
    return [
      note,
      graphSvg(wanted, graph, regions),
      h(
        'ul',
        { class: 'legend', 'aria-label': 'Legend' },
        h('li', {}, 'thick border: this event'),
        h('li', {}, 'dashed: a concurrent sibling (not in its ancestry)'),
        h('li', {}, 'red dashed arrow: bounced by'),
        h('li', {}, '+ms: when a region received it, after its origin'),
      ),
      dataTable({
        caption: `Trail of ${shortId(wanted)}: ${plural(trail.length, 'event')} of its ancestry, oldest first`,
        props: { id: 'trail-table' },
        className: 'compact',
        columns: [{ label: 'Event' }, { label: 'Kind' }, { label: 'Key' }, { label: 'Value' }, { label: 'Origin' }, { label: 'HLC' }, { label: 'Parents' }, { label: 'Receipts' }],
        rows: trail.map((node) => ({
          props: { class: node.event.id === wanted ? 'selected' : '' },
          cells: [
            h('button', { type: 'button', class: 'link', title: node.event.id, 'aria-label': `Show trail of event ${node.event.id}`, onclick: () => app.openEvent(node.event.id) }, shortId(node.event.id)),
            node.event.kind,
            h('code', {}, node.event.key),
            h('code', {}, eventValue(node.event)),
            node.event.origin,
            h('code', { class: 'hlc', title: node.event.hlc }, formatHlc(node.event.hlc)),
            node.event.parents.length ? node.event.parents.map((p) => h('code', { title: p }, shortId(p))).flatMap((c, i) => (i ? [', ', c] : [c])) : '(root)',
            h('ul', { class: 'plain receipts' }, regions.map((region) => h('li', {}, receiptText(node.event.origin, region, node.receipts[region])))),
          ],
        })),
      }),
      trail.some((n) => n.missingParents.length) ? h('p', { class: 'hint' }, 'Some parents are not shown: no region answered them within one request (a gap, or a long ancestry).') : null,
      down.length ? h('p', { class: 'warn' }, `Not answering: ${down.join(', ')}.`) : null,
    ];
  }

  function moneyNote(graph: TrailGraph, wanted: string): Child {
    const node = graph.nodes.find((n) => n.id === wanted);
    const m = node?.money;
    if (node === undefined || m === undefined) return null;
    if (m.outcome === 'applied') return h('p', { id: 'money-outcome' }, `Applied: the balance before it was ${m.balanceBefore}.`);
    return h(
      'p',
      { id: 'money-outcome', class: 'warn' },
      h('strong', {}, m.outcome === 'reversed' ? 'Reversed decision: ' : 'Bounced: '),
      `${node.event.origin} accepted this withdrawal of ${String(node.event.payload)}${m.outcome === 'reversed' ? ' on its own view' : ''}, but in the merged history the balance before it was ${m.balanceBefore}, so it bounced. `,
      m.causes.length
        ? [
            'Applied before it, concurrently (its origin had not seen ',
            m.causes.length === 1 ? 'it' : 'them',
            '): ',
            m.causes.map((c, i) => [
              i ? ', ' : '',
              h('button', { type: 'button', class: 'link', 'aria-label': `Show trail of event ${c.event.id}`, onclick: () => app.openEvent(c.event.id) }, shortId(c.event.id)),
              ` (withdraw ${c.amount} from ${c.event.origin})`,
            ]),
            '.',
          ]
        : null,
    );
  }

  function graphSvg(wanted: string, graph: TrailGraph, regions: readonly string[]): Child {
    const moneyLines = graph.nodes.some((n) => n.money) ? 1 : 0;
    const nodeHeight = LINE * (2 + regions.length + moneyLines) + 14;
    const layout = layoutGraph(graph.nodes, graph.edges, { nodeWidth: NODE_WIDTH, nodeHeight, gapX: 28, gapY: 46, padding: 10 });
    const byId = new Map(graph.nodes.map((n) => [n.id, n] as const));
    return s(
      'svg',
      {
        class: 'graph',
        id: 'trail-graph',
        viewBox: `0 0 ${layout.width} ${layout.height}`,
        style: `max-width: ${layout.width}px`,
        role: 'group',
        'aria-label': `Trail graph of ${shortId(wanted)}: ${plural(graph.nodes.length, 'event')}`,
      },
      s(
        'defs',
        {},
        s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8c959f' })),
        s('marker', { id: 'arrow-bad', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#a40e26' })),
      ),
      layout.edges.map((e) => s('path', { class: `edge ${e.kind}`, d: e.path, 'marker-end': e.kind === 'bounce' ? 'url(#arrow-bad)' : 'url(#arrow)', 'data-edge': `${e.from}->${e.to}` }, s('title', {}, e.kind === 'bounce' ? `${shortId(e.to)} was bounced by ${shortId(e.from)}` : `${shortId(e.from)} is a parent of ${shortId(e.to)}`))),
      layout.nodes.map((p) => {
        const n = byId.get(p.id) as TrailGraphNode;
        return nodeSvg(n, p.x, p.y, nodeHeight, regions);
      }),
    );
  }

  function nodeSvg(n: TrailGraphNode, x: number, y: number, height: number, regions: readonly string[]): Child {
    const e = n.event;
    const value = eventValue(e);
    const head = `${e.kind} ${e.kind === 'deposit' || e.kind === 'withdraw' ? String(e.payload) : fit(value, 30)}`;
    const lines: Child[] = [
      s('text', { x: x + 10, y: y + 18, class: 'title' }, head),
      s('text', { x: x + 10, y: y + 18 + LINE, class: 'muted mono' }, `${e.origin} · ${formatHlc(e.hlc)} · ${shortId(e.id).slice(0, 8)}`),
    ];
    regions.forEach((region, i) => {
      const r = n.receipts[region];
      lines.push(s('text', { x: x + 10, y: y + 18 + LINE * (2 + i), class: r ? 'mono' : 'mono bad', 'data-hop': region }, `${fit(region, 15).padEnd(15, ' ')} ${hopText(e.origin, region, r)}`));
    });
    if (n.money) {
      const m = n.money;
      const text = m.outcome === 'applied' ? `applied (balance before ${m.balanceBefore})` : `${m.outcome === 'reversed' ? 'REVERSED' : 'BOUNCED'}: balance was ${m.balanceBefore}`;
      lines.push(s('text', { x: x + 10, y: y + 18 + LINE * (2 + regions.length), class: m.outcome === 'applied' ? '' : 'bad', 'data-outcome': m.outcome }, text));
    }
    const roleText = n.role === 'selected' ? 'this event' : n.role === 'sibling' ? 'concurrent sibling' : 'ancestor';
    return s(
      'g',
      {
        class: `node ${n.role}${n.money && n.money.outcome !== 'applied' ? ` ${n.money.outcome}` : ''}`,
        'data-id': e.id,
        tabindex: 0,
        role: 'button',
        'aria-label': `Show trail of event ${e.id} (${roleText}, ${e.kind} ${value} from ${e.origin})`,
        onclick: () => app.openEvent(e.id),
        onkeydown: (ev: KeyboardEvent) => {
          if (ev.key === 'Enter' || ev.key === ' ') {
            ev.preventDefault();
            app.openEvent(e.id);
          }
        },
      },
      s('title', {}, `${e.kind} ${value}\n${e.id}\n${roleText}`),
      s('rect', { x, y, width: NODE_WIDTH, height, rx: 6 }),
      lines,
    );
  }

  return { open, refresh, current: () => id };
}

/** One region's hop in a node: its lag behind the origin, and how it came when not straight from the origin. */
function hopText(origin: string, region: string, r: HopReceipt | undefined): string {
  if (r === undefined) return 'not here';
  if (region === origin) return `origin, ${formatTime(r.receivedAt)}`;
  const lag = typeof r.lagMs === 'number' ? `+${formatDuration(r.lagMs)}` : formatTime(r.receivedAt);
  const direct = r.via.type === 'peer' && r.via.peer === origin;
  return direct || r.via.type === 'local' ? lag : `${lag} ${r.via.type} from ${r.via.peer}`;
}

function receiptText(origin: string, region: string, r: HopReceipt | undefined): Child {
  if (r === undefined) return [`${region}: `, h('span', { class: 'badge bad' }, 'not here')];
  const lag = region === origin ? 'origin' : typeof r.lagMs === 'number' ? `+${formatDuration(r.lagMs)}` : '';
  return `${region}: ${lag} ${formatTime(r.receivedAt)} · ${formatVia(r.via)}`;
}

function fit(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Receipts of a sibling with each hop's lag behind its origin's receipt, as the trail's carry. */
function withLags(origin: string, receipts: Readonly<Record<string, Receipt | undefined>>): Record<string, HopReceipt | undefined> {
  const at = receipts[origin]?.receivedAt;
  const out: Record<string, HopReceipt | undefined> = {};
  for (const [region, r] of Object.entries(receipts)) out[region] = r === undefined || at === undefined ? r : { ...r, lagMs: r.receivedAt - at };
  return out;
}
