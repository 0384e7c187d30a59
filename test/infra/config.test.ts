/**
 * The mesh configuration is validated before any construct exists, with messages that say what
 * to fix; defaults come from cdk.json's context.
 */
import { readFileSync } from 'node:fs';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { parseRegionList, resolveMeshConfig } from '../../infra/config.ts';
import { RegionStack } from '../../infra/region-stack.ts';
import { DEFAULT_REGIONS } from '../../shared/config/naming.ts';

describe('resolveMeshConfig', () => {
  it('defaults to the three default regions, mesh ecmesh, retained data', () => {
    // Act
    const cfg = resolveMeshConfig({}, { repair: false });
    // Assess
    expect(cfg).toEqual({ meshName: 'ecmesh', regions: [...DEFAULT_REGIONS], removalPolicy: RemovalPolicy.RETAIN, repair: false, retiredRegions: [] });
  });

  it('reads a comma list from -c and an array from cdk.json, trimming blanks', () => {
    expect(parseRegionList(' us-east-1, eu-west-1 ,')).toEqual(['us-east-1', 'eu-west-1']);
    expect(parseRegionList(['us-east-1', 'eu-west-1'])).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('takes the account from the environment default unless context names one', () => {
    expect(resolveMeshConfig({}, { account: '111111111111' }).account).toBe('111111111111');
    expect(resolveMeshConfig({ account: '222222222222' }, { account: '111111111111' }).account).toBe('222222222222');
    expect(resolveMeshConfig({}).account).toBeUndefined();
  });

  it.each([
    [{ regions: 'us-east-1' }, /at least 2 regions \(got 1/],
    [{ regions: 'us-east-1,eu-west-1,us-east-1' }, /duplicate region 'us-east-1'/],
    [{ regions: 'us-east-1,Europe' }, /invalid region name 'Europe'/],
    [{ regions: 'us-east-1,eu_west_1' }, /invalid region name 'eu_west_1'/],
    [{ meshName: 'My Mesh' }, /invalid meshName 'My Mesh'/],
    [{ meshName: 'a'.repeat(21) }, /invalid meshName/],
    [{ account: '12345' }, /invalid account '12345' \(expected 12 digits\)/],
    [{ removalPolicy: 'keep' }, /removalPolicy must be retain or destroy \(got 'keep'\)/],
    [{ repair: 'yes' }, /repair must be true or false/],
    [{ meshName: 'a'.repeat(20), regions: `us-east-1,xx-${'a'.repeat(40)}-1` }, /longer than (80|64) characters: shorten meshName/],
    [{ regions: 'us-east-1,eu-west-1', retiredRegions: 'eu-west-1' }, /retiredRegions lists eu-west-1, which is still in the region list/],
    [{ regions: 'us-east-1,eu-west-1', retiredRegions: 'ap-south-1,ap-south-1' }, /duplicate region 'ap-south-1' in retiredRegions/],
    [{ regions: 'us-east-1,eu-west-1', retiredRegions: 'Mars' }, /invalid region name 'Mars' in retiredRegions/],
    [{ alarmTopicName: 'ops pager' }, /invalid alarmTopicName 'ops pager'/],
  ])('refuses %o', (input, message) => {
    expect(() => resolveMeshConfig(input)).toThrow(message);
  });

  it('reads retired regions as a comma list (-c) or an array (cdk.json), none by default', () => {
    expect(resolveMeshConfig({ regions: 'us-east-1,eu-west-1', retiredRegions: ' ap-south-1, sa-east-1 ,' }).retiredRegions).toEqual(['ap-south-1', 'sa-east-1']);
    expect(resolveMeshConfig({ regions: 'us-east-1,eu-west-1', retiredRegions: ['ap-south-1'] }).retiredRegions).toEqual(['ap-south-1']);
    expect(resolveMeshConfig({ regions: 'us-east-1,eu-west-1' }).retiredRegions).toEqual([]);
  });

  it('takes an existing alarm topic by name, none by default', () => {
    expect(resolveMeshConfig({ alarmTopicName: 'ops-pager_1' }).alarmTopicName).toBe('ops-pager_1');
    expect(resolveMeshConfig({}).alarmTopicName).toBeUndefined();
  });

  it('parses removal policies and booleans given as context strings', () => {
    const cfg = resolveMeshConfig({ removalPolicy: 'destroy', repair: 'false' });
    expect(cfg.removalPolicy).toBe(RemovalPolicy.DESTROY);
    expect(cfg.repair).toBe(false);
  });
});

describe('cdk.json', () => {
  it('runs the app with tsx and defaults to the three regions and mesh ecmesh', () => {
    const cdk = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { app: string; context: Record<string, unknown> };
    expect(cdk.app).toBe('npx tsx infra/app.ts');
    expect(cdk.context['regions']).toBe(DEFAULT_REGIONS.join(','));
    expect(cdk.context['meshName']).toBe('ecmesh');
  });
});

describe('RegionStack', () => {
  it('refuses a region that is not in the mesh', () => {
    const config = resolveMeshConfig({ regions: 'us-east-1,eu-west-1', repair: false });
    expect(() => new RegionStack(new App(), 'x', { config, region: 'us-west-2' })).toThrow(/region 'us-west-2' is not in the mesh's regions/);
  });

  it('refuses to deploy repair when its handler does not exist', () => {
    const config = resolveMeshConfig({ regions: 'us-east-1,eu-west-1', repair: true });
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => new RegionStack(app, 'x', { config, region: 'us-east-1', entries: { repair: '/nonexistent/repair.ts' } }))
      .toThrow(/repair is enabled but its handler \/nonexistent\/repair.ts does not exist \(deploy without it: -c repair=false\)/);
  });
});
