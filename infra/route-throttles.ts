/**
 * Per-route throttles of the regional HTTP API, for the two routes whose cost is not a few
 * DynamoDB item reads but calls to Lambda's control plane, which allows **15 requests per second
 * per account and region, in total, and cannot be raised** (ListEventSourceMappings,
 * UpdateEventSourceMapping and every other non-invoke Lambda API share it; deploys use it too).
 * A crowd on these routes must not starve that budget, or links could not be switched and
 * CloudFormation could not update the functions.
 *
 * The budget, per region: 9 requests/s for `/status`, 4 for the admin route, 2 left for
 * deploys, repair (N-1 lists every 10 minutes) and the console.
 * - `GET /status` lists the ingest mapping of every link of the mesh: N-1 calls in **each** region
 *   per call, wherever it is called. With every region serving `r` calls/s, each region's control
 *   plane sees N·(N-1)·r calls/s, so r = 9 / (N·(N-1)): 4.5/s for 2 regions, 1.5/s for 3, 0.75/s
 *   for 4. (The GUI polls every region's `/status` every 2 s: 0.5/s per open GUI.) `/status` also
 *   digests the table (a scan of the bucket index), another reason to keep it rare.
 * - The admin route lists one mapping then updates it, both in its own region: 2 calls, so
 *   2 calls/s. A mapping takes seconds to settle anyway (updates meanwhile are refused as busy).
 * - Bursts: 5 for `/status` (a GUI's first load); for the admin route max(5, N-1), so isolating a
 *   region (N-1 links into it switched at once) fits in one burst.
 *
 * @example
 * ```ts
 * import { routeThrottles } from './route-throttles.ts';
 * routeThrottles(3); // { 'GET /status': { rateLimit: 1.5, burstLimit: 5 }, 'PUT /admin/links/{from}/{to}': { rateLimit: 2, burstLimit: 5 } }
 * ```
 */
import { API_ROUTES, STATUS_ROUTE_KEY, routeKey } from './api-routes.ts';

/** Lambda's control-plane quota per account and region (requests per second); fixed by AWS. */
export const LAMBDA_CONTROL_PLANE_RPS = 15;
/** The shares of that quota the two routes may use, per region. */
export const CONTROL_PLANE_SHARE = { status: 9, admin: 4 } as const;
/** Control-plane calls per admin request: one ListEventSourceMappings, one UpdateEventSourceMapping. */
const CALLS_PER_ADMIN_REQUEST = 2;

export interface RouteThrottle {
  /** Steady requests per second (API Gateway takes fractions). */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The throttles of `/status` and of every admin route for a mesh of `regions` regions, by route key.
 * @example routeThrottles(4)['GET /status']; // { rateLimit: 0.75, burstLimit: 5 }
 */
export function routeThrottles(regions: number): Record<string, RouteThrottle> {
  if (!Number.isInteger(regions) || regions < 2) throw new Error(`a mesh has at least 2 regions (got ${regions})`);
  // Three decimals (API Gateway takes a double); rounding down keeps the sum inside the share.
  const status = { rateLimit: Math.floor((CONTROL_PLANE_SHARE.status / (regions * (regions - 1))) * 1000) / 1000, burstLimit: 5 };
  const admin = { rateLimit: CONTROL_PLANE_SHARE.admin / CALLS_PER_ADMIN_REQUEST, burstLimit: Math.max(5, regions - 1) };
  return {
    [STATUS_ROUTE_KEY]: status,
    ...Object.fromEntries(API_ROUTES.filter((r) => r.access === 'admin').map((r) => [routeKey(r), admin])),
  };
}
