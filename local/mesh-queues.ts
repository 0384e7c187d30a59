/**
 * Creates a mesh's inbound queues and their dead-letter queues with the names and settings the
 * infrastructure uses (shared/config/naming.ts, shared/config/delivery.ts).
 *
 * @example
 * ```ts
 * import { createMeshQueues } from './mesh-queues.ts';
 * const queues = await createMeshQueues(sqsClient, 'ecmesh', ['us-east-1', 'eu-west-1']);
 * queues.get('us-east-1', 'eu-west-1')?.url; // the queue eu-west-1 ingests from us-east-1
 * ```
 */
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deadLetterQueueName, inboundQueueName, links } from '../shared/config/naming.ts';
import { QUEUE_SETTINGS } from '../shared/config/delivery.ts';

export interface LinkQueues {
  readonly from: string;
  readonly to: string;
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly dlqUrl: string;
}

export interface MeshQueues {
  /** The queues of the link `from -> to` (they live in region `to`). */
  get(from: string, to: string): LinkQueues | undefined;
  all(): readonly LinkQueues[];
}

export interface QueueOverrides {
  /** Shorter in tests, so a failed message comes back in a second rather than a minute. */
  readonly visibilityTimeoutSeconds?: number;
  readonly maxReceiveCount?: number;
}

async function createQueue(client: SQSClient, name: string, attributes: Record<string, string>): Promise<{ url: string; arn: string }> {
  const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = created.QueueUrl;
  if (url === undefined) throw new Error(`CreateQueue ${name} returned no URL`);
  const attrs = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = attrs.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`queue ${name} has no ARN`);
  return { url, arn };
}

/** Creates (idempotently) every link's queue and DLQ of a full mesh of `regions`. */
export async function createMeshQueues(
  client: SQSClient,
  mesh: string,
  regions: readonly string[],
  overrides: QueueOverrides = {},
): Promise<MeshQueues> {
  const retention = String(QUEUE_SETTINGS.retentionSeconds);
  const byLink = new Map<string, LinkQueues>();
  await Promise.all(
    links(regions).map(async ({ from, to }) => {
      const dlq = await createQueue(client, deadLetterQueueName(mesh, from, to), { MessageRetentionPeriod: retention });
      const name = inboundQueueName(mesh, from, to);
      const queue = await createQueue(client, name, {
        MessageRetentionPeriod: retention,
        VisibilityTimeout: String(overrides.visibilityTimeoutSeconds ?? QUEUE_SETTINGS.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.arn,
          maxReceiveCount: overrides.maxReceiveCount ?? QUEUE_SETTINGS.maxReceiveCount,
        }),
      });
      byLink.set(`${from}>${to}`, { from, to, name, url: queue.url, arn: queue.arn, dlqUrl: dlq.url });
    }),
  );
  return {
    get: (from, to) => byLink.get(`${from}>${to}`),
    all: () => [...byLink.values()],
  };
}
