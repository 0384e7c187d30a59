/**
 * Factories for final reads, so checker tests state only what differs between regions.
 *
 * @example
 * ```ts
 * import { regionFinal, finalReads } from '../support/final-factory.ts';
 * const f = finalReads(regionFinal('us-east-1', { registers: { k: reg(1, ['e1']) } }));
 * ```
 */
import type { EventKind, JsonValue } from '../../../shared/domain/types.ts';
import type { FinalAccount, FinalEvent, FinalReads, FinalRegister, RegionFinal } from '../../../jepsen/final-state.ts';

export function regionFinal(region: string, overrides: Partial<RegionFinal> = {}): RegionFinal {
  return { region, time: 0, registers: {}, histories: {}, accounts: {}, found: {}, ...overrides };
}

export function finalReads(...regions: RegionFinal[]): FinalReads {
  return { regions, attempts: 1, settledMs: 0 };
}

export function reg(value: JsonValue, heads: string[]): FinalRegister {
  return { found: true, value, deleted: false, heads, winner: heads.at(-1) };
}

export function ev(id: string, kind: EventKind, payload: JsonValue, hlc: string, origin = 'us-east-1'): FinalEvent {
  return { id, kind, payload, hlc, origin };
}

export function acct(balance: number, bounced: Array<{ id: string; amount: number }> = []): FinalAccount {
  return { balance, bounced, reversed: [] };
}
