/**
 * cdk-nag (AwsSolutions) runs on every stack as a validation plugin: an unacknowledged finding
 * fails the synth. Every acknowledgment carries a reason and matches a real finding (none stale).
 */
import { App } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveMeshConfig } from '../../infra/config.ts';
import { buildMesh } from '../../infra/mesh-app.ts';
import { reviewedFindings } from '../../infra/nag-suppressions.ts';
import { RegionStack } from '../../infra/region-stack.ts';
import { REPAIR_FIXTURE } from './support/mesh-synth.ts';

const REGIONS = 'us-east-1,eu-west-1,ap-southeast-2';

describe('cdk-nag acknowledgments', () => {
  let stack: RegionStack;
  beforeAll(() => {
    // Prepare: a stack without any acknowledgment, and no plugin (so synth would not throw).
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new RegionStack(app, 'bare', { config: resolveMeshConfig({ regions: REGIONS }), region: 'us-east-1', entries: { repair: REPAIR_FIXTURE } });
  }, 120_000);

  it('gives every acknowledged finding a reason of substance', () => {
    const findings = reviewedFindings(stack);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(f.reason.length, f.id).toBeGreaterThan(60);
    }
  });

  it('acknowledges exactly the findings the stack really has, on the constructs that have them', () => {
    // Act
    const report = new AwsSolutionsChecks(undefined, {}).validateScope(stack);
    // Assess
    const actual = report.violations.flatMap((v) => v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? '' })));
    const acknowledged = reviewedFindings(stack).map((f) => ({ id: f.id, path: f.scope.node.path }));
    const covers = (k: { id: string; path: string }, a: { id: string; path: string }) => k.id === a.id && (a.path === k.path || a.path.startsWith(`${k.path}/`));
    for (const a of actual) expect(acknowledged.some((k) => covers(k, a)), `unacknowledged ${a.id} at ${a.path}`).toBe(true);
    for (const k of acknowledged) expect(actual.some((a) => covers(k, a)), `stale acknowledgment ${k.id} at ${k.path}`).toBe(true);
    expect(report.violations.every((v) => v.severity === 'error' || v.severity === 'warning')).toBe(true);
  });
});

describe('cdk-nag in the app', () => {
  it('fails the synth on an unacknowledged finding', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const [first] = buildMesh(app, resolveMeshConfig({ regions: 'us-east-1,eu-west-1' }), { entries: { repair: REPAIR_FIXTURE } });
    first!.ingest.allow(new PolicyStatement({ actions: ['sqs:*'], resources: ['*'] }));
    // Act / Assess
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::sqs:\*\]/);
  }, 120_000);
});
