/**
 * The stacks are not hard-coded to three regions: a two-region mesh (with a concrete account)
 * and a five-region mesh (account-agnostic) pass the same per-region invariants. Bundling is
 * skipped here; three-region.test.ts bundles for real.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { links } from '../../shared/config/naming.ts';
import { resources } from './support/cfn.ts';
import { synthMesh } from './support/mesh-synth.ts';
import type { SynthesizedMesh } from './support/mesh-synth.ts';
import { regionInvariants } from './support/region-invariants.ts';

const TWO = ['us-east-1', 'eu-west-1'];
const FIVE = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2', 'eu-central-1'];

describe('two-region mesh, account from the environment, two retired regions', () => {
  let mesh: SynthesizedMesh;
  beforeAll(() => {
    mesh = synthMesh({ regions: TWO, account: '123456789012', retiredRegions: ['ap-southeast-2', 'sa-east-1'] });
    console.info(`infra: 2-region synth (no bundling) took ${mesh.synthMs} ms`);
  }, 240_000);

  it('pins each stack to the account and its region', () => {
    expect(mesh.stacks.map((s) => `${s.account}/${s.region}`)).toEqual(TWO.map((r) => `123456789012/${r}`));
  });

  it('passes the retired regions to every function, and builds nothing for them', () => {
    expect(mesh.config.retiredRegions).toEqual(['ap-southeast-2', 'sa-east-1']);
    const json = JSON.stringify(mesh.stacks.map((s) => mesh.template(s.meshRegion).toJSON().Resources));
    expect(json).not.toMatch(/ecmesh-[a-z-]*(ap-southeast-2|sa-east-1)/);
  });

  regionInvariants(TWO, () => mesh);
});

describe('five-region mesh, removalPolicy=destroy', () => {
  let mesh: SynthesizedMesh;
  beforeAll(() => {
    mesh = synthMesh({ regions: FIVE, removalPolicy: 'destroy' });
    console.info(`infra: 5-region synth (no bundling) took ${mesh.synthMs} ms`);
  }, 240_000);

  it('has every directed link of the full mesh exactly once, in its destination region', () => {
    const queues = mesh.stacks.flatMap((s) => resources(mesh.template(s.meshRegion), 'AWS::SQS::Queue')
      .map(([, q]) => String(q.Properties?.['QueueName'] ?? ''))
      .filter((n) => n.startsWith('ecmesh-in-') && !n.endsWith('-dlq'))
      .map((n) => `${n} @ ${s.meshRegion}`));
    expect(queues.sort()).toEqual(links(FIVE).map(({ from, to }) => `ecmesh-in-${from}-to-${to} @ ${to}`).sort());
    expect(queues).toHaveLength(20);
  });

  regionInvariants(FIVE, () => mesh);
});
