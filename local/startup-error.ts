/**
 * A reason the local cloud cannot start that a person can fix (no Java, a port taken): `npm start`
 * prints its message alone, without a stack trace, and exits non-zero.
 *
 * @example
 * ```ts
 * import { StartupError } from './startup-error.ts';
 * throw new StartupError('the SQS port 9324 is taken: pick another with --sqs-port N');
 * ```
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
