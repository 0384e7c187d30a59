/**
 * The SQS {@link Transport}: sends a region's own events to a peer's inbound queue for this
 * region, with SendMessageBatch. Body = the MeshEvent as JSON in the characters SQS accepts
 * (`encodeMessageBody`: U+FFFF and the like as `\uXXXX` escapes, so every stored event can be
 * sent and ingest's `JSON.parse` restores it exactly); message attributes `sender` (this region,
 * how the receiver records the hop) and `origin` (the event's origin). Standard queues: duplicates
 * are fine because ingest is idempotent.
 *
 * @example
 * ```ts
 * import { SQSClient } from '@aws-sdk/client-sqs';
 * import { SqsTransport } from './sqs-transport.ts';
 * const t = new SqsTransport({ sqs: (peer) => new SQSClient({ region: peer }), region: 'us-east-1', queueUrls: { 'eu-west-1': url } });
 * const { failed } = await t.send('eu-west-1', events);
 * ```
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { MeshEvent } from '../domain/types.ts';
import type { SendResult, Transport } from '../ports/transport.ts';
import { encodeMessageBody } from './sqs-message-body.ts';

/** SendMessageBatch takes at most 10 entries and 256 KiB in total (the classic limit, kept to be safe). */
const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;
/** Headroom for attributes per entry. Body sizes are counted in bytes of the encoded body, escapes included. */
const ENTRY_OVERHEAD = 512;

export interface SqsTransportOptions {
  /**
   * The client, or a client per peer region. SigV4 scopes a request to one region and SQS refuses
   * a request signed for another, so a transport that sends across regions needs the function form.
   */
  readonly sqs: SQSClient | ((peer: string) => SQSClient);
  /** This region: the `sender` attribute. */
  readonly region: string;
  /** Peer region -> URL of that peer's inbound queue for events from this region. */
  readonly queueUrls: Readonly<Record<string, string>>;
}

export class SqsTransport implements Transport {
  constructor(private readonly options: SqsTransportOptions) {}

  async send(peer: string, events: readonly MeshEvent[]): Promise<SendResult> {
    const url = this.options.queueUrls[peer];
    if (url === undefined) throw new Error(`no queue URL for peer ${peer}`);
    const sqs = typeof this.options.sqs === 'function' ? this.options.sqs(peer) : this.options.sqs;
    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    const failed: string[] = [];
    await Promise.all(
      chunk(unique).map(async (batch) => {
        const entries: SendMessageBatchRequestEntry[] = batch.map(({ event, body }) => ({
          Id: event.id, // 64 hex chars: within SQS's 80 [A-Za-z0-9_-] limit, unique per batch
          MessageBody: body,
          MessageAttributes: {
            sender: { DataType: 'String', StringValue: this.options.region },
            origin: { DataType: 'String', StringValue: event.origin },
          },
        }));
        try {
          const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
          for (const f of res.Failed ?? []) if (f.Id !== undefined) failed.push(f.Id);
        } catch {
          // The whole call failed (network, throttling after SDK retries): every entry is unsent.
          failed.push(...batch.map(({ event }) => event.id));
        }
      }),
    );
    return { failed };
  }
}

function chunk(events: readonly MeshEvent[]): Array<Array<{ event: MeshEvent; body: string }>> {
  const out: Array<Array<{ event: MeshEvent; body: string }>> = [];
  let current: Array<{ event: MeshEvent; body: string }> = [];
  let bytes = 0;
  for (const event of events) {
    const body = encodeMessageBody(event);
    const size = Buffer.byteLength(body) + ENTRY_OVERHEAD;
    if (current.length > 0 && (current.length === MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push({ event, body });
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
