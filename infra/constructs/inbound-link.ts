/**
 * One directed link of the mesh, as its destination region sees it: the inbound queue that
 * holds events from one peer, its dead-letter queue, a queue policy that admits only that peer's
 * replicator role, the ingest function's event source mapping (which the admin link route turns
 * off and on), and alarms on poison messages and on lag.
 *
 * Encryption is SQS-managed SSE: senders are other regions' replicators, and with a KMS key they
 * would also need kms:GenerateDataKey on a key whose ARN is random and lives in another region —
 * a cross-region reference (or an alias-condition policy) for every link, plus a KMS call per data
 * key. SSE-SQS encrypts at rest with no key to wire or pay for.
 *
 * @example
 * ```ts
 * import { InboundLink } from './inbound-link.ts';
 * new InboundLink(stack, 'FromEuWest1', { meshName: 'ecmesh', from: 'eu-west-1', to: 'us-east-1', ingest });
 * ```
 */
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AccountPrincipal, AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueueName, inboundQueueName } from '../../shared/config/naming.ts';
import { MeshArns } from '../arns.ts';
import { MESH_DEFAULTS } from '../defaults.ts';
import type { MeshFunction } from './mesh-function.ts';

export interface InboundLinkProps {
  readonly meshName: string;
  /** The peer region whose replicator sends into this queue. */
  readonly from: string;
  /** This region (where the queue lives). */
  readonly to: string;
  /** The ingest function that drains the queue. */
  readonly ingest: MeshFunction;
  /** Whether the event source mapping starts enabled. @default true */
  readonly enabled?: boolean;
  /** Age of the oldest message that raises the lag alarm. @default MESH_DEFAULTS.alarm.lagThreshold */
  readonly lagThreshold?: Duration;
}

export class InboundLink extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly eventSource: SqsEventSource;
  readonly dlqAlarm: Alarm;
  readonly lagAlarm: Alarm;
  /** ARN of the only role the queue policy admits. */
  readonly senderRoleArn: string;

  constructor(scope: Construct, id: string, props: InboundLinkProps) {
    super(scope, id);
    if (props.from === props.to) throw new Error(`a link needs two different regions (got ${props.from} twice)`);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== props.to) {
      throw new Error(`the inbound queue of ${props.from} -> ${props.to} belongs in the stack of ${props.to}, not ${region}`);
    }
    const q = MESH_DEFAULTS.queue;
    const arns = new MeshArns(this, props.meshName);
    this.senderRoleArn = arns.replicatorRole(props.from);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: deadLetterQueueName(props.meshName, props.from, props.to),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: q.retention,
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: inboundQueueName(props.meshName, props.from, props.to),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: q.retention,
      visibilityTimeout: q.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: q.maxReceiveCount },
    });

    // The peer's role is named in a condition, not as the principal: a principal ARN must exist
    // when the policy is set, which would force every region to deploy before every other.
    const fromPeerOnly = { ArnEquals: { 'aws:PrincipalArn': this.senderRoleArn } };
    this.queue.addToResourcePolicy(new PolicyStatement({
      sid: 'AdmitPeerReplicator',
      effect: Effect.ALLOW,
      principals: [new AccountPrincipal(Stack.of(this).account)],
      actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      resources: [this.queue.queueArn],
      conditions: fromPeerOnly,
    }));
    // Same-account identity policies could otherwise send too: deny everyone but the peer.
    this.queue.addToResourcePolicy(new PolicyStatement({
      sid: 'DenySendersOtherThanPeerReplicator',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['sqs:SendMessage'],
      resources: [this.queue.queueArn],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': this.senderRoleArn } },
    }));

    this.eventSource = new SqsEventSource(this.queue, {
      batchSize: q.ingestBatchSize,
      maxBatchingWindow: q.ingestBatchingWindow,
      reportBatchItemFailures: true,
      maxConcurrency: q.ingestMaxConcurrency,
      enabled: props.enabled ?? true,
    });
    props.ingest.function.addEventSource(this.eventSource);

    const a = MESH_DEFAULTS.alarm;
    this.dlqAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: `Poison events from ${props.from} reached the DLQ in ${props.to}`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.lagAlarm = new Alarm(this, 'LagAlarm', {
      alarmDescription: `Replication lag ${props.from} -> ${props.to}: oldest inbound event older than threshold (link down or ingest failing)`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: (props.lagThreshold ?? a.lagThreshold).toSeconds(),
      evaluationPeriods: a.evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
