/**
 * Anti-entropy repair (scheduled): for each peer, compare per-bucket digests of event ids with
 * the peer's table, and pull the events this region is missing in the buckets that differ. So no
 * event depends on a message never being lost, and a new region can backfill. Pulled events are
 * checked like any ingested event (hash, origin: a region of the mesh and never this one, clock
 * offset), stored a chunk at a time, and get a receipt `{ type: 'repair', peer }`. Digests come
 * from each table's digest rows, so comparing costs O(buckets), not a scan.
 *
 * Pull only: each region repairs itself, so a region never writes to another region's table.
 *
 * Repair respects link state: it pulls from a peer only while the link peer -> this region is
 * enabled, so a link cut through the admin route (the nemesis) is a partition for repair too,
 * in AWS as in the local cloud. If the link state cannot be read it repairs anyway (and logs it):
 * anti-entropy is the safety net, and a spurious pull is harmless where a missed one is not.
 *
 * @example
 * ```ts
 * import { makeRepairHandler } from './repair.ts';
 * const repair = makeRepairHandler(deps, { 'eu-west-1': euStore, 'ap-southeast-2': apStore });
 * const report = await repair();
 * // { 'eu-west-1': { buckets: 2, pulled: 5, poison: 0, held: 0 }, 'ap-southeast-2': { skipped: 'link-disabled' } }
 * ```
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createClients } from '../shared/adapters/clients.ts';
import { DynamoEventStore } from '../shared/adapters/dynamo-event-store.ts';
import { LambdaLinkControl } from '../shared/adapters/lambda-link-control.ts';
import { depsFromEnv, lazy } from '../shared/app/env-deps.ts';
import { PoisonMessageError } from '../shared/app/poison-message-error.ts';
import type { RegionDeps } from '../shared/app/wiring.ts';
import { tableName } from '../shared/config/naming.ts';
import { DEFAULT_BUCKETS, diffDigests } from '../shared/domain/index.ts';
import type { Digest } from '../shared/domain/types.ts';
import type { EventStore } from '../shared/ports/event-store.ts';
import type { LinkControl, LinkState } from '../shared/ports/link-control.ts';
import { memoize } from '../shared/util/memoize.ts';

export interface RepairHandlerOptions {
  readonly logger?: Logger;
  /** Digest buckets (default the domain's DEFAULT_BUCKETS, which the table indexes). */
  readonly buckets?: number;
  /** Events fetched from a peer at once. */
  readonly concurrency?: number;
}

/** Per peer: buckets that differed, events pulled, events refused as poison; or why not. */
export type RepairReport = Record<
  string,
  { buckets: number; pulled: number; poison: number; held: number } | { error: string } | { skipped: 'link-disabled' }
>;

export type RepairHandler = () => Promise<RepairReport>;

/** Peer region -> a read view of that peer's store. */
export type PeerStores = Readonly<Record<string, EventStore>> | ((peer: string) => EventStore);

/**
 * Per run: whether the link `from` -> `to` is enabled, by `isEnabled` where the control has it,
 * else by its entry in `links()` (read once for all peers); undefined when the control does not
 * know the link.
 */
function linkStateReader(links: LinkControl): (from: string, to: string) => Promise<boolean | undefined> {
  let all: Promise<LinkState[]> | undefined;
  return async (from, to) => {
    if (links.isEnabled !== undefined) return links.isEnabled(from, to);
    all ??= links.links();
    return (await all).find((l) => l.from === from && l.to === to)?.enabled;
  };
}

/** Builds the handler on injected dependencies (local cloud, tests); `deps.links` decides which peers it may pull from. */
export function makeRepairHandler(
  deps: Pick<RegionDeps, 'config' | 'store' | 'service' | 'links'>,
  peerStores: PeerStores,
  options: RepairHandlerOptions = {},
): RepairHandler {
  const logger = options.logger ?? new Logger({ serviceName: 'ecmesh-repair' });
  const buckets = options.buckets ?? DEFAULT_BUCKETS;
  const concurrency = options.concurrency ?? 16;
  const storeOf = (peer: string): EventStore | undefined => (typeof peerStores === 'function' ? peerStores(peer) : peerStores[peer]);

  /** `ownDigest` is this region's digest, read once per run and shared by every peer's repair. */
  const repairFrom = async (peer: string, remote: EventStore, ownDigest: () => Promise<Digest>) => {
    const [mine, theirs] = await Promise.all([ownDigest(), remote.digest(buckets)]);
    const differing = diffDigests(mine, theirs);
    let pulled = 0;
    let poison = 0;
    let held = 0;
    for (const bucket of differing) {
      const [have, offered] = await Promise.all([deps.store.idsInBucket(bucket, buckets), remote.idsInBucket(bucket, buckets)]);
      const known = new Set(have);
      const missing = offered.filter((id) => !known.has(id));
      for (let i = 0; i < missing.length; i += concurrency) {
        const ids = missing.slice(i, i + concurrency);
        // The peer's index may name an event before its table holds it: that one waits for the next run.
        const found = (await Promise.all(ids.map((id) => remote.get(id)))).filter((f) => f !== undefined);
        // One check-and-store for the chunk: a read and a write per batch, not per event.
        const outcomes = await deps.service.ingestBatch(found.map((f) => ({ raw: f.event, via: { type: 'repair', peer } })));
        for (const [n, o] of outcomes.entries()) {
          if (o.ok) {
            if (o.status === 'stored') pulled++;
          } else if (o.error instanceof PoisonMessageError) {
            poison++;
            logger.error('peer holds an event this region refuses; not pulled', { peer, id: found[n]?.event.id, reason: o.error.reason, detail: o.error.message });
          } else {
            // Stamped too far ahead of this region's clock: held; a later run pulls it again.
            held++;
            logger.warn('peer holds an event stamped too far ahead; not pulled yet', { peer, id: found[n]?.event.id, detail: o.error.message });
          }
        }
      }
    }
    return { buckets: differing.length, pulled, poison, held };
  };

  /** Only over an enabled link; when its state cannot be read, repair anyway (anti-entropy) and say so. */
  const mayPull = async (linkEnabled: ReturnType<typeof linkStateReader>, peer: string): Promise<boolean> => {
    const region = deps.config.region;
    try {
      const enabled = await linkEnabled(peer, region);
      if (enabled === undefined) logger.info('link state unknown; repairing anyway', { peer, region });
      return enabled !== false;
    } catch (e) {
      logger.warn('could not read link state; repairing anyway (anti-entropy)', { peer, region, error: e as Error });
      return true;
    }
  };

  return async () => {
    const report: RepairReport = {};
    const linkEnabled = linkStateReader(deps.links);
    // A digest is a scan of every id here: one per run, not one per peer, and none if no peer is pulled from.
    let own: Promise<Digest> | undefined;
    const ownDigest = (): Promise<Digest> => (own ??= deps.store.digest(buckets));
    await Promise.all(
      deps.config.peers.map(async (peer) => {
        if (!(await mayPull(linkEnabled, peer))) {
          report[peer] = { skipped: 'link-disabled' };
          return;
        }
        const remote = storeOf(peer);
        if (remote === undefined) {
          report[peer] = { error: 'no store for peer' };
          return;
        }
        try {
          report[peer] = await repairFrom(peer, remote, ownDigest);
          if ((report[peer] as { pulled: number }).pulled > 0) logger.info('repaired', { peer, ...report[peer] });
        } catch (e) {
          // One unreachable peer must not stop the repair from the others.
          report[peer] = { error: (e as Error).message };
          logger.error('repair from peer failed', { peer, error: e as Error });
        }
      }),
    );
    return report;
  };
}

const defaultHandler = lazy(() => {
  // The same link control as the admin route: a link cut there is not bypassed by repair.
  const deps = depsFromEnv(process.env, LambdaLinkControl.fromEnv(process.env));
  const { meshName } = deps.config;
  // Peer tables are read in their own regions, by their deterministic names; one store per peer.
  const peerStore = memoize(
    (peer: string): EventStore =>
      new DynamoEventStore({ client: createClients({ region: peer }).dynamodb, table: tableName(meshName, peer), region: peer }),
  );
  return makeRepairHandler(deps, peerStore);
});

/** The Lambda entry point (EventBridge schedule): repairs this region from every peer. */
export const handler = async (): Promise<RepairReport> => (await defaultHandler())();
