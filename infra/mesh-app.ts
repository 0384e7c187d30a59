/**
 * Builds the whole mesh into a CDK app: one {@link RegionStack} per region, cdk-nag's
 * AwsSolutions pack on every stack (as a policy-validation plugin), and the reviewed suppressions. The entry point (`app.ts`)
 * and the tests both call this, so the tests check exactly what `cdk deploy` deploys.
 *
 * @example
 * ```ts
 * import { App } from 'aws-cdk-lib';
 * import { buildMesh } from './mesh-app.ts';
 * import { resolveMeshConfig } from './config.ts';
 * const stacks = buildMesh(new App(), resolveMeshConfig({ regions: 'us-east-1,eu-west-1' }));
 * ```
 */
import { Validations } from 'aws-cdk-lib';
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { MeshConfig } from './config.ts';
import { suppressReviewedFindings } from './nag-suppressions.ts';
import { RegionStack } from './region-stack.ts';
import type { RegionStackProps } from './region-stack.ts';

/**
 * Stack name of a region.
 * @example stackName('ecmesh', 'us-east-1'); // 'ecmesh-us-east-1'
 */
export function stackName(meshName: string, region: string): string {
  return `${meshName}-${region}`;
}

/** Options of {@link buildMesh} beyond the mesh configuration. */
export interface BuildMeshOptions {
  /** Handler source overrides (tests). @default functions/<name>.ts */
  readonly entries?: RegionStackProps['entries'];
}

/**
 * Adds one stack per region of `config` to `app`, with cdk-nag; returns them in region order.
 * @example const [useast1] = buildMesh(new App(), resolveMeshConfig({ regions: 'us-east-1,eu-west-1' }));
 */
export function buildMesh(app: App, config: MeshConfig, options: BuildMeshOptions = {}): RegionStack[] {
  const stacks = config.regions.map((region) => new RegionStack(app, stackName(config.meshName, region), {
    config,
    region,
    ...(options.entries === undefined ? {} : { entries: options.entries }),
  }));
  for (const stack of stacks) suppressReviewedFindings(stack);
  // cdk-nag 3 is a policy-validation plugin: `cdk synth` fails on any unacknowledged finding.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stacks;
}
