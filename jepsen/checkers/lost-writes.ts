/**
 * No lost writes: every write the mesh acknowledged (an `ok` completion carrying the event id of
 * the stored event) is, at the end, in every region's history of its key (or found by id there).
 *
 * @example
 * ```ts
 * import { checkLostWrites } from './lost-writes.ts';
 * const v = checkLostWrites(history, final);
 * v.details.lost; // [{ eventId, key, f, region }] — empty when valid
 * ```
 */
import type { Op } from '../history.ts';
import type { FinalReads } from '../final-state.ts';
import { listedIds } from '../final-state.ts';
import type { Verdict } from './verdict.ts';

export interface LostWrite {
  readonly eventId: string;
  readonly key: string;
  readonly f: string;
  /** Region that acknowledged it. */
  readonly acknowledgedBy: string | undefined;
  /** Region where it is missing. */
  readonly missingIn: string;
  /** History index of the acknowledgement. */
  readonly index: number;
}

export interface LostWritesDetails {
  readonly acknowledged: number;
  readonly regions: readonly string[];
  readonly unreadable: readonly string[];
  readonly lost: readonly LostWrite[];
  /** Acknowledged writes whose completion carried no event id (cannot be traced). */
  readonly untraceable: number;
}

const WRITES: ReadonlySet<string> = new Set(['write', 'deposit', 'withdraw']);

/**
 * Check that every acknowledged write reached every readable region.
 *
 * @example
 * ```ts
 * checkLostWrites(history, final).valid; // true | false | 'unknown'
 * ```
 */
export function checkLostWrites(history: readonly Op[], final: FinalReads): Verdict<LostWritesDetails> {
  const acked = history.filter((op) => op.type === 'ok' && op.process !== 'nemesis' && WRITES.has(op.f));
  const traced = acked.filter((op) => op.eventId !== undefined);
  const readable = final.regions.filter((r) => r.error === undefined);
  const unreadable = final.regions.filter((r) => r.error !== undefined).map((r) => r.region);
  const lost: LostWrite[] = [];
  for (const r of readable) {
    const ids = listedIds(r);
    for (const op of traced) {
      const id = op.eventId as string;
      if (ids.has(id) || r.found[id] === true) continue;
      lost.push({ eventId: id, key: op.key ?? '', f: op.f, acknowledgedBy: op.region, missingIn: r.region, index: op.index });
    }
  }
  const details = {
    acknowledged: acked.length, regions: final.regions.map((r) => r.region), unreadable, lost, untraceable: acked.length - traced.length,
  };
  if (lost.length > 0) {
    const distinct = new Set(lost.map((l) => l.eventId)).size;
    const l = lost[0] as LostWrite;
    return {
      checker: 'lost-writes', valid: false,
      explanation: `Lost writes: ${distinct} of ${traced.length} acknowledged writes are missing from at least one region; ` +
        `e.g. ${l.f} on ${l.key} acknowledged by ${l.acknowledgedBy ?? '?'} (event ${l.eventId.slice(0, 12)}…, history #${l.index}) is not in ${l.missingIn}.`,
      details,
    };
  }
  if (unreadable.length > 0 || readable.length === 0 || details.untraceable > 0) {
    return {
      checker: 'lost-writes', valid: 'unknown',
      explanation: `Undecided: ${unreadable.length > 0 ? `could not read ${unreadable.join(', ')}` : readable.length === 0 ? 'no region was read' : `${details.untraceable} acknowledged writes carried no event id`}; ` +
        `the ${traced.length} traceable acknowledged writes are in every readable region.`,
      details,
    };
  }
  return {
    checker: 'lost-writes', valid: true,
    explanation: `No lost writes: all ${traced.length} acknowledged writes are in every one of the ${readable.length} regions.`,
    details,
  };
}
