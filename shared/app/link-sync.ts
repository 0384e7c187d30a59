/**
 * How far behind a region's inbound links are, from what its link control reports (queue depths,
 * on/off, when switched) and what it recorded of the last delivery: the `waiting`, `staleMs` and
 * `sync` of each link into the region, and the region's `inbound` summary in `GET /status`
 * (defined in `./answers.ts`, {@link LinkStatus} and {@link InboundSync}). Pure.
 *
 * @example
 * ```ts
 * import { inboundSync, withSync } from './link-sync.ts';
 * const link = withSync({ from: 'us-east-1', to: 'eu-west-1', enabled: false, backlog: 4, inFlight: 0, changedAt: 1_000 }, undefined, 3_500);
 * // { …, waiting: 4, staleMs: 2_500, sync: 'partitioned' }
 * inboundSync('eu-west-1', [link]).partitionedFrom; // ['us-east-1']
 * ```
 */
import type { LinkState } from '../ports/link-control.ts';
import type { InboundSync, LinkLag, LinkStatus, LinkSync } from './answers.ts';

/**
 * A link into this region with its lag (when it delivered before), `waiting`, `staleMs` and `sync`
 * as of `now` (this region's wall clock, ms).
 *
 * @example
 * ```ts
 * withSync({ from: 'a', to: 'b', enabled: true, backlog: 0, inFlight: 0 }, lag, now); // { …, waiting: 0, staleMs: 0, sync: 'in-sync' }
 * ```
 */
export function withSync(link: LinkState, lag: LinkLag | undefined, now: number): LinkStatus {
  const known = link.backlog !== undefined || link.inFlight !== undefined;
  const waiting = known ? (link.backlog ?? 0) + (link.inFlight ?? 0) : undefined;
  const sync: LinkSync | undefined = !link.enabled ? 'partitioned' : waiting === undefined ? undefined : waiting > 0 ? 'behind' : 'in-sync';
  let staleMs: number | undefined;
  if (waiting === 0) staleMs = 0;
  else if (waiting !== undefined) {
    // While cut, nothing sent before the cut still waits (it was delivered, give or take one batch).
    const cutAt = link.enabled ? undefined : link.changedAt;
    const since = Math.max(lag?.originAt ?? Number.NEGATIVE_INFINITY, cutAt ?? Number.NEGATIVE_INFINITY);
    if (Number.isFinite(since)) staleMs = Math.max(0, now - since);
  }
  return {
    ...link,
    ...(lag === undefined ? {} : { lag }),
    ...(waiting === undefined ? {} : { waiting }),
    ...(staleMs === undefined ? {} : { staleMs }),
    ...(sync === undefined ? {} : { sync }),
  };
}

/**
 * The region's summary as a receiver, from its links (those into `region` count; others are ignored).
 *
 * @example
 * ```ts
 * inboundSync('b', [{ from: 'a', to: 'b', enabled: true, waiting: 3, sync: 'behind', staleMs: 800 }]);
 * // { sync: 'behind', waiting: 3, dlq: 0, partitionedFrom: [], repairThrough: [], staleMs: 800 }
 * ```
 */
export function inboundSync(region: string, links: readonly LinkStatus[]): InboundSync {
  const inbound = links.filter((l) => l.to === region);
  const partitionedFrom = inbound.filter((l) => !l.enabled).map((l) => l.from);
  const waiting = inbound.reduce((n, l) => n + (l.waiting ?? 0), 0);
  const stale = inbound.flatMap((l) => (l.staleMs === undefined ? [] : [l.staleMs]));
  return {
    sync: partitionedFrom.length > 0 ? 'partitioned' : waiting > 0 ? 'behind' : 'in-sync',
    waiting,
    dlq: inbound.reduce((n, l) => n + (l.dlq ?? 0), 0),
    partitionedFrom,
    repairThrough: partitionedFrom.length > 0 ? inbound.filter((l) => l.enabled).map((l) => l.from) : [],
    ...(stale.length === 0 ? {} : { staleMs: Math.max(...stale) }),
  };
}
