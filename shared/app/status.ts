/**
 * `GET /status`, the link switch and the per-link delivery record: what a region says about itself
 * and its links. The digest and the event count come from the store's digest cells (no scan); the
 * link state and lag are advisory, so a link control or a lag read that fails does not hide the rest.
 *
 * @example
 * ```ts
 * import { RegionStatusService } from './status.ts';
 * const status = new RegionStatusService({ region, peers, store, links });
 * (await status.status()).events; // events stored here
 * ```
 */
import { NotFoundError, ValidationError, parseHlc } from '../domain/index.ts';
import type { MeshEvent, WallClock } from '../domain/index.ts';
import type { EventStore, LinkDelivery } from '../ports/event-store.ts';
import type { LinkControl, LinkState } from '../ports/link-control.ts';
import type { LinkLag, LinkStatus, RegionStatus } from './answers.ts';

export interface RegionStatusOptions {
  readonly region: string;
  readonly peers: readonly string[];
  readonly store: EventStore;
  readonly links: LinkControl;
  readonly wall?: WallClock;
}

export class RegionStatusService {
  private readonly region: string;
  private readonly peers: readonly string[];
  private readonly store: EventStore;
  private readonly links: LinkControl;
  private readonly wall: WallClock;

  constructor(options: RegionStatusOptions) {
    this.region = options.region;
    this.peers = options.peers;
    this.store = options.store;
    this.links = options.links;
    this.wall = options.wall ?? { now: () => Date.now() };
  }

  /** `GET /status`; links into this region carry the lag of their last delivery. */
  async status(): Promise<RegionStatus> {
    let linksError: string | undefined;
    let lagError: string | undefined;
    const [links, deliveries, digest, refused] = await Promise.all([
      this.links.links().catch((e: unknown): LinkState[] => {
        linksError = e instanceof Error ? e.message : String(e);
        return [];
      }),
      this.store.deliveries(this.peers).catch((e: unknown): LinkDelivery[] => {
        lagError = e instanceof Error ? e.message : String(e);
        return [];
      }),
      this.store.digest(),
      this.store.refusals(),
    ]);
    const lagOf = new Map(deliveries.map((d): [string, LinkLag] => [d.from, { lastMs: d.lagMs, at: d.receivedAt, originAt: d.originAt, events: d.events }]));
    return {
      region: this.region,
      peers: this.peers,
      links: links.map((l): LinkStatus => {
        const lag = l.to === this.region ? lagOf.get(l.from) : undefined;
        return lag === undefined ? l : { ...l, lag };
      }),
      ...(linksError === undefined ? {} : { linksError }),
      ...(lagError === undefined ? {} : { lagError }),
      events: digest.entries.reduce((n, e) => n + e.count, 0),
      digest,
      refused,
    };
  }

  /**
   * Records that a batch of `events` from `from` was delivered (ingest calls it once per batch and
   * sender, after storing them): the lag is this region's wall clock now minus the origin wall
   * time of the newest event's HLC stamp, so it includes the clock skew between the regions.
   * Nothing is recorded for an empty batch.
   */
  async recordDelivery(from: string, events: readonly MeshEvent[]): Promise<void> {
    if (events.length === 0) return;
    const originAt = events.reduce((max, e) => Math.max(max, parseHlc(e.hlc).wall), 0);
    const receivedAt = this.wall.now();
    await this.store.recordDelivery({ from, receivedAt, originAt, lagMs: receivedAt - originAt, events: events.length });
  }

  /** `PUT /admin/links/{from}/{to}`: the nemesis switch of one link. */
  async setLink(from: unknown, to: unknown, enabled: unknown): Promise<LinkState> {
    const regions = new Set([this.region, ...this.peers]);
    if (typeof enabled !== 'boolean') throw new ValidationError('bad-request', 'enabled: must be true or false');
    for (const [what, r] of [['from', from], ['to', to]] as const) {
      if (typeof r !== 'string' || !regions.has(r)) {
        throw new NotFoundError(`${what}: ${String(r)} is not a region of this mesh (${[...regions].join(', ')})`);
      }
    }
    if (from === to) throw new ValidationError('bad-request', 'from and to must be different regions');
    return this.links.setLink(from as string, to as string, enabled);
  }
}
