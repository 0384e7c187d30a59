/**
 * Deterministic names for every cross-region resource, so stacks and the local cloud wire
 * regions together from (account, region, mesh name) alone, with no cross-region references.
 *
 * @example
 * ```ts
 * import { inboundQueueName, queueUrl } from './naming.ts';
 * inboundQueueName('ecmesh', 'eu-west-1', 'us-east-1'); // 'ecmesh-in-eu-west-1-to-us-east-1'
 * queueUrl('123456789012', 'us-east-1', 'ecmesh-in-eu-west-1-to-us-east-1');
 * ```
 */

/** Default mesh name: prefixes every resource. */
export const DEFAULT_MESH_NAME = 'ecmesh';

/** Default regions, in the order the local cloud gives them ports 3001, 3002, 3003. */
export const DEFAULT_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;

/** The events table of one region (tables are regional; the region keeps local names unique too). */
export function tableName(mesh: string, region: string): string {
  return `${mesh}-events-${region}`;
}

/** The queue in region `to` that holds events from region `from`. */
export function inboundQueueName(mesh: string, from: string, to: string): string {
  return `${mesh}-in-${from}-to-${to}`;
}

/** Dead-letter queue of an inbound queue (same region). */
export function deadLetterQueueName(mesh: string, from: string, to: string): string {
  return `${inboundQueueName(mesh, from, to)}-dlq`;
}

/** IAM role of a region's replicator: IAM is global, so the region is part of the name. */
export function replicatorRoleName(mesh: string, region: string): string {
  return `${mesh}-replicator-${region}`;
}

/** Ingest function of a region (function names are regional). */
export function ingestFunctionName(mesh: string, region: string): string {
  return `${mesh}-ingest-${region}`;
}

export function queueArn(account: string, region: string, name: string): string {
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

export function queueUrl(account: string, region: string, name: string): string {
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}

export function roleArn(account: string, name: string): string {
  return `arn:aws:iam::${account}:role/${name}`;
}

/** Every ordered pair of distinct regions: the links of a full mesh. */
export function links(regions: readonly string[]): Array<{ from: string; to: string }> {
  return regions.flatMap((from) => regions.filter((to) => to !== from).map((to) => ({ from, to })));
}
