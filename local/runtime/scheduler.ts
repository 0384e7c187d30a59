/**
 * The local EventBridge schedule: runs a job every `intervalMs`, never two runs at once (a slow
 * run delays the next instead of piling up), and `stop()` waits for the run in hand.
 *
 * @example
 * ```ts
 * import { Schedule } from './scheduler.ts';
 * const schedule = new Schedule(60_000, () => repair(), (e) => console.error(e));
 * schedule.start();
 * await schedule.stop();
 * ```
 */
import { Sleeper } from './sleep.ts';

export class Schedule {
  readonly #intervalMs: number;
  readonly #job: () => Promise<unknown>;
  readonly #onError: (err: unknown) => void;
  readonly #sleeper = new Sleeper();
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(intervalMs: number, job: () => Promise<unknown>, onError: (err: unknown) => void) {
    this.#intervalMs = intervalMs;
    this.#job = job;
    this.#onError = onError;
  }

  /** First run after one interval, as a rate schedule does. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        await this.#sleeper.sleep(this.#intervalMs);
        if (!this.#running) break;
        try {
          await this.#job();
        } catch (err) {
          this.#onError(err);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#sleeper.wake();
    await this.#loop;
  }
}
