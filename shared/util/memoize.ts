/**
 * One value per key, made on first use: how the handlers keep one SDK client (or store, or
 * signer) per region instead of building a new one on every call.
 *
 * @example
 * ```ts
 * import { memoize } from '../shared/util/memoize.ts';
 * const sqsFor = memoize((region: string) => new SQSClient({ region }));
 * sqsFor('eu-west-1') === sqsFor('eu-west-1'); // true
 * ```
 */

/**
 * `make`, called at most once per key (by `Map` identity); later calls with that key answer the
 * first result. Not for async failures: a rejected promise stays cached (see `lazy` in
 * `shared/app/env-deps.ts` for a retried cold start).
 *
 * @example
 * ```ts
 * const square = memoize((n: number) => n * n);
 * square(3); // 9, computed; square(3) again: 9, cached
 * ```
 */
export function memoize<K, V>(make: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    if (made.has(key)) return made.get(key) as V;
    const value = make(key);
    made.set(key, value);
    return value;
  };
}
