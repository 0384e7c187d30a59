/**
 * The local cloud's own admin routes, served by every region's gateway before the api Lambda
 * (AWS has no such route: there a region is added or retired by `cdk deploy`, see docs/deploy.md):
 *
 * | route | body | answers |
 * |---|---|---|
 * | `POST /admin/regions` | `{"name": "ap-northeast-1", "from"?: ["us-east-1"], "rate"?: 500}` | 201 `{"region","url","backfill":{"state":"catching-up","from":[…]}}` once it serves |
 * | `DELETE /admin/regions/{name}` | | 200 `{"region","drainedMs","pulledByRepair","handedOver","regions","retired"}` once it is drained and stopped |
 *
 * Refusals are `{"error":{"code","message"}}`: 400 `bad-request`/`invalid-json`/`invalid-region`,
 * 404 `region-not-found`, 405, 409 `region-exists`/`region-retired`/`last-region`/`link-disabled`,
 * 503 `drain-incomplete`. A region may be retired through its own gateway: the answer is sent
 * before that gateway stops.
 *
 * @example
 * ```ts
 * import { adminRoutes } from './admin-routes.ts';
 * const routes = adminRoutes({ add: mesh.addRegion, remove: async (name) => ({ removed: await mesh.removeRegion(name) }) });
 * await routes({ method: 'POST', path: '/admin/regions', body: Buffer.from('{"name":"ap-northeast-1"}') }, 'us-east-1');
 * ```
 */
import { isMeshError, MeshError } from '../shared/domain/index.ts';
import type { AddedRegion, AddRegionOptions, RemovedRegion } from './cloud.ts';
import type { LocalAnswer, LocalRequest } from './runtime/http-gateway.ts';

/** What the routes do: the mesh's membership changes. `via` is the region whose gateway took the request. */
export interface MembershipOps {
  add(name: string, options: AddRegionOptions): Promise<AddedRegion>;
  remove(name: string, via: string): Promise<{ readonly removed: RemovedRegion; readonly after?: (() => void) | undefined }>;
}

export type AdminRoutes = (request: LocalRequest, via: string) => Promise<LocalAnswer | undefined>;

const PREFIX = '/admin/regions';

/** The routes on `ops`; requests to other paths are passed on (undefined). */
export function adminRoutes(ops: MembershipOps): AdminRoutes {
  return async (request, via) => {
    if (request.path !== PREFIX && !request.path.startsWith(`${PREFIX}/`)) return undefined;
    try {
      const rest = request.path.slice(PREFIX.length + 1);
      if (rest === '') {
        if (request.method !== 'POST') return notAllowed(request, 'POST');
        const { name, options } = addRequest(request.body);
        const added = await ops.add(name, options);
        // The backfill runs on; GET /status of the region shows its progress.
        return { status: 201, body: { region: added.region, url: added.url, backfill: { state: 'catching-up', from: added.backfillFrom } } };
      }
      if (rest.includes('/')) throw new MeshError('route-not-found', 404, `no route ${request.method} ${request.path}`);
      if (request.method !== 'DELETE') return notAllowed(request, 'DELETE');
      const { removed, after } = await ops.remove(decodeURIComponent(rest), via);
      return { status: 200, body: removed, ...(after === undefined ? {} : { after }) };
    } catch (e) {
      if (isMeshError(e)) return { status: e.status, body: { error: { code: e.code === 'not-found' ? 'region-not-found' : e.code, message: e.message } } };
      return { status: 500, body: { error: { code: 'internal', message: (e as Error).message } } };
    }
  };
}

function notAllowed(request: LocalRequest, allow: string): LocalAnswer {
  return { status: 405, body: { error: { code: 'method-not-allowed', message: `${request.method} is not allowed on ${request.path}; allowed: ${allow}` } } };
}

/** The body of `POST /admin/regions`, checked. */
function addRequest(body: Buffer): { name: string; options: AddRegionOptions } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new MeshError('invalid-json', 400, `body is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new MeshError('bad-request', 400, 'body must be a JSON object {"name": "<region>"}');
  const { name, from, rate } = parsed as Record<string, unknown>;
  if (typeof name !== 'string') throw new MeshError('bad-request', 400, 'name: the new region\'s name is required, e.g. {"name": "ap-northeast-1"}');
  const sources = typeof from === 'string' ? [from] : from;
  if (sources !== undefined && (!Array.isArray(sources) || sources.some((s) => typeof s !== 'string'))) {
    throw new MeshError('bad-request', 400, 'from: a region name or a list of them');
  }
  if (rate !== undefined && !(typeof rate === 'number' && Number.isInteger(rate) && rate > 0)) {
    throw new MeshError('bad-request', 400, 'rate: a positive integer of events per second');
  }
  return {
    name,
    options: { ...(sources === undefined ? {} : { backfillFrom: sources as string[] }), ...(rate === undefined ? {} : { backfillRate: rate }) },
  };
}
