/**
 * Doorbells: the local cloud's stand-in for AWS polling each stream shard and queue continuously.
 * SDK middleware on a region's clients notices a successful write to its table or a send to a
 * queue and nudges the poller that delivers from it, so a delivery starts when there is something
 * to deliver instead of after a fixed idle pause. Batches, windows and visibility are untouched:
 * a nudge only cuts a sleep short.
 *
 * @example
 * ```ts
 * import { Doorbells } from './doorbells.ts';
 * const bells = new Doorbells();
 * bells.ringOnTableWrites(dynamodbClient, 'ecmesh-events-us-east-1');
 * bells.ringOnQueueSends(sqsClient);
 * bells.register('ecmesh-events-us-east-1', () => streamPoller.nudge());
 * bells.register(queueUrl, () => sqsPoller.nudge());
 * ```
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';

const TABLE_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'TransactWriteItemsCommand', 'BatchWriteItemCommand', 'DeleteItemCommand']);
const QUEUE_SENDS = new Set(['SendMessageCommand', 'SendMessageBatchCommand']);

export class Doorbells {
  readonly #bells = new Map<string, Array<() => void>>();

  /** Calls `ring` whenever `target` (a table name or a queue URL) gets something. */
  register(target: string, ring: () => void): void {
    this.#bells.set(target, [...(this.#bells.get(target) ?? []), ring]);
  }

  /** Rings `table`'s bell after every successful write sent through `client`. */
  ringOnTableWrites(client: DynamoDBClient, table: string): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (TABLE_WRITES.has(String(context.commandName))) this.ring(table);
        return out;
      },
      { step: 'initialize', name: 'meshDoorbellTable', override: true },
    );
  }

  /** Rings the bell of the queue a message was sent to, after every successful send through `client`. */
  ringOnQueueSends(client: SQSClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        const url = (args.input as { QueueUrl?: unknown }).QueueUrl;
        if (QUEUE_SENDS.has(String(context.commandName)) && typeof url === 'string') this.ring(url);
        return out;
      },
      { step: 'initialize', name: 'meshDoorbellQueue', override: true },
    );
  }

  ring(target: string): void {
    for (const r of this.#bells.get(target) ?? []) r();
  }
}
