/**
 * The GUI's access to the regions: the typed client of `shared/client` (the same one the CLI and
 * the tests use, so every route, the admin link switch included, is spelled in one place), one
 * per region URL, plus asking every region at once and reading paged lists.
 *
 * @example
 * ```ts
 * import { clientFor, everyRegion } from './api.ts';
 * const answers = await everyRegion(regions, (r) => clientFor(r.url).status());
 * answers[0]; // { region: 'us-east-1', url: 'http://127.0.0.1:3001', ok: true, value: { region, peers, links, … } }
 * ```
 */
import { MeshClient } from '../../shared/client/mesh-client.ts';
import type { KeyView } from '../../shared/client/types.ts';
import type { Region } from './regions.ts';

/** Requests give up after this long: a region that is cut off must not freeze the page. */
const TIMEOUT_MS = 8000;

const clients = new Map<string, MeshClient>();

/**
 * The client of the region at `url` (one per URL).
 *
 * @example
 * ```ts
 * await clientFor('http://127.0.0.1:3002').get('colour');
 * ```
 */
export function clientFor(url: string): MeshClient {
  let client = clients.get(url);
  if (client === undefined) {
    // A browser's fetch must be called as a plain function, never as a method of another object.
    client = new MeshClient({ baseUrl: url, timeoutMs: TIMEOUT_MS, fetch: (input, init) => fetch(input, init) });
    clients.set(url, client);
  }
  return client;
}

/** One region's answer: its value, or the error its request threw. */
export type Answer<T> =
  | { readonly region: string; readonly url: string | undefined; readonly ok: true; readonly value: T }
  | { readonly region: string; readonly url: string | undefined; readonly ok: false; readonly error: unknown };

/**
 * Calls `fn` for every region at once (a region with no known URL fails at once).
 *
 * @example
 * ```ts
 * const views = await everyRegion(regions, (r, c) => c.get('colour'));
 * ```
 */
export async function everyRegion<T>(regions: readonly Region[], fn: (region: Region, client: MeshClient) => Promise<T>): Promise<Answer<T>[]> {
  return Promise.all(
    regions.map(async (r): Promise<Answer<T>> => {
      try {
        if (r.url === undefined) throw new Error(`the URL of ${r.region} is unknown (pass ?regions=name=url,…)`);
        return { region: r.region, url: r.url, ok: true, value: await fn(r, clientFor(r.url)) };
      } catch (error) {
        return { region: r.region, url: r.url, ok: false, error };
      }
    }),
  );
}

/** A paged list read to its end (or to the page limit). */
export interface Pages<T> {
  readonly items: readonly T[];
  /** False when more pages remained after `maxPages`. */
  readonly complete: boolean;
  /** The first page's answer, for its other fields (`region`, `balance`, …). */
  readonly first: unknown;
}

/**
 * Reads every page of a list route: `path?limit=N`, then `&cursor=NEXT` while the answer carries
 * `next` (the paging the API is gaining). An answer without `next` is the whole list, which is
 * what an API without paging answers.
 *
 * @example
 * ```ts
 * const { items } = await allPages(client, '/kv/colour/history', 'events');
 * ```
 */
export async function allPages<T>(client: MeshClient, path: string, field: string, maxPages = 50, limit = 100): Promise<Pages<T>> {
  const items: T[] = [];
  let first: unknown;
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor === undefined ? {} : { cursor }) });
    const answer = await client.request<Record<string, unknown>>('GET', `${path}${path.includes('?') ? '&' : '?'}${query}`);
    if (page === 0) first = answer;
    const list = answer?.[field];
    if (Array.isArray(list)) items.push(...(list as T[]));
    cursor = typeof answer?.next === 'string' && answer.next !== '' ? answer.next : undefined;
    if (cursor === undefined) return { items, complete: true, first };
  }
  return { items, complete: false, first };
}

/** Heads pages a key view follows at most (100 heads each): past that it says how many it shows. */
const MAX_HEAD_PAGES = 10;

/**
 * The key's view with the heads beyond its first page too: a `GET /kv/{key}` holds the newest
 * heads within a page's budget and names the rest with `headsNext`, which `GET /kv/{key}/heads`
 * pages (newest first). Answers the heads oldest first, as the view has them; when more pages
 * remain after `maxPages`, the view keeps a `headsNext` (so `headCount` > `heads.length` says so).
 *
 * @example
 * ```ts
 * const view = await withEveryHead(client, await client.get('colour'));
 * view.heads.length === view.headCount; // true unless over 1,000 heads
 * ```
 */
export async function withEveryHead(client: MeshClient, view: KeyView, maxPages = MAX_HEAD_PAGES): Promise<KeyView> {
  const older: KeyView['heads'][number][] = [];
  let cursor = view.headsNext;
  for (let page = 0; cursor !== undefined && page < maxPages; page++) {
    const answer = await client.heads(view.key, { cursor });
    older.push(...answer.heads);
    cursor = answer.next === cursor ? undefined : answer.next;
  }
  if (older.length === 0) return view;
  const { headsNext: _, ...rest } = view;
  return { ...rest, heads: [...older.reverse(), ...view.heads], ...(cursor === undefined ? {} : { headsNext: cursor }) };
}
