/**
 * The regional API's routes (DESIGN.md section 2), declared once: the HTTP API creates exactly
 * these, each with IAM authorization, and anything else is a 404 at the gateway without invoking
 * the function.
 *
 * @example
 * ```ts
 * import { API_ROUTES } from './api-routes.ts';
 * API_ROUTES.map((r) => `${r.method} ${r.path}`); // ['PUT /kv/{key}', …]
 * ```
 */
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';

export interface ApiRoute {
  readonly method: HttpMethod;
  readonly path: string;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: HttpMethod.PUT, path: '/kv/{key}' },
  { method: HttpMethod.DELETE, path: '/kv/{key}' },
  { method: HttpMethod.GET, path: '/kv/{key}' },
  { method: HttpMethod.GET, path: '/kv/{key}/history' },
  { method: HttpMethod.POST, path: '/kv/{key}/resolve' },
  { method: HttpMethod.POST, path: '/accounts/{id}/deposit' },
  { method: HttpMethod.POST, path: '/accounts/{id}/withdraw' },
  { method: HttpMethod.GET, path: '/accounts/{id}' },
  { method: HttpMethod.GET, path: '/accounts/{id}/history' },
  { method: HttpMethod.GET, path: '/events/{id}' },
  { method: HttpMethod.GET, path: '/conflicts' },
  { method: HttpMethod.GET, path: '/status' },
  { method: HttpMethod.PUT, path: '/admin/links/{from}/{to}' },
];
