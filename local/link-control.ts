/**
 * The local cloud's {@link LinkControl}: a link `from -> to` is the SQS poller of region `to`'s
 * inbound queue from `from` (AWS: that queue's event source mapping). One instance serves every
 * region, so any region's admin route can cut or heal any link.
 *
 * @example
 * ```ts
 * import { LocalLinkControl } from './link-control.ts';
 * const links = new LocalLinkControl(sqsClient);
 * links.register({ from: 'us-east-1', to: 'eu-west-1', poller, queueUrl, dlqUrl });
 * await links.setLink('us-east-1', 'eu-west-1', false); // delivery paused; messages wait
 * ```
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LinkControl, LinkState } from '../shared/ports/link-control.ts';
import type { SqsPoller } from './runtime/sqs-poller.ts';

export interface LocalLink {
  readonly from: string;
  readonly to: string;
  readonly poller: SqsPoller;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  /** Client of the queues' region (region `to`); default the constructor's (one endpoint for all). */
  readonly sqs?: SQSClient;
}

export interface LocalLinkControlOptions {
  /**
   * Whether the SQS server counts received, undeleted messages in `ApproximateNumberOfMessages`
   * too. The in-process `local-aws-sqs` does (it counts every message that is not delayed); AWS
   * and LocalStack count only the visible ones. Default true: what `npm start` runs.
   */
  readonly visibleCountIncludesInFlight?: boolean;
}

export class LocalLinkControl implements LinkControl {
  readonly #sqs: SQSClient;
  readonly #links = new Map<string, LocalLink>();
  readonly #visibleIncludesInFlight: boolean;
  /** When each link was last switched in this run (ms), for `changedAt`. */
  readonly #changedAt = new Map<string, number>();

  constructor(sqs: SQSClient, options: LocalLinkControlOptions = {}) {
    this.#sqs = sqs;
    this.#visibleIncludesInFlight = options.visibleCountIncludesInFlight ?? true;
  }

  register(link: LocalLink): void {
    this.#links.set(`${link.from}>${link.to}`, link);
  }

  /**
   * Forgets the link `from -> to` (a region left the mesh): it is no longer listed or switchable.
   * Stopping its poller is the caller's business.
   *
   * @example
   * ```ts
   * links.unregister('us-east-1', 'eu-west-1');
   * ```
   */
  unregister(from: string, to: string): void {
    this.#links.delete(`${from}>${to}`);
  }

  /** Resolves once the change holds: after a disable, the link delivers nothing more. */
  async setLink(from: string, to: string, enabled: boolean): Promise<LinkState> {
    const link = this.#link(from, to);
    if (enabled !== link.poller.enabled) this.#changedAt.set(`${from}>${to}`, Date.now());
    if (enabled) link.poller.enable();
    else await link.poller.disable();
    return this.#state(link);
  }

  async links(): Promise<LinkState[]> {
    return Promise.all([...this.#links.values()].map((l) => this.#state(l)));
  }

  /**
   * Whether the poller of `from -> to` delivers, read from the poller alone: repair asks it per
   * peer on every run, and needs no queue depths (two GetQueueAttributes per link through `links()`).
   *
   * @example
   * ```ts
   * await links.isEnabled('us-east-1', 'eu-west-1'); // false while partitioned
   * ```
   */
  async isEnabled(from: string, to: string): Promise<boolean> {
    return this.#link(from, to).poller.enabled;
  }

  #link(from: string, to: string): LocalLink {
    const link = this.#links.get(`${from}>${to}`);
    if (link === undefined) throw new Error(`no link ${from} -> ${to} in this mesh`);
    return link;
  }

  async #state(link: LocalLink): Promise<LinkState> {
    const [queue, dlq] = await Promise.all([
      this.#counts(link.sqs ?? this.#sqs, link.queueUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']),
      this.#counts(link.sqs ?? this.#sqs, link.dlqUrl, ['ApproximateNumberOfMessages']),
    ]);
    const changedAt = this.#changedAt.get(`${link.from}>${link.to}`);
    const counted = queue['ApproximateNumberOfMessages'] ?? 0;
    const inFlight = queue['ApproximateNumberOfMessagesNotVisible'] ?? 0;
    return {
      from: link.from,
      to: link.to,
      enabled: link.poller.enabled,
      // As the port and the AWS control mean them: waiting (visible) and in flight apart, each once.
      backlog: this.#visibleIncludesInFlight ? Math.max(0, counted - inFlight) : counted,
      inFlight,
      dlq: dlq['ApproximateNumberOfMessages'] ?? 0,
      ...(changedAt === undefined ? {} : { changedAt }),
    };
  }

  async #counts(
    sqs: SQSClient,
    url: string,
    names: Array<'ApproximateNumberOfMessages' | 'ApproximateNumberOfMessagesNotVisible'>,
  ): Promise<Record<string, number>> {
    const res = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }));
    const out: Record<string, number> = {};
    for (const n of names) out[n] = Number(res.Attributes?.[n] ?? 0);
    return out;
  }
}
