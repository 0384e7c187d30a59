/**
 * The bulk backfill in AWS (issue 13): a function per region that an operator invokes once when
 * the region joins, continued every 15 minutes by an EventBridge rule. It may append here like
 * repair (UpdateItem only on the digest cells and the refusal counters), read the peers' tables
 * and their bucket and id indexes (never write them), read link state, and nothing else.
 */
import { Match } from 'aws-cdk-lib/assertions';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ITEM_KEYS, TABLE_SCHEMA } from '../../shared/adapters/dynamo-schema.ts';
import { OPTIONAL_ENV } from '../../shared/config/env.ts';
import { tableName } from '../../shared/config/naming.ts';
import { resolveMeshConfig } from '../../infra/config.ts';
import { asList, logicalId } from './support/cfn.ts';
import { grantsOf, roleOf, statementsOf } from './support/iam.ts';
import { synthMesh } from './support/mesh-synth.ts';
import type { SynthesizedMesh } from './support/mesh-synth.ts';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const MESH = 'ecmesh';
const ACCT = '${AWS::AccountId}';
const { byIdIndex: byId, byBucketIndex: byBucket } = TABLE_SCHEMA;

let mesh: SynthesizedMesh;
let capped: SynthesizedMesh;
beforeAll(() => {
  mesh = synthMesh({ regions: REGIONS });
  capped = synthMesh({ regions: REGIONS, backfillRate: 250 });
}, 240_000);

const ddb = (...actions: string[]): string[] => actions.map((a) => `dynamodb:${a}`).sort();
const peerTable = (peer: string): string => `arn:\${AWS::Partition}:dynamodb:${peer}:${ACCT}:table/${tableName(MESH, peer)}`;

describe.each(REGIONS)('region %s', (region) => {
  const peers = REGIONS.filter((r) => r !== region);
  const t = (): Template => mesh.template(region);
  const fnId = (of: Template = t()): string => {
    const ids = Object.keys(of.findResources('AWS::Lambda::Function')).filter((id) => /^BackfillFunction[0-9A-F]{8}$/.test(id));
    expect(ids).toHaveLength(1);
    return ids[0] as string;
  };

  it('runs up to Lambda\'s 15 minutes, continued by a rule every 15 minutes without retries', () => {
    t().hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Backfill: copies every event'), Timeout: 900 });
    t().hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId(), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    t().hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [fnId(), 'Arn'] }, Principal: 'events.amazonaws.com' });
  });

  it('appends here like repair, reads every peer\'s table and its bucket and id indexes, writes no peer', () => {
    // Prepare
    const table = `\${${logicalId(t(), 'AWS::DynamoDB::Table', { TableName: tableName(MESH, region) })}.Arn}`;
    const role = roleOf(t(), 'Backfill');
    // Act
    const grants = grantsOf(t(), role, 'dynamodb:');
    const updating = statementsOf(t(), role).filter((st) => st.Effect === 'Allow' && asList(st.Action).includes('dynamodb:UpdateItem'));
    // Assess
    expect(grants).toEqual({
      [table]: ddb('BatchGetItem', 'Query', 'PutItem', 'UpdateItem'),
      [`${table}/index/${byBucket.name}`]: ddb('Query'),
      ...Object.fromEntries(peers.flatMap((p) => [
        [peerTable(p), ddb('GetItem', 'BatchGetItem', 'Query')],
        [`${peerTable(p)}/index/${byBucket.name}`, ddb('Query')],
        [`${peerTable(p)}/index/${byId.name}`, ddb('Query')],
      ])),
    });
    expect(updating).toHaveLength(1);
    expect(updating[0]).toMatchObject({ Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ITEM_KEYS.digestPkPrefix}*`, `${ITEM_KEYS.statsPk}*`] } } });
  });

  it('reads link state and nothing else outside the tables: no link switch, no queue', () => {
    const role = roleOf(t(), 'Backfill');
    expect(grantsOf(t(), role, 'lambda:')).toEqual({ '*': ['lambda:ListEventSourceMappings'] });
    expect(grantsOf(t(), role, 'sqs:')).toEqual({});
  });

  it('has no rate cap unless -c backfillRate gives one, which only the backfill function gets', () => {
    t().hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Backfill'), Environment: { Variables: Match.objectLike({ [OPTIONAL_ENV.backfillRate]: Match.absent() }) } });
    const c = capped.template(region);
    c.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Backfill'), Environment: { Variables: Match.objectLike({ [OPTIONAL_ENV.backfillRate]: '250' }) } });
    const withRate = Object.values(c.findResources('AWS::Lambda::Function')).filter((f) => (f.Properties as { Environment?: { Variables?: Record<string, string> } }).Environment?.Variables?.[OPTIONAL_ENV.backfillRate] !== undefined);
    expect(withRate).toHaveLength(1);
  });
});

describe('backfillRate', () => {
  it('takes a positive integer and refuses anything else, naming it', () => {
    expect(resolveMeshConfig({ regions: 'us-east-1,eu-west-1', backfillRate: '500' }).backfillRate).toBe(500);
    expect(resolveMeshConfig({ regions: 'us-east-1,eu-west-1' }).backfillRate).toBeUndefined();
    for (const bad of ['0', '-5', '1.5', 'fast', 1e20]) {
      expect(() => resolveMeshConfig({ regions: 'us-east-1,eu-west-1', backfillRate: bad })).toThrow(/^backfillRate must be a positive integer of events per second/);
    }
  });
});
