/**
 * Growing a deployed mesh (issue 13): `cdk deploy` with one more region in `-c regions=…` adds the
 * new region's stack and, in every existing stack, only the new link (its queue, DLQ, their
 * policies, the ingest mapping, two alarms) plus in-place updates of what must know the new peer
 * (function environments, role policies, the /status throttle). No existing table, queue or
 * mapping changes, so none is replaced and no partitioned link is re-enabled by the deploy.
 * Retiring the region again (4 -> 3, with it in `-c retiredRegions`) removes exactly that link
 * from each remaining stack and replaces nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { inboundQueueName, tableName } from '../../shared/config/naming.ts';
import type { CfnResource } from './support/cfn.ts';
import { synthMesh } from './support/mesh-synth.ts';
import type { SynthesizedMesh } from './support/mesh-synth.ts';

const BEFORE = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const NEW = 'ap-northeast-1';
const AFTER = [...BEFORE, NEW];

/** Properties whose change makes CloudFormation replace the resource (a new physical resource). */
const REPLACING: Record<string, readonly string[]> = {
  'AWS::DynamoDB::Table': ['TableName', 'KeySchema'],
  'AWS::SQS::Queue': ['QueueName', 'FifoQueue'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::Lambda::EventSourceMapping': ['EventSourceArn', 'StartingPosition'],
  'AWS::IAM::Role': ['RoleName', 'Path'],
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName', 'Path'],
  'AWS::SNS::Topic': ['TopicName', 'FifoTopic'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::ApiGatewayV2::Stage': ['StageName', 'ApiId'],
};

interface StackDiff {
  readonly added: Record<string, string>;
  readonly removed: string[];
  /** Logical id -> the top-level properties (and resource attributes) that differ. */
  readonly changed: Record<string, { type: string; keys: string[] }>;
}

function diff(before: Record<string, CfnResource>, after: Record<string, CfnResource>): StackDiff {
  const changed: StackDiff['changed'] = {};
  for (const [id, old] of Object.entries(before)) {
    const now = after[id];
    if (now === undefined || JSON.stringify(old) === JSON.stringify(now)) continue;
    const props = new Set([...Object.keys(old.Properties ?? {}), ...Object.keys(now.Properties ?? {})]);
    const keys = [...props].filter((k) => JSON.stringify(old.Properties?.[k]) !== JSON.stringify(now.Properties?.[k]));
    for (const attr of ['Type', 'DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      if (JSON.stringify(old[attr]) !== JSON.stringify(now[attr])) keys.push(attr);
    }
    changed[id] = { type: old.Type, keys: keys.sort() };
  }
  return {
    added: Object.fromEntries(Object.entries(after).filter(([id]) => !(id in before)).map(([id, r]) => [id, r.Type])),
    removed: Object.keys(before).filter((id) => !(id in after)),
    changed,
  };
}

let before: SynthesizedMesh;
let after: SynthesizedMesh;
let retired: SynthesizedMesh;
const diffs = new Map<string, StackDiff>();
const shrinks = new Map<string, StackDiff>();
const resourcesOf = (m: SynthesizedMesh, region: string) => (m.template(region).toJSON() as { Resources: Record<string, CfnResource> }).Resources;

beforeAll(() => {
  before = synthMesh({ regions: BEFORE });
  after = synthMesh({ regions: AFTER });
  retired = synthMesh({ regions: BEFORE, retiredRegions: [NEW] });
  for (const region of BEFORE) {
    diffs.set(region, diff(resourcesOf(before, region), resourcesOf(after, region)));
    shrinks.set(region, diff(resourcesOf(after, region), resourcesOf(retired, region)));
  }
  for (const [label, all] of [['3 -> 4', diffs], ['4 -> 3 (retired)', shrinks]] as const) {
    for (const [region, d] of all) {
      console.info(`infra: ${label} regions, ${region}: +${Object.keys(d.added).length} added, ~${Object.keys(d.changed).length} updated in place, -${d.removed.length} removed`);
    }
  }
}, 240_000);

describe(`3 -> 4 regions (adding ${NEW})`, () => {
  it('adds the new region\'s stack, complete, and keeps one stack per existing region', () => {
    expect(after.stacks.map((s) => s.stackName)).toEqual(AFTER.map((r) => `ecmesh-${r}`));
    const t = after.template(NEW);
    t.hasResourceProperties('AWS::DynamoDB::Table', { TableName: tableName('ecmesh', NEW) });
    for (const peer of BEFORE) t.hasResourceProperties('AWS::SQS::Queue', { QueueName: inboundQueueName('ecmesh', peer, NEW) });
    // The same resource set as any region of a 4-region mesh: nothing special about the newcomer.
    const shape = (region: string) => Object.values(resourcesOf(after, region)).map((r) => r.Type).sort();
    expect(shape(NEW)).toEqual(shape(BEFORE[0]!));
  });

  describe.each(BEFORE)('existing stack %s', (region) => {
    const d = (): StackDiff => diffs.get(region)!;

    it('removes nothing', () => {
      expect(d().removed).toEqual([]);
    });

    it(`adds exactly the link from ${NEW}: its queue, DLQ, both queue policies, the ingest mapping and two alarms`, () => {
      const added = Object.entries(d().added);
      expect(added.map(([, type]) => type).sort()).toEqual([
        'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm',
        'AWS::Lambda::EventSourceMapping',
        'AWS::SQS::Queue', 'AWS::SQS::Queue',
        'AWS::SQS::QueuePolicy', 'AWS::SQS::QueuePolicy',
      ]);
      for (const [id] of added) expect(id).toMatch(/Fromapnortheast1/);
      after.template(region).hasResourceProperties('AWS::SQS::Queue', { QueueName: inboundQueueName('ecmesh', NEW, region) });
    });

    it('updates in place only what must know the new peer: environments, role policies, the /status throttle', () => {
      const changed = Object.entries(d().changed).map(([id, c]) => `${c.type} ${id.replace(/[0-9A-F]{8}$/, '')}: ${c.keys.join(',')}`).sort();
      expect(changed).toEqual([
        // The backfill reads the new peer's table, as repair does.
        ...['Admin', 'Api', 'Backfill', 'Ingest', 'Repair', 'Replicator'].map((fn) => `AWS::IAM::Policy ${fn}RoleDefaultPolicy: PolicyDocument`),
        // The rebalancer knows the peers too (its rights requests and transfers name regions).
        ...['Admin', 'Api', 'Backfill', 'Ingest', 'Rebalance', 'Repair', 'Replicator'].map((fn) => `AWS::Lambda::Function ${fn}Function: Environment`),
        'AWS::ApiGatewayV2::Stage HttpApiDefaultStage: RouteSettings',
      ].sort());
    });

    it('changes no table, queue or event source mapping at all, and no property that forces a replacement', () => {
      const old = resourcesOf(before, region);
      const now = resourcesOf(after, region);
      for (const [id, r] of Object.entries(old)) {
        if (['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'AWS::Lambda::EventSourceMapping'].includes(r.Type)) {
          expect(now[id], `${r.Type} ${id}`).toEqual(r);
        }
        for (const key of REPLACING[r.Type] ?? []) expect(now[id]?.Properties?.[key], `${id}.${key}`).toEqual(r.Properties?.[key]);
      }
    });
  });
});

describe(`4 -> 3 regions (retiring ${NEW}, kept in retiredRegions)`, () => {
  it.each(BEFORE)('%s: removes exactly the link from the retired region, adds nothing, replaces nothing', (region) => {
    const d = shrinks.get(region)!;
    expect(d.added).toEqual({});
    expect(d.removed.sort()).toEqual(Object.keys(diffs.get(region)!.added).sort());
    expect(Object.keys(d.changed).sort()).toEqual(Object.keys(diffs.get(region)!.changed).sort());
    for (const c of Object.values(d.changed)) expect(c.keys.filter((k) => (REPLACING[c.type] ?? []).includes(k))).toEqual([]);
  });
});
