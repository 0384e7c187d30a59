/**
 * One region of the mesh: the events table (the transactional outbox), the api, admin,
 * replicator and ingest functions (and repair when present), one inbound link per peer, the HTTP
 * API and its caller policies, alarms notifying an SNS topic, and outputs. Everything another region needs is addressed by deterministic name and ARN
 * (`MeshArns`), so no stack references another and regions deploy in any order.
 *
 * @example
 * ```ts
 * import { App } from 'aws-cdk-lib';
 * import { RegionStack } from './region-stack.ts';
 * const app = new App();
 * new RegionStack(app, 'ecmesh-us-east-1', { config, region: 'us-east-1' });
 * ```
 */
import { existsSync } from 'node:fs';
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../shared/adapters/dynamo-schema.ts';
import { ENV, OPTIONAL_ENV } from '../shared/config/env.ts';
import { ingestFunctionName, links, replicatorRoleName, tableName } from '../shared/config/naming.ts';
import { MeshArns } from './arns.ts';
import type { MeshConfig } from './config.ts';
import { AlarmTopic } from './constructs/alarm-topic.ts';
import { CallerAccess } from './constructs/caller-access.ts';
import { EventsTable } from './constructs/events-table.ts';
import { InboundLink } from './constructs/inbound-link.ts';
import { MeshFunction } from './constructs/mesh-function.ts';
import { RegionalApi } from './constructs/regional-api.ts';
import { MESH_DEFAULTS } from './defaults.ts';
import { handlerEntry } from './paths.ts';
import type { HandlerName } from './paths.ts';
import { TABLE_ACCESS } from './table-access.ts';

export interface RegionStackProps extends StackProps {
  /** The whole mesh (every region's stack gets the same). */
  readonly config: MeshConfig;
  /** The region this stack deploys; one of `config.regions`. */
  readonly region: string;
  /**
   * Handler source files by handler name (tests point the optional repair handler at a fixture).
   * @default handlerEntry(name): functions/<name>.ts
   */
  readonly entries?: Partial<Record<HandlerName, string>>;
}

/**
 * The pattern the stream filter matches: event items written in this region.
 * @example FilterCriteria.filter(localOriginFilter('us-east-1')); // {"dynamodb":{"NewImage":{"origin":{"S":["us-east-1"]},…}}}
 */
export function localOriginFilter(region: string): Record<string, unknown> {
  return {
    dynamodb: {
      NewImage: {
        [TABLE_SCHEMA.originAttribute]: { S: FilterRule.isEqual(region) },
        [TABLE_SCHEMA.typeAttribute]: { S: FilterRule.isEqual('event') },
      },
    },
  };
}

export class RegionStack extends Stack {
  readonly meshRegion: string;
  readonly peers: readonly string[];
  readonly events: EventsTable;
  /** The data routes. */
  readonly api: MeshFunction;
  /** The admin routes (the link switch): the only role that may switch a link, and only into this region. */
  readonly admin: MeshFunction;
  readonly replicator: MeshFunction;
  readonly ingest: MeshFunction;
  /** Undefined when the repair handler is not deployed (`repair=false` or no functions/repair.ts). */
  readonly repair: MeshFunction | undefined;
  /** The escrow rebalancer, run every minute by an EventBridge rule. */
  readonly rebalancer: MeshFunction;
  /** A joining region's bulk backfill from its peers, invoked with `{"from":[peer]}` and continued by a schedule. */
  readonly backfill: MeshFunction;
  /** Inbound links by peer region. */
  readonly inbound: ReadonlyMap<string, InboundLink>;
  readonly replicationFailures: Queue;
  readonly httpApi: RegionalApi;
  readonly callerAccess: CallerAccess;
  readonly alarms: AlarmTopic;

  constructor(scope: Construct, id: string, props: RegionStackProps) {
    const { config, region } = props;
    super(scope, id, {
      ...props,
      env: { region, ...(config.account === undefined ? {} : { account: config.account }) },
      description: `eventually-consistent-mesh '${config.meshName}': region ${region} of ${config.regions.join(', ')}`,
    });
    // config comes from resolveMeshConfig, which validated the region list and names once for every stack.
    if (!config.regions.includes(region)) {
      throw new Error(`region '${region}' is not in the mesh's regions (${config.regions.join(', ')})`);
    }
    const mesh = config.meshName;
    const entry = (name: HandlerName): string => props.entries?.[name] ?? handlerEntry(name);
    const arns = new MeshArns(this, mesh);
    this.meshRegion = region;
    this.peers = config.regions.filter((r) => r !== region);

    this.events = new EventsTable(this, 'Events', { meshName: mesh, region, removalPolicy: config.removalPolicy });
    const table = this.events.table;

    const environment: Record<string, string> = {
      [ENV.meshName]: mesh,
      [ENV.region]: region,
      [ENV.table]: tableName(mesh, region),
      [ENV.peers]: this.peers.join(','),
      [ENV.peerQueueUrls]: this.toJsonString(Object.fromEntries(this.peers.map((p) => [p, arns.inboundQueueUrl(region, p)]))),
      [ENV.inboundQueueUrls]: this.toJsonString(Object.fromEntries(this.peers.map((p) => [p, arns.inboundQueueUrl(p, region)]))),
      [ENV.account]: this.account,
      [ENV.retiredRegions]: config.retiredRegions.join(','),
    };
    const common = { environment, logRemovalPolicy: config.removalPolicy };
    const t = MESH_DEFAULTS.timeouts;

    this.api = new MeshFunction(this, 'Api', {
      ...common,
      entry: entry('api'),
      description: `Regional API of ${region}`,
      timeout: t.api,
    });
    this.api.grantTable(table.tableArn, TABLE_ACCESS.api);
    this.grantLinkState(this.api, links(config.regions), arns);

    this.admin = new MeshFunction(this, 'Admin', {
      ...common,
      entry: entry('admin'),
      description: `Admin routes of ${region}: switches the links into ${region}`,
      timeout: t.api,
    });
    this.grantLinkSwitch(this.admin, arns);

    this.replicator = new MeshFunction(this, 'Replicator', {
      ...common,
      entry: entry('replicator'),
      description: `Sends events that originate in ${region} to every peer's inbound queue`,
      roleName: replicatorRoleName(mesh, region),
      timeout: t.replicator,
    });
    // No table grant: the replicator reads the stream (granted by its event source), never the table.
    this.replicator.allow(new PolicyStatement({
      actions: ['sqs:SendMessage'],
      resources: this.peers.map((p) => arns.inboundQueue(region, p)),
    }));
    this.replicationFailures = new Queue(this, 'ReplicationFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: MESH_DEFAULTS.queue.retention,
    });
    const s = MESH_DEFAULTS.stream;
    this.replicator.function.addEventSource(new DynamoEventSource(table, {
      startingPosition: s.startingPosition,
      batchSize: s.batchSize,
      bisectBatchOnError: true,
      retryAttempts: s.retryAttempts,
      maxRecordAge: s.maxRecordAge,
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(this.replicationFailures),
      // Only events written here: an event that arrived from a peer was already sent by its origin.
      filters: [FilterCriteria.filter(localOriginFilter(region))],
    }));

    this.ingest = new MeshFunction(this, 'Ingest', {
      ...common,
      entry: entry('ingest'),
      description: `Stores events from peers' inbound queues into ${region}`,
      functionName: ingestFunctionName(mesh, region),
      timeout: t.ingest,
    });
    this.ingest.grantTable(table.tableArn, TABLE_ACCESS.ingest);
    this.inbound = new Map(this.peers.map((peer) => [
      peer,
      new InboundLink(this, `From-${peer}`, { meshName: mesh, from: peer, to: region, ingest: this.ingest }),
    ]));

    this.repair = config.repair ? this.createRepair(common, arns, entry('repair')) : undefined;
    this.rebalancer = this.createRebalancer(common, entry('rebalance'));
    this.backfill = this.createBackfill(common, arns, entry('backfill'), config.backfillRate);

    this.httpApi = new RegionalApi(this, 'HttpApi', {
      handler: this.api.function,
      adminHandler: this.admin.function,
      regions: config.regions.length,
      apiName: `${mesh}-api-${region}`,
      logRemovalPolicy: config.removalPolicy,
    });
    this.callerAccess = new CallerAccess(this, 'CallerAccess', { meshName: mesh, region, apiArn: this.httpApi.apiArn });

    this.createStreamAlarms();
    this.alarms = new AlarmTopic(this, 'Alarms', {
      meshName: mesh,
      region,
      removalPolicy: config.removalPolicy,
      ...(config.alarmTopicName === undefined ? {} : { existingTopicName: config.alarmTopicName }),
    });
    // Last, so that every alarm of the stack (links, stream, any added later above) notifies.
    this.alarms.notifyFrom(this);

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url, description: `Regional API of ${region} (IAM/SigV4 auth)` });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'MeshRegion', { value: region });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn, description: `Every alarm of ${region} notifies this topic: subscribe to it` });
    for (const [role, policy] of this.callerAccess.policies) {
      new CfnOutput(this, `CallerPolicy-${role}`, { value: policy.managedPolicyArn, description: `Attach to callers that need ${role} access to the ${region} API` });
    }
  }

  /**
   * Reads the state of links (for `GET /status` and for repair): which mapping of the mesh's
   * ingest functions is enabled, and how deep each link's queue and DLQ are. Reads only.
   */
  private grantLinkState(fn: MeshFunction, of: ReadonlyArray<{ from: string; to: string }>, arns: MeshArns): void {
    fn.allowListMappings('FindLinkMappings');
    fn.allow(new PolicyStatement({
      sid: 'ReadLinkBacklog',
      actions: ['sqs:GetQueueAttributes'],
      resources: of.flatMap(({ from, to }) => [arns.inboundQueue(from, to), arns.deadLetterQueue(from, to)]),
    }));
  }

  /**
   * The admin route switches a link into this region by updating this region's ingest mapping of
   * that link's queue: UpdateEventSourceMapping only here, only on mappings of this region's ingest
   * function (LambdaLinkControl refuses links into other regions with a 421 before calling AWS).
   */
  private grantLinkSwitch(fn: MeshFunction, arns: MeshArns): void {
    this.grantLinkState(fn, this.peers.map((from) => ({ from, to: this.meshRegion })), arns);
    fn.allow(new PolicyStatement({
      sid: 'SwitchLinksIntoThisRegion',
      actions: ['lambda:UpdateEventSourceMapping'],
      resources: [arns.eventSourceMappings(this.meshRegion)],
      conditions: { ArnLike: { 'lambda:FunctionArn': arns.ingestFunction(this.meshRegion) } },
    }));
  }

  private createRepair(common: { environment: Record<string, string> }, arns: MeshArns, entryPath: string): MeshFunction {
    if (!existsSync(entryPath)) {
      throw new Error(`repair is enabled but its handler ${entryPath} does not exist (deploy without it: -c repair=false)`);
    }
    const repair = new MeshFunction(this, 'Repair', {
      ...common,
      entry: entryPath,
      description: `Anti-entropy: pulls events ${this.meshRegion} misses from its peers' tables`,
      timeout: MESH_DEFAULTS.timeouts.repair,
    });
    repair.grantTable(this.events.table.tableArn, TABLE_ACCESS.repair);
    for (const peer of this.peers) repair.grantTable(arns.table(peer), TABLE_ACCESS.repairPeers);
    // Repair pulls from a peer only while its link into this region is enabled (a link cut by the
    // admin route is a partition for repair too): it reads that link's ingest mapping, never changes it.
    repair.allowListMappings();
    new Rule(this, 'RepairSchedule', {
      description: `Runs anti-entropy repair in ${this.meshRegion}`,
      schedule: Schedule.rate(MESH_DEFAULTS.repair.schedule),
      targets: [new LambdaFunction(repair.function, { retryAttempts: 2 })],
    });
    return repair;
  }

  /**
   * The bulk backfill of a region that joins a running mesh (docs/deploy.md): an operator invokes
   * it once with `{"from":["<peer>"]}`, which records the backfill in this region's table; the
   * schedule then continues it, run after run, until it is done, and afterwards finds nothing
   * to do (one Query). It reads peers' tables like repair, and its final anti-entropy run honours
   * a cut link, so it lists mappings too.
   */
  private createBackfill(common: { environment: Record<string, string> }, arns: MeshArns, entryPath: string, rate: number | undefined): MeshFunction {
    const fn = new MeshFunction(this, 'Backfill', {
      ...common,
      environment: { ...common.environment, ...(rate === undefined ? {} : { [OPTIONAL_ENV.backfillRate]: String(rate) }) },
      entry: entryPath,
      description: `Backfill: copies every event of a peer into ${this.meshRegion} when it joins the mesh, then runs anti-entropy`,
      timeout: MESH_DEFAULTS.timeouts.backfill,
    });
    fn.grantTable(this.events.table.tableArn, TABLE_ACCESS.backfill);
    for (const peer of this.peers) fn.grantTable(arns.table(peer), TABLE_ACCESS.backfillPeers);
    fn.allowListMappings();
    new Rule(this, 'BackfillSchedule', {
      description: `Continues a recorded backfill into ${this.meshRegion} (nothing recorded: one Query)`,
      schedule: Schedule.rate(MESH_DEFAULTS.backfill.schedule),
      // A failed or cut-short run is continued by the next one from the saved position: no retries.
      targets: [new LambdaFunction(fn.function, { retryAttempts: 0 })],
    });
    return fn;
  }

  /**
   * The escrow rebalancer on a schedule: its table grants are the escrow writes' (no byId or
   * conflicts index), and it only lists mappings, to hold back transfers to peers whose link from
   * here is cut (the rights stay usable where they are).
   */
  private createRebalancer(common: { environment: Record<string, string> }, entryPath: string): MeshFunction {
    const fn = new MeshFunction(this, 'Rebalance', {
      ...common,
      entry: entryPath,
      description: `Moves escrow rights toward the regions that spend them, from ${this.meshRegion}`,
      timeout: MESH_DEFAULTS.timeouts.rebalance,
    });
    fn.grantTable(this.events.table.tableArn, TABLE_ACCESS.rebalance);
    fn.allowListMappings();
    new Rule(this, 'RebalanceSchedule', {
      description: `Runs the escrow rebalancer in ${this.meshRegion}`,
      schedule: Schedule.rate(MESH_DEFAULTS.rebalance.schedule),
      // A missed tick is made up by the next one a minute later: no retries that could pile up.
      targets: [new LambdaFunction(fn.function, { retryAttempts: 0 })],
    });
    return fn;
  }

  private createStreamAlarms(): void {
    const a = MESH_DEFAULTS.alarm;
    new Alarm(this, 'ReplicationLagAlarm', {
      alarmDescription: `Replication lag out of ${this.meshRegion}: the replicator is behind the table stream`,
      metric: this.replicator.function.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: a.lagThreshold.toMilliseconds(),
      evaluationPeriods: a.evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    new Alarm(this, 'ReplicationFailuresAlarm', {
      alarmDescription: `Stream batches of ${this.meshRegion} the replicator gave up on (repair backfills them)`,
      metric: this.replicationFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
