/**
 * The admin handler: the api's router and error mapping on `/admin/*` paths only. A data path
 * sent to it (it never should be: the gateway routes only admin routes there) is a 404 that
 * reads and stores nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeAdminHandler } from '../../../functions/admin.ts';
import { MemoryEventStore } from '../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../shared/adapters/memory-link-control.ts';
import { RegionService } from '../../../shared/app/region-service.ts';
import { BASE_WALL, ManualClock } from '../../support/factories.ts';

const REGION = 'eu-west-1';
const PEERS = ['us-east-1', 'ap-southeast-2'];

function setup() {
  const clock = new ManualClock(BASE_WALL);
  const store = new MemoryEventStore({ region: REGION, clock });
  const links = new MemoryLinkControl([REGION, ...PEERS]);
  const service = new RegionService({ region: REGION, peers: PEERS, store, links, clock });
  const admin = makeAdminHandler({ service }, { logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }) });
  const call = async (method: string, path: string, body?: unknown, stage = '$default') => {
    const event = {
      rawPath: path,
      body: body === undefined ? undefined : JSON.stringify(body),
      isBase64Encoded: false,
      headers: { 'content-type': 'application/json' },
      requestContext: { http: { method }, stage },
    } as unknown as APIGatewayProxyEventV2;
    const res = (await admin(event)) as APIGatewayProxyStructuredResultV2;
    return { status: res.statusCode, body: JSON.parse(String(res.body)) as Record<string, unknown> };
  };
  return { store, links, call };
}

describe('admin handler', () => {
  it('switches a link through the admin route', async () => {
    // Prepare
    const { links, call } = setup();
    // Act
    const off = await call('PUT', '/admin/links/us-east-1/eu-west-1', { enabled: false });
    // Assess
    expect(off).toEqual({ status: 200, body: { from: 'us-east-1', to: 'eu-west-1', enabled: false } });
    expect((await links.links()).find((l) => l.from === 'us-east-1' && l.to === 'eu-west-1')?.enabled).toBe(false);
  });

  it('maps refusals like the api does (404 unknown region, 400 bad body, 405 wrong method)', async () => {
    const { call } = setup();
    expect(await call('PUT', '/admin/links/us-east-1/mars-1', { enabled: false })).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
    expect(await call('PUT', '/admin/links/us-east-1/eu-west-1', { enabled: 'no' })).toMatchObject({ status: 400, body: { error: { code: 'bad-request' } } });
    expect(await call('GET', '/admin/links/us-east-1/eu-west-1')).toMatchObject({ status: 405, body: { error: { code: 'method-not-allowed' } } });
  });

  it.each([
    ['PUT', '/kv/colour', { value: 'blue' }],
    ['GET', '/status', undefined],
    ['GET', '/administer', undefined],
  ])('answers %s %s with 404 and stores nothing: it serves only /admin/*', async (method, path, body) => {
    // Prepare
    const { store, call } = setup();
    // Act
    const res = await call(method, path, body);
    // Assess
    expect(res).toEqual({ status: 404, body: { error: { code: 'route-not-found', message: `no admin route ${method} ${path}` } } });
    expect(await store.count()).toBe(0);
  });

  it('strips a named stage before deciding', async () => {
    const { call } = setup();
    expect((await call('PUT', '/prod/admin/links/us-east-1/eu-west-1', { enabled: false }, 'prod')).status).toBe(200);
    expect((await call('PUT', '/prod/kv/colour', { value: 1 }, 'prod')).status).toBe(404);
  });
});
