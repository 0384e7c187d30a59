/**
 * Least privilege, per function (issue 8, finding 8): each role holds exactly the DynamoDB, Lambda
 * and SQS actions its code sends, on exactly the resources it sends them to. Nothing may delete
 * or batch-write items of the append-only table; updates are limited to counters (the digest
 * cells, the link record, the refusal counters) by `dynamodb:LeadingKeys`; the replicator reads the
 * stream, never the table; only the admin function may switch a link, and only the links into its
 * own region.
 */
import { Match } from 'aws-cdk-lib/assertions';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamo-schema.ts';
import { deadLetterQueueName, inboundQueueName, ingestFunctionName, links, tableName } from '../../shared/config/naming.ts';
import { asList, logicalId } from './support/cfn.ts';
import { grantsOf, roleOf, statementsOf } from './support/iam.ts';
import { synthMesh } from './support/mesh-synth.ts';
import type { SynthesizedMesh } from './support/mesh-synth.ts';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const MESH = 'ecmesh';
const ACCT = '${AWS::AccountId}';
const { byIdIndex: byId, byBucketIndex: byBucket, conflictsIndex: conflicts, catalogIndex: catalog } = TABLE_SCHEMA;

let mesh: SynthesizedMesh;
beforeAll(() => {
  mesh = synthMesh({ regions: REGIONS });
}, 240_000);

const ddb = (...actions: string[]): string[] => actions.map((a) => `dynamodb:${a}`).sort();
const peerTable = (peer: string): string => `arn:\${AWS::Partition}:dynamodb:${peer}:${ACCT}:table/${tableName(MESH, peer)}`;
const queueArn = (region: string, name: string): string => `arn:\${AWS::Partition}:sqs:${region}:${ACCT}:${name}`;
const mappings = (region: string): string => `arn:\${AWS::Partition}:lambda:${region}:${ACCT}:event-source-mapping:*`;

/** A statement matcher for "no statement of this policy allows `action`", whether Action is a string or a list. */
function noStatementAllowing(action: string): object {
  return Match.not(Match.arrayWith([Match.objectLike({ Effect: 'Allow', Action: Match.arrayWith([action]) })]));
}

describe.each(REGIONS)('region %s', (region) => {
  const peers = REGIONS.filter((r) => r !== region);
  const t = (): Template => mesh.template(region);
  const table = (): string => `\${${logicalId(t(), 'AWS::DynamoDB::Table', { TableName: tableName(MESH, region) })}.Arn}`;
  const index = (name: string): string => `${table()}/index/${name}`;

  it('api: reads items and indexes, appends events in transactions; no Scan at all, no BatchWriteItem', () => {
    // Act
    const grants = grantsOf(t(), roleOf(t(), 'Api'), 'dynamodb:');
    // Assess
    expect(grants).toEqual({
      [table()]: ddb('GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'),
      [index(byId.name)]: ddb('Query'),
      [index(conflicts.name)]: ddb('Query'),
      [index(catalog.name)]: ddb('Query'),
    });
  });

  it('ingest: appends batches in transactions and updates its counters; no index, no BatchWriteItem', () => {
    expect(grantsOf(t(), roleOf(t(), 'Ingest'), 'dynamodb:')).toEqual({
      [table()]: ddb('BatchGetItem', 'Query', 'PutItem', 'UpdateItem'),
    });
  });

  it('repair: digests and appends here, reads the peers\' digest cells, events and id and bucket indexes; no BatchWriteItem', () => {
    expect(grantsOf(t(), roleOf(t(), 'Repair'), 'dynamodb:')).toEqual({
      [table()]: ddb('BatchGetItem', 'Query', 'PutItem', 'UpdateItem'),
      [index(byBucket.name)]: ddb('Query'),
      ...Object.fromEntries(peers.flatMap((p) => [
        [peerTable(p), ddb('GetItem', 'Query')],
        [`${peerTable(p)}/index/${byBucket.name}`, ddb('Query')],
        [`${peerTable(p)}/index/${byId.name}`, ddb('Query')],
      ])),
    });
  });

  it('replicator: reads the table stream only, not the table', () => {
    const stream = table().replace(/\.Arn\}$/, '.StreamArn}');
    expect(grantsOf(t(), roleOf(t(), 'Replicator'), 'dynamodb:')).toEqual({
      [stream]: ddb('DescribeStream', 'GetRecords', 'GetShardIterator'),
      // ListStreams has no resource-level permission.
      '*': ddb('ListStreams'),
    });
  });

  it('admin: no table access at all', () => {
    expect(grantsOf(t(), roleOf(t(), 'Admin'), 'dynamodb:')).toEqual({});
  });

  it.each(['Api', 'Ingest', 'Repair', 'Replicator', 'Admin'])('%s: no statement allows BatchWriteItem, DeleteItem or a wildcard DynamoDB action', (fn) => {
    const role = roleOf(t(), fn);
    for (const action of ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:*']) {
      t().hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: role }], PolicyDocument: { Statement: noStatementAllowing(action) } });
    }
    expect(Object.values(grantsOf(t(), role, 'dynamodb:')).flat().filter((a) => /BatchWrite|Delete|\*/.test(a))).toEqual([]);
  });

  it.each([
    ['Api', ['DIGEST#*']],
    ['Ingest', ['DIGEST#*', 'LINK#*', 'STATS*']],
    ['Repair', ['DIGEST#*', 'STATS*']],
  ])('%s: UpdateItem only on counters, by their partition keys', (fn, prefixes) => {
    // Assess: the one statement allowing UpdateItem carries the LeadingKeys condition, and no other allows it.
    const updating = statementsOf(t(), roleOf(t(), fn)).filter((st) => st.Effect === 'Allow' && asList(st.Action).includes('dynamodb:UpdateItem'));
    expect(updating).toHaveLength(1);
    expect(updating[0]).toMatchObject({ Action: 'dynamodb:UpdateItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes } } });
  });

  it('only the admin function switches links, and only the mappings of this region\'s ingest function', () => {
    // Prepare
    const admin = roleOf(t(), 'Admin');
    // Act
    const switchers = ['Api', 'Ingest', 'Repair', 'Replicator', 'Admin']
      .filter((fn) => Object.values(grantsOf(t(), roleOf(t(), fn), 'lambda:')).flat().includes('lambda:UpdateEventSourceMapping'));
    // Assess
    expect(switchers).toEqual(['Admin']);
    expect(grantsOf(t(), admin, 'lambda:')).toEqual({
      '*': ['lambda:ListEventSourceMappings'],
      [mappings(region)]: ['lambda:UpdateEventSourceMapping'],
    });
    t().hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: admin }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'lambda:UpdateEventSourceMapping',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:lambda:${region}:`, { Ref: 'AWS::AccountId' }, ':event-source-mapping:*']] },
          Condition: { ArnLike: { 'lambda:FunctionArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:lambda:${region}:`, { Ref: 'AWS::AccountId' }, `:function:${ingestFunctionName(MESH, region)}`]] } } },
        })]),
      },
    });
  });

  it('api and repair only list mappings (link state for /status and repair), the others not even that', () => {
    expect(grantsOf(t(), roleOf(t(), 'Api'), 'lambda:')).toEqual({ '*': ['lambda:ListEventSourceMappings'] });
    expect(grantsOf(t(), roleOf(t(), 'Repair'), 'lambda:')).toEqual({ '*': ['lambda:ListEventSourceMappings'] });
    expect(grantsOf(t(), roleOf(t(), 'Ingest'), 'lambda:')).toEqual({});
    expect(grantsOf(t(), roleOf(t(), 'Replicator'), 'lambda:')).toEqual({});
  });

  it('queue depths: the api reads every link\'s (for /status), the admin only this region\'s inbound links', () => {
    const depth = ['sqs:GetQueueAttributes'];
    const of = (fn: string) => Object.fromEntries(Object.entries(grantsOf(t(), roleOf(t(), fn), 'sqs:')).filter(([arn]) => arn.startsWith('arn:')));
    expect(of('Api')).toEqual(Object.fromEntries(links(REGIONS).flatMap(({ from, to }) => [
      [queueArn(to, inboundQueueName(MESH, from, to)), depth],
      [queueArn(to, deadLetterQueueName(MESH, from, to)), depth],
    ])));
    expect(of('Admin')).toEqual(Object.fromEntries(peers.flatMap((from) => [
      [queueArn(region, inboundQueueName(MESH, from, region)), depth],
      [queueArn(region, deadLetterQueueName(MESH, from, region)), depth],
    ])));
  });
});
