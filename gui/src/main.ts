/**
 * The GUI's entry: finds the regions, keeps the replication and conflicts panels fresh (one round
 * of requests every 2 s, sampled into the replication charts), wires the key, trail and account
 * views, and keeps what is open in the URL (`#key=…&event=…&account=…`), both ways: opening
 * something updates the URL, and a changed URL (a shared link, Back) opens what it names.
 *
 * @example
 * ```html
 * <script type="module" src="app.js"></script>
 * <!-- regions of a mesh on other ports: /ui/?regions=us-east-1=http://127.0.0.1:4001,eu-west-1=http://127.0.0.1:4002#key=colour -->
 * ```
 */
import type { MeshClient } from '../../shared/client/mesh-client.ts';
import type { ConflictList } from '../../shared/client/types.ts';
import type { App } from './app.ts';
import { clientFor, everyRegion } from './api.ts';
import { renderIfChanged, replace } from './dom.ts';
import { describeFailure } from './failure.ts';
import { formatHash, parseHash } from './hash-state.ts';
import { discoverRegions, meshRegions, sameRegions } from './regions.ts';
import type { Region } from './regions.ts';
import { LAG_DEFINITION, linkRows, ReplicationSeries } from './replication.ts';
import type { StatusAnswer } from './replication.ts';
import { createAccountsView } from './views/accounts-view.ts';
import { renderConflicts } from './views/conflicts-view.ts';
import { createFinder } from './views/finder.ts';
import { createKeyView } from './views/key-view.ts';
import { createReplicationView } from './views/replication-view.ts';
import { createTrailView } from './views/trail-view.ts';

const REFRESH_MS = 2000;
/** Keys per `GET /conflicts` page (the API's default). */
const CONFLICTS_PAGE = 20;
const $ = <T extends HTMLElement = HTMLElement>(selector: string): T => document.querySelector(selector) as T;

let regions: Region[] = [];
const series = new ReplicationSeries();

const app: App = {
  get regions() {
    return regions;
  },
  client: (region) => {
    const url = regions.find((r) => r.region === region)?.url;
    return url === undefined ? undefined : clientFor(url);
  },
  openKey: (key) => void show($('#key-section'), keys.open(key)),
  openEvent: (id) => void show($('#trail-section'), trail.open(id)),
  openAccount: (account) => void show($('#accounts-section'), accounts.open(account)),
  refresh,
  opened,
};

const keys = createKeyView($('#key-section'), app);
const trail = createTrailView($('#trail-section'), app);
const accounts = createAccountsView($('#accounts-section'), app);
const replication = createReplicationView($('#replication-view'), app);
createFinder({ form: $('#find-form'), input: $('#find-input'), list: $('#key-list'), path: '/kv', field: 'keys', noun: 'key', open: app.openKey }, app);
createFinder({ form: $('#find-account-form'), input: $('#find-account-input'), list: $('#account-list'), path: '/accounts', field: 'accounts', noun: 'account', open: app.openAccount }, app);

/** Opens a view, records it in the URL, and brings its section into view. */
async function show(section: HTMLElement, opening: Promise<void>): Promise<void> {
  opened();
  section.scrollIntoView({ block: 'start' });
  await opening;
}

/** The URL follows what is open (one history entry per change, so Back goes back). */
function opened(): void {
  const state = { ...(keys.current() ? { key: keys.current() } : {}), ...(trail.current() ? { event: trail.current() } : {}), ...(accounts.current() ? { account: accounts.current() } : {}) };
  const hash = formatHash(state);
  if (hash !== window.location.hash && hash !== '') window.location.hash = hash;
}

/** A changed URL opens what it names (only what differs from what is open). */
function followHash(): void {
  const state = parseHash(window.location.hash);
  if (state.key !== undefined && state.key !== keys.current()) void keys.open(state.key);
  if (state.event !== undefined && state.event !== trail.current()) void trail.open(state.event);
  if (state.account !== undefined && state.account !== accounts.current()) void accounts.open(state.account);
}

/** Pages of `GET /conflicts` each refresh reads per region ("Show more conflicts" adds one). */
let conflictPagesWanted = 1;

/** The first `pages` pages of a region's conflicts, following its cursors; `next` when more remain. */
async function conflictPages(client: MeshClient, pages: number): Promise<ConflictList & { readonly next?: string }> {
  const conflicts: ConflictList['conflicts'][number][] = [];
  let region = '';
  let cursor: string | undefined;
  for (let page = 0; page < pages; page++) {
    const answer = await client.conflictsPage({ cursor, limit: CONFLICTS_PAGE });
    region = answer.region;
    conflicts.push(...answer.conflicts);
    if (answer.next === undefined || answer.next === cursor) return { region, conflicts };
    cursor = answer.next;
  }
  return { region, conflicts, ...(cursor === undefined ? {} : { next: cursor }) };
}

/** Whether the regions came from the local cloud's `/local/mesh`, which can change while it runs. */
let regionsFromMesh = false;

/** The local cloud's `/local/mesh` document of the server at `url`. */
const fetchMesh = (url: string): Promise<unknown> => clientFor(url).request('GET', '/local/mesh');

/** Takes in a region that joined the local mesh, and lets a retired one go. */
async function followMembership(): Promise<void> {
  if (!regionsFromMesh) return;
  const now = await meshRegions(window.location.origin, fetchMesh);
  if (now === undefined || sameRegions(now, regions)) return;
  regions = now;
  replace($('#served-by'), `Regions: ${regions.map((r) => r.region).join(', ')}`);
}

/** One round of requests: every region's status and conflicts, and the open key, trail and account. */
async function refreshRound(): Promise<void> {
  await followMembership();
  const [statuses, conflicts] = await Promise.all([
    everyRegion(regions, (_r, c) => c.status()),
    everyRegion(regions, (_r, c) => conflictPages(c, conflictPagesWanted)),
    keys.refresh(),
    trail.refresh(),
    accounts.refresh(),
  ]);
  const answers: StatusAnswer[] = statuses.map((s) => (s.ok ? { region: s.region, ok: true, value: s.value } : { region: s.region, ok: false }));
  series.add(Date.now(), linkRows(answers));
  replication.render(answers, series);
  // Ages in whole seconds, so the table re-renders once a second at most.
  const now = Math.floor(Date.now() / 1000) * 1000;
  renderIfChanged(
    $('#conflicts-view'),
    { c: conflicts.map((c) => (c.ok ? { r: c.region, v: c.value } : { r: c.region, e: describeFailure(c.error).text })), now },
    () =>
      renderConflicts(conflicts.map((c) => (c.ok ? { region: c.region, ok: true, value: c.value } : { region: c.region, ok: false, error: c.error })), app, now, () => {
        conflictPagesWanted++;
        void refresh();
      }),
  );
  $('#updated').textContent = `Updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
}

let running: Promise<void> | undefined;
let queued: Promise<void> | undefined;
/**
 * Refreshes every panel with requests sent after this call: a call while a round is in flight
 * gets the round that starts when it ends, one shared by every such call.
 */
function refresh(): Promise<void> {
  if (running === undefined) {
    running = refreshRound().finally(() => {
      running = undefined;
    });
    return running;
  }
  queued ??= running
    .catch(() => undefined)
    .then(() => {
      queued = undefined;
      return refresh();
    });
  return queued;
}

/** In-page links (skip link, section links) move the focus there without touching the URL's state. */
function wireInPageLinks(): void {
  document.addEventListener('click', (e) => {
    const link = (e.target as Element | null)?.closest?.('a[href^="#"]');
    const id = link?.getAttribute('href')?.slice(1);
    if (!id || id.includes('=')) return;
    const target = document.getElementById(id);
    if (target === null) return;
    e.preventDefault();
    const focusable = target.tagName === 'SECTION' ? (target.querySelector('h2') ?? target) : target;
    target.scrollIntoView({ block: 'start' });
    (focusable as HTMLElement).focus({ preventScroll: true });
  });
}

async function start(): Promise<void> {
  $('#lag-definition').textContent = LAG_DEFINITION;
  wireInPageLinks();
  const feedback = $('#page-feedback');
  try {
    // One read of /local/mesh: it says the regions and that they can change while the page is open.
    const listed = new URLSearchParams(window.location.search).has('regions') ? undefined : await meshRegions(window.location.origin, fetchMesh);
    regionsFromMesh = listed !== undefined;
    regions = listed ?? (await discoverRegions(window.location, (url) => clientFor(url).status()));
  } catch (error) {
    feedback.className = 'feedback bad';
    replace(feedback, `Could not find the regions: ${describeFailure(error).text}. Pass them as ?regions=us-east-1=http://127.0.0.1:3001,…`);
    return;
  }
  replace($('#served-by'), `Regions: ${regions.map((r) => r.region).join(', ')}`);
  $('#refresh').addEventListener('click', () => void refresh());
  window.addEventListener('hashchange', followHash);
  followHash();
  await refresh();
  setInterval(() => {
    // A tick while a round is still in flight has nothing newer to ask for: skip it.
    if ($<HTMLInputElement>('#auto-refresh').checked && !document.hidden && running === undefined) void refresh();
  }, REFRESH_MS);
}

void start();
