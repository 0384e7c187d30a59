import { describe, expect, it } from 'vitest';
import { adminRoutes, type MembershipOps } from '../../../local/admin-routes.ts';
import type { AddedRegion, AddRegionOptions, RemovedRegion } from '../../../local/cloud.ts';
import { MeshError, NotFoundError } from '../../../shared/domain/index.ts';

/** Ops that record what they were asked and answer as the local cloud would. */
function fakeOps(fail?: Error) {
  const calls: Array<{ op: 'add' | 'remove'; name: string; options?: AddRegionOptions; via?: string }> = [];
  const removed: RemovedRegion = { region: 'us-east-1', drainedMs: 12, pulledByRepair: 0, handedOver: { accounts: 0, moved: 0 }, regions: ['eu-west-1'], retired: ['us-east-1'] };
  const ops: MembershipOps = {
    add: async (name, options) => {
      calls.push({ op: 'add', name, options });
      if (fail !== undefined) throw fail;
      return { region: name, url: 'http://127.0.0.1:3004', backfillFrom: options.backfillFrom ?? ['us-east-1'], backfilled: new Promise(() => {}) } satisfies AddedRegion;
    },
    remove: async (name, via) => {
      calls.push({ op: 'remove', name, via });
      if (fail !== undefined) throw fail;
      return { removed, after: via === name ? () => undefined : undefined };
    },
  };
  return { ops, calls };
}

const request = (method: string, path: string, body?: unknown) => ({ method, path, body: Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)) });

describe('admin routes of the local cloud', () => {
  it('adds a region with its backfill source and rate, and answers 201 catching-up', async () => {
    // Prepare
    const { ops, calls } = fakeOps();
    // Act
    const answer = await adminRoutes(ops)(request('POST', '/admin/regions', { name: 'ap-northeast-1', from: 'eu-west-1', rate: 500 }), 'us-east-1');
    // Assess
    expect(answer).toEqual({ status: 201, body: { region: 'ap-northeast-1', url: 'http://127.0.0.1:3004', backfill: { state: 'catching-up', from: ['eu-west-1'] } } });
    expect(calls).toEqual([{ op: 'add', name: 'ap-northeast-1', options: { backfillFrom: ['eu-west-1'], backfillRate: 500 } }]);
  });

  it('retires a region; through its own gateway the gateway stops after the answer', async () => {
    const { ops, calls } = fakeOps();
    const routes = adminRoutes(ops);
    const viaOther = await routes(request('DELETE', '/admin/regions/us-east-1'), 'eu-west-1');
    const viaItself = await routes(request('DELETE', '/admin/regions/us-east-1'), 'us-east-1');
    expect(viaOther).toEqual({ status: 200, body: { region: 'us-east-1', drainedMs: 12, pulledByRepair: 0, handedOver: { accounts: 0, moved: 0 }, regions: ['eu-west-1'], retired: ['us-east-1'] } });
    expect(viaItself?.after).toBeTypeOf('function');
    expect(calls.map((c) => c.via)).toEqual(['eu-west-1', 'us-east-1']);
  });

  it.each([
    ['not JSON', request('POST', '/admin/regions', '{name'), 400, 'invalid-json'],
    ['not an object', request('POST', '/admin/regions', '["x"]'), 400, 'bad-request'],
    ['no name', request('POST', '/admin/regions', { from: ['us-east-1'] }), 400, 'bad-request'],
    ['a bad source', request('POST', '/admin/regions', { name: 'x', from: [1] }), 400, 'bad-request'],
    ['a bad rate', request('POST', '/admin/regions', { name: 'x', rate: 0.5 }), 400, 'bad-request'],
    ['a wrong method', request('GET', '/admin/regions'), 405, 'method-not-allowed'],
    ['a wrong method on a region', request('PUT', '/admin/regions/x'), 405, 'method-not-allowed'],
    ['a deeper path', request('DELETE', '/admin/regions/x/y'), 404, 'route-not-found'],
  ])('refuses %s with a 4xx error body and asks nothing of the mesh', async (_, req, status, code) => {
    const { ops, calls } = fakeOps();
    const answer = await adminRoutes(ops)(req, 'us-east-1');
    expect(answer).toMatchObject({ status, body: { error: { code, message: expect.any(String) } } });
    expect(calls).toEqual([]);
  });

  it('answers the mesh\'s refusals with their status and code, an unknown region as region-not-found', async () => {
    const refused = await adminRoutes(fakeOps(new MeshError('region-retired', 409, 'us-east-1 was retired')).ops)(request('POST', '/admin/regions', { name: 'us-east-1' }), 'eu-west-1');
    const unknown = await adminRoutes(fakeOps(new NotFoundError('no such region')).ops)(request('DELETE', '/admin/regions/nowhere'), 'eu-west-1');
    const broken = await adminRoutes(fakeOps(new Error('boom')).ops)(request('DELETE', '/admin/regions/x'), 'eu-west-1');
    expect(refused).toEqual({ status: 409, body: { error: { code: 'region-retired', message: 'us-east-1 was retired' } } });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'region-not-found' } } });
    expect(broken).toEqual({ status: 500, body: { error: { code: 'internal', message: 'boom' } } });
  });

  it('passes every other path on to the api', async () => {
    const { ops } = fakeOps();
    const routes = adminRoutes(ops);
    expect(await routes(request('PUT', '/admin/links/a/b'), 'a')).toBeUndefined();
    expect(await routes(request('GET', '/admin/regionsx'), 'a')).toBeUndefined();
    expect(await routes(request('GET', '/status'), 'a')).toBeUndefined();
  });
});
