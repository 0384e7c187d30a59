/**
 * Streams: the namespaces a region's events live in. Every event belongs to exactly one stream,
 * and heads, history and the LWW winner are per stream. Register keys and account ids are
 * separate namespaces, so a key `x` and an account `x` never share heads.
 *
 * The stream id doubles as the DynamoDB partition key (see `shared/adapters/dynamo-schema.ts`).
 *
 * @example
 * ```ts
 * import { registerStream, accountStream, streamOf } from './stream.ts';
 * registerStream('colour'); // 'R#colour'
 * accountStream('alice');   // 'A#alice'
 * escrowStream('alice');    // 'E#alice': an escrow account is a stream of its own
 * ```
 */
import { isEscrowKind } from '../domain/escrow-event.ts';
import type { MeshEvent } from '../domain/types.ts';

/** `R#<key>` for registers, `A#<account>` for plain money, `E#<account>` for escrow money. */
export type StreamId = `R#${string}` | `A#${string}` | `E#${string}`;

/** The stream of a register key. */
export function registerStream(key: string): StreamId {
  return `R#${key}`;
}

/** The stream of an account. */
export function accountStream(account: string): StreamId {
  return `A#${account}`;
}

/** The stream of an escrow account: apart from a plain account of the same id, so neither can change how the other's events read. */
export function escrowStream(account: string): StreamId {
  return `E#${account}`;
}

/** The stream an event belongs to, from its kind. */
export function streamOf(event: Pick<MeshEvent, 'kind' | 'key'>): StreamId {
  if (isEscrowKind(event.kind)) return escrowStream(event.key);
  return event.kind === 'deposit' || event.kind === 'withdraw' ? accountStream(event.key) : registerStream(event.key);
}

/** Splits a stream id into its namespace and key; `undefined` when it is not a stream id. */
export function parseStream(stream: string): { namespace: 'register' | 'account' | 'escrow'; key: string } | undefined {
  if (stream.startsWith('R#')) return { namespace: 'register', key: stream.slice(2) };
  if (stream.startsWith('A#')) return { namespace: 'account', key: stream.slice(2) };
  if (stream.startsWith('E#')) return { namespace: 'escrow', key: stream.slice(2) };
  return undefined;
}
