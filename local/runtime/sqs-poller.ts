/**
 * The local SQS event source mapping: polls one queue and feeds a Lambda-style handler an
 * `SQSEvent`, as AWS does for ingest.
 *
 * What it keeps from AWS: batches of up to `batchSize` messages (AWS: up to 10 000), gathered
 * by as many receives of at most 10 as it takes; a message in a batch is invisible for the
 * queue's visibility timeout; with partial batch responses only the
 * messages the handler names in `batchItemFailures` stay in the queue (an invalid identifier, or a
 * thrown error, fails the whole batch), the rest are deleted; a failed message comes back after
 * the visibility timeout, and after `maxReceiveCount` receives the queue's redrive policy moves it
 * to the dead-letter queue (`local-aws-sqs` implements redrive, so the poller does not have to).
 * A disabled mapping receives nothing: messages wait in the queue and drain once it is enabled.
 *
 * @example
 * ```ts
 * import { SqsPoller } from './sqs-poller.ts';
 * const poller = new SqsPoller({ client, queueUrl, queueArn, region: 'eu-west-1', handler: ingest });
 * poller.start();
 * await poller.disable(); // no delivery after this resolves
 * poller.enable();
 * await poller.stop();
 * ```
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { Sleeper } from './sleep.ts';

/** What one ReceiveMessage (and one DeleteMessageBatch) takes at most. */
const MAX_PER_RECEIVE = 10;

/** A Lambda SQS handler (ingest), with or without a partial batch response. */
export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface SqsPollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  /** Region the queue lives in (`awsRegion` of each record). */
  readonly region: string;
  readonly handler: SqsBatchHandler;
  /**
   * Messages per invocation. Above 10 it takes several receives: the first long-polls, the next
   * ones take what is already queued, and the batch goes out when a receive comes back short.
   * AWS waits up to the mapping's batching window for a full batch instead; here a batch never
   * waits for messages that are not there (the local cloud delivers as soon as it can).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Long-poll per receive, seconds (0..20; default 1). Also the longest `disable()` waits for a
   * receive. Note `local-aws-sqs` answers a long poll only when the batch is full or the wait ends.
   */
  readonly waitTimeSeconds?: number;
  /** Pause after an empty receive when `waitTimeSeconds` is 0, and after an error. */
  readonly idleDelayMs?: number;
  /** Starts disabled when false (default true). */
  readonly enabled?: boolean;
  readonly log?: (line: string) => void;
}

export interface SqsPollerStats {
  readonly batches: number;
  readonly received: number;
  readonly deleted: number;
  readonly failed: number;
  readonly errors: number;
}

function toRecordAttributes(message: Message): SQSRecordAttributes {
  const a = message.Attributes ?? {};
  return {
    ...a,
    ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
    SentTimestamp: a.SentTimestamp ?? String(Date.now()),
    SenderId: a.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  } as SQSRecordAttributes;
}

function toMessageAttributes(attrs: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, v] of Object.entries(attrs ?? {})) {
    out[name] = {
      dataType: v.DataType ?? 'String',
      stringListValues: v.StringListValues ?? [],
      binaryListValues: (v.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      ...(v.StringValue === undefined ? {} : { stringValue: v.StringValue }),
      ...(v.BinaryValue === undefined ? {} : { binaryValue: Buffer.from(v.BinaryValue).toString('base64') }),
    };
  }
  return out;
}

/** One SQS event source mapping. */
export class SqsPoller {
  readonly #o: SqsPollerOptions;
  readonly #sleeper = new Sleeper();
  #enabled: boolean;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #stats = { batches: 0, received: 0, deleted: 0, failed: 0, errors: 0 };

  constructor(options: SqsPollerOptions) {
    this.#o = options;
    this.#enabled = options.enabled ?? true;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  get stats(): SqsPollerStats {
    return { ...this.#stats };
  }

  /** Begins polling if enabled. */
  start(): void {
    if (this.#enabled && !this.#stopped && this.#loop === undefined) {
      this.#loop = this.#run().finally(() => {
        this.#loop = undefined;
      });
    }
  }

  /** Polls now instead of after the idle pause: the local cloud calls it when a message was just sent. */
  nudge(): void {
    this.#sleeper.wake();
  }

  /** Turns the mapping on; waiting messages drain. */
  enable(): void {
    this.#enabled = true;
    this.start();
  }

  /** Turns the mapping off; resolves once the batch in hand (if any) is finished. */
  async disable(): Promise<void> {
    this.#enabled = false;
    this.#sleeper.wake();
    await this.#loop;
  }

  /** Disables for good. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.disable();
  }

  get #active(): boolean {
    return this.#enabled && !this.#stopped;
  }

  async #run(): Promise<void> {
    const wait = this.#o.waitTimeSeconds ?? 1;
    const idle = this.#o.idleDelayMs ?? 100;
    while (this.#active) {
      try {
        const got = await this.pollOnce();
        if (got === 0 && wait === 0 && this.#active) await this.#sleeper.sleep(idle);
      } catch (err) {
        this.#stats.errors += 1;
        this.#o.log?.(`sqs-poller ${this.#o.queueUrl}: ${(err as Error).message}`);
        if (this.#active) await this.#sleeper.sleep(Math.max(idle, 200));
      }
    }
  }

  /** One receive (or several, up to `batchSize`) + invoke + delete round; returns how many messages it received. */
  async pollOnce(): Promise<number> {
    const o = this.#o;
    const want = Math.max(o.batchSize ?? 10, 1);
    const messages: Message[] = [];
    for (let first = true; messages.length < want; first = false) {
      const n = Math.min(want - messages.length, MAX_PER_RECEIVE);
      const received = await o.client.send(
        new ReceiveMessageCommand({
          QueueUrl: o.queueUrl,
          MaxNumberOfMessages: n,
          WaitTimeSeconds: first ? (o.waitTimeSeconds ?? 1) : 0,
          AttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      const got = (received.Messages ?? []).filter((m) => m.MessageId !== undefined && m.ReceiptHandle !== undefined);
      messages.push(...got);
      if (got.length < n) break;
    }
    if (messages.length === 0) return 0;
    this.#stats.batches += 1;
    this.#stats.received += messages.length;

    const records: SQSRecord[] = messages.map((m) => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: toRecordAttributes(m),
      messageAttributes: toMessageAttributes(m.MessageAttributes),
      md5OfBody: m.MD5OfBody ?? '',
      ...(m.MD5OfMessageAttributes === undefined ? {} : { md5OfMessageAttributes: m.MD5OfMessageAttributes }),
      eventSource: 'aws:sqs',
      eventSourceARN: o.queueArn,
      awsRegion: o.region,
    }));

    const failed = await this.#invoke(records);
    this.#stats.failed += failed.size;
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    const parts: Message[][] = [];
    for (let at = 0; at < done.length; at += MAX_PER_RECEIVE) parts.push(done.slice(at, at + MAX_PER_RECEIVE));
    await Promise.all(parts.map(async (part) => {
      const res = await o.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: o.queueUrl,
          Entries: part.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      this.#stats.deleted += part.length - (res.Failed?.length ?? 0);
    }));
    return messages.length;
  }

  /** Runs the handler; returns the ids of messages that must stay in the queue. */
  async #invoke(records: SQSRecord[]): Promise<Set<string>> {
    const all = new Set(records.map((r) => r.messageId));
    let response: SQSBatchResponse | void;
    try {
      response = await this.#o.handler({ Records: records });
    } catch (err) {
      this.#o.log?.(`sqs-poller ${this.#o.queueUrl}: handler failed the batch: ${(err as Error).message}`);
      return all;
    }
    const failures = response?.batchItemFailures ?? [];
    const failed = new Set<string>();
    for (const f of failures) {
      // AWS: an identifier that is empty or not in the batch fails the whole batch.
      if (typeof f.itemIdentifier !== 'string' || !all.has(f.itemIdentifier)) return all;
      failed.add(f.itemIdentifier);
    }
    return failed;
  }
}
