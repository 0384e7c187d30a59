/**
 * Synthesizes a whole mesh once per configuration and hands out its stacks and templates, so the
 * test files of one region count share one (slow, bundling) synth.
 *
 * @example
 * ```ts
 * const mesh = synthMesh({ regions: ['us-east-1', 'eu-west-1'] });
 * mesh.template('us-east-1').hasResourceProperties('AWS::SQS::Queue', { … });
 * ```
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { resolveMeshConfig } from '../../../infra/config.ts';
import type { MeshConfig } from '../../../infra/config.ts';
import { buildMesh } from '../../../infra/mesh-app.ts';
import { handlerExists } from '../../../infra/paths.ts';
import type { RegionStack } from '../../../infra/region-stack.ts';

/** The stand-in repair handler for tests that must not depend on functions/repair.ts existing. */
export const REPAIR_FIXTURE = new URL('../fixtures/repair-handler.ts', import.meta.url).pathname;

export interface SynthOptions {
  readonly regions: readonly string[];
  /** Run esbuild for real (slow); otherwise bundling is skipped via `aws:cdk:bundling-stacks`. @default false */
  readonly bundle?: boolean;
  readonly account?: string;
  readonly meshName?: string;
  /** @default true, from the test fixture */
  readonly repair?: boolean;
  readonly removalPolicy?: string;
  readonly retiredRegions?: readonly string[];
  readonly alarmTopicName?: string;
  readonly backfillRate?: number;
}

export interface SynthesizedMesh {
  readonly config: MeshConfig;
  readonly app: App;
  readonly stacks: readonly RegionStack[];
  readonly outdir: string;
  /** Wall time of building and synthesizing the app. */
  readonly synthMs: number;
  stack(region: string): RegionStack;
  template(region: string): Template;
}

export function synthMesh(options: SynthOptions): SynthesizedMesh {
  const started = Date.now();
  const outdir = mkdtempSync(join(tmpdir(), 'ecm-infra-'));
  const app = new App({
    outdir,
    context: options.bundle === true ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  const config = resolveMeshConfig({
    regions: options.regions.join(','),
    meshName: options.meshName,
    account: options.account,
    repair: options.repair ?? true,
    removalPolicy: options.removalPolicy,
    retiredRegions: options.retiredRegions?.join(','),
    alarmTopicName: options.alarmTopicName,
    backfillRate: options.backfillRate,
  });
  // The real repair handler when it exists (then it is bundled and inspected too), else the fixture.
  const stacks = buildMesh(app, config, handlerExists('repair') ? {} : { entries: { repair: REPAIR_FIXTURE } });
  // cdk-nag runs as a validation plugin here: an unacknowledged finding makes this throw.
  app.synth();
  const templates = new Map(stacks.map((s) => [s.meshRegion, Template.fromStack(s)]));
  const synthMs = Date.now() - started;
  const byRegion = new Map(stacks.map((s) => [s.meshRegion, s]));
  return {
    config,
    app,
    stacks,
    outdir,
    synthMs,
    stack: (region) => byRegion.get(region) ?? fail(`no stack for ${region}`),
    template: (region) => templates.get(region) ?? fail(`no template for ${region}`),
  };
}

function fail(message: string): never {
  throw new Error(message);
}
