/**
 * Backfill (scheduled, or invoked): a region that joined a running mesh copies every event of a
 * peer into its table, then runs one anti-entropy repair from every peer (see
 * `shared/app/backfill.ts` for how it pages, throttles, resumes and checks). Thin: it builds the
 * backfill from the environment and runs it within the invocation's time limit.
 *
 * - Which peers: `{ "from": ["eu-west-1"] }` in the invocation event, else `MESH_BACKFILL_FROM`.
 *   A peer named once is recorded in this region's table, so later runs — the schedule — continue
 *   it with no event and no variable; a region with nothing recorded does nothing (one Query).
 * - Time limit: it starts no page within `marginMs` (default 15 s) of the end of the invocation,
 *   and the next run continues from the saved position.
 * - Rate: at most `MESH_BACKFILL_RATE` events read per second (default: no cap).
 *
 * @example
 * ```ts
 * import { makeBackfillHandler } from './backfill.ts';
 * const backfill = makeBackfillHandler(deps, (peer) => peerStores[peer]);
 * const report = await backfill({ from: ['eu-west-1'] }); // { done: false, stopped: 'deadline', peers: { 'eu-west-1': { read: 51200, … } } }
 * ```
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Backfill } from '../shared/app/backfill.ts';
import type { BackfillReport } from '../shared/app/backfill.ts';
import { depsFromEnv, lazy, peerStoresFromEnv } from '../shared/app/env-deps.ts';
import type { RegionDeps } from '../shared/app/wiring.ts';
import { LambdaLinkControl } from '../shared/adapters/lambda-link-control.ts';
import type { EventStore } from '../shared/ports/event-store.ts';
import { makeRepairHandler } from './repair.ts';
import type { RepairHandler, RepairReport } from './repair.ts';

/** What an invocation may say: the peers to backfill from (a scheduled event says nothing). */
export interface BackfillEvent {
  readonly from?: readonly string[];
}

/** The part of the Lambda context the handler uses. */
export interface BackfillContext {
  getRemainingTimeInMillis(): number;
}

export type BackfillHandler = (event?: unknown, context?: BackfillContext) => Promise<BackfillReport>;

export interface BackfillHandlerOptions {
  readonly logger?: Logger;
  /** The anti-entropy run after the copy (default: this region's repair over `peerStores`). */
  readonly repair?: RepairHandler;
  /** Events a page (default 100). */
  readonly pageSize?: number;
  /** Events read per second at most (default `config.backfillRate`, else no cap). */
  readonly maxEventsPerSecond?: number;
  /** No page starts this close to the invocation's end (default 15 000 ms). */
  readonly marginMs?: number;
}

/**
 * True when a repair run reached every peer (pulled from it, even nothing): not skipped over a
 * cut link and not failed. Only then is a backfill's catch-up complete.
 *
 * @example
 * ```ts
 * reachedEveryPeer({ 'eu-west-1': { buckets: 0, pulled: 0, poison: 0, held: 0 } }); // true
 * reachedEveryPeer({ 'eu-west-1': { skipped: 'link-disabled' } });                    // false
 * ```
 */
export function reachedEveryPeer(report: RepairReport): boolean {
  return Object.values(report).every((r) => 'pulled' in r);
}

/** The peers an invocation names (`{ from: [...] }`), checked against this region's peers; undefined when it names none. */
function peersOf(event: unknown, peers: readonly string[]): string[] | undefined {
  const from = typeof event === 'object' && event !== null ? (event as BackfillEvent).from : undefined;
  if (from === undefined) return undefined;
  if (!Array.isArray(from) || from.some((p) => typeof p !== 'string' || !peers.includes(p))) {
    throw new Error(`backfill: "from" must list peers of this region (${peers.join(', ')}), got ${JSON.stringify(from).slice(0, 200)}`);
  }
  return [...new Set(from as string[])];
}

/** Builds the handler on injected dependencies (local cloud, tests). */
export function makeBackfillHandler(
  deps: Pick<RegionDeps, 'config' | 'store' | 'service' | 'links'>,
  peerStores: (peer: string) => EventStore | undefined,
  options: BackfillHandlerOptions = {},
): BackfillHandler {
  const logger = options.logger ?? new Logger({ serviceName: 'ecmesh-backfill' });
  const { config } = deps;
  const repair = options.repair ?? makeRepairHandler(deps, (peer) => peerStores(peer) as EventStore, { logger });
  const rate = options.maxEventsPerSecond ?? config.backfillRate;
  const backfill = new Backfill({
    region: config.region,
    store: deps.store,
    ingest: (items) => deps.service.ingestBatch(items),
    source: peerStores,
    antiEntropy: async () => {
      const report = await repair();
      const reached = reachedEveryPeer(report);
      if (!reached) logger.warn('anti-entropy after the backfill did not reach every peer; the next run tries again', { report });
      return reached;
    },
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(rate === undefined ? {} : { maxEventsPerSecond: rate }),
    log: (message, fields) => logger.warn(message, fields),
  });
  const marginMs = options.marginMs ?? 15_000;

  return async (event, context) => {
    const from = peersOf(event, config.peers) ?? config.backfillFrom ?? [];
    if (from.length > 0) await backfill.begin(from);
    const deadline = context === undefined ? undefined : Date.now() + context.getRemainingTimeInMillis() - marginMs;
    const report = await backfill.run(deadline === undefined ? {} : { deadline });
    if (Object.keys(report.peers).length > 0) logger.info('backfill run', { ...report });
    return report;
  };
}

const defaultHandler = lazy(() => {
  // The same link control as the admin route: the anti-entropy run honours a cut link.
  const deps = depsFromEnv(process.env, LambdaLinkControl.fromEnv(process.env));
  return makeBackfillHandler(deps, peerStoresFromEnv(deps.config.meshName, process.env));
});

/** The Lambda entry point (EventBridge schedule, or an invocation `{ "from": [peer, …] }`). */
export const handler = async (event: unknown, context: BackfillContext): Promise<BackfillReport> => (await defaultHandler())(event, context);
