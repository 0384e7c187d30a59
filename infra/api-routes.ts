/**
 * The regional API's routes (DESIGN.md section 2), declared once: the HTTP API creates exactly
 * these, each with IAM authorization, and anything else is a 404 at the gateway without invoking
 * a function. Each route says what kind of access it is — a read, a write, or administration of
 * the mesh — which decides the function that serves it (admin routes have their own, see
 * functions/admin.ts) and which caller policies grant it (caller-policies.ts).
 *
 * @example
 * ```ts
 * import { API_ROUTES, routeKey } from './api-routes.ts';
 * API_ROUTES.filter((r) => r.access === 'admin').map(routeKey); // ['PUT /admin/links/{from}/{to}']
 * ```
 */
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';

/** `read` and `write` are the data path; `admin` changes the mesh itself (it can partition it). */
export type RouteAccess = 'read' | 'write' | 'admin';

export interface ApiRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: RouteAccess;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: HttpMethod.GET, path: '/kv', access: 'read' },
  { method: HttpMethod.PUT, path: '/kv/{key}', access: 'write' },
  { method: HttpMethod.DELETE, path: '/kv/{key}', access: 'write' },
  { method: HttpMethod.GET, path: '/kv/{key}', access: 'read' },
  { method: HttpMethod.GET, path: '/kv/{key}/heads', access: 'read' },
  { method: HttpMethod.GET, path: '/kv/{key}/history', access: 'read' },
  { method: HttpMethod.POST, path: '/kv/{key}/resolve', access: 'write' },
  { method: HttpMethod.GET, path: '/accounts', access: 'read' },
  { method: HttpMethod.POST, path: '/accounts/{id}', access: 'write' },
  { method: HttpMethod.POST, path: '/accounts/{id}/deposit', access: 'write' },
  { method: HttpMethod.POST, path: '/accounts/{id}/withdraw', access: 'write' },
  { method: HttpMethod.POST, path: '/accounts/{id}/transfer', access: 'write' },
  { method: HttpMethod.GET, path: '/accounts/{id}', access: 'read' },
  { method: HttpMethod.GET, path: '/accounts/{id}/history', access: 'read' },
  { method: HttpMethod.GET, path: '/accounts/{id}/rebalancing', access: 'read' },
  { method: HttpMethod.GET, path: '/events/{id}', access: 'read' },
  { method: HttpMethod.GET, path: '/conflicts', access: 'read' },
  { method: HttpMethod.GET, path: '/status', access: 'read' },
  { method: HttpMethod.PUT, path: '/admin/links/{from}/{to}', access: 'admin' },
];

/**
 * The route key API Gateway uses for a route (`METHOD /path`), e.g. in stage route settings.
 * @example routeKey({ method: HttpMethod.GET, path: '/status', access: 'read' }); // 'GET /status'
 */
export function routeKey(route: Pick<ApiRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** The status route's key: a read, but one that lists every link's mapping and digests the table. */
export const STATUS_ROUTE_KEY = 'GET /status';
