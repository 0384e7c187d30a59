/**
 * The sequential specification of one register, for the linearizability search: a write always
 * succeeds and sets the value; a read succeeds only if it returns the current value. The initial
 * value is `null` (a read of a key that has no value returns `null`, as the mesh's 404 does).
 *
 * Values are compared by their JSON text, so states are plain strings and cheap to memoise.
 *
 * @example
 * ```ts
 * import { registerStep, REGISTER_INIT } from './register-model.ts';
 * const s = registerStep(REGISTER_INIT, { f: 'write', value: '3' }); // '3'
 * registerStep(s!, { f: 'read', value: 'null' }); // undefined: a read of nil after write 3 is illegal
 * ```
 */

/** A register operation as the model sees it: the value is the JSON text written or read. */
export interface RegisterCall {
  readonly f: 'read' | 'write';
  readonly value: string;
}

/**
 * The initial state: no value.
 *
 * @example
 * ```ts
 * registerStep(REGISTER_INIT, { f: 'read', value: 'null' }); // 'null': a fresh key reads as nil
 * ```
 */
export const REGISTER_INIT = 'null';

/**
 * Apply `call` in `state`: the next state, or `undefined` when the call is impossible there.
 *
 * @example
 * ```ts
 * registerStep('null', { f: 'read', value: 'null' }); // 'null'
 * ```
 */
export function registerStep(state: string, call: RegisterCall): string | undefined {
  if (call.f === 'write') return call.value;
  return call.value === state ? state : undefined;
}
