/**
 * Which regions the GUI talks to, and at which URLs, first found of:
 * 1. `?regions=name=url,…` in the page URL;
 * 2. the `/local/mesh` document of the server the page came from (the local cloud lists every
 *    region and its URL whatever the ports; `mesh gui` lists its relays);
 * 3. that server's `GET /status` (itself and its peers), with peer URLs derived from the local
 *    cloud's default port layout (us-east-1 3001, eu-west-1 3002, ap-southeast-2 3003).
 *
 * @example
 * ```ts
 * import { discoverRegions } from './regions.ts';
 * const regions = await discoverRegions(window.location, (url) => client(url).status(), (url) => client(url).request('GET', '/local/mesh'));
 * // [{ region: 'us-east-1', url: 'http://127.0.0.1:3001' }, …]
 * ```
 */

/** A region and its API's base URL (undefined: not known, shown as such). */
export interface Region {
  readonly region: string;
  readonly url: string | undefined;
}

/** The local cloud's default regions, in port order. */
export const LOCAL_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

/**
 * Parses `us-east-1=http://127.0.0.1:3001,eu-west-1=http://127.0.0.1:3002`.
 *
 * @example
 * ```ts
 * parseRegionsParam('a=http://h:1,b=http://h:2'); // [{ region: 'a', url: 'http://h:1' }, { region: 'b', url: 'http://h:2' }]
 * ```
 */
export function parseRegionsParam(text: string): Region[] {
  return text
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair.includes('='))
    .map((pair) => {
      const at = pair.indexOf('=');
      return { region: pair.slice(0, at).trim(), url: pair.slice(at + 1).trim().replace(/\/+$/, '') };
    });
}

/**
 * A peer's URL in the local cloud's layout: same host, port shifted by the regions' distance in
 * {@link LOCAL_REGIONS}; undefined when either region is not a local default.
 *
 * @example
 * ```ts
 * localPeerUrl('http://127.0.0.1:3001', 'us-east-1', 'ap-southeast-2'); // 'http://127.0.0.1:3003'
 * ```
 */
export function localPeerUrl(origin: string, self: string, peer: string): string | undefined {
  const i = LOCAL_REGIONS.indexOf(self);
  const j = LOCAL_REGIONS.indexOf(peer);
  const url = new URL(origin);
  if (i < 0 || j < 0 || !url.port) return undefined;
  url.port = String(Number(url.port) + j - i);
  return url.origin;
}

/**
 * The regions the `/local/mesh` document of `origin` lists now, or undefined when it lists none
 * (absent behind API Gateway: a 404 or a 403). The GUI asks again on every refresh, so a region
 * that joins a running local mesh appears, and a retired one goes.
 *
 * @example
 * ```ts
 * await meshRegions('http://127.0.0.1:3001', (url) => fetch(`${url}/local/mesh`).then((r) => r.json()));
 * // [{ region: 'us-east-1', url: 'http://127.0.0.1:3001' }, …]
 * ```
 */
export async function meshRegions(origin: string, fetchMesh: (url: string) => Promise<unknown>): Promise<Region[] | undefined> {
  const mesh = (await fetchMesh(origin).catch(() => undefined)) as { regions?: unknown } | undefined;
  const listed = Array.isArray(mesh?.regions)
    ? (mesh.regions as unknown[]).filter((r): r is { region: string; url: string } => typeof (r as Region)?.region === 'string' && typeof (r as Region)?.url === 'string')
    : [];
  return listed.length > 0 ? listed.map((r) => ({ region: r.region, url: r.url.replace(/\/+$/, '') })) : undefined;
}

/**
 * Whether two region lists name the same regions at the same URLs, in the same order.
 *
 * @example
 * ```ts
 * sameRegions([{ region: 'a', url: 'http://h:1' }], [{ region: 'a', url: 'http://h:1' }]); // true
 * ```
 */
export function sameRegions(a: readonly Region[], b: readonly Region[]): boolean {
  return a.length === b.length && a.every((r, i) => r.region === b[i]?.region && r.url === b[i]?.url);
}

/**
 * The regions to show (see the module comment for the order of sources).
 *
 * @example
 * ```ts
 * await discoverRegions({ search: '', origin: 'http://127.0.0.1:3001' }, fetchStatus, fetchMesh);
 * ```
 */
export async function discoverRegions(
  location: Pick<Location, 'search' | 'origin'>,
  fetchStatus: (url: string) => Promise<{ region: string; peers: readonly string[] }>,
  fetchMesh?: (url: string) => Promise<unknown>,
): Promise<Region[]> {
  const param = new URLSearchParams(location.search).get('regions');
  if (param) return parseRegionsParam(param);
  const origin = location.origin;
  if (fetchMesh) {
    const listed = await meshRegions(origin, fetchMesh);
    if (listed !== undefined) return listed;
  }
  const status = await fetchStatus(origin);
  return [
    { region: status.region, url: origin },
    ...status.peers.filter((p) => p !== status.region).map((peer) => ({ region: peer, url: localPeerUrl(origin, status.region, peer) })),
  ];
}
