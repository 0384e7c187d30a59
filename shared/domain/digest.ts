/**
 * Anti-entropy digests. Event ids are spread over buckets by their leading hex digits; each
 * bucket is summarised by a count and the sum of a 48-bit weight of each id (hex digits 9–20, so
 * independent of the bucket digits). Count and sum are order-independent, and — unlike an XOR —
 * a store can maintain them with plain atomic additions (DynamoDB `ADD`) in the same write that
 * stores the event, so a digest costs O(buckets) to read instead of a scan of every id. Two
 * regions compare 64 small entries, then exchange only the ids of the buckets that differ.
 *
 * A difference can hide only if two different sets of ids have the same count and weight sum in
 * a bucket: for the sets replication produces (one holds ids the other lacks) that needs a
 * 48-bit collision.
 *
 * @example
 * ```ts
 * import { digestOf, diffDigests } from './digest.ts';
 * const mine = digestOf(myIds);
 * const theirs = digestOf(peerIds);
 * diffDigests(mine, theirs); // e.g. [3, 41]: buckets to reconcile
 * ```
 */
import { ValidationError } from './errors.ts';
import { isEventId } from './event.ts';
import type { Digest, DigestEntry } from './types.ts';

/**
 * Buckets per digest: enough to narrow a difference down to ~1/64 of the ids, small enough to
 * send in every repair round.
 *
 * @example
 * ```ts
 * digestOf(ids).entries.length === DEFAULT_BUCKETS; // true
 * ```
 */
export const DEFAULT_BUCKETS = 64;

/** Largest bucket count: bucketOf reads 8 hex digits (32 bits) of the id. */
export const MAX_BUCKETS = 2 ** 32;

function checkBuckets(buckets: number): void {
  if (!Number.isSafeInteger(buckets) || buckets < 1 || buckets > MAX_BUCKETS) {
    throw new ValidationError('bad-request', `buckets: must be an integer in 1..${MAX_BUCKETS}, got ${String(buckets)}`);
  }
}

function checkId(id: string): void {
  if (!isEventId(id)) throw new ValidationError('invalid-event', `digest: ${JSON.stringify(id)} is not an event id (64 lower-case hex)`);
}

/**
 * The bucket of an event id: its first 8 hex digits as an integer, modulo `buckets`. SHA-256 ids
 * are uniform, so buckets are balanced. Throws `ValidationError` on a malformed id or count.
 *
 * @example
 * ```ts
 * bucketOf('00000003' + '0'.repeat(56), 64); // 3
 * ```
 */
export function bucketOf(id: string, buckets: number = DEFAULT_BUCKETS): number {
  checkBuckets(buckets);
  checkId(id);
  return Number.parseInt(id.slice(0, 8), 16) % buckets;
}

/**
 * The weight an id adds to its bucket's sum: hex digits 9–20 (48 bits) as an integer. A safe
 * integer, so a store can `ADD` it exactly; sums are kept as decimal strings.
 *
 * @example
 * ```ts
 * digestWeight('00000000' + '000000000001' + '0'.repeat(44)); // 1
 * ```
 */
export function digestWeight(id: string): number {
  checkId(id);
  return Number.parseInt(id.slice(8, 20), 16);
}

/**
 * A digest with every bucket empty.
 *
 * @example
 * ```ts
 * emptyDigest(2); // { buckets: 2, entries: [{ count: 0, sum: '0' }, { count: 0, sum: '0' }] }
 * ```
 */
export function emptyDigest(buckets: number = DEFAULT_BUCKETS): Digest {
  checkBuckets(buckets);
  return { buckets, entries: Array.from({ length: buckets }, () => ({ count: 0, sum: '0' })) };
}

/**
 * The digest of a set of ids: per bucket, the count and the weight sum of the distinct ids in it.
 * Order-independent; a duplicate id counts once (a replayed delivery must not look like a
 * difference). Throws `ValidationError` on a malformed id.
 *
 * @example
 * ```ts
 * digestOf([a, b]);       // deep-equals digestOf([b, a, a])
 * digestOf([], 4).buckets; // 4
 * ```
 */
export function digestOf(ids: Iterable<string>, buckets: number = DEFAULT_BUCKETS): Digest {
  checkBuckets(buckets);
  const cells: DigestCell[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    cells.push({ bucket: bucketOf(id, buckets), count: 1, sum: String(digestWeight(id)) });
  }
  return digestOfCells(cells, buckets);
}

/**
 * A partial count and sum of one bucket, as a store keeps them (several cells may share a
 * bucket: stores stripe hot buckets over cells so concurrent appends do not contend).
 *
 * @example
 * ```ts
 * const cell: DigestCell = { bucket: 3, count: 2, sum: '281474976710655' };
 * ```
 */
export interface DigestCell {
  readonly bucket: number;
  readonly count: number;
  /** Decimal integer string (sums outgrow 2^53). */
  readonly sum: string;
}

/**
 * Adds cells up into a digest; cells of the same bucket add together. Throws `ValidationError`
 * on a bucket out of range or a sum that is not a non-negative decimal integer.
 *
 * @example
 * ```ts
 * digestOfCells([{ bucket: 0, count: 1, sum: '5' }, { bucket: 0, count: 2, sum: '7' }], 1).entries[0]; // { count: 3, sum: '12' }
 * ```
 */
export function digestOfCells(cells: Iterable<DigestCell>, buckets: number = DEFAULT_BUCKETS): Digest {
  checkBuckets(buckets);
  const counts = new Map<number, number>();
  const sums = new Map<number, bigint>();
  for (const c of cells) {
    if (!Number.isSafeInteger(c.bucket) || c.bucket < 0 || c.bucket >= buckets) {
      throw new ValidationError('bad-request', `digest cell: bucket ${String(c.bucket)} is not in 0..${buckets - 1}`);
    }
    if (typeof c.sum !== 'string' || !/^\d{1,40}$/.test(c.sum) || !Number.isSafeInteger(c.count) || c.count < 0) {
      throw new ValidationError('bad-request', `digest cell: count and sum must be non-negative integers, got ${String(c.count)} and ${String(c.sum)}`);
    }
    counts.set(c.bucket, (counts.get(c.bucket) ?? 0) + c.count);
    sums.set(c.bucket, (sums.get(c.bucket) ?? 0n) + BigInt(c.sum));
  }
  const entries: DigestEntry[] = [];
  for (let b = 0; b < buckets; b++) entries.push({ count: counts.get(b) ?? 0, sum: String(sums.get(b) ?? 0n) });
  return { buckets, entries };
}

/**
 * Indexes of the buckets whose count or sum differ, ascending. Throws `ValidationError` when the
 * digests have different bucket counts (they partition ids differently and cannot be compared).
 *
 * @example
 * ```ts
 * diffDigests(digestOf(ids), digestOf(ids));      // []
 * diffDigests(digestOf([], 64), digestOf([], 32)); // throws
 * ```
 */
export function diffDigests(a: Digest, b: Digest): number[] {
  if (a.buckets !== b.buckets || a.entries.length !== a.buckets || b.entries.length !== b.buckets) {
    throw new ValidationError('bad-request', `digests are not comparable: ${a.buckets} buckets (${a.entries.length} entries) vs ${b.buckets} (${b.entries.length})`);
  }
  const out: number[] = [];
  for (let i = 0; i < a.buckets; i++) {
    const x = a.entries[i];
    const y = b.entries[i];
    if (x?.count !== y?.count || x?.sum !== y?.sum) out.push(i);
  }
  return out;
}
