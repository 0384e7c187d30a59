/**
 * The local cloud: a whole mesh of N regions on one machine, running the very handlers that run
 * in AWS. DynamoDB Local (with Streams) holds every region's table, `local-aws-sqs` in this
 * process holds every link's queue and DLQ, and a small Lambda runtime connects them: per region
 * an HTTP gateway (API Gateway → api), a stream poller (table stream → replicator) and one SQS
 * poller per inbound queue (queue → ingest), which is also the link the nemesis cuts.
 *
 * The mesh grows and shrinks while it runs, as a redeploy with one more or one less region does
 * in AWS (see `docs/deploy.md`): `addRegion` creates the new region's table and queues, makes
 * every region accept and send to it (their handlers are rebuilt on the new configuration and
 * swapped in behind the running servers), starts it, and backfills it from a peer
 * (`shared/app/backfill.ts`); `removeRegion` stops the region's writes, drains what it accepted
 * into every other region, checks by digest that nothing is missing, unwires it and stops it —
 * its table is kept, and its events stay accepted everywhere as those of a retired region. The
 * gateways also serve these as admin routes (`local/admin-routes.ts`).
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
 * const added = await mesh.addRegion('ap-northeast-1');      // serving at once, catching up
 * await added.backfilled;                                    // every older event copied
 * await mesh.removeRegion('us-east-1');                      // drained, then stopped
 * await mesh.stop();
 * ```
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { makeApiHandler, type ApiHandler } from '../functions/api.ts';
import { reachedEveryPeer } from '../functions/backfill.ts';
import { makeIngestHandler, type IngestHandler } from '../functions/ingest.ts';
import { makeRebalanceHandler } from '../functions/rebalance.ts';
import { makeRepairHandler, type RepairReport } from '../functions/repair.ts';
import type { TickReport } from '../shared/app/answers.ts';
import { makeReplicatorHandler, type ReplicatorHandler } from '../functions/replicator.ts';
import { createEventsTable, tableExists } from '../shared/adapters/dynamo-table.ts';
import { Backfill, type BackfillReport } from '../shared/app/backfill.ts';
import { createRegionDeps, type RegionDeps } from '../shared/app/wiring.ts';
import type { RegionConfig } from '../shared/config/env.ts';
import { DEFAULT_MESH_NAME, DEFAULT_REGIONS, deadLetterQueueName, tableName } from '../shared/config/naming.ts';
import { MeshError, NotFoundError, ORIGIN_PATTERN } from '../shared/domain/index.ts';
import type { WallClock } from '../shared/domain/index.ts';
import type { EventStore } from '../shared/ports/event-store.ts';
import type { LinkControl } from '../shared/ports/link-control.ts';
import { adminRoutes } from './admin-routes.ts';
import { localClients, type RegionClients } from './aws-clients.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { LocalLinkControl } from './link-control.ts';
import { createLinkQueues, type LinkQueues } from './mesh-queues.ts';
import { missingIds } from './missing-events.ts';
import { RegionRuntime, type RegionHandlers } from './region-runtime.ts';
import { Doorbells } from './runtime/doorbells.ts';
import { LOCAL_ACCOUNT, startSqsServer } from './sqs-server.ts';

/** The GUI's static files; served at `/ui/` by every region when the folder exists. */
const GUI_DIR = fileURLToPath(new URL('../gui/public/', import.meta.url));

/** SQS queue names are at most 80 characters; a link's DLQ has the longest name. */
const MAX_QUEUE_NAME = 80;

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
   * One DynamoDB Local per region, as AWS has one DynamoDB per region, instead of one for every
   * region (default false). A DynamoDB Local stores writes on about one core however many clients
   * it has, so with one for all, every region's writes queue for that core; with one each, the
   * regions' writes run side by side where there are cores for them. Costs a JVM per region
   * (about 300 MB and a few seconds to start). With `dataDir`, each keeps its files in
   * `dataDir/<region>`. Ignored with `dynamodbEndpoint`.
   * @default false
   */
  readonly dynamodbPerRegion?: boolean;
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
  /** How long `removeRegion` waits for a leaving region's queues to drain before repair pulls the rest (default 60 000 ms). */
  readonly drainTimeoutMs?: number;
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

/** How a region joins: where it backfills from, how fast. */
export interface AddRegionOptions {
  /** Peers to copy every event from (default: the mesh's first region). */
  readonly backfillFrom?: readonly string[];
  /** Events read per second at most (default: no cap). */
  readonly backfillRate?: number;
  /** Events a backfill page (default 100). */
  readonly backfillPageSize?: number;
}

/** A region that joined: serving at once, catching up until `backfilled` settles. */
export interface AddedRegion extends MeshRegion {
  readonly backfillFrom: readonly string[];
  /** Resolves with the run that finished the backfill (copy, then anti-entropy from every peer). */
  readonly backfilled: Promise<BackfillReport>;
}

/** A region that left. */
export interface RemovedRegion {
  readonly region: string;
  /** ms from refusing its writes until every other region held everything it had. */
  readonly drainedMs: number;
  /** Events the other regions still had to pull from it by repair after its queues drained (normally 0). */
  readonly pulledByRepair: number;
  /** Escrow rights it held, sent to the remaining regions before the drain (none is stranded in its table). */
  readonly handedOver: { readonly accounts: number; readonly moved: number };
  /** The mesh now, and every region retired so far. */
  readonly regions: readonly string[];
  readonly retired: readonly string[];
}

export interface Mesh {
  readonly meshName: string;
  /** The regions serving now (a getter: it changes as regions join and leave). */
  readonly regions: readonly MeshRegion[];
  /** Regions that left the mesh (given at start, and removed since). */
  readonly retiredRegions: readonly string[];
  readonly links: LinkControl;
  /** The DynamoDB endpoint in use ('' = real AWS); with `dynamodbPerRegion`, the first region's. */
  readonly dynamodbEndpoint: string;
  /** The DynamoDB endpoint a region's table lives on (the same for all unless `dynamodbPerRegion`). */
  dynamodbEndpointOf(region: string): string;
  /** Process ids of the DynamoDB Locals this mesh started (none with `dynamodbEndpoint`); benches read their CPU. */
  readonly dynamodbLocalPids: readonly number[];
  /** The SQS endpoint in use: the in-process server's, the one given, or '' = real AWS. */
  readonly sqsEndpoint: string;
  /** The queues of the link `from -> to` (URLs as CreateQueue returned them). */
  queue(from: string, to: string): LinkQueues;
  /** The mesh's SQS client of a region (its queues are the inbound ones); closed by stop(). */
  sqsClient(region: string): SQSClient;
  /** A region's store, also of a retired region (its table is kept); for checks and tests. */
  store(region: string): EventStore;
  /** `${url}/ui/` of the first region when the GUI is present, else undefined. */
  readonly guiUrl: string | undefined;
  counters(): MeshCounters;
  /** Runs the repair of one region (or of all) now, over the enabled links; returns the reports. */
  repair(region?: string): Promise<Record<string, RepairReport>>;
  /** Runs the escrow rebalancer of one region (or of all) now; returns the tick reports. */
  rebalance(region?: string): Promise<Record<string, TickReport>>;
  /**
   * Adds a region to the running mesh: its table, queues and servers, the links to and from every
   * region, then its backfill. Refuses (MeshError 400/409) a bad name, a region of the mesh, a
   * retired one, or a source that is not a region of the mesh. One membership change at a time.
   */
  addRegion(name: string, options?: AddRegionOptions): Promise<AddedRegion>;
  /**
   * Retires a region: refuses its writes, drains its outbound queues into every other region,
   * pulls anything still missing by repair and checks by digest that nothing is, then unwires
   * and stops it (its table is kept). Refuses (MeshError 404/409) an unknown region, the last
   * one, or one with a cut outbound link (its queues could not drain).
   */
  removeRegion(name: string): Promise<RemovedRegion>;
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

/** A removal's answer without its gateway stop (internal to the admin route). */
function withoutStop(r: RemovedRegion & { stopGateway: unknown }): RemovedRegion {
  return { region: r.region, drainedMs: r.drainedMs, pulledByRepair: r.pulledByRepair, handedOver: r.handedOver, regions: r.regions, retired: r.retired };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts a mesh; on any failure, stops whatever it had started (and, with `cleanup`, deletes what it created) and rethrows. */
export async function startMesh(options: MeshOptions = {}): Promise<Mesh> {
  const initial = [...(options.regions ?? DEFAULT_REGIONS)];
  if (initial.length === 0 || new Set(initial).size !== initial.length) throw new Error('regions must be distinct and at least one');
  const meshName = options.meshName ?? DEFAULT_MESH_NAME;
  const basePort = options.basePort ?? 3001;
  const log = options.log ?? ((): void => {});
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  // What to stop, by layer: backfills (5) before gateways and pollers (4) before deleting the
  // tables and queues (3, only with `cleanup`) before the clients (2) they use, before the SQS
  // server (1), before DynamoDB Local (0). Within a layer, all at once.
  const stops: Array<{ layer: number; stop: () => Promise<void> | void }> = [];
  const onStop = (layer: number, stop: () => Promise<void> | void): void => {
    stops.push({ layer, stop });
  };
  const stopAll = async (): Promise<void> => {
    stopped = true;
    const all = stops.splice(0);
    for (const layer of [5, 4, 3, 2, 1, 0]) {
      const results = await Promise.allSettled(all.filter((s) => s.layer === layer).map(async (s) => s.stop()));
      for (const r of results) if (r.status === 'rejected') log(`stop: ${(r.reason as Error).message}`);
    }
  };
  let stopped = false;
  let gaveUp = 0;

  try {
    const perRegion = options.dynamodbEndpoint === undefined && options.dynamodbPerRegion === true;
    const dynamodbLocalPids: number[] = [];
    const startDynamoDb = async (region?: string): Promise<string> => {
      const dataDir = options.dataDir === undefined || region === undefined ? options.dataDir : join(options.dataDir, region);
      log(`starting DynamoDB Local${region === undefined ? '' : ` for ${region}`} (${dataDir === undefined ? 'in memory' : `data in ${dataDir}`})…`);
      const ddb = await startDynamoDbLocal(dataDir === undefined ? {} : { dataDir });
      onStop(0, () => ddb.stop());
      if (ddb.pid !== undefined) dynamodbLocalPids.push(ddb.pid);
      return ddb.endpoint;
    };
    /** With `dynamodbPerRegion`: each region's own DynamoDB Local, started before its first client. */
    const regionEndpoints = new Map<string, string>();
    const ensureDynamoDb = async (region: string): Promise<void> => {
      if (perRegion && !regionEndpoints.has(region)) regionEndpoints.set(region, await startDynamoDb(region));
    };
    let dynamodbEndpoint = options.dynamodbEndpoint;
    if (perRegion) {
      const started = await Promise.allSettled(initial.map(async (r) => ensureDynamoDb(r)));
      const failed = started.find((x): x is PromiseRejectedResult => x.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      dynamodbEndpoint = regionEndpoints.get(initial[0] as string) as string;
    } else if (dynamodbEndpoint === undefined) {
      dynamodbEndpoint = await startDynamoDb();
    }
    const shared = dynamodbEndpoint;
    const dynamodbEndpointOf = (region: string): string => {
      const own = regionEndpoints.get(region);
      if (perRegion && own === undefined) throw new Error(`no DynamoDB Local for ${region} yet`);
      return own ?? shared;
    };
    let sqsEndpoint = options.sqsEndpoint;
    if (sqsEndpoint === undefined) {
      const sqsServer = await startSqsServer(options.sqsPort === undefined ? {} : { port: options.sqsPort });
      onStop(1, () => sqsServer.stop());
      sqsEndpoint = sqsServer.endpoint;
    }

    // The commit barrier makes an acknowledged transaction survive a crash of DynamoDB Local. One
    // this start runs in memory loses every table on a crash, barrier or not, so it gets none:
    // that saves a round trip per transaction. An explicit endpoint, or files on disk, keep it.
    const clientOptions = { awaitTransactionCommits: !(options.dynamodbEndpoint === undefined && options.dataDir === undefined) };
    const clients = new Map<string, RegionClients>();
    // Deliveries start when there is something to deliver, not after an idle pause (doorbells.ts).
    const bells = new Doorbells();
    const clientsOf = (region: string): RegionClients => {
      let c = clients.get(region);
      if (c === undefined) {
        c = localClients(region, { dynamodb: dynamodbEndpointOf(region), sqs: sqsEndpoint }, clientOptions);
        options.instrument?.(region, c);
        bells.ringOnTableWrites(c.dynamodb, tableName(meshName, region));
        bells.ringOnQueueSends(c.sqs);
        clients.set(region, c);
        const made = c;
        onStop(2, () => made.destroy());
      }
      return c;
    };
    const admin = clientsOf(initial[0] as string);

    /** Each region's table through that region's client (real AWS: in that region). */
    const createTable = async (r: string): Promise<void> => {
      await ensureDynamoDb(r);
      const table = tableName(meshName, r);
      const { dynamodb } = clientsOf(r);
      const existed = await tableExists(dynamodb, table);
      if (!existed && options.cleanup === true) onStop(3, async () => void (await dynamodb.send(new DeleteTableCommand({ TableName: table }))));
      await createEventsTable(dynamodb, table);
    };
    // A link's queues live in the region that ingests from them, as in the deployed mesh.
    const queues = new Map<string, LinkQueues>();
    const createQueues = async (pairs: ReadonlyArray<{ from: string; to: string }>): Promise<void> => {
      const created = await createLinkQueues((r) => clientsOf(r).sqs, meshName, pairs, {
        ...(options.visibilityTimeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }),
        ...(options.maxReceiveCount === undefined ? {} : { maxReceiveCount: options.maxReceiveCount }),
      });
      if (options.cleanup === true) onStop(3, () => created.deleteCreated());
      for (const { from, to } of pairs) {
        const q = created.get(from, to);
        if (q !== undefined) queues.set(`${from}>${to}`, q);
      }
    };
    const pairsOf = (regions: readonly string[]) => regions.flatMap((from) => regions.filter((to) => to !== from).map((to) => ({ from, to })));
    await Promise.all(initial.map(createTable));
    await createQueues(pairsOf(initial));
    // Only the in-process SQS server counts in-flight messages among the visible ones.
    const links = new LocalLinkControl(admin.sqs, { visibleCountIncludesInFlight: options.sqsEndpoint === undefined });
    const queueOf = (from: string, to: string): LinkQueues => {
      const q = queues.get(`${from}>${to}`);
      if (q === undefined) throw new Error(`no queue ${from} -> ${to}`);
      return q;
    };

    // Membership: the regions serving (in the order they joined) and the ones that left.
    const current: string[] = [...initial];
    const retired: string[] = [...(options.retiredRegions ?? [])];
    const runtimes = new Map<string, RegionRuntime>();
    /** Stores of every region ever started here, retired ones included (their tables are kept). */
    const stores = new Map<string, EventStore>();
    const logLevel = options.handlerLogLevel ?? 'WARN';
    const repairLogger = new Logger({ serviceName: `${meshName}-repair`, logLevel });
    const runtimeOf = (region: string): RegionRuntime => {
      const rt = runtimes.get(region);
      if (rt === undefined) throw new NotFoundError(`${region} is not a region of this mesh (${current.join(', ')})`);
      return rt;
    };
    const rebalanceLogger = new Logger({ serviceName: `${meshName}-rebalance`, logLevel });
    /** One region's escrow rebalancer on its dependencies now (they change when the mesh does). */
    const rebalanceRegion = (region: string): Promise<TickReport> => makeRebalanceHandler(runtimeOf(region).deps, { logger: rebalanceLogger })();

    /** A region's configuration for the mesh as it is now. */
    const configOf = (region: string): RegionConfig => {
      const peers = current.filter((r) => r !== region);
      return {
        meshName,
        region,
        table: tableName(meshName, region),
        peers,
        peerQueueUrls: Object.fromEntries(peers.map((p) => [p, queueOf(region, p).url])),
        inboundQueueUrls: Object.fromEntries(peers.map((p) => [p, queueOf(p, region).url])),
        // From a queue ARN, so it is the real account against AWS (a lone region has no queue).
        account: peers[0] === undefined ? LOCAL_ACCOUNT : accountOf(queueOf(peers[0], region).arn),
        retiredRegions: [...retired],
        ...(options.maxClockOffsetMs === undefined ? {} : { maxClockOffsetMs: options.maxClockOffsetMs }),
      };
    };
    /** The handlers of a region on its configuration now: what a deploy of that configuration runs. */
    const handlersOf = (region: string): RegionHandlers => {
      const c = clientsOf(region);
      const clock = typeof options.clock === 'function' ? options.clock(region) : options.clock;
      // Each peer's queue is sent to with a client of that peer's region (SigV4 scopes a request to one region).
      const deps = createRegionDeps(configOf(region), { dynamodb: c.dynamodb, sqs: c.sqs, sqsFor: (p) => clientsOf(p).sqs }, links, clock);
      stores.set(region, deps.store);
      const logger = (fn: string): Logger => new Logger({ serviceName: `${meshName}-${fn}`, logLevel, persistentKeys: { region } });
      let api = makeApiHandler(deps, { logger: logger('api') });
      if (options.wrap?.api) api = options.wrap.api(region, api, deps);
      let replicator = makeReplicatorHandler(deps, { logger: logger('replicator') });
      let ingest = makeIngestHandler(deps, { logger: logger('ingest') });
      if (options.wrap?.replicator) replicator = options.wrap.replicator(region, replicator);
      if (options.wrap?.ingest) ingest = options.wrap.ingest(region, ingest);
      return { deps, api, replicator, ingest };
    };
    /**
     * One region's repair over every peer's store; the handler itself skips a peer whose link into
     * the region is cut (it asks `deps.links`, this mesh's LocalLinkControl).
     */
    const repairRegion = async (region: string, only?: string): Promise<RepairReport> => {
      const deps = runtimeOf(region).deps;
      const scoped = only === undefined ? deps : { ...deps, config: { ...deps.config, peers: [only] } };
      return makeRepairHandler(scoped, Object.fromEntries(stores), { logger: repairLogger })();
    };
    const meshRegions = (): MeshRegion[] => current.flatMap((r) => {
      const url = runtimes.get(r)?.url;
      return url === undefined ? [] : [{ region: r, url }];
    });
    const documents = {
      '/local/mesh': () => ({
        meshName,
        regions: meshRegions().map((m) => (runtimes.get(m.region)?.retiring === true ? { ...m, retiring: true } : m)),
        retired: [...retired],
      }),
    };

    let nextPort = 0;
    /** Builds a region's runtime on its configuration now, with its inbound pollers; servers not started yet. */
    const prepareRegion = (region: string): RegionRuntime => {
      const rt = new RegionRuntime({
        region,
        clients: clientsOf(region),
        links,
        bells,
        handlers: handlersOf(region),
        pollIntervalMs,
        sqsWaitTimeSeconds: options.sqsWaitTimeSeconds ?? 0,
        ...(options.maximumRetryAttempts === undefined ? {} : { maximumRetryAttempts: options.maximumRetryAttempts }),
        onGaveUp: (records, reason) => {
          gaveUp += records;
          log(`${region} replicator gave up on ${records} stream record(s) (${reason}); repair will backfill them`);
        },
        log,
      });
      runtimes.set(region, rt);
      onStop(4, () => rt.stop());
      return rt;
    };
    /** Starts a prepared region: inbound links from every peer, the stream, the repair schedule, the gateway. */
    const startRegion = async (rt: RegionRuntime, routes: ReturnType<typeof adminRoutes>): Promise<string> => {
      for (const from of rt.deps.config.peers) rt.addInbound(queueOf(from, rt.region));
      await rt.startStream();
      const repairEvery = options.repairIntervalMs ?? 60_000;
      rt.startSchedule(repairEvery, () => repairRegion(rt.region), (err) => log(`${rt.region} repair: ${(err as Error).message}`));
      rt.startSchedule(options.rebalanceIntervalMs ?? 5_000, () => rebalanceRegion(rt.region), (err) => log(`${rt.region} rebalance: ${(err as Error).message}`));
      const port = basePort === 0 ? 0 : basePort + nextPort;
      nextPort++;
      const url = await rt.startGateway({
        port,
        ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
        staticDir: GUI_DIR,
        documents,
        routes: (req) => routes(req, rt.region),
        // The GUI of every region calls every region: those origins (as the mesh is now), and no other page.
        allowedOrigins: () => meshRegions().map((r) => r.url),
        log,
      });
      log(`${rt.region} listening on ${url}`);
      return url;
    };

    // One membership change at a time: each reads and rewires the whole mesh.
    let changing: Promise<unknown> = Promise.resolve();
    const serialized = <T>(change: () => Promise<T>): Promise<T> => {
      const run = changing.then(change, change);
      changing = run.catch(() => undefined);
      return run;
    };

    const backfills = new Set<Promise<unknown>>();
    onStop(5, async () => void (await Promise.allSettled([...backfills])));
    /** Runs a joining region's backfill until it is done or the mesh stops. */
    const runBackfill = (region: string, backfill: Backfill): Promise<BackfillReport> => {
      const loop = (async (): Promise<BackfillReport> => {
        for (;;) {
          try {
            const report = await backfill.run({ shouldStop: () => stopped || runtimes.get(region)?.retiring !== false });
            if (report.done || report.stopped === 'stop') return report;
            for (const [peer, r] of Object.entries(report.peers)) if (r.error !== undefined) log(`${region} backfill from ${peer}: ${r.error}`);
          } catch (e) {
            log(`${region} backfill: ${(e as Error).message}`);
          }
          // Not done yet (a peer failed, anti-entropy could not reach one): try again in a moment.
          await sleep(Math.max(4 * pollIntervalMs, 2_000));
          if (stopped) return { peers: {}, done: false, stopped: 'stop' };
        }
      })();
      backfills.add(loop);
      void loop.finally(() => backfills.delete(loop));
      return loop;
    };

    const addRegion = (name: string, add: AddRegionOptions = {}): Promise<AddedRegion> => serialized(async () => {
      if (typeof name !== 'string' || !ORIGIN_PATTERN.test(name)) {
        throw new MeshError('invalid-region', 400, `name: a region name is 1-64 characters a-z 0-9 -, got ${JSON.stringify(name)}`);
      }
      const longest = current.map((r) => deadLetterQueueName(meshName, r, name)).reduce((a, b) => (a.length >= b.length ? a : b), deadLetterQueueName(meshName, name, name));
      if (longest.length > MAX_QUEUE_NAME) throw new MeshError('invalid-region', 400, `name: ${name} makes the queue name ${longest} longer than ${MAX_QUEUE_NAME} characters`);
      if (current.includes(name)) throw new MeshError('region-exists', 409, `${name} is already a region of this mesh`);
      if (retired.includes(name)) throw new MeshError('region-retired', 409, `${name} was retired from this mesh; its events stay as a retired region's, so it cannot join again under that name`);
      const from = [...new Set(add.backfillFrom ?? current.slice(0, 1))];
      for (const p of from) if (!current.includes(p)) throw new MeshError('invalid-region', 400, `backfill from ${p}: not a region of this mesh (${current.join(', ')})`);

      // Its table and its links' queues first: nothing refers to it before they exist.
      await createTable(name);
      await createQueues(current.flatMap((r) => [{ from: name, to: r }, { from: r, to: name }]));
      current.push(name);
      const rt = prepareRegion(name);
      const backfill = new Backfill({
        region: name,
        store: rt.deps.store,
        ingest: (items) => runtimeOf(name).deps.service.ingestBatch(items),
        source: (peer) => stores.get(peer),
        antiEntropy: async () => {
          const report = await repairRegion(name);
          const reached = reachedEveryPeer(report);
          if (!reached) log(`${name} backfill: anti-entropy did not reach every peer yet, retrying: ${JSON.stringify(report)}`);
          return reached;
        },
        ...(add.backfillRate === undefined ? {} : { maxEventsPerSecond: add.backfillRate }),
        ...(add.backfillPageSize === undefined ? {} : { pageSize: add.backfillPageSize }),
        log: (message, fields) => log(`${name} backfill: ${message} ${JSON.stringify(fields)}`),
      });
      // Catching up from its first answer on: the progress is recorded before it serves.
      await backfill.begin(from);
      // Every region accepts its events and sends it theirs before it takes a write (AWS: the
      // existing stacks are updated before the new one is deployed), so none of its events is
      // refused as an unknown origin.
      for (const r of current) {
        if (r === name) continue;
        const other = runtimeOf(r);
        other.swap(handlersOf(r));
        other.addInbound(queueOf(name, r));
      }
      const url = await startRegion(rt, routes);
      log(`${name} joined the mesh; backfilling from ${from.join(', ')}`);
      return { region: name, url, backfillFrom: from, backfilled: runBackfill(name, backfill) };
    });

    /** Retires a region; `keepGateway` leaves its gateway up for the caller to stop after answering through it. */
    const retire = (name: string, keepGateway: boolean): Promise<RemovedRegion & { stopGateway: () => Promise<void> }> => serialized(async () => {
      const rt = runtimeOf(name);
      if (current.length === 1) throw new MeshError('last-region', 409, `${name} is the last region of this mesh; it cannot be retired`);
      const others = current.filter((r) => r !== name);
      const cut = [];
      for (const to of others) if (!(await links.isEnabled(name, to))) cut.push(to);
      if (cut.length > 0) {
        throw new MeshError('link-disabled', 409, `the links ${cut.map((to) => `${name} -> ${to}`).join(', ')} are cut: heal them first, so ${name}'s queues can drain`);
      }
      const started = Date.now();
      // 1. No more writes; every write it acknowledged is in its table once the ones in hand are answered.
      await rt.retire();
      // 1b. Its escrow rights go to the regions that stay (to whichever wants them most): a right
      // left in a retired table could never be spent. The transfers drain with everything else.
      const handed = await rt.deps.service.handOverRights(others);
      if (handed.errors.length > 0) {
        throw new MeshError('drain-incomplete', 503, `${name} could not hand over the escrow rights of ${handed.errors.length} account(s) (e.g. ${handed.errors[0]?.account}: ${handed.errors[0]?.error}); it keeps refusing writes, retry the removal`);
      }
      // 2. Its table stops growing: nothing more is delivered into it.
      for (const from of rt.inboundFrom) await rt.removeInbound(from);
      // 3. Drain: its stream reaches its outbound queues, its queues reach every other region.
      const store = stores.get(name) as EventStore;
      const drained = async (): Promise<boolean> => {
        const states = (await links.links()).filter((l) => l.from === name);
        if (states.some((l) => (l.backlog ?? 0) > 0)) return false;
        for (const to of others) if ((await missingIds(store, stores.get(to) as EventStore)).length > 0) return false;
        return true;
      };
      const deadline = Date.now() + (options.drainTimeoutMs ?? 60_000);
      while (!(await drained()) && Date.now() < deadline) await sleep(Math.max(pollIntervalMs, 200));
      // 4. Whatever a queue did not deliver (lost, dead-lettered, slow), repair pulls; then check.
      let pulledByRepair = 0;
      for (const to of others) {
        const report = await repairRegion(to, name);
        const r = report[name];
        if (r !== undefined && 'pulled' in r) pulledByRepair += r.pulled;
      }
      for (const to of others) {
        const missing = await missingIds(store, stores.get(to) as EventStore);
        if (missing.length > 0) {
          throw new MeshError('drain-incomplete', 503, `${missing.length} event(s) of ${name} are not in ${to} yet (e.g. ${missing[0]}); ${name} keeps refusing writes, retry the removal`);
        }
      }
      const drainedMs = Date.now() - started;
      // 5. Unwire: the others forget it as a peer and keep its events as a retired region's.
      current.splice(current.indexOf(name), 1);
      retired.push(name);
      for (const r of current) {
        const other = runtimeOf(r);
        await other.removeInbound(name);
        other.swap(handlersOf(r));
      }
      // 6. Stop it; its table (and with --data-dir, its files) stays.
      runtimes.delete(name);
      await rt.stop();
      const stopGateway = (): Promise<void> => rt.stopGateway();
      if (!keepGateway) await stopGateway();
      log(`${name} retired after ${drainedMs} ms of drain (${pulledByRepair} pulled by repair)`);
      return { region: name, drainedMs, pulledByRepair, handedOver: { accounts: handed.transfers, moved: handed.moved }, regions: [...current], retired: [...retired], stopGateway };
    });

    const routes = adminRoutes({
      add: (name, add) => addRegion(name, add),
      remove: async (name, via) => {
        const removal = await retire(name, via === name);
        return { removed: withoutStop(removal), after: via === name ? () => void removal.stopGateway() : undefined };
      },
    });

    for (const region of initial) prepareRegion(region);
    for (const region of initial) await startRegion(runtimeOf(region), routes);

    const firstUrl = meshRegions()[0]?.url;
    const guiUrl = firstUrl !== undefined && existsSync(GUI_DIR) ? `${firstUrl}/ui/` : undefined;
    let stopping: Promise<void> | undefined;
    return {
      meshName,
      get regions() {
        return meshRegions();
      },
      get retiredRegions() {
        return [...retired];
      },
      links,
      dynamodbEndpoint,
      dynamodbEndpointOf,
      dynamodbLocalPids,
      sqsEndpoint,
      queue: queueOf,
      sqsClient: (region) => clientsOf(region).sqs,
      store: (region) => {
        const s = stores.get(region);
        if (s === undefined) throw new NotFoundError(`no store for ${region} in this mesh`);
        return s;
      },
      guiUrl,
      counters: () => ({ replicatorGaveUp: gaveUp }),
      repair: async (region) => {
        const targets = region === undefined ? [...current] : [region];
        const reports = await Promise.all(targets.map(async (r) => [r, await repairRegion(r)] as const));
        return Object.fromEntries(reports);
      },
      addRegion,
      removeRegion: async (name) => withoutStop(await retire(name, false)),
      rebalance: async (region) => {
        const targets = region === undefined ? [...current] : [region];
        return Object.fromEntries(await Promise.all(targets.map(async (r) => [r, await rebalanceRegion(r)] as const)));
      },
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
