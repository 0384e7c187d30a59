import { describe, expect, it } from 'vitest';
import { withEveryHead } from '../../../gui/src/api.ts';
import { MeshClient } from '../../../shared/client/mesh-client.ts';
import type { KeyView } from '../../../shared/client/types.ts';
import { BASE_WALL, setEvent } from '../../support/factories.ts';

/** Five heads h0 (oldest) … h4 (newest); the view holds h3, h4 and pages the rest two by two. */
const heads = [0, 1, 2, 3, 4].map((i) => setEvent('k', `v${i}`, { wall: BASE_WALL + i, origin: `r${i}` }));

function regionWithPages(): { client: MeshClient; asked: string[] } {
  const asked: string[] = [];
  const pages: Record<string, { heads: typeof heads; next?: string }> = {
    c1: { heads: [heads[2], heads[1]] as typeof heads, next: 'c2' },
    c2: { heads: [heads[0]] as typeof heads },
  };
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(String(input));
    asked.push(`${url.pathname}${url.search}`);
    const page = pages[url.searchParams.get('cursor') ?? ''];
    if (page === undefined) return new Response(JSON.stringify({ error: { code: 'invalid-cursor', message: 'no' } }), { status: 400 });
    return new Response(JSON.stringify({ key: 'k', region: 'us', headCount: 5, ...page }), { status: 200 });
  };
  return { client: new MeshClient({ baseUrl: 'http://region.test', fetch: fetch as typeof globalThis.fetch }), asked };
}

const view: KeyView = { key: 'k', value: 'v4', deleted: false, conflict: true, winner: heads[4] as KeyView['winner'], heads: [heads[3], heads[4]] as KeyView['heads'], headCount: 5, version: 9, headsNext: 'c1', region: 'us' };

describe('withEveryHead', () => {
  it('follows headsNext through GET /kv/{key}/heads and answers every head, oldest first', async () => {
    // Prepare
    const { client, asked } = regionWithPages();

    // Act
    const all = await withEveryHead(client, view);

    // Assess
    expect(asked).toEqual(['/kv/k/heads?cursor=c1', '/kv/k/heads?cursor=c2']);
    expect(all.heads.map((e) => e.payload)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    expect(all.headsNext).toBeUndefined();
    expect(all.version).toBe(9);
  });

  it('stops after its page budget and keeps the cursor of what it did not read', async () => {
    const { client } = regionWithPages();
    const some = await withEveryHead(client, view, 1);
    expect(some.heads.map((e) => e.payload)).toEqual(['v1', 'v2', 'v3', 'v4']);
    expect(some.headsNext).toBe('c2');
  });

  it('asks nothing for a view that holds every head', async () => {
    const { client, asked } = regionWithPages();
    const { headsNext: _, ...whole } = view;
    expect(await withEveryHead(client, whole)).toBe(whole);
    expect(asked).toEqual([]);
  });
});
