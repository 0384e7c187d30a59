/**
 * A sleep that a poller can cut short when it is disabled or stopped, so `disable()` never waits
 * for an idle pause to run out, and when there is something to deliver (a doorbell). A wake that
 * comes while nobody sleeps is kept for the next sleep, so a nudge during a poll is never lost.
 *
 * @example
 * ```ts
 * import { Sleeper } from './sleep.ts';
 * const sleeper = new Sleeper();
 * setTimeout(() => sleeper.wake(), 10);
 * await sleeper.sleep(60_000); // returns after ~10 ms
 * ```
 */
export class Sleeper {
  #wake: (() => void) | undefined;
  #pending = false;

  /** Resolves after `ms` or at the next `wake()`, whichever comes first (at once if a wake came since the last sleep). */
  sleep(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  /** Ends the current sleep, or the next one if nobody sleeps now. */
  wake(): void {
    if (this.#wake === undefined) this.#pending = true;
    else this.#wake();
  }
}
