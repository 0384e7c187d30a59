/**
 * Creates a mesh's inbound queues and their dead-letter queues with the names and settings the
 * infrastructure uses (shared/config/naming.ts, shared/config/delivery.ts), each in the region that
 * ingests from it (region `to` of the link), and deletes again the ones it created.
 *
 * @example
 * ```ts
 * import { createMeshQueues } from './mesh-queues.ts';
 * const queues = await createMeshQueues((region) => sqsClients[region]!, 'ecmesh', ['us-east-1', 'eu-west-1']);
 * queues.get('us-east-1', 'eu-west-1')?.url; // the queue eu-west-1 ingests from us-east-1
 * await queues.deleteCreated();                // only what this call created
 * ```
 */
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, QueueDoesNotExist, type SQSClient } from '@aws-sdk/client-sqs';
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
  /**
   * Deletes the queues that did not exist before {@link createMeshQueues} (inbound queues before
   * their DLQs); queues that were already there are left alone. Real AWS then refuses a queue of
   * the same name for 60 s, so a test that cleans up uses a fresh mesh name each run.
   */
  deleteCreated(): Promise<void>;
}

export interface QueueOverrides {
  /** Shorter in tests, so a failed message comes back in a second rather than a minute. */
  readonly visibilityTimeoutSeconds?: number;
  readonly maxReceiveCount?: number;
}

/** One client for every region (one endpoint), or the client of a region (real AWS: per-region endpoints). */
export type SqsClients = SQSClient | ((region: string) => SQSClient);

interface Created {
  readonly url: string;
  readonly arn: string;
  /** False when the queue was already there (CreateQueue with identical attributes is idempotent). */
  readonly created: boolean;
}

async function existing(client: SQSClient, name: string): Promise<boolean> {
  try {
    await client.send(new GetQueueUrlCommand({ QueueName: name }));
    return true;
  } catch (e) {
    if (e instanceof QueueDoesNotExist) return false;
    throw e;
  }
}

async function createQueue(client: SQSClient, name: string, attributes: Record<string, string>): Promise<Created> {
  const was = await existing(client, name);
  const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = created.QueueUrl;
  if (url === undefined) throw new Error(`CreateQueue ${name} returned no URL`);
  const attrs = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = attrs.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`queue ${name} has no ARN`);
  return { url, arn, created: !was };
}

/**
 * Creates (idempotently) every link's queue and DLQ of a full mesh of `regions`. When one of them
 * fails, the queues this call created are deleted again (best effort) and the error rethrown: a
 * failed call leaves nothing of its own behind, and nothing that was there before is touched.
 */
export async function createMeshQueues(
  clients: SqsClients,
  mesh: string,
  regions: readonly string[],
  overrides: QueueOverrides = {},
): Promise<MeshQueues> {
  return createLinkQueues(clients, mesh, links(regions), overrides);
}

/**
 * Creates (idempotently) the queue and DLQ of each of `pairs`, as {@link createMeshQueues} does for
 * a whole mesh: what a region joining a running mesh needs (its links to and from every region).
 *
 * @example
 * ```ts
 * const added = await createLinkQueues(clientOf, 'ecmesh', [{ from: 'ap-northeast-1', to: 'us-east-1' }, { from: 'us-east-1', to: 'ap-northeast-1' }]);
 * ```
 */
export async function createLinkQueues(
  clients: SqsClients,
  mesh: string,
  pairs: ReadonlyArray<{ readonly from: string; readonly to: string }>,
  overrides: QueueOverrides = {},
): Promise<MeshQueues> {
  const clientOf = typeof clients === 'function' ? clients : (): SQSClient => clients;
  const retention = String(QUEUE_SETTINGS.retentionSeconds);
  const byLink = new Map<string, LinkQueues>();
  // Deletion order: every inbound queue before any DLQ (a DLQ is the redrive target of its queue).
  const createdQueues: Array<{ region: string; url: string }> = [];
  const createdDlqs: Array<{ region: string; url: string }> = [];
  const deleteCreated = async (): Promise<void> => {
    for (const group of [createdQueues, createdDlqs]) {
      await Promise.all(group.map((q) => clientOf(q.region).send(new DeleteQueueCommand({ QueueUrl: q.url }))));
    }
  };
  const results = await Promise.allSettled(
    pairs.map(async ({ from, to }) => {
      const client = clientOf(to);
      const dlq = await createQueue(client, deadLetterQueueName(mesh, from, to), { MessageRetentionPeriod: retention });
      if (dlq.created) createdDlqs.push({ region: to, url: dlq.url });
      const name = inboundQueueName(mesh, from, to);
      const queue = await createQueue(client, name, {
        MessageRetentionPeriod: retention,
        VisibilityTimeout: String(overrides.visibilityTimeoutSeconds ?? QUEUE_SETTINGS.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.arn,
          maxReceiveCount: overrides.maxReceiveCount ?? QUEUE_SETTINGS.maxReceiveCount,
        }),
      });
      if (queue.created) createdQueues.push({ region: to, url: queue.url });
      byLink.set(`${from}>${to}`, { from, to, name, url: queue.url, arn: queue.arn, dlqUrl: dlq.url });
    }),
  );
  const failure = results.find((r) => r.status === 'rejected');
  if (failure !== undefined) {
    await deleteCreated().catch(() => undefined);
    throw failure.reason;
  }
  let deleting: Promise<void> | undefined;
  return {
    get: (from, to) => byLink.get(`${from}>${to}`),
    deleteCreated: () => (deleting ??= deleteCreated()),
  };
}
