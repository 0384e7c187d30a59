/**
 * The {@link LinkControl} of a mesh deployed to AWS. A link `from -> to` is the event source
 * mapping between region `to`'s inbound queue from `from` and `to`'s ingest function: turning
 * the link off disables that mapping, so messages wait in the queue (up to 14 days) and drain
 * when it is turned on again. Names and ARNs are computed from (mesh, account, regions), so no
 * lookup table is needed. A region reads the state of every link (for `/status`) but switches
 * only the links into itself: its admin role may update no other region's mappings.
 *
 * @example
 * ```ts
 * import { LambdaLinkControl } from './lambda-link-control.ts';
 * const links = new LambdaLinkControl({ meshName: 'ecmesh', region: 'us-east-1', account: '123456789012', regions: ['us-east-1', 'eu-west-1'] });
 * await links.setLink('eu-west-1', 'us-east-1', false); // partition eu-west-1 -> us-east-1
 * await links.links(); // [{ from, to, enabled, backlog, inFlight, dlq }, …]
 * ```
 */
import {
  LambdaClient,
  ListEventSourceMappingsCommand,
  ResourceInUseException,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MeshError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { readRegionConfig } from '../config/env.ts';
import {
  deadLetterQueueName,
  inboundQueueName,
  ingestFunctionName,
  links as meshLinks,
  queueArn,
  queueUrl,
} from '../config/naming.ts';
import type { LinkControl, LinkState } from '../ports/link-control.ts';
import { memoize } from '../util/memoize.ts';

/** The SDK clients the link control uses, one per region; tests inject fakes. */
export interface LinkControlClients {
  lambda(region: string): Pick<LambdaClient, 'send'>;
  sqs(region: string): Pick<SQSClient, 'send'>;
}

export interface LambdaLinkControlOptions {
  readonly meshName: string;
  /** The region this control runs in (where the admin route was called). */
  readonly region: string;
  /** The mesh's account: every queue and function ARN is computed from it. */
  readonly account: string;
  /** Every region of the mesh, this one included. */
  readonly regions: readonly string[];
  /** @default real SDK clients per region (endpoints from AWS_ENDPOINT_URL*, as the SDK reads them) */
  readonly clients?: LinkControlClients;
  /** Attempts of an update while the mapping is busy (Creating/Updating/Enabling/Disabling). @default 5 */
  readonly maxAttempts?: number;
  /** Waits between those attempts. @default setTimeout-based, 500 ms growing */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Mapping states in which the mapping delivers, or is about to. */
const DELIVERING_STATES = new Set(['Enabled', 'Enabling', 'Creating', 'Updating']);

function defaultClients(): LinkControlClients {
  return {
    lambda: memoize((region: string) => new LambdaClient({ region })),
    sqs: memoize((region: string) => new SQSClient({ region })),
  };
}

export class LambdaLinkControl implements LinkControl {
  private readonly region: string;
  private readonly meshName: string;
  private readonly account: string;
  private readonly regions: readonly string[];
  private readonly clients: LinkControlClients;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: LambdaLinkControlOptions) {
    if (!options.regions.includes(options.region)) {
      throw new Error(`region ${options.region} is not one of the mesh regions (${options.regions.join(', ')})`);
    }
    this.region = options.region;
    this.meshName = options.meshName;
    this.account = options.account;
    this.regions = [...options.regions];
    this.clients = options.clients ?? defaultClients();
    this.maxAttempts = options.maxAttempts ?? 5;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Builds the control from the handler environment (MESH_NAME, MESH_REGION, MESH_PEERS,
   * MESH_ACCOUNT), as the api Lambda does.
   * @example LambdaLinkControl.fromEnv(process.env);
   */
  static fromEnv(env: Readonly<Record<string, string | undefined>>, clients?: LinkControlClients): LambdaLinkControl {
    const c = readRegionConfig(env);
    return new LambdaLinkControl({
      meshName: c.meshName,
      region: c.region,
      account: c.account,
      regions: [c.region, ...c.peers],
      ...(clients === undefined ? {} : { clients }),
    });
  }

  /**
   * Switches a link into this region. A link into another region is refused (421, nothing
   * changed): its mapping belongs to that region's admin function, the only role allowed to
   * update it (least privilege), so the caller must send the request there.
   */
  async setLink(from: string, to: string, enabled: boolean): Promise<LinkState> {
    this.checkLink(from, to);
    if (to !== this.region) {
      throw new MeshError('link-not-local', 421, `the link ${from} -> ${to} is switched in ${to}: send this request to the admin route of ${to}, not ${this.region}`);
    }
    const lambda = this.clients.lambda(to);
    for (let attempt = 1; ; attempt++) {
      const mapping = await this.mapping(from, to);
      if (targetState(mapping) === enabled) break; // already there, or on its way
      try {
        await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: enabled }));
        break;
      } catch (e) {
        // A mapping mid-transition refuses updates; it settles within seconds.
        if (!(e instanceof ResourceInUseException) || attempt >= this.maxAttempts) throw e;
        await this.sleep(500 * attempt);
      }
    }
    return { from, to, enabled, ...(await this.depths(from, to)) };
  }

  async links(): Promise<LinkState[]> {
    return Promise.all(
      meshLinks(this.regions).map(async ({ from, to }) => {
        const [mapping, depths] = await Promise.all([this.mapping(from, to), this.depths(from, to)]);
        return { from, to, enabled: isDelivering(mapping), ...depths, ...changedAt(mapping) };
      }),
    );
  }

  /**
   * Whether the link's ingest mapping delivers (or is about to): one ListEventSourceMappings in
   * region `to`, no queue reads. Throws when the mapping is not deployed.
   * @example await links.isEnabled('eu-west-1', 'us-east-1'); // false while partitioned
   */
  async isEnabled(from: string, to: string): Promise<boolean> {
    this.checkLink(from, to);
    return isDelivering(await this.mapping(from, to));
  }

  private checkLink(from: string, to: string): void {
    for (const [what, region] of [['from', from], ['to', to]] as const) {
      if (!this.regions.includes(region)) {
        throw new NotFoundError(`${what}: ${region} is not a region of this mesh (${this.regions.join(', ')})`);
      }
    }
    if (from === to) throw new ValidationError('bad-request', 'from and to must be different regions');
  }

  /** The ingest mapping of the link's queue, in region `to`. */
  private async mapping(from: string, to: string): Promise<EventSourceMappingConfiguration & { UUID: string }> {
    const functionName = ingestFunctionName(this.meshName, to);
    const eventSourceArn = queueArn(this.account, to, inboundQueueName(this.meshName, from, to));
    const out = await this.clients.lambda(to).send(
      new ListEventSourceMappingsCommand({ FunctionName: functionName, EventSourceArn: eventSourceArn }),
    );
    const mapping = out.EventSourceMappings?.find((m) => m.UUID !== undefined);
    if (mapping?.UUID === undefined) {
      throw new MeshError('link-not-deployed', 503, `no event source mapping of ${functionName} for ${eventSourceArn} in ${to}`);
    }
    return { ...mapping, UUID: mapping.UUID };
  }

  /** Queue depths of the link; best effort — a failed read leaves them out rather than failing the call. */
  private async depths(from: string, to: string): Promise<Pick<LinkState, 'backlog' | 'inFlight' | 'dlq'>> {
    const sqs = this.clients.sqs(to);
    const read = async (name: string) => {
      try {
        const out = await sqs.send(new GetQueueAttributesCommand({
          QueueUrl: queueUrl(this.account, to, name),
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }));
        return out.Attributes;
      } catch {
        return undefined;
      }
    };
    const [queue, dlq] = await Promise.all([
      read(inboundQueueName(this.meshName, from, to)),
      read(deadLetterQueueName(this.meshName, from, to)),
    ]);
    const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
    const result: { backlog?: number; inFlight?: number; dlq?: number } = {};
    const backlog = num(queue?.ApproximateNumberOfMessages);
    const inFlight = num(queue?.ApproximateNumberOfMessagesNotVisible);
    const dead = num(dlq?.ApproximateNumberOfMessages);
    if (backlog !== undefined) result.backlog = backlog;
    if (inFlight !== undefined) result.inFlight = inFlight;
    if (dead !== undefined) result.dlq = dead;
    return result;
  }
}

/** The mapping's `LastModified`: when it was last switched (or otherwise updated). */
function changedAt(mapping: EventSourceMappingConfiguration): { changedAt?: number } {
  const at = mapping.LastModified?.getTime();
  return at === undefined || Number.isNaN(at) ? {} : { changedAt: at };
}

function isDelivering(mapping: EventSourceMappingConfiguration): boolean {
  return DELIVERING_STATES.has(mapping.State ?? 'Enabled');
}

/** Where a mapping is heading; undefined while an update of unknown direction runs. */
function targetState(mapping: EventSourceMappingConfiguration): boolean | undefined {
  switch (mapping.State) {
    case 'Enabled':
    case 'Enabling':
    case 'Creating':
      return true;
    case 'Disabled':
    case 'Disabling':
      return false;
    default:
      return undefined;
  }
}
