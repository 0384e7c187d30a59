/**
 * The escrow rebalancer in AWS: a function per region, run every minute by an EventBridge rule,
 * with the escrow writes' table grants and nothing more (no byId or conflicts index, no Scan, no
 * BatchWriteItem, UpdateItem only on the digest cells), and link state read-only.
 */
import { Match } from 'aws-cdk-lib/assertions';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ITEM_KEYS, TABLE_SCHEMA } from '../../shared/adapters/dynamo-schema.ts';
import { tableName } from '../../shared/config/naming.ts';
import { asList, logicalId } from './support/cfn.ts';
import { grantsOf, roleOf, statementsOf } from './support/iam.ts';
import { synthMesh } from './support/mesh-synth.ts';
import type { SynthesizedMesh } from './support/mesh-synth.ts';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const MESH = 'ecmesh';

let mesh: SynthesizedMesh;
beforeAll(() => {
  mesh = synthMesh({ regions: REGIONS });
}, 240_000);

const ddb = (...actions: string[]): string[] => actions.map((a) => `dynamodb:${a}`).sort();

describe.each(REGIONS)('region %s', (region) => {
  const t = (): Template => mesh.template(region);
  const fnId = (): string => {
    const ids = Object.keys(t().findResources('AWS::Lambda::Function')).filter((id) => /^RebalanceFunction[0-9A-F]{8}$/.test(id));
    expect(ids).toHaveLength(1);
    return ids[0] as string;
  };

  it('an EventBridge rule invokes the rebalancer every minute, without retries that could pile up', () => {
    t().hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId(), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    t().hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId(), 'Arn'] },
      Principal: 'events.amazonaws.com',
    });
    t().hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Moves escrow rights'), Timeout: 60 });
  });

  it('its role: the escrow writes on this region\'s table and the catalog index only; UpdateItem only on digest cells', () => {
    // Prepare
    const table = `\${${logicalId(t(), 'AWS::DynamoDB::Table', { TableName: tableName(MESH, region) })}.Arn}`;
    const role = roleOf(t(), 'Rebalance');
    // Act
    const grants = grantsOf(t(), role, 'dynamodb:');
    const updating = statementsOf(t(), role).filter((st) => st.Effect === 'Allow' && asList(st.Action).includes('dynamodb:UpdateItem'));
    // Assess
    expect(grants).toEqual({
      [table]: ddb('GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'),
      [`${table}/index/${TABLE_SCHEMA.catalogIndex.name}`]: ddb('Query'),
    });
    expect(updating).toHaveLength(1);
    expect(updating[0]).toMatchObject({ Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ITEM_KEYS.digestPkPrefix}*`] } } });
  });

  it('it reads link state and nothing else outside its table: no link switch, no queue', () => {
    const role = roleOf(t(), 'Rebalance');
    expect(grantsOf(t(), role, 'lambda:')).toEqual({ '*': ['lambda:ListEventSourceMappings'] });
    expect(grantsOf(t(), role, 'sqs:')).toEqual({});
  });
});
