/**
 * Group commit across streams: writes submitted while a commit is in flight go out together in
 * the next one, so concurrent local writes to different keys share a TransactWriteItems instead of
 * paying for one each (DynamoDB Local stores 8 writes in one transaction at about twice the rate
 * of 8 one-write transactions, `npm run bench:ops`). At most `maxInFlight` commits run at once;
 * a write that finds a slot free goes out at once, so a lone writer waits for nothing.
 *
 * A shared transaction is cancelled as a whole, so:
 * - a write whose own condition failed (its stream moved, its event was already stored) is
 *   answered "refused" and the caller reads again, as after any contention; the batch-mates only
 *   cancelled with it go out again in the next commit, at most `maxRetries` times before they
 *   too are answered "refused";
 * - a commit rejected as invalid (`isRejection`: nothing of it was stored) that held several
 *   writes is tried again one write per commit, so only the write at fault gets the error;
 * - any other error (a timeout, a 500: the commit may have been stored) is every write's answer,
 *   exactly as if each had been committed alone.
 * Two writes with the same `keyOf` never share a commit (DynamoDB refuses two operations on one
 * item in a transaction); the later one waits for a later commit.
 *
 * Only a process serving many requests at once batches anything: a Lambda instance serves one
 * request at a time, so there every commit holds one write, as before.
 *
 * @example
 * ```ts
 * import { CommitBatcher } from './commit-batcher.ts';
 * const batcher = new CommitBatcher(commitOne, { keyOf: (w) => w.stream });
 * const stored = await batcher.submit(write); // false: refused, read again and decide again
 * ```
 */

/** What became of one commit of several writes (`committed` and `refused` hold items of `writes`). */
export interface BatchOutcome<W> {
  readonly committed: readonly W[];
  /** Refused for their own sake (their condition failed); the rest of `writes` was cancelled with them. */
  readonly refused: readonly W[];
}

export interface CommitBatcherOptions<W> {
  /** What two writes must not share to go in one commit (for the events store: the stream). */
  readonly keyOf: (write: W) => string;
  /**
   * Whether `write` may join `batch` (which holds at least one write): for limits of one commit.
   * @default () => true
   */
  readonly fits?: (batch: readonly W[], write: W) => boolean;
  /**
   * An error that says the commit was refused as a whole and nothing of it stored (invalid
   * request): a commit of several writes that fails so is retried one write per commit.
   * @default () => false
   */
  readonly isRejection?: (e: unknown) => boolean;
  /**
   * Writes one commit takes at most; more wait for the next.
   * @default 32
   */
  readonly maxWrites?: number;
  /**
   * Times a write cancelled only because a batch-mate was refused goes out again before it is
   * answered "refused" itself.
   * @default 3
   */
  readonly maxRetries?: number;
  /**
   * Commits in flight at once. With more than one, a write that finds a slot free goes out at once
   * even while another commit is running.
   * @default 2
   */
  readonly maxInFlight?: number;
}

interface Queued<W> {
  readonly write: W;
  readonly key: string;
  retries: number;
  /** Goes out in a commit of its own (its shared commit was rejected as invalid). */
  alone: boolean;
  resolve(stored: boolean): void;
  reject(e: unknown): void;
}

export class CommitBatcher<W> {
  readonly #commit: (writes: readonly W[]) => Promise<BatchOutcome<W>>;
  readonly #keyOf: (write: W) => string;
  readonly #fits: (batch: readonly W[], write: W) => boolean;
  readonly #isRejection: (e: unknown) => boolean;
  readonly #maxWrites: number;
  readonly #maxRetries: number;
  readonly #maxInFlight: number;
  readonly #queue: Array<Queued<W>> = [];
  #inFlight = 0;

  constructor(commit: (writes: readonly W[]) => Promise<BatchOutcome<W>>, options: CommitBatcherOptions<W>) {
    this.#commit = commit;
    this.#keyOf = options.keyOf;
    this.#fits = options.fits ?? (() => true);
    this.#isRejection = options.isRejection ?? (() => false);
    this.#maxWrites = options.maxWrites ?? 32;
    this.#maxRetries = options.maxRetries ?? 3;
    this.#maxInFlight = options.maxInFlight ?? 2;
    for (const [name, value, min] of [['maxWrites', this.#maxWrites, 1], ['maxRetries', this.#maxRetries, 0], ['maxInFlight', this.#maxInFlight, 1]] as const) {
      if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
    }
  }

  /** Writes waiting for a commit (not counting those in flight). */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Commits `write` in the next commit that can take it; resolves true once it is stored, false
   * if it was refused (nothing of it was stored); rejects with the commit's error otherwise.
   */
  submit(write: W): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#queue.push({ write, key: this.#keyOf(write), retries: 0, alone: false, resolve, reject });
      this.#kick();
    });
  }

  #kick(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      this.#inFlight++;
      void this.#run(this.#take()).finally(() => {
        this.#inFlight--;
        this.#kick();
      });
    }
  }

  /** The next commit's writes, oldest first: the queue's head, and what may join it. */
  #take(): Array<Queued<W>> {
    const first = this.#queue.shift() as Queued<W>;
    const batch = [first];
    if (first.alone) return batch;
    const keys = new Set([first.key]);
    for (let i = 0; i < this.#queue.length && batch.length < this.#maxWrites; ) {
      const q = this.#queue[i] as Queued<W>;
      if (!q.alone && !keys.has(q.key) && this.#fits(batch.map((b) => b.write), q.write)) {
        batch.push(q);
        keys.add(q.key);
        this.#queue.splice(i, 1);
      } else i++;
    }
    return batch;
  }

  async #run(batch: Array<Queued<W>>): Promise<void> {
    let outcome: BatchOutcome<W>;
    try {
      outcome = await this.#commit(batch.map((q) => q.write));
    } catch (e) {
      if (batch.length > 1 && this.#isRejection(e)) {
        for (const q of batch) q.alone = true;
        this.#queue.unshift(...batch);
      } else for (const q of batch) q.reject(e);
      return;
    }
    const committed = new Set(outcome.committed);
    const refused = new Set(outcome.refused);
    const again: Array<Queued<W>> = [];
    for (const q of batch) {
      if (committed.has(q.write)) q.resolve(true);
      else if (refused.has(q.write) || q.retries >= this.#maxRetries) q.resolve(false);
      else {
        q.retries++;
        again.push(q);
      }
    }
    // Ahead of what queued meanwhile: they have waited longest.
    this.#queue.unshift(...again);
  }
}
