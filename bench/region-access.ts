/**
 * Direct access to one region of a running local mesh, below its API: the region's dependencies
 * (store, service) wired on the mesh's own table with clients of their own, as another Lambda
 * instance of that region would be. The bulk loader stores its test data through it; nothing in
 * it is metered, so loading never shows in a benchmark's request counts.
 *
 * @example
 * ```ts
 * import { openRegion } from './region-access.ts';
 * const region = openRegion(mesh, 'us-east-1');
 * await region.deps.service.ingest(event, { type: 'peer', peer: 'eu-west-1' });
 * region.close();
 * ```
 */
import type { Mesh } from '../local/cloud.ts';
import { localClients } from '../local/aws-clients.ts';
import { LOCAL_ACCOUNT } from '../local/sqs-server.ts';
import { createRegionDeps, type RegionDeps } from '../shared/app/wiring.ts';
import { tableName } from '../shared/config/naming.ts';

export interface RegionAccess {
  readonly deps: RegionDeps;
  /** Closes the clients' sockets. */
  close(): void;
}

/**
 * Wires `region`'s dependencies on the mesh's table and queues.
 *
 * @example
 * ```ts
 * const { deps, close } = openRegion(mesh, 'eu-west-1');
 * await deps.store.count();
 * close();
 * ```
 */
export function openRegion(mesh: Mesh, region: string): RegionAccess {
  const regions = mesh.regions.map((r) => r.region);
  if (!regions.includes(region)) throw new Error(`no region ${region} in this mesh (${regions.join(', ')})`);
  const peers = regions.filter((r) => r !== region);
  const clients = localClients(region, { dynamodb: mesh.dynamodbEndpoint, sqs: mesh.sqsEndpoint });
  const deps = createRegionDeps(
    {
      meshName: mesh.meshName,
      region,
      table: tableName(mesh.meshName, region),
      peers,
      peerQueueUrls: Object.fromEntries(peers.map((p) => [p, mesh.queue(region, p).url])),
      inboundQueueUrls: Object.fromEntries(peers.map((p) => [p, mesh.queue(p, region).url])),
      account: LOCAL_ACCOUNT,
    },
    { dynamodb: clients.dynamodb, sqs: clients.sqs, sqsFor: () => clients.sqs },
    mesh.links,
  );
  return { deps, close: () => clients.destroy() };
}
