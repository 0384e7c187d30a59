/**
 * Which events one store holds that another lacks, found the way anti-entropy finds them: compare
 * the two digests (O(buckets)), then list the ids of the buckets that differ only. What the local
 * cloud checks before it lets a region leave: nothing the leaving region holds may be missing in
 * a region that stays.
 *
 * @example
 * ```ts
 * import { missingIds } from './missing-events.ts';
 * await missingIds(leaving.store, staying.store); // [] once everything arrived
 * ```
 */
import { diffDigests } from '../shared/domain/index.ts';
import type { EventStore } from '../shared/ports/event-store.ts';

/** Ids stored in `from` and not in `to`, sorted. */
export async function missingIds(from: EventStore, to: EventStore): Promise<string[]> {
  const [a, b] = await Promise.all([from.digest(), to.digest()]);
  const missing: string[] = [];
  for (const bucket of diffDigests(a, b)) {
    const [offered, have] = await Promise.all([from.idsInBucket(bucket), to.idsInBucket(bucket)]);
    const known = new Set(have);
    missing.push(...offered.filter((id) => !known.has(id)));
  }
  return missing.sort();
}
