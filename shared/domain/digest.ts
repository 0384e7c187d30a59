/**
 * Anti-entropy digests. Event ids are spread over buckets by their leading hex digits; each
 * bucket is summarised by a count and the XOR of its ids. XOR and count are order-independent
 * and cheap to maintain, so two regions compare 64 small entries instead of their whole stores,
 * and then exchange only the ids of the buckets that differ.
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

/**
 * XOR of nothing: 64 zero hex digits (an empty bucket's `xor`).
 *
 * @example
 * ```ts
 * emptyDigest(4).entries[0]?.xor === ZERO_XOR; // true
 * ```
 */
export const ZERO_XOR = '0'.repeat(64);

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
 * XOR of two 64-hex strings, as 64 hex digits: for stores that keep a bucket's digest up to date
 * on every append instead of recomputing it.
 *
 * @example
 * ```ts
 * xorHex(ZERO_XOR, id) === id; // true
 * xorHex(id, id) === ZERO_XOR; // true
 * ```
 */
export function xorHex(a: string, b: string): string {
  checkId(a);
  checkId(b);
  let out = '';
  for (let i = 0; i < 64; i += 8) {
    const x = (Number.parseInt(a.slice(i, i + 8), 16) ^ Number.parseInt(b.slice(i, i + 8), 16)) >>> 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out;
}

/**
 * A digest with every bucket empty.
 *
 * @example
 * ```ts
 * emptyDigest(2); // { buckets: 2, entries: [{ count: 0, xor: '00…' }, { count: 0, xor: '00…' }] }
 * ```
 */
export function emptyDigest(buckets: number = DEFAULT_BUCKETS): Digest {
  checkBuckets(buckets);
  return { buckets, entries: Array.from({ length: buckets }, () => ({ count: 0, xor: ZERO_XOR })) };
}

/**
 * The digest of a set of ids: per bucket, the count and the XOR of the distinct ids in it.
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
  // 8 words of 32 bits per bucket, allocated lazily: most digests in tests are sparse.
  const acc = new Map<number, { count: number; words: Uint32Array }>();
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const b = bucketOf(id, buckets);
    let slot = acc.get(b);
    if (slot === undefined) {
      slot = { count: 0, words: new Uint32Array(8) };
      acc.set(b, slot);
    }
    slot.count++;
    for (let w = 0; w < 8; w++) slot.words[w] = (slot.words[w] ?? 0) ^ Number.parseInt(id.slice(w * 8, w * 8 + 8), 16);
  }
  const entries: DigestEntry[] = [];
  for (let b = 0; b < buckets; b++) {
    const slot = acc.get(b);
    entries.push(slot === undefined ? { count: 0, xor: ZERO_XOR } : { count: slot.count, xor: [...slot.words].map((w) => w.toString(16).padStart(8, '0')).join('') });
  }
  return { buckets, entries };
}

/**
 * Indexes of the buckets whose count or XOR differ, ascending. Throws `ValidationError` when the
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
    if (x?.count !== y?.count || x?.xor !== y?.xor) out.push(i);
  }
  return out;
}
