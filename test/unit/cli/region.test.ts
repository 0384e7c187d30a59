/**
 * `mesh region add|remove|list` against a fake local cloud: the admin requests it sends, what it
 * prints, how it follows a backfill, and its refusals.
 */
import { describe, expect, it } from 'vitest';
import { isRegionCommand } from '../../../cli/region.ts';
import { runCli } from '../../../cli/run.ts';
import type { CliIo } from '../../../cli/run.ts';
import { fakeRegionsPerTest } from '../../support/fake-region.ts';
import type { FakeHandler, FakeRegion } from '../../support/fake-region.ts';

const startRegion = fakeRegionsPerTest();

async function run(handler: FakeHandler, ...argv: string[]): Promise<{ code: number; out: string; err: string; region: FakeRegion }> {
  const region = await startRegion(handler);
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env: { MESH_URL: region.url }, out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n'), region };
}

const peerStatus = (phase: 'copy' | 'repair' | 'done', bucket: number, read: number) => ({
  phase, bucket, buckets: 64, progress: phase === 'copy' ? bucket / 64 : 1, read, copied: read - 2, startedAt: 1_000, updatedAt: 2_000, ...(phase === 'done' ? { finishedAt: 9_100 } : {}),
});

describe('mesh region add', () => {
  it('asks the local cloud to add the region, with its backfill source and rate', async () => {
    // Act
    const { code, out, region } = await run(
      () => ({ status: 201, body: { region: 'ap-northeast-1', url: 'http://127.0.0.1:3004', backfill: { state: 'catching-up', from: ['eu-west-1'] } } }),
      'region', 'add', 'ap-northeast-1', '--from', 'eu-west-1', '--rate', '500',
    );
    // Assess
    expect(code).toBe(0);
    expect(region.requests[0]).toMatchObject({ method: 'POST', path: '/admin/regions', body: { name: 'ap-northeast-1', from: ['eu-west-1'], rate: 500 } });
    expect(out).toBe('ap-northeast-1 joined the mesh at http://127.0.0.1:3004, backfilling from eu-west-1');
  });

  it('follows the backfill with --wait until the region has caught up', async () => {
    // Prepare: the new region (this same fake) reports two steps of progress, then done.
    const steps = [peerStatus('copy', 16, 500), peerStatus('copy', 16, 500), peerStatus('repair', 64, 2_000), peerStatus('done', 64, 2_012)];
    let url = '';
    let polls = 0;
    const handler: FakeHandler = (req) => {
      if (req.method === 'POST') return { status: 201, body: { region: 'ap-northeast-1', url, backfill: { state: 'catching-up', from: ['us-east-1'] } } };
      const p = steps[Math.min(polls++, steps.length - 1)];
      return { status: 200, body: { region: 'ap-northeast-1', peers: [], links: [], events: 2_012, backfill: { state: p?.phase === 'done' ? 'done' : 'catching-up', peers: { 'us-east-1': p } } } };
    };
    const region = await startRegion(handler);
    url = region.url;
    const out: string[] = [];
    // Act
    const code = await runCli(['region', 'add', 'ap-northeast-1', '--wait'], { env: { MESH_URL: region.url }, out: (t) => out.push(t), err: () => undefined });
    // Assess: one line per change of progress, then the summary.
    expect(code).toBe(0);
    expect(out).toEqual([
      `ap-northeast-1 joined the mesh at ${region.url}, backfilling from us-east-1`,
      'ap-northeast-1 catching up: us-east-1 bucket 16/64 (25%), 500 events read, 498 copied',
      'ap-northeast-1 catching up: us-east-1 anti-entropy, 2000 events read, 1998 copied',
      'ap-northeast-1 caught up: 2012 events read from us-east-1, 2010 copied, in 8.1 s',
    ]);
  }, 20_000);

  it('prints the refusal of the local cloud and exits 1', async () => {
    const { code, err } = await run(() => ({ status: 409, body: { error: { code: 'region-exists', message: 'eu-west-1 is already a region of this mesh' } } }), 'region', 'add', 'eu-west-1');
    expect(code).toBe(1);
    expect(err).toBe('mesh: 409 region-exists: eu-west-1 is already a region of this mesh');
  });

  it('refuses a bad command line with exit 2 and the usage', async () => {
    for (const argv of [['region'], ['region', 'add'], ['region', 'grow', 'x'], ['region', 'add', 'x', 'y'], ['region', 'add', 'x', '--rate', '0'], ['region', 'list', 'x']]) {
      const { code, err, region } = await run(() => ({ status: 500 }), ...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(err).toMatch(/usage: mesh \[--url URL \| --port N\] region add NAME|--rate must be a positive integer/);
      expect(region.requests).toEqual([]);
    }
  });
});

describe('mesh region remove and list', () => {
  it('retires a region and prints the mesh that remains', async () => {
    const { code, out, region } = await run(
      () => ({ status: 200, body: { region: 'us-east-1', drainedMs: 1402, pulledByRepair: 0, regions: ['eu-west-1', 'ap-northeast-1'], retired: ['us-east-1'] } }),
      'region', 'remove', 'us-east-1',
    );
    expect(code).toBe(0);
    expect(region.requests[0]).toMatchObject({ method: 'DELETE', path: '/admin/regions/us-east-1' });
    expect(out).toBe('us-east-1 retired: drained in 1402 ms, 0 events pulled by repair\nmesh: eu-west-1, ap-northeast-1 (retired: us-east-1)');
  });

  it('lists the regions with their state, and the retired ones', async () => {
    let url = '';
    const handler: FakeHandler = (req) =>
      req.path === '/local/mesh'
        ? { status: 200, body: { meshName: 'ecmesh', regions: [{ region: 'eu-west-1', url }, { region: 'ap-northeast-1', url }], retired: ['us-east-1'] } }
        : { status: 200, body: { region: 'x', peers: [], links: [], events: 42, backfill: { state: 'catching-up', peers: {} } } };
    const region = await startRegion(handler);
    url = region.url;
    const out: string[] = [];
    const code = await runCli(['region', 'list'], { env: { MESH_URL: region.url }, out: (t) => out.push(t), err: () => undefined });
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^eu-west-1\s+http:\/\/127\.0\.0\.1:\d+\s+catching-up\s+42 events\nap-northeast-1\s+http:\/\/127\.0\.0\.1:\d+\s+catching-up\s+42 events\nretired: us-east-1$/);
  });

  it('talks to the local cloud of --port, or of $MESH_PORT, as every mesh command does', async () => {
    // Prepare
    const region = await startRegion(() => ({ status: 200, body: { meshName: 'ecmesh', regions: [], retired: [] } }));
    const port = new URL(region.url).port;
    const io = (env: Record<string, string>): CliIo => ({ env, out: () => undefined, err: () => undefined });
    // Act
    const byFlag = await runCli(['--port', port, 'region', 'list'], io({ MESH_URL: 'http://127.0.0.1:1' }));
    const byEnv = await runCli(['region', 'list'], io({ MESH_PORT: port }));
    const bad = await runCli(['region', 'list', '--port', 'x'], io({}));
    // Assess
    expect([byFlag, byEnv, bad]).toEqual([0, 0, 2]);
    expect(region.requests.map((r) => r.path)).toEqual(['/local/mesh', '/local/mesh']);
  });

  it('is recognised as a region command whatever options come first', () => {
    expect(isRegionCommand(['region', 'add', 'x'])).toBe(true);
    expect(isRegionCommand(['--url', 'http://h', '--json', 'region', 'list'])).toBe(true);
    expect(isRegionCommand(['--port', '4001', 'region', 'list'])).toBe(true);
    expect(isRegionCommand(['--region', 'eu-west-1', 'get', 'region'])).toBe(false);
    expect(isRegionCommand(['get', 'region'])).toBe(false);
    expect(isRegionCommand([])).toBe(false);
  });
});
