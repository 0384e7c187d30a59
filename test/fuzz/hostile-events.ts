/**
 * Hostile events, and a way to deliver them as a peer would: straight onto a link's inbound SQS
 * queue, through the same SqsTransport the replicator sends with (so the body encoding and the
 * `sender` attribute are a real peer's). Each event is hashed correctly unless the case is about
 * the hash, so it is refused for what it claims, not for being malformed.
 *
 * @example
 * ```ts
 * import { farFuture, sendAsPeer } from './hostile-events.ts';
 * await sendAsPeer(mesh, 'us-east-1', 'eu-west-1', [farFuture('us-east-1', 'k', MAX_HLC_WALL)]);
 * ```
 */
import { SqsTransport } from '../../shared/adapters/sqs-transport.ts';
import { computeId } from '../../shared/domain/event.ts';
import { formatHlc, MAX_HLC_COUNTER } from '../../shared/domain/hlc.ts';
import type { JsonValue, MeshEvent, UnsignedEvent } from '../../shared/domain/types.ts';
import type { Mesh } from '../../local/cloud.ts';
import { setEvent } from '../support/factories.ts';

/** An event with the right id for whatever content it has, valid or not (nothing is checked). */
export function hashed(u: UnsignedEvent): MeshEvent {
  return { ...u, parents: [...u.parents].sort(), id: computeId({ ...u, parents: [...u.parents].sort() }) };
}

/** A `set` of `key` stamped now by `origin`. */
export function fresh(origin: string, key: string, value: JsonValue = 'v', parents: readonly string[] = []): MeshEvent {
  return setEvent(key, value, { origin, wall: Date.now(), parents });
}

/** A valid event whose content was altered after it was hashed. */
export function wrongHash(origin: string, key: string): MeshEvent {
  return { ...fresh(origin, key, 'signed'), payload: 'altered' };
}

/** A valid, correctly hashed event stamped at wall time `wall` (the largest counter, as a clock racing ahead would). */
export function farFuture(origin: string, key: string, wall: number): MeshEvent {
  return setEvent(key, 'from the future', { origin, hlc: formatHlc({ wall, counter: MAX_HLC_COUNTER }) });
}

/** `n` concurrent roots of `key` (no parents, distinct values), all from `origin`. */
export function roots(origin: string, key: string, n: number): MeshEvent[] {
  const wall = Date.now();
  return Array.from({ length: n }, (_, i) => setEvent(key, `root ${i}`, { origin, wall, counter: i }));
}

/** A correctly hashed `set` whose payload is `bytes` long, over the protocol's value limit. */
export function hugePayload(origin: string, key: string, bytes: number): MeshEvent {
  return hashed({ kind: 'set', key, payload: 'x'.repeat(bytes), hlc: formatHlc({ wall: Date.now(), counter: 0 }), origin, parents: [] });
}

/** Random event ids: parents that were never written anywhere. */
export function neverWritten(n: number): string[] {
  return Array.from({ length: n }, () => Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join(''));
}

/**
 * Puts `events` on the inbound queue of the link `from -> to` as `from`'s replicator would;
 * throws if the queue refused any.
 */
export async function sendAsPeer(mesh: Mesh, from: string, to: string, events: readonly MeshEvent[]): Promise<void> {
  const transport = new SqsTransport({ sqs: mesh.sqsClient(to), region: from, queueUrls: { [to]: mesh.queue(from, to).url } });
  const { failed } = await transport.send(to, events);
  if (failed.length > 0) throw new Error(`the queue ${from} -> ${to} refused ${failed.length} event(s)`);
}
