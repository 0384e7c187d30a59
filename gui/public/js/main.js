/**
 * The GUI's entry: finds the regions, then keeps the regions/links and conflicts panels fresh and
 * wires the key, trail and account views. Views talk to each other only through `app`.
 *
 * @example
 * ```html
 * <script type="module" src="js/main.js"></script>
 * <!-- regions of a mesh on other ports: /ui/?regions=us-east-1=http://127.0.0.1:4001,eu-west-1=http://127.0.0.1:4002 -->
 * ```
 */
import { createAccountsView } from './accounts-view.js';
import { api, call, everyRegion } from './api.js';
import { renderConflicts } from './conflicts-view.js';
import { h, renderIfChanged, replace } from './dom.js';
import { createKeyView } from './key-view.js';
import { renderRegions } from './links-view.js';
import { discoverRegions } from './regions.js';
import { createTrailView } from './trail-view.js';

const REFRESH_MS = 2000;
const $ = (selector) => document.querySelector(selector);

const app = {
  regions: [],
  urlOf: (region) => app.regions.find((r) => r.region === region)?.url,
  announce(message) {
    replace($('#errors'));
    replace($('#messages'), message);
  },
  fail(message) {
    replace($('#errors'), h('p', {}, message));
  },
  openKey: (key) => keys.open(key),
  openEvent: (id) => trail.open(id),
  refresh,
};

const keys = createKeyView($('#key-section'), app);
const trail = createTrailView($('#trail-section'), app);
const accounts = createAccountsView($('#accounts-section'), app);

/** One round of requests: every region's status and conflicts, and the open key, trail and account. */
async function refreshRound() {
  const reachable = app.regions.filter((r) => r.url);
  const [statuses, conflicts] = await Promise.all([
    everyRegion(app.regions, (r) => (r.url ? api.status(r.url) : Promise.reject(new Error('URL unknown')))),
    everyRegion(reachable, (r) => api.conflicts(r.url)),
    keys.refresh(),
    trail.refresh(),
    accounts.refresh(),
  ]);
  renderIfChanged($('#regions-view'), statuses.map(({ region, url, ok, value }) => ({ region, url, ok, value })), () => h('div', {}, renderRegions(statuses, app)));
  renderIfChanged($('#conflicts-view'), conflicts.map(({ region, ok, value }) => ({ region, ok, value })), () => h('div', {}, renderConflicts(conflicts, app)));
  $('#updated').textContent = `Updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
}

let running;
let queued;
/**
 * Refreshes every panel with requests sent after this call: a call while a round is in flight
 * gets the round that starts when it ends, one shared by every such call. So a view refreshes
 * after its write by this alone, never by a second round of its own requests.
 */
function refresh() {
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

async function start() {
  try {
    app.regions = await discoverRegions(window.location, (url) => api.status(url), (url) => call(url, 'GET', '/local/mesh'));
  } catch (error) {
    app.fail(`Could not find the regions: ${error.message}. Pass them as ?regions=us-east-1=http://127.0.0.1:3001,…`);
    return;
  }
  replace($('#served-by'), `Regions: ${app.regions.map((r) => r.region).join(', ')}`);
  $('#refresh').addEventListener('click', () => void refresh());
  await refresh();
  setInterval(() => {
    // A tick while a round is still in flight has nothing newer to ask for: skip it.
    if ($('#auto-refresh').checked && !document.hidden && running === undefined) void refresh();
  }, REFRESH_MS);
  // Deep links: #key=colour, #event=<id>, #account=alice.
  const hash = new URLSearchParams(window.location.hash.slice(1));
  if (hash.get('key')) void keys.open(hash.get('key'));
  if (hash.get('event')) void trail.open(hash.get('event'));
  if (hash.get('account')) void accounts.open(hash.get('account'));
}

void start();
