import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addPages, emptyUnion, visibleNames } from '../../../gui/src/paged-union.ts';
import type { RegionPage } from '../../../gui/src/paged-union.ts';

/** A region's page of `names` (no details), with a cursor when it has more. */
const page = (region: string, names: readonly string[], next?: string): RegionPage => ({ region, names: names.map((n) => [n, ''] as const), ...(next === undefined ? {} : { next }) });
const keys = (from: number, to: number, skip: readonly number[] = []) =>
  Array.from({ length: to - from }, (_, i) => from + i).filter((i) => !skip.includes(i)).map((i) => `k${String(i).padStart(2, '0')}`);

/** One region's listing of `all`, sorted, in pages of `size` after `after`. */
function listing(region: string, all: readonly string[], size: number, after: string | undefined): RegionPage {
  const rest = [...all].sort().filter((n) => after === undefined || n > after);
  const names = rest.slice(0, size);
  return page(region, names, rest.length > size ? names[names.length - 1] : undefined);
}

describe('visibleNames', () => {
  it('shows the complete region\'s first page, not the union of first pages that differ while replication catches up', () => {
    // Prepare: us holds 55 keys; eu has not received k10 yet, ap not k20, so their pages of 50 reach further.
    const us = keys(0, 55);
    const eu = keys(0, 55, [10]);
    const ap = keys(0, 55, [20]);

    // Act
    const first = addPages(emptyUnion(), [listing('us', us, 50, undefined), listing('eu', eu, 50, undefined), listing('ap', ap, 50, undefined)]);

    // Assess: up to us's last name, k49, and k50 waits for the next page.
    expect(visibleNames(first)).toEqual(keys(0, 50));
    expect([...first.found.keys()]).toContain('k50');
    expect(first.cursors).toEqual(new Map([['us', 'k49'], ['eu', 'k50'], ['ap', 'k50']]));
  });

  it('shows names past where a region with more to list stopped only once that region has listed past them', () => {
    // Prepare: eu lacks k03 and stops at k04 with more to list; us lists everything.
    const first = addPages(emptyUnion(), [page('us', keys(0, 8)), page('eu', ['k00', 'k01', 'k02', 'k04'], 'k04')]);
    expect(visibleNames(first)).toEqual(keys(0, 5));

    // Act: eu's next page.
    const second = addPages(first, [page('eu', ['k05', 'k06', 'k07'])]);

    // Assess
    expect(visibleNames(second)).toEqual(keys(0, 8));
    expect(second.cursors.size).toBe(0);
  });

  it('shows nothing while a region with more to list has listed nothing, and joins what each region says of a name', () => {
    expect(visibleNames(addPages(emptyUnion(), [page('us', ['a']), page('eu', [], 'c')]))).toEqual([]);
    const u = addPages(emptyUnion(), [
      { region: 'us', names: [['alice', 'us: balance 30']] },
      { region: 'eu', names: [['alice', 'eu: balance 25']] },
    ]);
    expect(u.found.get('alice')).toBe('us: balance 30; eu: balance 25');
  });

  it('never moves its frontier back when a listing walks a second sorted part', () => {
    // Accounts list the plain ones, then the escrow ones, each part sorted.
    const first = addPages(emptyUnion(), [page('us', ['m', 'p'], 'c1'), page('eu', ['m', 'p', 'z'])]);
    const second = addPages(first, [page('us', ['a'], 'c2')]);
    expect(visibleNames(second)).toEqual(['a', 'm', 'p']);
  });

  it('only ever appends: each page\'s list starts with the one before, and the last is every name', () => {
    // Each region holds a random subset of the names, listed in pages of a random size.
    const names = keys(0, 30);
    const region = fc.record({ held: fc.subarray(names), size: fc.integer({ min: 1, max: 8 }) });
    fc.assert(
      fc.property(fc.array(region, { minLength: 1, maxLength: 4 }), (regions) => {
        // Prepare
        const ids = regions.map((_, i) => `r${i}`);
        let union = addPages(emptyUnion(), regions.map((r, i) => listing(ids[i] as string, r.held, r.size, undefined)));
        let shown = visibleNames(union);

        // Act: "More" until no region has more.
        while (union.cursors.size > 0) {
          const pages = [...union.cursors].map(([id, after]) => {
            const r = regions[ids.indexOf(id)] as { held: string[]; size: number };
            return listing(id, r.held, r.size, after);
          });
          union = addPages(union, pages);
          const next = visibleNames(union);

          // Assess
          expect(next.slice(0, shown.length)).toEqual(shown);
          expect(next.length).toBeGreaterThanOrEqual(shown.length);
          shown = next;
        }
        expect(shown).toEqual([...new Set(regions.flatMap((r) => r.held))].sort());
      }),
    );
  });
});
