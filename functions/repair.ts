/**
 * Anti-entropy repair (scheduled): for each peer, compare per-bucket digests of event ids with
 * the peer's table, and pull the events this region is missing in the buckets that differ. So no
 * event depends on a message never being lost, and a new region can backfill. Pulled events are
 * verified like any ingested event and get a receipt `{ type: 'repair', peer }`.
 *
 * Pull only: each region repairs itself, so a region never writes to another region's table.
 *
 * @example
 * ```ts
 * import { makeRepairHandler } from './repair.ts';
 * const repair = makeRepairHandler(deps, { 'eu-west-1': euStore });
 * const report = await repair(); // { 'eu-west-1': { buckets: 2, pulled: 5, poison: 0 } }
 * ```
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createClients } from '../shared/adapters/clients.ts';
import { DynamoEventStore } from '../shared/adapters/dynamo-event-store.ts';
import { depsFromEnv, lazy } from '../shared/app/env-deps.ts';
import { PoisonMessageError } from '../shared/app/poison-message-error.ts';
import type { RegionDeps } from '../shared/app/wiring.ts';
import { tableName } from '../shared/config/naming.ts';
import { DEFAULT_BUCKETS, diffDigests } from '../shared/domain/index.ts';
import type { EventStore } from '../shared/ports/event-store.ts';

export interface RepairHandlerOptions {
  readonly logger?: Logger;
  /** Digest buckets (default the domain's DEFAULT_BUCKETS, which the table indexes). */
  readonly buckets?: number;
  /** Events fetched from a peer at once. */
  readonly concurrency?: number;
}

/** Per peer: buckets that differed, events pulled, events refused as poison; or the error. */
export type RepairReport = Record<string, { buckets: number; pulled: number; poison: number } | { error: string }>;

export type RepairHandler = () => Promise<RepairReport>;

/** Peer region -> a read view of that peer's store. */
export type PeerStores = Readonly<Record<string, EventStore>> | ((peer: string) => EventStore);

/** Builds the handler on injected dependencies (local cloud, tests). */
export function makeRepairHandler(deps: Pick<RegionDeps, 'config' | 'store' | 'service'>, peerStores: PeerStores, options: RepairHandlerOptions = {}): RepairHandler {
  const logger = options.logger ?? new Logger({ serviceName: 'ecmesh-repair' });
  const buckets = options.buckets ?? DEFAULT_BUCKETS;
  const concurrency = options.concurrency ?? 16;
  const storeOf = (peer: string): EventStore | undefined => (typeof peerStores === 'function' ? peerStores(peer) : peerStores[peer]);

  const repairFrom = async (peer: string, remote: EventStore) => {
    const [mine, theirs] = await Promise.all([deps.store.digest(buckets), remote.digest(buckets)]);
    const differing = diffDigests(mine, theirs);
    let pulled = 0;
    let poison = 0;
    for (const bucket of differing) {
      const [have, offered] = await Promise.all([deps.store.idsInBucket(bucket, buckets), remote.idsInBucket(bucket, buckets)]);
      const known = new Set(have);
      const missing = offered.filter((id) => !known.has(id));
      for (let i = 0; i < missing.length; i += concurrency) {
        await Promise.all(
          missing.slice(i, i + concurrency).map(async (id) => {
            const found = await remote.get(id);
            if (found === undefined) return; // the peer's index named it before its table did: next run
            try {
              const { status } = await deps.service.ingest(found.event, { type: 'repair', peer });
              if (status === 'stored') pulled++;
            } catch (e) {
              if (!(e instanceof PoisonMessageError)) throw e;
              poison++;
              logger.error('peer holds an event that does not verify; not pulled', { peer, id, reason: e.reason });
            }
          }),
        );
      }
    }
    return { buckets: differing.length, pulled, poison };
  };

  return async () => {
    const report: RepairReport = {};
    await Promise.all(
      deps.config.peers.map(async (peer) => {
        const remote = storeOf(peer);
        if (remote === undefined) {
          report[peer] = { error: 'no store for peer' };
          return;
        }
        try {
          report[peer] = await repairFrom(peer, remote);
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
  const deps = depsFromEnv(process.env);
  const { meshName } = deps.config;
  // Peer tables are read in their own regions, by their deterministic names.
  const peerStore = (peer: string): EventStore =>
    new DynamoEventStore({ client: createClients({ region: peer }).dynamodb, table: tableName(meshName, peer), region: peer });
  const cache = new Map<string, EventStore>();
  return makeRepairHandler(deps, (peer) => {
    const s = cache.get(peer) ?? peerStore(peer);
    cache.set(peer, s);
    return s;
  });
});

/** The Lambda entry point (EventBridge schedule): repairs this region from every peer. */
export const handler = async (): Promise<RepairReport> => (await defaultHandler())();
