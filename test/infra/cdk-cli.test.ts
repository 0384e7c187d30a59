/**
 * `npx cdk synth -c regions=…` works from the repository root, offline and without credentials:
 * cdk.json runs the app with tsx, the stacks come out account-agnostic, and cdk-nag passes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('cdk CLI', () => {
  it('synthesizes a two-region mesh offline from the repository root', () => {
    // Prepare: no account, no credentials, no instance metadata — nothing to reach.
    const out = mkdtempSync(join(tmpdir(), 'ecm-cdk-cli-'));
    const env: Record<string, string | undefined> = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DOCKER: '/nonexistent/docker-must-not-be-used' };
    for (const k of ['CDK_DEFAULT_ACCOUNT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete env[k];
    // Act
    const run = spawnSync('npx', ['cdk', 'synth', '-c', 'regions=us-east-1,eu-west-1', '-o', out, '--no-notices', '--quiet'], {
      cwd: ROOT, env, encoding: 'utf8', timeout: 240_000,
    });
    // Assess
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).toContain('account-agnostic');
    for (const region of ['us-east-1', 'eu-west-1']) {
      const file = join(out, `ecmesh-${region}.template.json`);
      expect(existsSync(file)).toBe(true);
      const template = JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, { Type: string; Properties?: { QueueName?: string } }> };
      const queues = Object.values(template.Resources).filter((r) => r.Type === 'AWS::SQS::Queue').map((r) => r.Properties?.QueueName);
      expect(queues).toContain(`ecmesh-in-${region === 'us-east-1' ? 'eu-west-1' : 'us-east-1'}-to-${region}`);
    }
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
    expect(report.pluginReports).toEqual([]);
  }, 300_000);
});
