/**
 * Region dependencies built from the Lambda environment (`shared/config/env.ts` names), for the
 * handlers' default exports. SDK endpoints come from `AWS_ENDPOINT_URL*` (the SDK reads them),
 * the SDK region from `AWS_REGION` (set by Lambda), falling back to `MESH_REGION`.
 *
 * @example
 * ```ts
 * import { depsFromEnv } from './env-deps.ts';
 * const deps = depsFromEnv(process.env);
 * ```
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createClients } from '../adapters/clients.ts';
import { DynamoEventStore } from '../adapters/dynamo-event-store.ts';
import { UnavailableLinkControl } from '../adapters/unavailable-link-control.ts';
import { readRegionConfig } from '../config/env.ts';
import { tableName } from '../config/naming.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { LinkControl } from '../ports/link-control.ts';
import { memoize } from '../util/memoize.ts';
import { createRegionDeps } from './wiring.ts';
import type { RegionDeps } from './wiring.ts';

export function depsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  links: LinkControl = new UnavailableLinkControl(),
): RegionDeps {
  const config = readRegionConfig(env);
  const clients = createClients({ region: env['AWS_REGION'] ?? config.region, env });
  // One SQS client per peer region, built once: the replicator sends into every peer's region.
  const sqsFor = memoize((region: string): SQSClient => createClients({ region, env }).sqs);
  return createRegionDeps(config, { ...clients, sqsFor }, links);
}

/**
 * Read views of the peers' stores: each peer's table by its deterministic name, in its own region,
 * one store per peer, built on first use. What repair and backfill read from.
 *
 * @example
 * ```ts
 * const peerStore = peerStoresFromEnv('ecmesh');
 * await peerStore('eu-west-1').digest();
 * ```
 */
export function peerStoresFromEnv(meshName: string, env: Readonly<Record<string, string | undefined>> = process.env): (peer: string) => EventStore {
  return memoize((peer: string): EventStore => new DynamoEventStore({ client: createClients({ region: peer, env }).dynamodb, table: tableName(meshName, peer), region: peer }));
}

/** Memoises an async factory: a Lambda container builds its clients once, on the first event. */
export function lazy<T>(make: () => Promise<T> | T): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= Promise.resolve().then(make).catch((e: unknown) => {
      value = undefined; // a failed cold start is retried on the next event
      throw e;
    });
    return value;
  };
}
