/**
 * Guardrails against a crowd and an unlucky operator (issue 8, finding 8): ingest's concurrency
 * is capped per link, `/status` and the admin route have their own throttles sized to Lambda's
 * control-plane quota, and every alarm notifies an SNS topic (created, encrypted, or an existing
 * one named by context).
 */
import { Match } from 'aws-cdk-lib/assertions';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, routeKey } from '../../infra/api-routes.ts';
import { CONTROL_PLANE_SHARE, LAMBDA_CONTROL_PLANE_RPS, routeThrottles } from '../../infra/route-throttles.ts';
import { inboundQueueName } from '../../shared/config/naming.ts';
import { logicalId, render, resources } from './support/cfn.ts';
import type { Json } from './support/cfn.ts';
import { synthMesh } from './support/mesh-synth.ts';
import type { SynthesizedMesh } from './support/mesh-synth.ts';

const THREE = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const FIVE = [...THREE, 'us-west-2', 'eu-central-1'];

describe('routeThrottles', () => {
  it.each([2, 3, 4, 5, 8, 12])('keeps %i regions\' /status and admin calls inside Lambda\'s control-plane quota', (n) => {
    // Act
    const throttles = routeThrottles(n);
    // Assess: each /status call lists N-1 mappings in every region, each admin call lists and updates one here.
    const status = throttles['GET /status']!;
    const admin = throttles['PUT /admin/links/{from}/{to}']!;
    const statusCallsPerRegion = n * (n - 1) * status.rateLimit;
    const adminCallsPerRegion = 2 * admin.rateLimit;
    expect(statusCallsPerRegion).toBeLessThanOrEqual(CONTROL_PLANE_SHARE.status);
    expect(statusCallsPerRegion).toBeGreaterThan(CONTROL_PLANE_SHARE.status * 0.9); // not needlessly tight
    expect(adminCallsPerRegion).toBeLessThanOrEqual(CONTROL_PLANE_SHARE.admin);
    expect(statusCallsPerRegion + adminCallsPerRegion).toBeLessThan(LAMBDA_CONTROL_PLANE_RPS);
    expect(admin.burstLimit).toBeGreaterThanOrEqual(n - 1); // isolating a region switches N-1 links into it at once
  });

  it('names 1.5/s for /status and 2/s for the admin route in the default three-region mesh', () => {
    expect(routeThrottles(3)).toEqual({
      'GET /status': { rateLimit: 1.5, burstLimit: 5 },
      'PUT /admin/links/{from}/{to}': { rateLimit: 2, burstLimit: 5 },
    });
  });

  it('refuses a mesh of fewer than two regions', () => {
    expect(() => routeThrottles(1)).toThrow(/at least 2 regions/);
  });
});

function guardrails(regions: readonly string[], get: () => SynthesizedMesh): void {
  describe.each(regions)('region %s', (region) => {
    const t = (): Template => get().template(region);

    it('throttles /status and every admin route on the stage, after the routes exist', () => {
      const throttles = routeThrottles(regions.length);
      const settings = Object.fromEntries(Object.entries(throttles).map(([k, v]) => [k, { ThrottlingRateLimit: v.rateLimit, ThrottlingBurstLimit: v.burstLimit }]));
      expect(Object.keys(settings).sort()).toEqual(['GET /status', ...API_ROUTES.filter((r) => r.access === 'admin').map(routeKey)].sort());
      t().hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
        RouteSettings: settings,
      });
      const [, stage] = resources(t(), 'AWS::ApiGatewayV2::Stage')[0]!;
      const dependsOn = (stage as { DependsOn?: string[] }).DependsOn ?? [];
      for (const [id] of resources(t(), 'AWS::ApiGatewayV2::Route')) expect(dependsOn).toContain(id);
    });

    it.each(regions.filter((r) => r !== region))('caps ingest of the link from %s at 5 concurrent invocations', (peer) => {
      const queueId = logicalId(t(), 'AWS::SQS::Queue', { QueueName: inboundQueueName('ecmesh', peer, region) });
      t().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        ScalingConfig: { MaximumConcurrency: 5 },
      });
    });

    it('reserves no concurrency (a new account could not deploy it, and throttled deliveries would count as receives)', () => {
      for (const [id, fn] of resources(t(), 'AWS::Lambda::Function')) expect(fn.Properties?.['ReservedConcurrentExecutions'], id).toBeUndefined();
    });

    it('makes the topic the alarm and OK action of every alarm', () => {
      const alarms = resources(t(), 'AWS::CloudWatch::Alarm');
      expect(alarms.length).toBe(2 * (regions.length - 1) + 2);
      const topic = get().config.alarmTopicName === undefined
        ? { Ref: logicalId(t(), 'AWS::SNS::Topic', { TopicName: `ecmesh-alarms-${region}` }) }
        : { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sns:${region}:`, { Ref: 'AWS::AccountId' }, `:${get().config.alarmTopicName}`]] };
      for (const [id, alarm] of alarms) {
        expect(alarm.Properties, id).toMatchObject({ AlarmActions: [topic], OKActions: [topic] });
      }
      t().allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topic], OKActions: [topic] });
      t().hasOutput('AlarmTopicArn', { Value: topic });
    });
  });
}

describe('three-region mesh, alarm topic created per region', () => {
  let mesh: SynthesizedMesh;
  beforeAll(() => {
    mesh = synthMesh({ regions: THREE });
  }, 240_000);

  guardrails(THREE, () => mesh);

  it.each(THREE)('%s: the topic is KMS-encrypted with a rotated key that only this stack\'s alarms may use, and refuses plain HTTP', (region) => {
    const t = mesh.template(region);
    const keyId = logicalId(t, 'AWS::KMS::Key', { EnableKeyRotation: true });
    const onlyOurAlarms = {
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:${region}:`, { Ref: 'AWS::AccountId' }, `:alarm:ecmesh-${region}-*`]] } },
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    };
    t.hasResourceProperties('AWS::SNS::Topic', { TopicName: `ecmesh-alarms-${region}`, KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Sid: 'CloudWatchAlarmsUseKey',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: onlyOurAlarms,
      })]) },
    });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        Match.objectLike({ Sid: 'CloudWatchAlarmsPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Condition: onlyOurAlarms }),
      ]) },
    });
    expect(render(t.toJSON().Resources[keyId].DeletionPolicy as Json)).toBe('Retain');
  });
});

describe('five-region mesh, alarms to an existing topic (-c alarmTopicName=ops-pager)', () => {
  let mesh: SynthesizedMesh;
  beforeAll(() => {
    mesh = synthMesh({ regions: FIVE, alarmTopicName: 'ops-pager' });
  }, 240_000);

  guardrails(FIVE, () => mesh);

  it.each(FIVE)('%s: creates no topic and no key', (region) => {
    mesh.template(region).resourceCountIs('AWS::SNS::Topic', 0);
    mesh.template(region).resourceCountIs('AWS::KMS::Key', 0);
  });
});
