/**
 * ARNs of mesh resources in any region, computed from their deterministic names (see
 * shared/config/naming.ts) instead of cross-region references: no stack waits on another's
 * outputs, and the stacks can deploy in any order. Partition and account come from the stack,
 * so they are `AWS::Partition` / `AWS::AccountId` when the stack is account-agnostic.
 *
 * @example
 * ```ts
 * import { MeshArns } from './arns.ts';
 * const arns = new MeshArns(stack, 'ecmesh');
 * arns.inboundQueue('eu-west-1', 'us-east-1'); // arn:…:sqs:us-east-1:…:ecmesh-in-eu-west-1-to-us-east-1
 * ```
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  deadLetterQueueName,
  inboundQueueName,
  ingestFunctionName,
  queueUrl,
  replicatorRoleName,
  tableName,
} from '../shared/config/naming.ts';

export class MeshArns {
  private readonly stack: Stack;

  constructor(scope: Construct, private readonly meshName: string) {
    this.stack = Stack.of(scope);
  }

  /** The inbound queue in region `to` that holds events from region `from`. */
  inboundQueue(from: string, to: string): string {
    return this.stack.formatArn({ service: 'sqs', region: to, resource: inboundQueueName(this.meshName, from, to), arnFormat: ArnFormat.NO_RESOURCE_NAME });
  }

  /** The dead-letter queue of that inbound queue. */
  deadLetterQueue(from: string, to: string): string {
    return this.stack.formatArn({ service: 'sqs', region: to, resource: deadLetterQueueName(this.meshName, from, to), arnFormat: ArnFormat.NO_RESOURCE_NAME });
  }

  /** URL of the inbound queue, as handlers and the link control address it. */
  inboundQueueUrl(from: string, to: string): string {
    return queueUrl(this.stack.account, to, inboundQueueName(this.meshName, from, to));
  }

  /** The replicator role of a region (IAM is global; the name carries the region). */
  replicatorRole(region: string): string {
    return this.stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: replicatorRoleName(this.meshName, region) });
  }

  /** The events table of a region. */
  table(region: string): string {
    return this.stack.formatArn({ service: 'dynamodb', region, resource: 'table', resourceName: tableName(this.meshName, region) });
  }

  /** The ingest function of a region. */
  ingestFunction(region: string): string {
    return this.stack.formatArn({ service: 'lambda', region, resource: 'function', resourceName: ingestFunctionName(this.meshName, region), arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }

  /** Every event source mapping of a region: their ids are random, so this is the tightest ARN. */
  eventSourceMappings(region: string): string {
    return this.stack.formatArn({ service: 'lambda', region, resource: 'event-source-mapping', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }
}
