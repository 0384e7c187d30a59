/**
 * The default three-region mesh, synthesized once with real esbuild bundling (never Docker), then
 * asserted resource by resource in every region; the bundled handlers are inspected and loaded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGIONS } from '../../shared/config/naming.ts';
import { resources } from './support/cfn.ts';
import { synthMesh } from './support/mesh-synth.ts';
import type { SynthesizedMesh } from './support/mesh-synth.ts';
import { regionInvariants } from './support/region-invariants.ts';

const REGIONS = [...DEFAULT_REGIONS];
let mesh: SynthesizedMesh;
const savedDocker = process.env['CDK_DOCKER'];

beforeAll(() => {
  // CDK runs `$CDK_DOCKER` for Docker bundling: pointing it nowhere makes any Docker attempt fail.
  process.env['CDK_DOCKER'] = '/nonexistent/docker-must-not-be-used';
  mesh = synthMesh({ regions: REGIONS, bundle: true });
  console.info(`infra: 3-region synth with esbuild bundling took ${mesh.synthMs} ms`);
}, 240_000);

afterAll(() => {
  if (savedDocker === undefined) delete process.env['CDK_DOCKER'];
  else process.env['CDK_DOCKER'] = savedDocker;
});

describe('three-region mesh', () => {
  it('synthesizes one stack per region, each pinned to its region', () => {
    expect(mesh.stacks.map((s) => [s.stackName, s.region])).toEqual(REGIONS.map((r) => [`ecmesh-${r}`, r]));
  });
});

regionInvariants(REGIONS, () => mesh);

describe('esbuild bundling (real, local, no Docker)', () => {
  const bundles = () => resources(mesh.template('us-east-1'), 'AWS::Lambda::Function').map(([id, fn]) => {
    const key = String((fn.Properties!['Code'] as { S3Key: string }).S3Key);
    const dir = join(mesh.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    return { id, dir, file: join(dir, 'index.mjs') };
  });

  it('writes one ESM bundle with a source map per function', () => {
    const all = bundles();
    expect(all.map((b) => b.id.replace(/Function[0-9A-F]{8}$/, '')).sort()).toEqual(['Admin', 'Api', 'Backfill', 'Ingest', 'Rebalance', 'Repair', 'Replicator']);
    for (const b of all) {
      expect(existsSync(b.file), `${b.id}: ${b.file}`).toBe(true);
      expect(existsSync(`${b.file}.map`), `${b.id}: source map`).toBe(true);
      const code = readFileSync(b.file, 'utf8');
      expect(code.startsWith("import { createRequire as __meshCreateRequire } from 'node:module';")).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b[^}]*\}/);
      expect(code).not.toMatch(/^\s*(const|var|let)\s+\w+\s*=\s*require\(\s*["']@aws-sdk/m);
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//); // the SDK is bundled, not taken from the runtime
    }
  });

  it('bundles the real handlers: the api bundle carries the API routes and loads as an ES module with a handler', async () => {
    const api = bundles().find((b) => b.id.startsWith('ApiFunction'));
    expect(api).toBeDefined();
    const code = readFileSync(api!.file, 'utf8');
    expect(code).toContain('admin');
    const mod = (await import(pathToFileURL(api!.file).href)) as { handler?: unknown };
    expect(typeof mod.handler).toBe('function');
  });

  it('never bundles in Docker: forceDockerBundling is off and the Docker command is unusable', () => {
    expect(process.env['CDK_DOCKER']).toBe('/nonexistent/docker-must-not-be-used');
    expect(mesh.synthMs).toBeGreaterThan(0);
  });
});
