/**
 * The admin Lambda: the `/admin/*` routes of the regional HTTP API (today the link switch,
 * `PUT /admin/links/{from}/{to}`), deployed as its own function with its own role, so that IAM
 * can tell operators from data callers (their own `execute-api` resources) and the data path's
 * role holds no permission to switch a link at all. Thin: the api's own router and error mapping
 * (`makeApiHandler`), restricted to paths under `/admin/`; any other path is a 404 here even if
 * the function were invoked with one.
 *
 * @example
 * ```ts
 * import { makeAdminHandler } from './admin.ts';
 * const admin = makeAdminHandler({ service });
 * const res = await admin({ rawPath: '/admin/links/eu-west-1/us-east-1', body: '{"enabled":false}', requestContext: { http: { method: 'PUT' } } } as APIGatewayProxyEventV2);
 * res.statusCode; // 200
 * ```
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { LambdaLinkControl } from '../shared/adapters/lambda-link-control.ts';
import { depsFromEnv, lazy } from '../shared/app/env-deps.ts';
import type { RegionDeps } from '../shared/app/wiring.ts';
import { makeApiHandler } from './api.ts';
import type { ApiHandler, ApiHandlerOptions } from './api.ts';

/** The path prefix of every admin route (the HTTP API routes only these to this function). */
export const ADMIN_PREFIX = '/admin/';

/** The request path without a named stage's `/stage` prefix (`$default` adds none). */
function routePath(event: APIGatewayProxyEventV2): string {
  const path = event.rawPath ?? '/';
  const stage = event.requestContext?.stage;
  if (stage === undefined || stage === '$default') return path;
  return path.startsWith(`/${stage}/`) ? path.slice(stage.length + 1) : path;
}

/** Builds the handler on injected dependencies (tests). */
export function makeAdminHandler(deps: Pick<RegionDeps, 'service'>, options: ApiHandlerOptions = {}): ApiHandler {
  const api = makeApiHandler(deps, options);
  return async (event) => {
    if (routePath(event).startsWith(ADMIN_PREFIX)) return api(event);
    const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
    return {
      statusCode: 404,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: JSON.stringify({ error: { code: 'route-not-found', message: `no admin route ${method} ${event.rawPath}` } }),
    };
  };
}

/** In AWS a link is its ingest mapping; this function's role may switch only those in its own region. */
const defaultHandler = lazy(() => makeAdminHandler(depsFromEnv(process.env, LambdaLinkControl.fromEnv(process.env))));

/** The Lambda entry point: dependencies from the environment, built on the first request. */
export const handler: ApiHandler = async (event) => (await defaultHandler())(event);
