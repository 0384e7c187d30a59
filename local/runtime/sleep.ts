/**
 * A sleep that a poller can cut short when it is disabled or stopped, so `disable()` never waits
 * for an idle pause to run out.
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

  /** Resolves after `ms` or at the next `wake()`, whichever comes first. */
  sleep(ms: number): Promise<void> {
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

  /** Ends the current sleep, if any. */
  wake(): void {
    this.#wake?.();
  }
}
