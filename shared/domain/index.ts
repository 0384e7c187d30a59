/**
 * The pure domain of the mesh, in one import. No I/O and no AWS SDK: everything here is a
 * function of its arguments, which is what lets every region compute the same answers.
 *
 * @example
 * ```ts
 * import { createEvent, registerView, accountView, HybridClock } from '../shared/domain/index.ts';
 * ```
 */
export type * from './types.ts';
export * from './errors.ts';
export * from './canonical.ts';
export * from './limits.ts';
export * from './hlc.ts';
export * from './event.ts';
export * from './heads.ts';
export * from './register.ts';
export * from './bank.ts';
export * from './trail.ts';
export * from './digest.ts';
export * from './fold.ts';
export * from './escrow-event.ts';
export * from './escrow-errors.ts';
export * from './escrow.ts';
export * from './escrow-spendable.ts';
export * from './escrow-demand.ts';
export * from './escrow-statement.ts';
export * from './rebalance.ts';
export * from './account-mode.ts';
