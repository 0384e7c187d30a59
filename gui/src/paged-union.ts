/**
 * Paging one sorted list out of every region's paged listing (`GET /kv?prefix=`,
 * `GET /accounts?prefix=`). Pure.
 *
 * Regions list the same names only once they hold the same events, so their pages differ while
 * replication catches up. Each region's page is sorted. Past the last name of a region that still
 * has a `next` cursor, that region may hold names not read yet. So the list stops at the smallest
 * such last name (the frontier), and the names read beyond it wait for a later page. "More" then
 * only appends to the list and never inserts in its middle (for one sorted walk: the accounts
 * listing's escrow part, after its plain part, can still land below the frontier). A page also
 * holds as many names as the most complete region lists, not the union of every region's
 * different first pages.
 *
 * @example
 * ```ts
 * import { emptyUnion, addPages, visibleNames } from './paged-union.ts';
 * let u = emptyUnion();
 * u = addPages(u, [
 *   { region: 'us', names: [['a', ''], ['b', ''], ['c', '']], next: 'c' },
 *   { region: 'eu', names: [['a', ''], ['c', ''], ['d', '']], next: 'd' }, // eu has no 'b' yet
 * ]);
 * visibleNames(u);  // ['a', 'b', 'c']: 'd' waits until us has listed past 'c'
 * u.cursors;        // Map { 'us' => 'c', 'eu' => 'd' }
 * ```
 */

/** One region's answer: its names in its order, each with what it says of it ('' for nothing). */
export interface RegionPage {
  readonly region: string;
  readonly names: ReadonlyArray<readonly [name: string, detail: string]>;
  /** The cursor of the region's next page; absent when it has listed everything. */
  readonly next?: string;
}

/** What the pages read so far add up to. */
export interface PagedUnion {
  /** Every name read so far, with what the regions said of it, joined by '; '. */
  readonly found: ReadonlyMap<string, string>;
  /** Regions with more to list, and where they continue. */
  readonly cursors: ReadonlyMap<string, string>;
  /** The greatest name each region has listed, for the regions that listed any. */
  readonly last: ReadonlyMap<string, string>;
}

/** No pages read. */
export function emptyUnion(): PagedUnion {
  return { found: new Map(), cursors: new Map(), last: new Map() };
}

/**
 * The union after one round of pages. A region not among `pages` keeps no cursor: a caller asks
 * for the next page of every region with a cursor, and one that failed is not asked again.
 *
 * @example
 * ```ts
 * addPages(emptyUnion(), [{ region: 'us', names: [['k', 'us: balance 3']] }]).found; // Map { 'k' => 'us: balance 3' }
 * ```
 */
export function addPages(union: PagedUnion, pages: readonly RegionPage[]): PagedUnion {
  const found = new Map(union.found);
  const last = new Map(union.last);
  const cursors = new Map<string, string>();
  for (const page of pages) {
    for (const [name, detail] of page.names) found.set(name, [found.get(name), detail].filter(Boolean).join('; '));
    // The greatest name so far, not the page's last: the frontier never moves back, even for a
    // listing that walks two sorted parts (accounts: the plain ones, then the escrow ones).
    const final = page.names.reduce<string | undefined>((max, [name]) => (max === undefined || name > max ? name : max), last.get(page.region));
    if (final !== undefined) last.set(page.region, final);
    if (page.next !== undefined && page.next !== '') cursors.set(page.region, page.next);
  }
  return { found, cursors, last };
}

/**
 * The names to show, sorted: every name up to the frontier, or every name once no region has more.
 *
 * @example
 * ```ts
 * visibleNames(addPages(emptyUnion(), [{ region: 'us', names: [['b', ''], ['a', '']] }])); // ['a', 'b']
 * ```
 */
export function visibleNames(union: PagedUnion): string[] {
  const names = [...union.found.keys()].sort();
  const limits = [...union.cursors.keys()].map((region) => union.last.get(region));
  // A region with more to list that has listed nothing yet could hold any name.
  if (limits.some((l) => l === undefined)) return [];
  if (limits.length === 0) return names;
  const frontier = (limits as string[]).reduce((min, l) => (l < min ? l : min));
  return names.filter((n) => n <= frontier);
}
