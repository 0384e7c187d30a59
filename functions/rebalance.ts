/**
 * The escrow rebalancer (scheduled: an EventBridge rule in AWS, the local cloud's scheduler
 * locally): one tick of {@link RegionService.rebalance} over every escrow account of this region.
 * For each it updates this region's want from its spending and issues the transfers of rights the
 * rebalancing policy (`shared/domain/rebalance.ts`) assigns it, to peers its links reach now.
 * Each transfer is decided and checked on the account's current state like any debit, so a tick
 * racing a withdrawal never spends a right twice. A tick stops at its deadline (the next one
 * carries on) and an account that fails is reported without stopping the others.
 *
 * @example
 * ```ts
 * import { makeRebalanceHandler } from './rebalance.ts';
 * const rebalance = makeRebalanceHandler(deps);
 * const report = await rebalance();
 * // { region: 'eu-west-1', reachable: ['us-east-1'], accounts: 12, requests: 1, transfers: 2, moved: 340, errors: [], complete: true }
 * ```
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { LambdaLinkControl } from '../shared/adapters/lambda-link-control.ts';
import type { TickReport } from '../shared/app/answers.ts';
import { depsFromEnv, lazy } from '../shared/app/env-deps.ts';
import type { RegionDeps } from '../shared/app/wiring.ts';

export interface RebalanceHandlerOptions {
  readonly logger?: Logger;
  /** How long a tick may run before it stops between accounts (default 50 s, under the function's 60 s timeout). */
  readonly budgetMs?: number;
}

export type RebalanceHandler = () => Promise<TickReport>;

/** Builds the handler on injected dependencies (local cloud, tests). */
export function makeRebalanceHandler(deps: Pick<RegionDeps, 'service' | 'clock'>, options: RebalanceHandlerOptions = {}): RebalanceHandler {
  const logger = options.logger ?? new Logger({ serviceName: 'ecmesh-rebalance' });
  const budgetMs = options.budgetMs ?? 50_000;
  return async () => {
    const report = await deps.service.rebalance({ deadline: deps.clock.now() + budgetMs });
    if (report.transfers > 0 || report.requests > 0) logger.info('rebalanced', { ...report });
    if (report.errors.length > 0) logger.error('accounts not rebalanced', { errors: report.errors.slice(0, 20), count: report.errors.length });
    if (!report.complete) logger.warn('tick cut short by its deadline: the next one carries on', { accounts: report.accounts });
    return report;
  };
}

/** Links are the ingest functions' event source mappings across the mesh (which peers it can deliver to). */
const defaultHandler = lazy(() => makeRebalanceHandler(depsFromEnv(process.env, LambdaLinkControl.fromEnv(process.env))));

/** The Lambda entry point (EventBridge schedule): dependencies from the environment, built on the first run. */
export const handler = async (): Promise<TickReport> => (await defaultHandler())();
