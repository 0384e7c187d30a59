/**
 * A region's events table, built from the same definition the local cloud creates its table from
 * (`EVENTS_TABLE_DEFINITION`: keys, attribute types, GSIs, projections, NEW_IMAGE stream), so
 * AWS and the laptop cannot drift. Added here: a deterministic name, point-in-time recovery,
 * KMS encryption, deletion protection and a configurable removal policy.
 *
 * Encryption uses the AWS managed key (aws/dynamodb): KMS at rest with CloudTrail-audited use,
 * and peers' repair functions can read the table cross-region without a grant on a key whose
 * ARN is random and lives in another region.
 *
 * @example
 * ```ts
 * import { EventsTable } from './events-table.ts';
 * const { table } = new EventsTable(stack, 'Events', { meshName: 'ecmesh', region: 'us-east-1' });
 * ```
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { EVENTS_TABLE_DEFINITION } from '../../shared/adapters/dynamo-table.ts';
import { tableName } from '../../shared/config/naming.ts';

export interface EventsTableProps {
  readonly meshName: string;
  readonly region: string;
  /** What `cdk destroy` does with the table (and its data). @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

const ATTRIBUTE_TYPES = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY } as const;

function attribute(name: string): Attribute {
  const def = EVENTS_TABLE_DEFINITION.AttributeDefinitions.find((a) => a.AttributeName === name);
  if (def === undefined) throw new Error(`EVENTS_TABLE_DEFINITION has no attribute definition for '${name}'`);
  return { name, type: ATTRIBUTE_TYPES[def.AttributeType] };
}

/** A DynamoDB KeySchema (of the table or of a GSI) as the CDK's partitionKey / sortKey props. */
function keyProps(keys: readonly { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[]): { partitionKey: Attribute; sortKey?: Attribute } {
  const hash = keys.find((k) => k.KeyType === 'HASH');
  if (hash === undefined) throw new Error('EVENTS_TABLE_DEFINITION has a key schema without a HASH key');
  const range = keys.find((k) => k.KeyType === 'RANGE');
  return { partitionKey: attribute(hash.AttributeName), ...(range === undefined ? {} : { sortKey: attribute(range.AttributeName) }) };
}

export class EventsTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: EventsTableProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.table = new Table(this, 'Table', {
      tableName: tableName(props.meshName, props.region),
      ...keyProps(EVENTS_TABLE_DEFINITION.KeySchema),
      billingMode: BillingMode[EVENTS_TABLE_DEFINITION.BillingMode],
      stream: StreamViewType[EVENTS_TABLE_DEFINITION.StreamSpecification.StreamViewType],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // A retained table also refuses deletion by hand until someone turns this off on purpose.
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy,
    });
    for (const gsi of EVENTS_TABLE_DEFINITION.GlobalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.IndexName,
        ...keyProps(gsi.KeySchema),
        projectionType: ProjectionType[gsi.Projection.ProjectionType],
      });
    }
  }
}
