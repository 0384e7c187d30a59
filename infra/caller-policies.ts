/**
 * Who may call which routes of a regional API: three caller roles, each an IAM policy of
 * `execute-api:Invoke` on exactly its routes' ARNs (`<api>/<stage>/<METHOD>/<path>`, a path
 * parameter as `*`). The admin routes have their own prefix (`/admin/*`) and their own ARNs, so a
 * data caller cannot partition the mesh unless someone grants the operator policy on purpose.
 *
 * - `data-reader`: every `read` route (GETs of keys, accounts, events, conflicts, `/status`);
 * - `data-writer`: every `read` and `write` route;
 * - `operator`: the `admin` routes (the link switch) and `GET /status`, to see what it switched.
 *
 * Each region's stack creates these as managed policies (`<mesh>-<role>-<region>`) on its own
 * API; docs/deploy.md shows them as they render.
 *
 * @example
 * ```ts
 * import { callerPolicyDocument } from './caller-policies.ts';
 * callerPolicyDocument('data-reader', 'arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5');
 * // { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: ['…/*\/GET/kv/*', …] }] }
 * ```
 */
import { API_ROUTES, STATUS_ROUTE_KEY, routeKey } from './api-routes.ts';
import type { ApiRoute } from './api-routes.ts';

export type CallerRole = 'data-reader' | 'data-writer' | 'operator';

/** Which routes each caller role may invoke. */
const GRANTS: Record<CallerRole, (route: ApiRoute) => boolean> = {
  'data-reader': (r) => r.access === 'read',
  'data-writer': (r) => r.access === 'read' || r.access === 'write',
  operator: (r) => r.access === 'admin' || routeKey(r) === STATUS_ROUTE_KEY,
};

export const CALLER_ROLES = Object.keys(GRANTS) as CallerRole[];

/** The routes a caller role may invoke, in API_ROUTES order. */
export function routesOf(role: CallerRole): ApiRoute[] {
  return API_ROUTES.filter(GRANTS[role]);
}

/**
 * The `execute-api:Invoke` resource of a route on an API (`apiArn` = `arn:…:execute-api:<region>:<account>:<api-id>`).
 * Any stage (`*`): the mesh deploys only `$default`, whose name IAM would otherwise need verbatim.
 * @example invokeArn('arn:aws:execute-api:us-east-1:1:abc', { method: 'GET', path: '/kv/{key}/history' }); // 'arn:…:abc/*\/GET/kv/*\/history'
 */
export function invokeArn(apiArn: string, route: Pick<ApiRoute, 'method' | 'path'>): string {
  return `${apiArn}/*/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
}

/** The IAM policy document of a caller role on one API. */
export function callerPolicyDocument(role: CallerRole, apiArn: string): { Version: string; Statement: Array<{ Effect: 'Allow'; Action: string; Resource: string[] }> } {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: routesOf(role).map((r) => invokeArn(apiArn, r)) }],
  };
}
