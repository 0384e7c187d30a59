/**
 * `GET /status`, the link switch and the per-link delivery record: what a region says about itself
 * and its links. The digest and the event count come from the store's digest rows (no scan); the
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
import type { BackfillProgress, EventStore, LinkDelivery } from '../ports/event-store.ts';
import type { LinkControl, LinkState } from '../ports/link-control.ts';
import type { BackfillPeerStatus, BackfillStatus, LinkLag, LinkStatus, RegionStatus } from './answers.ts';
import { inboundSync, withSync } from './link-sync.ts';

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

  /**
   * `GET /status`; links into this region carry the lag of their last delivery and how far behind
   * they are now (`waiting`, `staleMs`, `sync`: see `./link-sync.ts`), summed up in `inbound`.
   */
  async status(): Promise<RegionStatus> {
    let linksError: string | undefined;
    let lagError: string | undefined;
    const [links, deliveries, digest, refused, backfills] = await Promise.all([
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
      this.store.backfills(),
    ]);
    const backfill = backfillStatus(backfills);
    const lagOf = new Map(deliveries.map((d): [string, LinkLag] => [d.from, { lastMs: d.lagMs, at: d.receivedAt, originAt: d.originAt, events: d.events }]));
    const now = this.wall.now();
    const statuses = links.map((l): LinkStatus => (l.to === this.region ? withSync(l, lagOf.get(l.from), now) : l));
    return {
      region: this.region,
      peers: this.peers,
      links: statuses,
      ...(linksError === undefined ? { inbound: inboundSync(this.region, statuses) } : { linksError }),
      ...(lagError === undefined ? {} : { lagError }),
      events: digest.entries.reduce((n, e) => n + e.count, 0),
      digest,
      refused,
      ...(backfill === undefined ? {} : { backfill }),
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

/**
 * The `backfill` field of `GET /status` from the progress records (undefined: this region never
 * backfilled, it was there from the start).
 *
 * @example
 * ```ts
 * backfillStatus([{ peer: 'eu-west-1', phase: 'copy', bucket: 16, buckets: 64, read: 10, copied: 9, startedAt: 1, updatedAt: 2 }]);
 * // { state: 'catching-up', peers: { 'eu-west-1': { phase: 'copy', bucket: 16, buckets: 64, progress: 0.25, … } } }
 * ```
 */
export function backfillStatus(records: readonly BackfillProgress[]): BackfillStatus | undefined {
  if (records.length === 0) return undefined;
  const peers = Object.fromEntries(
    records.map((r): [string, BackfillPeerStatus] => [
      r.peer,
      {
        phase: r.phase,
        bucket: r.bucket,
        buckets: r.buckets,
        progress: r.phase === 'copy' ? r.bucket / r.buckets : 1,
        read: r.read,
        copied: r.copied,
        startedAt: r.startedAt,
        updatedAt: r.updatedAt,
        ...(r.finishedAt === undefined ? {} : { finishedAt: r.finishedAt }),
      },
    ]),
  );
  return { state: records.every((r) => r.phase === 'done') ? 'done' : 'catching-up', peers };
}
