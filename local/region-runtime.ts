/**
 * One region of the local cloud while it runs: its gateway (API Gateway → api), its stream poller
 * (table stream → replicator), one SQS poller per inbound link (queue → ingest) and its repair
 * schedule. The handlers behind them can be swapped while they run — what a redeploy with a new
 * configuration does in AWS — so regions can join and leave a running mesh: a swap changes which
 * peers a region sends to and accepts events from, never drops a request or a batch in hand.
 *
 * A retiring region refuses writes (410 `region-retiring`, nothing stored) and still answers
 * reads, and {@link RegionRuntime.retire} resolves once every request it had accepted is answered,
 * so what it acknowledged is all in its table before the drain starts.
 *
 * @example
 * ```ts
 * import { RegionRuntime } from './region-runtime.ts';
 * const rt = new RegionRuntime({ region: 'eu-west-1', clients, links, bells, handlers, pollIntervalMs: 250 });
 * rt.addInbound(queueOf('us-east-1', 'eu-west-1'));
 * await rt.startStream();
 * const url = await rt.startGateway({ port: 0 });
 * rt.swap(newHandlers); // new peers, same servers
 * await rt.stop();
 * ```
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ApiHandler } from '../functions/api.ts';
import type { IngestHandler } from '../functions/ingest.ts';
import type { ReplicatorHandler } from '../functions/replicator.ts';
import type { RegionDeps } from '../shared/app/wiring.ts';
import { INGEST_MAPPING, REPLICATOR_MAPPING } from '../shared/config/delivery.ts';
import type { RegionClients } from './aws-clients.ts';
import type { LocalLinkControl } from './link-control.ts';
import type { LinkQueues } from './mesh-queues.ts';
import type { Doorbells } from './runtime/doorbells.ts';
import { startHttpGateway, type HttpGateway, type HttpGatewayOptions } from './runtime/http-gateway.ts';
import { Schedule } from './runtime/scheduler.ts';
import { SqsPoller } from './runtime/sqs-poller.ts';
import { StreamPoller } from './runtime/stream-poller.ts';
import { sdkStreamsApi } from './runtime/streams-api.ts';

/** A region's configuration and the handlers built on it: what a swap replaces. */
export interface RegionHandlers {
  readonly deps: RegionDeps;
  readonly api: ApiHandler;
  readonly replicator: ReplicatorHandler;
  readonly ingest: IngestHandler;
}

export interface RegionRuntimeOptions {
  readonly region: string;
  readonly clients: RegionClients;
  readonly links: LocalLinkControl;
  readonly bells: Doorbells;
  readonly handlers: RegionHandlers;
  readonly pollIntervalMs: number;
  /** Long-poll of the SQS pollers, seconds (default 0). */
  readonly sqsWaitTimeSeconds?: number;
  /** Replicator retries of a failing stream batch (default the mapping's). */
  readonly maximumRetryAttempts?: number;
  /** Stream records the replicator gave up on (the on-failure destination). */
  readonly onGaveUp?: (records: number, reason: string) => void;
  readonly log?: (line: string) => void;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export class RegionRuntime {
  readonly region: string;
  readonly clients: RegionClients;
  readonly #o: RegionRuntimeOptions;
  #handlers: RegionHandlers;
  readonly #inbound = new Map<string, SqsPoller>();
  #stream: StreamPoller | undefined;
  #gateway: HttpGateway | undefined;
  readonly #schedules: Schedule[] = [];
  #retiring = false;
  #inFlight = 0;
  #idle: Array<() => void> = [];

  constructor(options: RegionRuntimeOptions) {
    this.#o = options;
    this.region = options.region;
    this.clients = options.clients;
    this.#handlers = options.handlers;
  }

  /** The configuration and dependencies in force. */
  get deps(): RegionDeps {
    return this.#handlers.deps;
  }

  /** The gateway's base URL (undefined before `startGateway`). */
  get url(): string | undefined {
    return this.#gateway?.url;
  }

  get retiring(): boolean {
    return this.#retiring;
  }

  /** Regions this one ingests from over a queue. */
  get inboundFrom(): string[] {
    return [...this.#inbound.keys()];
  }

  /** Puts new handlers behind the running gateway and pollers; what is in hand finishes on the old ones. */
  swap(handlers: RegionHandlers): void {
    this.#handlers = handlers;
  }

  /** Starts delivering the link `queue.from -> this region` (one SQS event source mapping) and registers it. */
  addInbound(queue: LinkQueues): void {
    if (this.#inbound.has(queue.from)) return;
    const poller = new SqsPoller({
      client: this.clients.sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: this.region,
      handler: (event) => this.#handlers.ingest(event),
      batchSize: INGEST_MAPPING.batchSize,
      waitTimeSeconds: this.#o.sqsWaitTimeSeconds ?? 0,
      idleDelayMs: this.#o.pollIntervalMs,
      ...(this.#o.log === undefined ? {} : { log: this.#o.log }),
    });
    this.#o.links.register({ from: queue.from, to: this.region, poller, queueUrl: queue.url, dlqUrl: queue.dlqUrl, sqs: this.clients.sqs });
    this.#o.bells.register(queue.url, () => poller.nudge());
    this.#inbound.set(queue.from, poller);
    poller.start();
  }

  /** Stops delivering the link `from -> this region` (the batch in hand finishes) and forgets it. */
  async removeInbound(from: string): Promise<void> {
    const poller = this.#inbound.get(from);
    if (poller === undefined) return;
    this.#inbound.delete(from);
    await poller.stop();
    this.#o.links.unregister(from, this.region);
  }

  /** Starts the table stream's poller, filtered to the events this region accepted, as the CDK stack maps it. */
  async startStream(): Promise<void> {
    if (this.#stream !== undefined) return;
    const table = this.deps.config.table;
    const described = await this.clients.dynamodb.send(new DescribeTableCommand({ TableName: table }));
    const streamArn = described.Table?.LatestStreamArn;
    if (streamArn === undefined) throw new Error(`table ${table} has no stream`);
    const stream = new StreamPoller({
      api: sdkStreamsApi(this.clients.streams),
      streamArn,
      region: this.region,
      handler: (event) => this.#handlers.replicator(event),
      filters: [{ dynamodb: { NewImage: { origin: { S: [this.region] }, type: { S: ['event'] } } } }],
      batchSize: REPLICATOR_MAPPING.batchSize,
      startingPosition: REPLICATOR_MAPPING.startingPosition,
      // As the CDK stack configures the mapping (infra/region-stack.ts).
      bisectBatchOnError: true,
      maximumRetryAttempts: this.#o.maximumRetryAttempts ?? REPLICATOR_MAPPING.maximumRetryAttempts,
      pollIntervalMs: this.#o.pollIntervalMs,
      onFailure: (f) => this.#o.onGaveUp?.(f.records.length, f.reason),
      ...(this.#o.log === undefined ? {} : { log: this.#o.log }),
    });
    this.#o.bells.register(table, () => stream.nudge());
    this.#stream = stream;
    stream.start();
  }

  /** Runs `job` every `intervalMs` (the region's repair and rebalance schedules); 0 = never. */
  startSchedule(intervalMs: number, job: () => Promise<unknown>, onError: (err: unknown) => void): void {
    if (intervalMs <= 0 || this.#retiring) return;
    const schedule = new Schedule(intervalMs, job, onError);
    this.#schedules.push(schedule);
    schedule.start();
  }

  /** Starts the gateway in front of the api handler in force; answers its URL. */
  async startGateway(options: Omit<HttpGatewayOptions, 'handler'>): Promise<string> {
    if (this.#gateway !== undefined) return this.#gateway.url;
    this.#gateway = await startHttpGateway({ ...options, handler: (event) => this.#serve(event) });
    return this.#gateway.url;
  }

  /**
   * From now on refuses writes (410, nothing stored), keeps answering reads, and stops its
   * schedules; resolves once every request accepted before is answered.
   */
  async retire(): Promise<void> {
    this.#retiring = true;
    await Promise.all(this.#schedules.map((s) => s.stop()));
    if (this.#inFlight === 0) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  /** Stops the gateway only (a request that came through it is answered first by the caller). */
  async stopGateway(): Promise<void> {
    await this.#gateway?.stop();
  }

  /** Stops everything this runtime runs; safe to call twice. */
  async stop(): Promise<void> {
    const inbound = [...this.#inbound.keys()];
    await Promise.all([
      ...inbound.map((from) => this.removeInbound(from)),
      this.#stream?.stop(),
      ...this.#schedules.map((s) => s.stop()),
      this.#gateway?.stop(),
    ]);
  }

  async #serve(event: APIGatewayProxyEventV2) {
    const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
    if (this.#retiring && method !== 'GET' && method !== 'HEAD') {
      return {
        statusCode: 410,
        headers: JSON_HEADERS,
        body: JSON.stringify({ error: { code: 'region-retiring', message: `${this.region} is leaving the mesh and accepts no more writes: write to another region` } }),
      };
    }
    this.#inFlight++;
    try {
      return await this.#handlers.api(event);
    } finally {
      if (--this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
    }
  }
}
