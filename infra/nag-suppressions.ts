/**
 * Every cdk-nag (AwsSolutions) finding the mesh accepts, each acknowledged on the narrowest
 * construct with its reason, in one reviewed place. cdk-nag 3 acknowledges findings one by one
 * (`RuleId[FindingId]`), so a new wildcard elsewhere still fails the synth.
 *
 * @example
 * ```ts
 * import { reviewedFindings, suppressReviewedFindings } from './nag-suppressions.ts';
 * suppressReviewedFindings(regionStack);
 * reviewedFindings(regionStack).map((f) => f.id);
 * ```
 */
import { Token, Validations } from 'aws-cdk-lib';
import type { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { invokeArn, routesOf } from './caller-policies.ts';
import type { RegionStack } from './region-stack.ts';

/** One accepted finding: where, which, why. */
export interface ReviewedFinding {
  readonly scope: IConstruct;
  readonly id: string;
  readonly reason: string;
}

const XRAY_AND_LIST =
  'Resource::* is required by actions that support no resource-level permissions: X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords, added by Tracing.ACTIVE)';

/**
 * The findings of one region's stack that are accepted, with their reasons.
 * @example reviewedFindings(stack).map((f) => `${f.id}: ${f.reason}`);
 */
export function reviewedFindings(stack: RegionStack): ReviewedFinding[] {
  // cdk-nag renders pseudo parameters as <AWS::…>; a concrete account appears as itself.
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const apiId = `<${stack.getLogicalId(stack.httpApi.api.node.defaultChild as CfnElement)}>`;
  const apiArn = `arn:<AWS::Partition>:execute-api:${stack.meshRegion}:${account}:${apiId}`;
  const findings: ReviewedFinding[] = [
    {
      scope: stack.api.role,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${XRAY_AND_LIST} and lambda:ListEventSourceMappings, which GET /status needs to read every link's state.`,
    },
    {
      scope: stack.admin.role,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${XRAY_AND_LIST} and lambda:ListEventSourceMappings, which the admin link route needs to find a link's mapping.`,
    },
    {
      scope: stack.admin.role,
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:${stack.meshRegion}:${account}:event-source-mapping:*]`,
      reason: `Event source mapping ids are random UUIDs, so the admin link route cannot name the mappings of the links into ${stack.meshRegion}; the statement is limited to this region and, by condition lambda:FunctionArn, to this region's ingest function.`,
    },
    ...[...stack.callerAccess.policies].flatMap(([role, policy]) => routesOf(role).map((route) => ({
      scope: policy,
      id: `AwsSolutions-IAM5[Resource::${invokeArn(apiArn, route)}]`,
      reason: `The ${role} policy grants ${route.method} ${route.path} on this API: each '*' stands for a path parameter (any key, account, event id or region) or for the stage (the API has only $default), never for a method or a route.`,
    }))),
    {
      scope: stack.replicator.role,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${XRAY_AND_LIST} and dynamodb:ListStreams (granted by the stream event source), which has no resource-level permissions either.`,
    },
    { scope: stack.ingest.role, id: 'AwsSolutions-IAM5[Resource::*]', reason: `${XRAY_AND_LIST}.` },
    {
      scope: stack.rebalancer.role,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${XRAY_AND_LIST} and lambda:ListEventSourceMappings, which the escrow rebalancer needs to hold back transfers to peers whose link from this region is cut.`,
    },
    {
      scope: stack.backfill.role,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${XRAY_AND_LIST} and lambda:ListEventSourceMappings, which the backfill's final anti-entropy run needs to skip peers whose link into this region is cut.`,
    },
    {
      scope: stack.replicationFailures,
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter target: the on-failure destination of the replicator stream mapping. Anything it cannot keep is healed by repair (anti-entropy), so a DLQ of a DLQ adds nothing.',
    },
  ];
  if (stack.repair !== undefined) {
    findings.push({
      scope: stack.repair.role,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${XRAY_AND_LIST} and lambda:ListEventSourceMappings, which repair needs to skip peers whose link into this region is cut.`,
    });
  }
  return findings;
}

/**
 * Acknowledges {@link reviewedFindings} on their constructs.
 * @example suppressReviewedFindings(stack); // then Validations' cdk-nag plugin skips exactly those
 */
export function suppressReviewedFindings(stack: RegionStack): void {
  for (const f of reviewedFindings(stack)) Validations.of(f.scope).acknowledge({ id: f.id, reason: f.reason });
}
