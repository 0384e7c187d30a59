/**
 * Which regions the GUI talks to, and at which URLs: from `?regions=name=url,…` when given,
 * otherwise from the serving region's `GET /status` (itself and its peers), with peer URLs derived
 * from the local cloud's port layout (us-east-1 3001, eu-west-1 3002, ap-southeast-2 3003).
 *
 * @example
 * ```js
 * import { discoverRegions } from './regions.js';
 * const regions = await discoverRegions(window.location, (url) => api.status(url));
 * // [{ region: 'us-east-1', url: 'http://127.0.0.1:3001' }, …]
 * ```
 */

/** The local cloud's default regions, in port order. */
export const LOCAL_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

/**
 * Parses `us-east-1=http://127.0.0.1:3001,eu-west-1=http://127.0.0.1:3002`.
 *
 * @example
 * ```js
 * parseRegionsParam('a=http://h:1,b=http://h:2'); // [{ region: 'a', url: 'http://h:1' }, { region: 'b', url: 'http://h:2' }]
 * ```
 */
export function parseRegionsParam(text) {
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
 * ```js
 * localPeerUrl('http://127.0.0.1:3001', 'us-east-1', 'ap-southeast-2'); // 'http://127.0.0.1:3003'
 * ```
 */
export function localPeerUrl(origin, self, peer) {
  const i = LOCAL_REGIONS.indexOf(self);
  const j = LOCAL_REGIONS.indexOf(peer);
  const url = new URL(origin);
  if (i < 0 || j < 0 || !url.port) return undefined;
  url.port = String(Number(url.port) + j - i);
  return url.origin;
}

/**
 * The regions to show: the `regions` query parameter, else the serving region and its peers.
 * A peer whose URL cannot be derived is listed with `url: undefined` (shown as unknown).
 */
export async function discoverRegions(location, fetchStatus) {
  const param = new URLSearchParams(location.search).get('regions');
  if (param) return parseRegionsParam(param);
  const origin = location.origin;
  const status = await fetchStatus(origin);
  return [
    { region: status.region, url: origin },
    ...status.peers.filter((p) => p !== status.region).map((peer) => ({ region: peer, url: localPeerUrl(origin, status.region, peer) })),
  ];
}
