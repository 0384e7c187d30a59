/**
 * Where a region's alarms notify: an SNS topic in the same region (CloudWatch alarm actions
 * cannot publish across regions). By default the stack creates `<mesh>-alarms-<region>`,
 * encrypted with its own KMS key (rotated); CloudWatch may use the key and publish to the topic
 * only for this stack's alarms (`aws:SourceArn` / `aws:SourceAccount`, against the confused
 * deputy). Subscribe e-mail, a pager or a chat bot to it after the deploy.
 * With `existingTopicName` (context `alarmTopicName`), the alarms publish to a topic of that name
 * that already exists in every region of the mesh, and nothing is created.
 *
 * {@link AlarmTopic.notifyFrom} makes the topic the alarm and OK action of every alarm under a
 * scope, so an alarm added later cannot be left without one.
 *
 * @example
 * ```ts
 * import { AlarmTopic } from './alarm-topic.ts';
 * const alarms = new AlarmTopic(stack, 'Alarms', { meshName: 'ecmesh', region: 'us-east-1' });
 * alarms.notifyFrom(stack); // after every alarm exists
 * ```
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';

export interface AlarmTopicProps {
  readonly meshName: string;
  readonly region: string;
  /** Name of an existing topic in this region (and every other of the mesh) to use instead. @default create one */
  readonly existingTopicName?: string;
  /** What `cdk destroy` does with the created key. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Physical name of the topic a region's stack creates.
 * @example alarmTopicName('ecmesh', 'us-east-1'); // 'ecmesh-alarms-us-east-1'
 */
export function alarmTopicName(meshName: string, region: string): string {
  return `${meshName}-alarms-${region}`;
}

export class AlarmTopic extends Construct {
  readonly topic: ITopic;
  /** The key of a created topic; undefined for an existing one. */
  readonly key: Key | undefined;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.existingTopicName !== undefined) {
      this.topic = Topic.fromTopicArn(this, 'Topic', stack.formatArn({ service: 'sns', resource: props.existingTopicName, arnFormat: ArnFormat.NO_RESOURCE_NAME }));
      this.key = undefined;
      return;
    }
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    // CloudWatch publishes on behalf of an alarm: only this stack's alarms (CloudFormation names them `<stack>-…`).
    const onlyOurAlarms = {
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${stack.stackName}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      StringEquals: { 'aws:SourceAccount': stack.account },
    };
    this.key = new Key(this, 'Key', {
      description: `Encrypts the ${props.meshName} alarm topic of ${props.region}`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // An encrypted topic drops CloudWatch's notifications unless CloudWatch may use its key.
    this.key.addToResourcePolicy(new PolicyStatement({
      sid: 'CloudWatchAlarmsUseKey',
      principals: [cloudwatch],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: onlyOurAlarms,
    }));
    const topic = new Topic(this, 'Topic', {
      topicName: alarmTopicName(props.meshName, props.region),
      displayName: `${props.meshName} alarms (${props.region})`,
      masterKey: this.key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(new PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [cloudwatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: onlyOurAlarms,
    }));
    this.topic = topic;
  }

  /** Adds the topic as alarm action and OK action of every alarm under `scope` (call once, after they all exist). */
  notifyFrom(scope: IConstruct): void {
    const action = new SnsAction(this.topic);
    for (const alarm of scope.node.findAll().filter((c): c is Alarm => c instanceof Alarm)) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}
