/**
 * cfn-lint (AWS's CloudFormation linter, Python) on the synthesized 3-region templates: no
 * errors, and no warning beyond the reviewed ones below. cfn-lint checks what the CDK does not:
 * values against the CloudFormation resource schemas (ranges, patterns, enums), property names of
 * escape-hatch overrides, and reference and dependency shapes. (Not stage RouteSettings: its
 * schema type is free JSON, so guardrails.test.ts asserts those names itself.)
 *
 * cfn-lint is not an npm package: it runs when it is on PATH (`pip install cfn-lint`; .ci/run
 * tries that), and otherwise this test is reported as skipped, with the reason in its name and a
 * warning on stderr, never as passed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthMesh } from './support/mesh-synth.ts';
import type { SynthesizedMesh } from './support/mesh-synth.ts';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

/** Warnings accepted, each with its reason. */
const REVIEWED_WARNINGS: Record<string, string> = {
  W3005: 'The CDK makes each function DependsOn its role and its role\'s default policy, so the policy is attached before the function can run; the role part repeats the Fn::GetAtt dependency, harmlessly.',
};

interface Finding {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Filename: string;
}

const version = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
const cfnLint = version.status === 0 ? version.stdout.trim() : undefined;
if (cfnLint === undefined) {
  console.warn('infra: cfn-lint is not on PATH, so the templates are NOT linted (pip install cfn-lint to run test/infra/cfn-lint.test.ts)');
}

describe(`cfn-lint on the 3-region synth (${cfnLint ?? 'skipped: cfn-lint is not on PATH'})`, () => {
  let findings: Finding[];
  /** Findings on a copy of one template with a known error planted (see the last test). */
  let planted: Finding[];
  beforeAll(() => {
    if (cfnLint === undefined) return;
    const mesh: SynthesizedMesh = synthMesh({ regions: REGIONS });
    const templates = readdirSync(mesh.outdir).filter((f) => f.endsWith('.template.json')).map((f) => join(mesh.outdir, f));
    expect(templates).toHaveLength(REGIONS.length);
    // The control: an ingest mapping's maximum concurrency below the least SQS allows (2).
    const broken = mesh.template('us-east-1').toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    Object.values(broken.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && 'ScalingConfig' in r.Properties)!.Properties['ScalingConfig'] = { MaximumConcurrency: 1 };
    const control = join(mesh.outdir, 'planted-error.json');
    writeFileSync(control, JSON.stringify(broken));
    // One run for all (cfn-lint starts slowly). Its exit status is a bit mask of the levels found; the JSON has the detail.
    const run = spawnSync('cfn-lint', ['--format', 'json', '--', ...templates, control], { encoding: 'utf8', timeout: 240_000 });
    expect(run.error, run.stderr).toBeUndefined();
    const all = JSON.parse(run.stdout) as Finding[];
    planted = all.filter((f) => f.Filename === control);
    findings = all.filter((f) => f.Filename !== control);
    console.info(`infra: ${cfnLint} on ${templates.length} templates: ${findings.filter((f) => f.Level === 'Error').length} errors, ${findings.filter((f) => f.Level === 'Warning').length} warnings (${[...new Set(findings.map((f) => f.Rule.Id))].join(', ') || 'none'})`);
  }, 300_000);

  it.runIf(cfnLint !== undefined)('reports no errors', () => {
    expect(findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} ${f.Filename}: ${f.Message}`)).toEqual([]);
  });

  it.runIf(cfnLint !== undefined)('reports no warning but the reviewed ones', () => {
    const unreviewed = findings.filter((f) => f.Level !== 'Error' && REVIEWED_WARNINGS[f.Rule.Id] === undefined);
    expect(unreviewed.map((f) => `${f.Rule.Id} ${f.Filename}: ${f.Message}`)).toEqual([]);
  });

  it.runIf(cfnLint !== undefined)('finds a real error when there is one (the linter is really running)', () => {
    expect(planted.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} ${f.Message}`)).toContain('E3034 1 is less than the minimum of 2');
  });
});
