/**
 * Ingest: fed by one inbound SQS queue per peer, it verifies each message's event (shape and
 * hash) and stores it idempotently, with a receipt naming the peer it came through.
 *
 * A poison message (not JSON, not an event, a hash mismatch) is never stored: it is logged and
 * reported as a batch item failure, so SQS redrives it to the link's dead-letter queue after
 * maxReceiveCount; it never blocks the messages behind it. Transient failures are reported the
 * same way and simply retried.
 *
 * Once per batch and sender, the events it delivered (stored or already known) are recorded as
 * the link's last delivery, which `GET /status` shows as the link's lag. That record is advisory:
 * if it cannot be written the batch still succeeds.
 *
 * @example
 * ```ts
 * import { makeIngestHandler } from './ingest.ts';
 * const ingest = makeIngestHandler(deps);
 * const { batchItemFailures } = await ingest(sqsEvent);
 * ```
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { depsFromEnv, lazy } from '../shared/app/env-deps.ts';
import { PoisonMessageError } from '../shared/app/poison-message-error.ts';
import type { RegionDeps } from '../shared/app/wiring.ts';
import { ORIGIN_PATTERN } from '../shared/domain/limits.ts';
import type { MeshEvent } from '../shared/domain/types.ts';

export interface IngestHandlerOptions {
  readonly logger?: Logger;
}

export type IngestHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** The region a message came from: the `sender` attribute, else the queue name `…-in-<from>-to-<to>`. */
export function senderOf(record: SQSRecord): string {
  // Only a region-shaped name goes into a receipt: the attribute is whatever the sender wrote.
  const attr = record.messageAttributes?.['sender']?.stringValue;
  if (attr !== undefined && ORIGIN_PATTERN.test(attr)) return attr;
  const queue = record.eventSourceARN?.split(':').at(-1) ?? '';
  const m = /-in-(.+)-to-.+$/.exec(queue);
  return m?.[1] ?? 'unknown';
}

/** Builds the handler on injected dependencies (local cloud, tests). */
export function makeIngestHandler(deps: Pick<RegionDeps, 'service'>, options: IngestHandlerOptions = {}): IngestHandler {
  const logger = options.logger ?? new Logger({ serviceName: 'ecmesh-ingest' });
  const recordFor = (delivered: Map<string, MeshEvent[]>) => async (r: SQSRecord): Promise<void> => {
    const peer = senderOf(r);
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(r.body);
      } catch (e) {
        throw new PoisonMessageError('bad-json', `message body is not JSON: ${(e as Error).message}`, { cause: e });
      }
      const { status, event } = await deps.service.ingest(raw, { type: 'peer', peer });
      logger.debug('ingested', { id: event.id, status, peer });
      delivered.set(peer, [...(delivered.get(peer) ?? []), event]);
    } catch (e) {
      if (e instanceof PoisonMessageError) {
        logger.error('poison message: not stored, will reach the dead-letter queue', {
          messageId: r.messageId,
          peer,
          reason: e.reason,
          detail: e.message,
          receiveCount: r.attributes?.ApproximateReceiveCount,
        });
      } else {
        logger.warn('ingest failed, will retry', { messageId: r.messageId, peer, error: e as Error });
      }
      throw e;
    }
  };
  return async (event) => {
    const delivered = new Map<string, MeshEvent[]>();
    const response = await processPartialResponse(event, recordFor(delivered), new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false });
    await Promise.all(
      [...delivered].map(([peer, events]) =>
        deps.service.recordDelivery(peer, events).catch((e: unknown) => {
          // The lag is advisory: failing the batch for it would redeliver events already stored.
          logger.warn('could not record the link delivery (lag)', { peer, events: events.length, error: e as Error });
        }),
      ),
    );
    return response;
  };
}

const defaultHandler = lazy(() => makeIngestHandler(depsFromEnv(process.env)));

/** The Lambda entry point: dependencies from the environment, built on the first batch. */
export const handler: IngestHandler = async (event) => (await defaultHandler())(event);
