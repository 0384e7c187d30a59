/**
 * Builds a region's dependencies from its configuration and SDK clients: the one place where the
 * ports meet their AWS adapters. The Lambda handlers build it from `process.env`; the local cloud
 * and the integration tests build it with their own clients and link control.
 *
 * @example
 * ```ts
 * import { readRegionConfig } from '../config/env.ts';
 * import { createClients } from '../adapters/clients.ts';
 * import { createRegionDeps } from './wiring.ts';
 * const config = readRegionConfig(process.env);
 * const deps = createRegionDeps(config, createClients({ region: config.region }), links);
 * await deps.service.put('colour', 'blue');
 * ```
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoEventStore } from '../adapters/dynamo-event-store.ts';
import { SqsTransport } from '../adapters/sqs-transport.ts';
import type { RegionConfig } from '../config/env.ts';
import type { WallClock } from '../domain/index.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { LinkControl } from '../ports/link-control.ts';
import type { Transport } from '../ports/transport.ts';
import { RegionService } from './region-service.ts';

/** Everything a handler of one region needs. */
export interface RegionDeps {
  readonly config: RegionConfig;
  readonly store: EventStore;
  readonly transport: Transport;
  readonly links: LinkControl;
  readonly clock: WallClock;
  readonly service: RegionService;
}

/** Wires the DynamoDB store (table `config.table`), the SQS transport (`config.peerQueueUrls`) and the service. */
export function createRegionDeps(
  config: RegionConfig,
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; sqsFor?: (region: string) => SQSClient },
  links: LinkControl,
  clock: WallClock = { now: () => Date.now() },
): RegionDeps {
  const store = new DynamoEventStore({ client: clients.dynamodb, table: config.table, region: config.region, clock });
  // Peers' queues live in the peers' regions: send to each with a client of its region.
  const transport = new SqsTransport({ sqs: clients.sqsFor ?? clients.sqs, region: config.region, queueUrls: config.peerQueueUrls });
  const service = new RegionService({
    region: config.region,
    peers: config.peers,
    store,
    links,
    clock,
    retiredRegions: config.retiredRegions ?? [],
    ...(config.maxClockOffsetMs === undefined ? {} : { maxClockOffsetMs: config.maxClockOffsetMs }),
  });
  return { config, store, transport, links, clock, service };
}
