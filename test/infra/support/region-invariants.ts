/**
 * The per-region assertions every mesh size must pass, written once and registered for each
 * region of a synthesized mesh (2, 3 or 5 regions), so nothing is hard-coded to three.
 *
 * @example
 * ```ts
 * let mesh: SynthesizedMesh;
 * beforeAll(() => { mesh = synthMesh({ regions }); });
 * regionInvariants(regions, () => mesh);
 * ```
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AwsSolutionsChecks } from 'cdk-nag';
import { API_ROUTES } from '../../../infra/api-routes.ts';
import { TABLE_SCHEMA } from '../../../shared/adapters/dynamo-schema.ts';
import { ENV } from '../../../shared/config/env.ts';
import {
  deadLetterQueueName,
  inboundQueueName,
  ingestFunctionName,
  replicatorRoleName,
  tableName,
} from '../../../shared/config/naming.ts';
import { allStatements, asList, logicalId, render, resources } from './cfn.ts';
import type { Json } from './cfn.ts';
import type { SynthesizedMesh } from './mesh-synth.ts';

const MESH = 'ecmesh';
const FOURTEEN_DAYS = 14 * 24 * 60 * 60;

/** The account as rendered in templates: the pseudo parameter unless the mesh has an account. */
function acct(mesh: SynthesizedMesh): string {
  return mesh.config.account ?? '${AWS::AccountId}';
}

function roleArn(mesh: SynthesizedMesh, region: string): string {
  return `arn:\${AWS::Partition}:iam::${acct(mesh)}:role/${replicatorRoleName(MESH, region)}`;
}

function queueArn(mesh: SynthesizedMesh, region: string, name: string): string {
  return `arn:\${AWS::Partition}:sqs:${region}:${acct(mesh)}:${name}`;
}

export function regionInvariants(regions: readonly string[], get: () => SynthesizedMesh): void {
  describe.each(regions)('region %s', (region) => {
    const peers = regions.filter((r) => r !== region);
    const t = () => get().template(region);

    it('has the events table: deterministic name, NEW_IMAGE stream, PITR, KMS encryption, configured removal', () => {
      const retain = get().config.removalPolicy === RemovalPolicy.RETAIN;
      t().hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: retain ? 'Retain' : 'Delete',
        Properties: Match.objectLike({
          TableName: tableName(MESH, region),
          KeySchema: [
            { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          DeletionProtectionEnabled: retain,
          GlobalSecondaryIndexes: Match.arrayWith([
            Match.objectLike({ IndexName: TABLE_SCHEMA.byIdIndex.name }),
            Match.objectLike({ IndexName: TABLE_SCHEMA.byBucketIndex.name, Projection: { ProjectionType: 'KEYS_ONLY' } }),
            Match.objectLike({ IndexName: TABLE_SCHEMA.conflictsIndex.name }),
          ]),
          AttributeDefinitions: Match.arrayWith([{ AttributeName: TABLE_SCHEMA.byBucketIndex.partitionKey, AttributeType: 'N' }]),
        }),
      });
      expect(resources(t(), 'AWS::DynamoDB::Table')).toHaveLength(1);
    });

    it('has exactly one inbound queue per peer, none for itself or strangers', () => {
      const names = resources(t(), 'AWS::SQS::Queue')
        .map(([, r]) => String(r.Properties?.['QueueName'] ?? ''))
        .filter((n) => n.startsWith(`${MESH}-in-`) && !n.endsWith('-dlq'));
      expect(names.sort()).toEqual(peers.map((p) => inboundQueueName(MESH, p, region)).sort());
    });

    it.each(peers)('inbound queue from %s: SSE, 14-day retention, redrive to its own DLQ', (peer) => {
      const dlqId = logicalId(t(), 'AWS::SQS::Queue', { QueueName: deadLetterQueueName(MESH, peer, region) });
      t().hasResourceProperties('AWS::SQS::Queue', {
        QueueName: deadLetterQueueName(MESH, peer, region),
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: FOURTEEN_DAYS,
      });
      t().hasResourceProperties('AWS::SQS::Queue', {
        QueueName: inboundQueueName(MESH, peer, region),
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: FOURTEEN_DAYS,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
      });
    });

    it.each(peers)('inbound queue from %s: the policy admits only that peer\'s replicator role', (peer) => {
      const queueId = logicalId(t(), 'AWS::SQS::Queue', { QueueName: inboundQueueName(MESH, peer, region) });
      const policies = resources(t(), 'AWS::SQS::QueuePolicy').filter(([, r]) =>
        asList(r.Properties?.['Queues'] as Json[]).some((q) => (q as { Ref?: string }).Ref === queueId));
      expect(policies).toHaveLength(1);
      const statements = asList((policies[0]![1].Properties!['PolicyDocument'] as { Statement: Json[] }).Statement)
        .map((s) => render(s) as Record<string, Json>);
      const peerRole = roleArn(get(), peer);
      const allows = statements.filter((s) => s['Effect'] === 'Allow');
      expect(allows).toHaveLength(1);
      expect(allows[0]).toMatchObject({
        Principal: { AWS: `arn:\${AWS::Partition}:iam::${acct(get())}:root` },
        Action: expect.arrayContaining(['sqs:SendMessage']),
        Condition: { ArnEquals: { 'aws:PrincipalArn': peerRole } },
      });
      expect(statements).toContainEqual(expect.objectContaining({
        Effect: 'Deny',
        Action: 'sqs:SendMessage',
        Principal: { AWS: '*' },
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': peerRole } },
      }));
      expect(statements).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
      // No other role is named anywhere in the policy.
      const named = JSON.stringify(statements).match(/:role\/[A-Za-z0-9+=,.@_-]+/g) ?? [];
      expect(new Set(named)).toEqual(new Set([`:role/${replicatorRoleName(MESH, peer)}`]));
    });

    it.each(peers)('ingest drains the queue from %s with partial batch failures', (peer) => {
      const queueId = logicalId(t(), 'AWS::SQS::Queue', { QueueName: inboundQueueName(MESH, peer, region) });
      const ingestId = logicalId(t(), 'AWS::Lambda::Function', { FunctionName: ingestFunctionName(MESH, region) });
      t().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        FunctionName: { Ref: ingestId },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: 100,
        // AWS refuses a batch size above 10 without a window of at least 1 s.
        MaximumBatchingWindowInSeconds: 1,
        Enabled: true,
      });
    });

    it.each(peers)('alarms on the DLQ depth and the lag of the link from %s', (peer) => {
      const queueId = logicalId(t(), 'AWS::SQS::Queue', { QueueName: inboundQueueName(MESH, peer, region) });
      const dlqId = logicalId(t(), 'AWS::SQS::Queue', { QueueName: deadLetterQueueName(MESH, peer, region) });
      t().hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      t().hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    it('replicates from the stream: local-origin events only, partial failures, bounded retries, on-failure queue', () => {
      const tableId = logicalId(t(), 'AWS::DynamoDB::Table', { TableName: tableName(MESH, region) });
      const streamMappings = resources(t(), 'AWS::Lambda::EventSourceMapping').filter(([, r]) =>
        JSON.stringify(r.Properties?.['EventSourceArn']).includes('StreamArn'));
      expect(streamMappings).toHaveLength(1);
      t().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
        FilterCriteria: { Filters: [{ Pattern: Match.serializedJson({ dynamodb: { NewImage: {
          [TABLE_SCHEMA.originAttribute]: { S: [region] },
          [TABLE_SCHEMA.typeAttribute]: { S: ['event'] },
        } } }) }] },
      });
      t().hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Namespace: 'AWS/Lambda' });
    });

    it('names the replicator role deterministically and lets it send only to its peers\' queues for its events', () => {
      const roleId = logicalId(t(), 'AWS::IAM::Role', { RoleName: replicatorRoleName(MESH, region) });
      const sends = allStatements(t())
        .filter(({ statement }) => asList(statement.Action).includes('sqs:SendMessage') && statement.Effect === 'Allow')
        .filter(({ type, resource }) => type === 'AWS::IAM::Policy' && JSON.stringify(t().toJSON().Resources[resource].Properties.Roles).includes(roleId))
        .flatMap(({ statement }) => asList(render(statement.Resource as Json) as Json).map(String))
        .filter((arn) => arn.startsWith('arn:'));
      expect(sends.sort()).toEqual(peers.map((p) => queueArn(get(), p, inboundQueueName(MESH, region, p))).sort());
    });

    it('requires IAM (SigV4) authorization on every route, and has exactly the API routes', () => {
      const routes = resources(t(), 'AWS::ApiGatewayV2::Route');
      expect(routes.map(([, r]) => r.Properties?.['RouteKey']).sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
      for (const [, r] of routes) expect(r.Properties).toMatchObject({ AuthorizationType: 'AWS_IAM' });
      for (const route of API_ROUTES) {
        t().hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${route.method} ${route.path}`, AuthorizationType: 'AWS_IAM' });
      }
      // Named, not only derived from API_ROUTES: a route dropped from the list must fail here too.
      for (const key of ['GET /kv/{key}/history', 'GET /accounts/{id}', 'GET /accounts/{id}/history', 'PUT /admin/links/{from}/{to}']) {
        t().hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key, AuthorizationType: 'AWS_IAM' });
      }
      t().hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      });
      t().hasOutput('ApiUrl', { Value: Match.anyValue() });
    });

    it('gives every function the house defaults and the handler environment', () => {
      const fns = resources(t(), 'AWS::Lambda::Function');
      expect(fns.length).toBeGreaterThanOrEqual(3);
      for (const [, fn] of fns) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogGroup: expect.anything() },
        });
        const env = (fn.Properties!['Environment'] as { Variables: Record<string, Json> }).Variables;
        expect(Object.keys(env)).toEqual(expect.arrayContaining(Object.values(ENV)));
        expect(env[ENV.region]).toBe(region);
        expect(env[ENV.peers]).toBe(peers.join(','));
        expect(env[ENV.retiredRegions]).toBe(get().config.retiredRegions.join(','));
        const peerUrls = JSON.parse(String(render(env[ENV.peerQueueUrls]))) as Record<string, string>;
        expect(peerUrls).toEqual(Object.fromEntries(peers.map((p) => [p, `https://sqs.${p}.amazonaws.com/${acct(get())}/${inboundQueueName(MESH, region, p)}`])));
        const inboundUrls = JSON.parse(String(render(env[ENV.inboundQueueUrls]))) as Record<string, string>;
        expect(Object.keys(inboundUrls).sort()).toEqual([...peers].sort());
      }
      t().hasResourceProperties('AWS::Lambda::Function', { FunctionName: ingestFunctionName(MESH, region) });
      t().allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
      for (const [, group] of resources(t(), 'AWS::Logs::LogGroup')) {
        expect(group.DeletionPolicy).toBe(get().config.removalPolicy === RemovalPolicy.RETAIN ? 'Retain' : 'Delete');
      }
    });

    it('lets only the admin function switch links, and only the mappings of this region\'s ingest function', () => {
      const toggles = allStatements(t()).filter(({ statement }) => asList(statement.Action).includes('lambda:UpdateEventSourceMapping'));
      expect(toggles.map(({ resource }) => resource)).toEqual([expect.stringMatching(/^AdminRoleDefaultPolicy/)]);
      const s = render(toggles[0]!.statement as unknown as Json) as { Resource: string; Condition: { ArnLike: Record<string, string> } };
      expect(s.Resource).toBe(`arn:\${AWS::Partition}:lambda:${region}:${acct(get())}:event-source-mapping:*`);
      expect(s.Condition.ArnLike['lambda:FunctionArn']).toBe(`arn:\${AWS::Partition}:lambda:${region}:${acct(get())}:function:${ingestFunctionName(MESH, region)}`);
    });

    it('reads peers\' tables for repair and the backfill only, by deterministic ARN, read-only (digest cells, events, id and bucket indexes), and never deletes items', () => {
      for (const peer of peers) {
        const arn = `arn:\${AWS::Partition}:dynamodb:${peer}:${acct(get())}:table/${tableName(MESH, peer)}`;
        const grants = allStatements(t()).filter(({ statement }) => asList(render(statement.Resource as Json) as Json).some((r) => String(r).startsWith(arn)));
        const indexes = [arn, `${arn}/index/${TABLE_SCHEMA.byBucketIndex.name}`, `${arn}/index/${TABLE_SCHEMA.byIdIndex.name}`];
        for (const [fn, actions] of [['Repair', /^dynamodb:(GetItem|Query)$/], ['Backfill', /^dynamodb:(GetItem|BatchGetItem|Query)$/]] as const) {
          const of = grants.filter(({ resource }) => resource.startsWith(`${fn}RoleDefaultPolicy`));
          expect(of.flatMap(({ statement }) => asList(render(statement.Resource as Json) as Json)).sort(), `${fn} on ${peer}`).toEqual(indexes);
          expect(of.flatMap(({ statement }) => asList(statement.Action)).filter((a) => !actions.test(a)), `${fn} on ${peer}`).toEqual([]);
        }
        expect(grants.filter(({ resource }) => !/^(Repair|Backfill)RoleDefaultPolicy/.test(resource)).map(({ resource }) => resource)).toEqual([]);
      }
      const deletes = allStatements(t()).filter(({ statement }) => asList(statement.Action).some((a) => a.startsWith('dynamodb:Delete') || a === 'dynamodb:BatchWriteItem'));
      expect(deletes).toEqual([]);
      t().hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
    });

    it('lets repair read link state (to respect a cut link) but switch no link', () => {
      const repairs = allStatements(t()).filter(({ resource }) => resource.startsWith('Repair'));
      expect(repairs.length).toBeGreaterThan(0);
      const reads = repairs.filter(({ statement }) => asList(statement.Action).includes('lambda:ListEventSourceMappings'));
      expect(reads.map(({ statement }) => statement.Resource)).toEqual(['*']);
      expect(repairs.some(({ statement }) => asList(statement.Action).includes('lambda:UpdateEventSourceMapping'))).toBe(false);
    });

    it('grants no "*" action on "*" resources, and no service-wide action at all', () => {
      const statements = allStatements(t()).filter(({ statement }) => statement.Effect === 'Allow');
      expect(statements.length).toBeGreaterThan(0);
      for (const { resource, statement } of statements) {
        const actions = asList(statement.Action);
        const star = asList(statement.Resource as Json).includes('*');
        expect({ resource, actions, starAction: actions.some((a) => a === '*' || a.endsWith(':*')) && star }).toMatchObject({ starAction: false });
        expect(actions.filter((a) => a === '*' || a.endsWith(':*')), `${resource} grants a wildcard action`).toEqual([]);
      }
    });

    it('wires other regions by name only: no cross-stack imports or exports', () => {
      const json = JSON.stringify(t().toJSON());
      expect(json).not.toContain('Fn::ImportValue');
      expect(json).not.toContain('"Export"');
      expect(get().stack(region).dependencies).toEqual([]);
    });

    it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
      const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(get().stack(region));
      expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
      expect(report.success).toBe(true);
    });
  });
}
