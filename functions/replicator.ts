/**
 * The replicator: fed by the events table's DynamoDB Stream (NEW_IMAGE), it sends every event
 * this region accepted to every peer's inbound queue. The table is the outbox, so an event is
 * replicated after it is durable, with no dual write. Only events whose origin is this region are
 * sent (the event source mapping filters on `origin` too; this check is the defence in depth that
 * keeps a misconfigured filter from echoing peers' events around the mesh).
 *
 * A record fails (partial batch response) if any peer did not accept its event; the stream then
 * retries from it, resending some events, which ingest deduplicates.
 *
 * @example
 * ```ts
 * import { makeReplicatorHandler } from './replicator.ts';
 * const replicate = makeReplicatorHandler(deps);
 * const { batchItemFailures } = await replicate(streamEvent);
 * ```
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { eventOfItem } from '../shared/adapters/dynamo-event-store.ts';
import { TABLE_SCHEMA } from '../shared/adapters/dynamo-schema.ts';
import { depsFromEnv, lazy } from '../shared/app/env-deps.ts';
import type { RegionDeps } from '../shared/app/wiring.ts';
import type { MeshEvent } from '../shared/domain/types.ts';

export interface ReplicatorHandlerOptions {
  readonly logger?: Logger;
}

export type ReplicatorHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/** The event of a stream record if it is an event item this region originated; else undefined. */
function ownEvent(record: DynamoDBRecord, region: string): MeshEvent | undefined {
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return undefined;
  const image = record.dynamodb?.NewImage;
  if (image === undefined) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (item[TABLE_SCHEMA.typeAttribute] !== 'event' || item[TABLE_SCHEMA.originAttribute] !== region) return undefined;
  return eventOfItem(item);
}

/** Builds the handler on injected dependencies (local cloud, tests). */
export function makeReplicatorHandler(deps: Pick<RegionDeps, 'config' | 'transport'>, options: ReplicatorHandlerOptions = {}): ReplicatorHandler {
  const logger = options.logger ?? new Logger({ serviceName: 'ecmesh-replicator' });
  const { region, peers } = deps.config;
  return async (streamEvent) => {
    const bySequence = new Map<string, MeshEvent>();
    for (const record of streamEvent.Records) {
      const seq = record.dynamodb?.SequenceNumber;
      if (seq === undefined) continue;
      try {
        const event = ownEvent(record, region);
        if (event !== undefined) bySequence.set(seq, event);
      } catch (e) {
        // Our own table wrote it: an unreadable image is a bug, retrying cannot fix it. Repair will.
        logger.error('unreadable stream record skipped', { sequenceNumber: seq, error: e as Error });
      }
    }
    const events = [...new Map([...bySequence.values()].map((e) => [e.id, e])).values()];
    const failed = new Set<string>();
    if (events.length > 0) {
      await Promise.all(
        peers.map(async (peer) => {
          try {
            const result = await deps.transport.send(peer, events);
            for (const id of result.failed) failed.add(id);
            if (result.failed.length > 0) logger.warn('peer refused events', { peer, failed: result.failed.length });
          } catch (e) {
            logger.error('send to peer failed', { peer, error: e as Error });
            for (const ev of events) failed.add(ev.id);
          }
        }),
      );
      logger.debug('replicated', { events: events.length, peers: peers.length, failed: failed.size });
    }
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    return processPartialResponse(
      streamEvent,
      async (record: DynamoDBRecord) => {
        const event = bySequence.get(record.dynamodb?.SequenceNumber ?? '');
        if (event !== undefined && failed.has(event.id)) throw new Error(`event ${event.id} not accepted by every peer`);
      },
      processor,
      { throwOnFullBatchFailure: false },
    );
  };
}

const defaultHandler = lazy(() => makeReplicatorHandler(depsFromEnv(process.env)));

/** The Lambda entry point: dependencies from the environment, built on the first batch. */
export const handler: ReplicatorHandler = async (event) => (await defaultHandler())(event);
