/**
 * What a region that joined the mesh remembers of its backfill from one peer: how far the copy of
 * the peer's events has come (bucket by bucket, id by id), how much it copied, and whether the
 * anti-entropy pass after the copy is done. It is kept in the new region's own table, so a
 * backfill that stops (a Lambda's time limit, a crash, `npm start` stopped) resumes where it was,
 * and `GET /status` shows it as the region catching up.
 *
 * Phases: `copy` (paging through the peer's events, bucket 0 to `buckets - 1`), then `repair`
 * (one anti-entropy run from every peer: whatever reached the mesh while the copy ran), then
 * `done`. A record only ever moves forward ({@link backfillPosition}): a save that would move it
 * back is refused, which is how a second, concurrent run of the same backfill finds out it is
 * behind and stops.
 *
 * @example
 * ```ts
 * import type { BackfillProgress } from './backfill-progress.ts';
 * const start: BackfillProgress = { peer: 'eu-west-1', phase: 'copy', bucket: 0, buckets: 64, read: 0, copied: 0, startedAt: Date.now(), updatedAt: Date.now() };
 * await store.saveBackfill(start); // true
 * ```
 */

/** Where a backfill is: copying the peer's events, the anti-entropy pass after the copy, or finished. */
export type BackfillPhase = 'copy' | 'repair' | 'done';

export interface BackfillProgress {
  /** The peer copied from. */
  readonly peer: string;
  readonly phase: BackfillPhase;
  /** The bucket being copied (of `buckets`); `buckets` once every bucket is copied. */
  readonly bucket: number;
  /** Buckets of the copy: the digest's (DEFAULT_BUCKETS), which the bucket index keys on. */
  readonly buckets: number;
  /** The last event id copied in `bucket` (the page cursor); absent at the start of a bucket. */
  readonly after?: string;
  /** Events read from the peer so far. */
  readonly read: number;
  /** Events this backfill stored here (the others were here already, e.g. delivered by a queue). */
  readonly copied: number;
  /** Wall ms when the backfill began, when this record was last saved, and when it finished. */
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly finishedAt?: number;
}

const PHASE_RANK: Readonly<Record<BackfillPhase, number>> = { copy: 0, repair: 1, done: 2 };

/**
 * A text that sorts like the progress of a backfill (phase, then bucket, then the id copied up
 * to): the store refuses a save whose position is below the stored one.
 *
 * @example
 * ```ts
 * backfillPosition({ phase: 'copy', bucket: 3, after: 'ab12…' }); // '0#0000000003#ab12…'
 * backfillPosition({ phase: 'done', bucket: 64 }) > backfillPosition({ phase: 'repair', bucket: 64 }); // true
 * ```
 */
export function backfillPosition(p: Pick<BackfillProgress, 'phase' | 'bucket' | 'after'>): string {
  return `${PHASE_RANK[p.phase]}#${String(p.bucket).padStart(10, '0')}#${p.after ?? ''}`;
}
