/**
 * Ingest: fed by one inbound SQS queue per peer, it checks each message's event (shape, hash,
 * origin, clock; see `shared/app/ingest.ts`) and stores the whole batch at once — one read and one
 * write for every event of every stream in it — with a receipt naming the peer it came through.
 *
 * The peer is the queue's: its name says which link it is (`…-in-<from>-to-<to>`), and its policy
 * admits only that peer's replicator. A `sender` attribute that names another region is a forgery
 * and the message is refused.
 *
 * A poison message (not JSON, not an event, a hash mismatch, an untrusted origin) is never stored:
 * it is logged and reported as a batch item failure, so SQS redrives it to the link's dead-letter
 * queue after maxReceiveCount; it never blocks the messages behind it. An event stamped too far
 * ahead, and any transient failure, are reported the same way and simply retried.
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
import type { IngestItem, IngestOutcome } from '../shared/app/ingest.ts';
import type { RegionDeps } from '../shared/app/wiring.ts';
import { ClockSkewError } from '../shared/domain/errors.ts';
import { ORIGIN_PATTERN } from '../shared/domain/limits.ts';
import type { MeshEvent } from '../shared/domain/types.ts';

export interface IngestHandlerOptions {
  readonly logger?: Logger;
}

export type IngestHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * The region a message came from: the queue's source region (`…-in-<from>-to-<to>`), else the
 * `sender` attribute where the record names no queue (tests). Throws `PoisonMessageError` when the
 * attribute contradicts the queue, or when neither names a region.
 */
export function senderOf(record: SQSRecord): string {
  const attr = record.messageAttributes?.['sender']?.stringValue;
  const queue = record.eventSourceARN?.split(':').at(-1) ?? '';
  const fromQueue = /-in-(.+)-to-.+$/.exec(queue)?.[1];
  if (fromQueue !== undefined) {
    if (attr !== undefined && attr !== fromQueue) {
      throw new PoisonMessageError('untrusted-sender', `sender attribute ${JSON.stringify(attr.slice(0, 80))} does not match the queue's source region ${fromQueue}`);
    }
    return fromQueue;
  }
  // Only a region-shaped name goes into a receipt: the attribute is whatever the sender wrote.
  if (attr !== undefined && ORIGIN_PATTERN.test(attr)) return attr;
  throw new PoisonMessageError('untrusted-sender', 'the message names no sending region (no queue ARN, no sender attribute)');
}

/** What the batch's check-and-store said of each message, before the record handler reports it. */
type Prepared = { readonly peer: string; readonly outcome: IngestOutcome } | { readonly peer: string | undefined; readonly error: unknown };

/** Builds the handler on injected dependencies (local cloud, tests). */
export function makeIngestHandler(deps: Pick<RegionDeps, 'service'>, options: IngestHandlerOptions = {}): IngestHandler {
  const logger = options.logger ?? new Logger({ serviceName: 'ecmesh-ingest' });

  /** Parses every message, then checks and stores every event of the batch in one call. */
  const prepare = async (records: readonly SQSRecord[]): Promise<Map<string, Prepared>> => {
    const prepared = new Map<string, Prepared>();
    const items: Array<{ id: string; peer: string; item: IngestItem }> = [];
    for (const r of records) {
      let peer: string | undefined;
      try {
        peer = senderOf(r);
        let raw: unknown;
        try {
          raw = JSON.parse(r.body);
        } catch (e) {
          throw new PoisonMessageError('bad-json', `message body is not JSON: ${(e as Error).message}`, { cause: e });
        }
        items.push({ id: r.messageId, peer, item: { raw, via: { type: 'peer', peer } } });
      } catch (e) {
        prepared.set(r.messageId, { peer, error: e });
      }
    }
    try {
      const outcomes = await deps.service.ingestBatch(items.map((i) => i.item));
      for (const [n, i] of items.entries()) prepared.set(i.id, { peer: i.peer, outcome: outcomes[n] as IngestOutcome });
    } catch (e) {
      // Storing failed: nothing of the batch is acknowledged, every message is retried.
      for (const i of items) prepared.set(i.id, { peer: i.peer, error: e });
    }
    return prepared;
  };

  const recordFor = (prepared: Map<string, Prepared>, delivered: Map<string, MeshEvent[]>) => async (r: SQSRecord): Promise<void> => {
    const p = prepared.get(r.messageId);
    const error = p === undefined ? new Error('message was not prepared') : 'error' in p ? p.error : p.outcome.ok ? undefined : p.outcome.error;
    if (error === undefined && p !== undefined && 'outcome' in p && p.outcome.ok) {
      logger.debug('ingested', { id: p.outcome.event.id, status: p.outcome.status, peer: p.peer });
      delivered.set(p.peer, [...(delivered.get(p.peer) ?? []), p.outcome.event]);
      return;
    }
    const peer = p?.peer;
    if (error instanceof PoisonMessageError) {
      logger.error('poison message: not stored, will reach the dead-letter queue', {
        messageId: r.messageId,
        peer,
        reason: error.reason,
        detail: error.message,
        receiveCount: r.attributes?.ApproximateReceiveCount,
        ...refusalMetric(error.reason),
      });
    } else if (error instanceof ClockSkewError) {
      logger.warn('event stamped too far ahead: not stored, held for a retry', { messageId: r.messageId, peer, aheadMs: error.aheadMs, detail: error.message, ...refusalMetric(error.code) });
    } else {
      logger.warn('ingest failed, will retry', { messageId: r.messageId, peer, error: error as Error });
    }
    throw error;
  };

  return async (event) => {
    const delivered = new Map<string, MeshEvent[]>();
    const prepared = await prepare(event.Records);
    const response = await processPartialResponse(event, recordFor(prepared, delivered), new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false });
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

/**
 * Fields that make a log line one CloudWatch metric datum in Embedded Metric Format: the metric
 * `ecmesh/RefusedEvents` with dimension `Reason`, so refusals can be graphed and alarmed on.
 */
function refusalMetric(reason: string): Record<string, unknown> {
  return {
    _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'ecmesh', Dimensions: [['Reason']], Metrics: [{ Name: 'RefusedEvents', Unit: 'Count' }] }] },
    Reason: reason,
    RefusedEvents: 1,
  };
}

const defaultHandler = lazy(() => makeIngestHandler(depsFromEnv(process.env)));

/** The Lambda entry point: dependencies from the environment, built on the first batch. */
export const handler: IngestHandler = async (event) => (await defaultHandler())(event);
