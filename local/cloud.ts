/**
 * The local cloud: a whole mesh of N regions on one machine, running the very handlers that run
 * in AWS. DynamoDB Local (with Streams) holds every region's table, `local-aws-sqs` in this
 * process holds every link's queue and DLQ, and a small Lambda runtime connects them: per region
 * an HTTP gateway (API Gateway → api), a stream poller (table stream → replicator) and one SQS
 * poller per inbound queue (queue → ingest), which is also the link the nemesis cuts.
 *
 * Given endpoints, the tables and queues live elsewhere instead (LocalStack: one endpoint for
 * every region; '' = real AWS, per region, default credential chain) and only the runtime is
 * local; `cleanup: true` deletes on stop() the tables and queues this start created.
 *
 * @example
 * ```ts
 * import { startMesh } from './cloud.ts';
 * const mesh = await startMesh({ regions: ['us-east-1', 'eu-west-1'], basePort: 0 });
 * await fetch(`${mesh.regions[0]!.url}/kv/colour`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":"blue"}' });
 * await mesh.links.setLink('us-east-1', 'eu-west-1', false); // partition one direction
 * await mesh.stop();
 * ```
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { makeApiHandler, type ApiHandler } from '../functions/api.ts';
import { makeIngestHandler, type IngestHandler } from '../functions/ingest.ts';
import { makeRebalanceHandler } from '../functions/rebalance.ts';
import { makeRepairHandler, type RepairReport } from '../functions/repair.ts';
import type { TickReport } from '../shared/app/answers.ts';
import { makeReplicatorHandler, type ReplicatorHandler } from '../functions/replicator.ts';
import { createEventsTable, tableExists } from '../shared/adapters/dynamo-table.ts';
import { createRegionDeps, type RegionDeps } from '../shared/app/wiring.ts';
import { INGEST_MAPPING, REPLICATOR_MAPPING } from '../shared/config/delivery.ts';
import type { RegionConfig } from '../shared/config/env.ts';
import { DEFAULT_MESH_NAME, DEFAULT_REGIONS, tableName } from '../shared/config/naming.ts';
import type { WallClock } from '../shared/domain/index.ts';
import type { LinkControl } from '../shared/ports/link-control.ts';
import { localClients, type RegionClients } from './aws-clients.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { LocalLinkControl } from './link-control.ts';
import { createMeshQueues, type LinkQueues } from './mesh-queues.ts';
import { startHttpGateway, type HttpGateway } from './runtime/http-gateway.ts';
import { Doorbells } from './runtime/doorbells.ts';
import { Schedule } from './runtime/scheduler.ts';
import { SqsPoller } from './runtime/sqs-poller.ts';
import { StreamPoller } from './runtime/stream-poller.ts';
import { sdkStreamsApi } from './runtime/streams-api.ts';
import { LOCAL_ACCOUNT, startSqsServer } from './sqs-server.ts';

/** The GUI's static files; served at `/ui/` by every region when the folder exists. */
const GUI_DIR = fileURLToPath(new URL('../gui/public/', import.meta.url));

export interface MeshOptions {
  /** Region names (default DEFAULT_REGIONS). */
  readonly regions?: readonly string[];
  /** Region i listens on basePort + i (default 3001); 0 = free ports. */
  readonly basePort?: number;
  /** Interface the gateways listen on (default 127.0.0.1). */
  readonly hostname?: string;
  /** Resource prefix (default DEFAULT_MESH_NAME); a unique name per test keeps tables apart. */
  readonly meshName?: string;
  /** DynamoDB Local's files on disk; in memory when undefined. Ignored with `dynamodbEndpoint`. */
  readonly dataDir?: string;
  /**
   * Use this running DynamoDB (with Streams) instead of starting DynamoDB Local: DynamoDB Local,
   * LocalStack (one endpoint for every region, fake credentials), or '' = real AWS (each region's
   * default endpoint, credentials from the SDK's default provider chain).
   */
  readonly dynamodbEndpoint?: string;
  /**
   * Use this SQS instead of starting `local-aws-sqs` in process: LocalStack's endpoint, or '' =
   * real AWS (as `dynamodbEndpoint`). Each link's queue and DLQ is created in its region `to` with
   * the usual names and settings (CreateQueue is idempotent for identical attributes).
   */
  readonly sqsEndpoint?: string;
  /** Port of the in-process SQS server (default: a free one). Ignored with `sqsEndpoint`. */
  readonly sqsPort?: number;
  /**
   * On stop() (or a failed start), delete the tables and queues this start created (default
   * false: stop() deletes nothing). Tests set it against an external endpoint so that a
   * LocalStack or AWS run leaves nothing behind; tables or queues that already existed are kept.
   */
  readonly cleanup?: boolean;
  /** Idle pause of the stream pollers and of SQS pollers that do not long-poll (default 250 ms). */
  readonly pollIntervalMs?: number;
  /**
   * Long-poll of the SQS pollers, seconds (default 0). `local-aws-sqs` holds a long poll open until
   * the batch is full or the wait is over (AWS answers as soon as a message is there), so locally
   * short polls (it still waits 40 ms) plus `pollIntervalMs` give the lower latency.
   */
  readonly sqsWaitTimeSeconds?: number;
  /** Inbound queues' visibility timeout (default QUEUE_SETTINGS; tests use 1 s). */
  readonly visibilityTimeoutSeconds?: number;
  /** Receives before the DLQ (default QUEUE_SETTINGS.maxReceiveCount = 5). */
  readonly maxReceiveCount?: number;
  /** Replicator retries of a failing stream batch before giving up on it (repair backfills). */
  readonly maximumRetryAttempts?: number;
  /**
   * Period of each region's anti-entropy repair (AWS: an EventBridge schedule); default 60 000,
   * 0 = never (call `mesh.repair()` instead). Repair pulls only over links that are enabled: a
   * cut link is a partition for repair too.
   */
  readonly repairIntervalMs?: number;
  /**
   * Period of each region's escrow rebalancer (AWS: an EventBridge rule, every minute); default
   * 5 000 here so that rights follow demand quickly on a laptop, 0 = never (call
   * `mesh.rebalance()` instead).
   */
  readonly rebalanceIntervalMs?: number;
  /** Handlers' log level (default WARN; the handlers log JSON lines). */
  readonly handlerLogLevel?: LogLevel;
  /** The regions' wall clock (default Date.now); a function gives each region its own (clock skew). */
  readonly clock?: WallClock | ((region: string) => WallClock);
  /** Wraps a region's handlers, e.g. to inject failures in tests. */
  readonly wrap?: {
    readonly ingest?: (region: string, handler: IngestHandler) => IngestHandler;
    readonly replicator?: (region: string, handler: ReplicatorHandler) => ReplicatorHandler;
    /** The region's api handler, with its dependencies (negative controls: a deliberately broken region). */
    readonly api?: (region: string, handler: ApiHandler, deps: RegionDeps) => ApiHandler;
  };
  /** Regions that left the mesh: their events are still accepted (as origins) from peers and repair. */
  readonly retiredRegions?: readonly string[];
  /** Largest lead of an ingested stamp over a region's clock (default: the domain's 5 minutes). */
  readonly maxClockOffsetMs?: number;
  /** Runtime log lines (startup, poller errors, given-up batches). Default: none. */
  readonly log?: (line: string) => void;
  /**
   * Called once per region with that region's SDK clients before anything uses them, e.g. to add
   * middleware that counts requests per region (`bench/request-meter.ts`). Default: none.
   */
  readonly instrument?: (region: string, clients: RegionClients) => void;
}

export interface MeshRegion {
  readonly region: string;
  /** Base URL of the region's API, e.g. `http://127.0.0.1:3001`. */
  readonly url: string;
}

export interface MeshCounters {
  /** Stream records the replicator gave up on (on-failure destination). */
  readonly replicatorGaveUp: number;
}

export interface Mesh {
  readonly meshName: string;
  readonly regions: readonly MeshRegion[];
  readonly links: LinkControl;
  /** The DynamoDB endpoint in use ('' = real AWS). */
  readonly dynamodbEndpoint: string;
  /** The SQS endpoint in use: the in-process server's, the one given, or '' = real AWS. */
  readonly sqsEndpoint: string;
  /** The queues of the link `from -> to` (URLs as CreateQueue returned them). */
  queue(from: string, to: string): LinkQueues;
  /** The mesh's SQS client of a region (its queues are the inbound ones); closed by stop(). */
  sqsClient(region: string): SQSClient;
  /** `${url}/ui/` of the first region when the GUI is present, else undefined. */
  readonly guiUrl: string | undefined;
  counters(): MeshCounters;
  /** Runs the repair of one region (or of all) now, over the enabled links; returns the reports. */
  repair(region?: string): Promise<Record<string, RepairReport>>;
  /** Runs the escrow rebalancer of one region (or of all) now; returns the tick reports. */
  rebalance(region?: string): Promise<Record<string, TickReport>>;
  /**
   * Stops every gateway, poller, client and server, and DynamoDB Local if this mesh started it;
   * with `cleanup`, first deletes the tables and queues this start created.
   */
  stop(): Promise<void>;
}

/** The account of a queue, from its ARN (`arn:aws:sqs:region:account:name`); the local one if none. */
function accountOf(arn: string): string {
  return arn.split(':')[4] || LOCAL_ACCOUNT;
}

/** Starts a mesh; on any failure, stops whatever it had started (and, with `cleanup`, deletes what it created) and rethrows. */
export async function startMesh(options: MeshOptions = {}): Promise<Mesh> {
  const regions = [...(options.regions ?? DEFAULT_REGIONS)];
  if (regions.length === 0 || new Set(regions).size !== regions.length) throw new Error('regions must be distinct and at least one');
  const meshName = options.meshName ?? DEFAULT_MESH_NAME;
  const basePort = options.basePort ?? 3001;
  const log = options.log ?? ((): void => {});
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  // What to stop, by layer: gateways and pollers (4) before deleting the tables and queues (3,
  // only with `cleanup`) before the clients (2) they use, before the SQS server (1), before
  // DynamoDB Local (0). Within a layer, all at once.
  const stops: Array<{ layer: number; stop: () => Promise<void> | void }> = [];
  const onStop = (layer: number, stop: () => Promise<void> | void): void => {
    stops.push({ layer, stop });
  };
  const stopAll = async (): Promise<void> => {
    const all = stops.splice(0);
    for (const layer of [4, 3, 2, 1, 0]) {
      const results = await Promise.allSettled(all.filter((s) => s.layer === layer).map(async (s) => s.stop()));
      for (const r of results) if (r.status === 'rejected') log(`stop: ${(r.reason as Error).message}`);
    }
  };
  let gaveUp = 0;

  try {
    let dynamodbEndpoint = options.dynamodbEndpoint;
    if (dynamodbEndpoint === undefined) {
      log(`starting DynamoDB Local (${options.dataDir === undefined ? 'in memory' : `data in ${options.dataDir}`})…`);
      const ddb = await startDynamoDbLocal(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
      onStop(0, () => ddb.stop());
      dynamodbEndpoint = ddb.endpoint;
    }
    let sqsEndpoint = options.sqsEndpoint;
    if (sqsEndpoint === undefined) {
      const sqsServer = await startSqsServer(options.sqsPort === undefined ? {} : { port: options.sqsPort });
      onStop(1, () => sqsServer.stop());
      sqsEndpoint = sqsServer.endpoint;
    }

    const endpoints = { dynamodb: dynamodbEndpoint, sqs: sqsEndpoint };
    const clients = new Map<string, RegionClients>();
    // Deliveries start when there is something to deliver, not after an idle pause (doorbells.ts).
    const bells = new Doorbells();
    for (const region of regions) {
      const c = localClients(region, endpoints);
      options.instrument?.(region, c);
      bells.ringOnTableWrites(c.dynamodb, tableName(meshName, region));
      bells.ringOnQueueSends(c.sqs);
      clients.set(region, c);
      onStop(2, () => c.destroy());
    }
    const clientsOf = (region: string): RegionClients => {
      const c = clients.get(region);
      if (c === undefined) throw new Error(`no clients for ${region}`);
      return c;
    };
    const admin = clientsOf(regions[0] as string);

    // Each region's table through that region's client (real AWS: in that region).
    await Promise.all(
      regions.map(async (r) => {
        const table = tableName(meshName, r);
        const { dynamodb } = clientsOf(r);
        const existed = await tableExists(dynamodb, table);
        if (!existed && options.cleanup === true) onStop(3, async () => void (await dynamodb.send(new DeleteTableCommand({ TableName: table }))));
        await createEventsTable(dynamodb, table);
      }),
    );
    // A link's queues live in the region that ingests from them, as in the deployed mesh.
    const queues = await createMeshQueues((r) => clientsOf(r).sqs, meshName, regions, {
      ...(options.visibilityTimeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }),
      ...(options.maxReceiveCount === undefined ? {} : { maxReceiveCount: options.maxReceiveCount }),
    });
    if (options.cleanup === true) onStop(3, () => queues.deleteCreated());
    // Only the in-process SQS server counts in-flight messages among the visible ones.
    const links = new LocalLinkControl(admin.sqs, { visibleCountIncludesInFlight: options.sqsEndpoint === undefined });
    const queueOf = (from: string, to: string): LinkQueues => {
      const q = queues.get(from, to);
      if (q === undefined) throw new Error(`no queue ${from} -> ${to}`);
      return q;
    };

    const meshRegions: MeshRegion[] = [];
    const depsByRegion = new Map<string, RegionDeps>();
    const logLevel = options.handlerLogLevel ?? 'WARN';
    const repairLogger = new Logger({ serviceName: `${meshName}-repair`, logLevel });
    /**
     * One region's repair over every peer's store; the handler itself skips a peer whose link into
     * the region is cut (it asks `deps.links`, this mesh's LocalLinkControl).
     */
    const repairRegion = async (region: string): Promise<RepairReport> => {
      const deps = depsByRegion.get(region);
      if (deps === undefined) throw new Error(`no region ${region} in this mesh`);
      const stores = Object.fromEntries([...depsByRegion].map(([r, d]) => [r, d.store]));
      return makeRepairHandler(deps, stores, { logger: repairLogger })();
    };
    const rebalancers = new Map<string, () => Promise<TickReport>>();
    const rebalanceRegion = (region: string): Promise<TickReport> => {
      const run = rebalancers.get(region);
      if (run === undefined) throw new Error(`no region ${region} in this mesh`);
      return run();
    };
    const documents = { '/local/mesh': () => ({ meshName, regions: meshRegions }) };

    for (const [i, region] of regions.entries()) {
      const c = clientsOf(region);
      const peers = regions.filter((r) => r !== region);
      const config: RegionConfig = {
        meshName,
        region,
        table: tableName(meshName, region),
        peers,
        peerQueueUrls: Object.fromEntries(peers.map((p) => [p, queueOf(region, p).url])),
        inboundQueueUrls: Object.fromEntries(peers.map((p) => [p, queueOf(p, region).url])),
        // From a queue ARN, so it is the real account against AWS (a lone region has no queue).
        account: peers[0] === undefined ? LOCAL_ACCOUNT : accountOf(queueOf(peers[0], region).arn),
        retiredRegions: options.retiredRegions ?? [],
        ...(options.maxClockOffsetMs === undefined ? {} : { maxClockOffsetMs: options.maxClockOffsetMs }),
      };
      const clock = typeof options.clock === 'function' ? options.clock(region) : options.clock;
      // Each peer's queue is sent to with a client of that peer's region (SigV4 scopes a request to one region).
      const deps: RegionDeps = createRegionDeps(config, { dynamodb: c.dynamodb, sqs: c.sqs, sqsFor: (p) => clientsOf(p).sqs }, links, clock);
      depsByRegion.set(region, deps);
      const logger = (fn: string): Logger => new Logger({ serviceName: `${meshName}-${fn}`, logLevel, persistentKeys: { region } });
      let api = makeApiHandler(deps, { logger: logger('api') });
      if (options.wrap?.api) api = options.wrap.api(region, api, deps);
      let replicator = makeReplicatorHandler(deps, { logger: logger('replicator') });
      let ingest = makeIngestHandler(deps, { logger: logger('ingest') });
      if (options.wrap?.replicator) replicator = options.wrap.replicator(region, replicator);
      if (options.wrap?.ingest) ingest = options.wrap.ingest(region, ingest);

      // Inbound queues of this region: one event source mapping (poller) per peer.
      for (const from of peers) {
        const q = queueOf(from, region);
        const poller = new SqsPoller({
          client: c.sqs,
          queueUrl: q.url,
          queueArn: q.arn,
          region,
          handler: ingest,
          batchSize: INGEST_MAPPING.batchSize,
          waitTimeSeconds: options.sqsWaitTimeSeconds ?? 0,
          idleDelayMs: pollIntervalMs,
          log,
        });
        links.register({ from, to: region, poller, queueUrl: q.url, dlqUrl: q.dlqUrl, sqs: c.sqs });
        bells.register(q.url, () => poller.nudge());
        poller.start();
        onStop(4, () => poller.stop());
      }

      // The table's stream feeds the replicator, filtered to the events this region accepted.
      const table = await c.dynamodb.send(new DescribeTableCommand({ TableName: config.table }));
      const streamArn = table.Table?.LatestStreamArn;
      if (streamArn === undefined) throw new Error(`table ${config.table} has no stream`);
      const stream = new StreamPoller({
        api: sdkStreamsApi(c.streams),
        streamArn,
        region,
        handler: replicator,
        filters: [{ dynamodb: { NewImage: { origin: { S: [region] }, type: { S: ['event'] } } } }],
        batchSize: REPLICATOR_MAPPING.batchSize,
        startingPosition: REPLICATOR_MAPPING.startingPosition,
        // As the CDK stack configures the mapping (infra/region-stack.ts).
        bisectBatchOnError: true,
        maximumRetryAttempts: options.maximumRetryAttempts ?? REPLICATOR_MAPPING.maximumRetryAttempts,
        pollIntervalMs,
        onFailure: (f) => {
          gaveUp += f.records.length;
          log(`${region} replicator gave up on ${f.records.length} stream record(s) (${f.reason}); repair will backfill them`);
        },
        log,
      });
      bells.register(config.table, () => stream.nudge());
      stream.start();
      onStop(4, () => stream.stop());

      const repairEvery = options.repairIntervalMs ?? 60_000;
      if (repairEvery > 0) {
        const schedule = new Schedule(repairEvery, () => repairRegion(region), (err) => log(`${region} repair: ${(err as Error).message}`));
        schedule.start();
        onStop(4, () => schedule.stop());
      }

      rebalancers.set(region, makeRebalanceHandler(deps, { logger: logger('rebalance') }));
      const rebalanceEvery = options.rebalanceIntervalMs ?? 5_000;
      if (rebalanceEvery > 0) {
        const schedule = new Schedule(rebalanceEvery, () => rebalanceRegion(region), (err) => log(`${region} rebalance: ${(err as Error).message}`));
        schedule.start();
        onStop(4, () => schedule.stop());
      }

      const gateway: HttpGateway = await startHttpGateway({
        handler: api,
        port: basePort === 0 ? 0 : basePort + i,
        ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
        staticDir: GUI_DIR,
        documents,
        // The GUI of every region calls every region: those origins, and no other page.
        allowedOrigins: () => meshRegions.map((r) => r.url),
        log,
      });
      onStop(4, () => gateway.stop());
      meshRegions.push({ region, url: gateway.url });
      log(`${region} listening on ${gateway.url}`);
    }

    const first = meshRegions[0];
    const guiUrl = first !== undefined && existsSync(GUI_DIR) ? `${first.url}/ui/` : undefined;
    let stopping: Promise<void> | undefined;
    return {
      meshName,
      regions: meshRegions,
      links,
      dynamodbEndpoint,
      sqsEndpoint,
      queue: queueOf,
      sqsClient: (region) => clientsOf(region).sqs,
      guiUrl,
      counters: () => ({ replicatorGaveUp: gaveUp }),
      repair: async (region) => {
        const targets = region === undefined ? regions : [region];
        const reports = await Promise.all(targets.map(async (r) => [r, await repairRegion(r)] as const));
        return Object.fromEntries(reports);
      },
      rebalance: async (region) => {
        const targets = region === undefined ? regions : [region];
        return Object.fromEntries(await Promise.all(targets.map(async (r) => [r, await rebalanceRegion(r)] as const)));
      },
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
