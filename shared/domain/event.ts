/**
 * The event: the one immutable, content-addressed record everything else is derived from.
 * `id` = SHA-256 hex of `canonicalJson({kind,key,payload,hlc,origin,parents})`, so any region
 * can recompute it and refuse an event that was altered on the way (`parseEvent`).
 *
 * Total order: `(hlc, origin, id)`, compared as plain strings (code-unit order, never locale).
 *
 * @example
 * ```ts
 * import { createEvent, parseEvent } from './event.ts';
 * const e = createEvent({
 *   kind: 'set', key: 'colour', payload: 'blue',
 *   hlc: '000001732600000000-00000', origin: 'us-east-1', parents: [],
 * });
 * parseEvent(JSON.parse(JSON.stringify(e))); // the same event, verified
 * ```
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.ts';
import { HashMismatchError, ValidationError } from './errors.ts';
import { ESCROW_KINDS, isEscrowKind, validateEscrowPayload } from './escrow-event.ts';
import { isHlc } from './hlc.ts';
import { describe, LIMITS, validateAmount, validateKey, validateOrigin, validateValue } from './limits.ts';
import type { EscrowKind, EventKind, JsonValue, MeshEvent, MoneyKind, RegisterKind, UnsignedEvent } from './types.ts';

/**
 * Every kind, in a fixed order.
 *
 * @example
 * ```ts
 * EVENT_KINDS.includes('set'); // true
 * ```
 */
export const EVENT_KINDS: readonly EventKind[] = Object.freeze(['set', 'delete', 'resolve', 'deposit', 'withdraw', ...ESCROW_KINDS]);

/**
 * An event id: 64 lower-case hex digits (SHA-256).
 *
 * @example
 * ```ts
 * EVENT_ID_PATTERN.test('0'.repeat(64)); // true
 * ```
 */
export const EVENT_ID_PATTERN = /^[0-9a-f]{64}$/;

/** The fields of an event, in the order messages list them; `id` excluded (it is the hash). */
const UNSIGNED_FIELDS = ['kind', 'key', 'payload', 'hlc', 'origin', 'parents'] as const;
const EVENT_FIELDS: ReadonlySet<string> = new Set([...UNSIGNED_FIELDS, 'id']);

/**
 * True for `set`, `delete` and `resolve`: the kinds that act on a register's value.
 *
 * @example
 * ```ts
 * isRegisterKind('delete');  // true
 * isRegisterKind('deposit'); // false
 * ```
 */
export function isRegisterKind(kind: unknown): kind is RegisterKind {
  return kind === 'set' || kind === 'delete' || kind === 'resolve';
}

/**
 * True for `deposit` and `withdraw`: the kinds that act on an account's balance.
 *
 * @example
 * ```ts
 * isMoneyKind('withdraw'); // true
 * ```
 */
export function isMoneyKind(kind: unknown): kind is MoneyKind {
  return kind === 'deposit' || kind === 'withdraw';
}

/**
 * True when `s` is a well-formed event id.
 *
 * @example
 * ```ts
 * isEventId('abc'); // false
 * ```
 */
export function isEventId(s: unknown): s is string {
  return typeof s === 'string' && EVENT_ID_PATTERN.test(s);
}

/**
 * SHA-256 hex of the canonical JSON of the six content fields. Does not validate: use it on
 * events that are already known to be well-formed (or to see what the id of raw content is).
 *
 * @example
 * ```ts
 * computeId({ kind: 'deposit', key: 'acct', payload: 5, hlc, origin: 'eu-west-1', parents: [] });
 * ```
 */
export function computeId(u: UnsignedEvent): string {
  const content: JsonValue = {
    kind: u.kind,
    key: u.key,
    payload: u.payload,
    hlc: u.hlc,
    origin: u.origin,
    parents: [...u.parents],
  };
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

/**
 * Builds a new event: validates every field, sorts and dedupes `parents`, computes the id.
 * The result (and its `parents` array) is frozen: events are immutable. Throws `ValidationError`
 * (`invalid-key`, `invalid-value`, `value-too-large`, `invalid-amount` or `invalid-event`).
 *
 * @example
 * ```ts
 * const e = createEvent({ kind: 'delete', key: 'colour', payload: null, hlc, origin: 'us-east-1', parents: [head.id] });
 * ```
 */
export function createEvent(u: UnsignedEvent): MeshEvent {
  if (typeof u !== 'object' || u === null) throw new ValidationError('invalid-event', `event: must be an object, got ${describe(u)}`);
  if (!Array.isArray(u.parents)) throw new ValidationError('invalid-event', `event.parents: must be an array, got ${describe(u.parents)}`);
  const parents = [...new Set(u.parents)].sort();
  const content = checkContent({ ...u, parents });
  return freeze({ ...content, id: computeId(content) });
}

/**
 * Validates untrusted input (a queue message, a peer's response, a stored item) as an event:
 * exactly the seven fields, each well-formed, `parents` sorted and unique, and `id` equal to the
 * hash of the content. Returns a fresh frozen copy. Throws `ValidationError('invalid-event' or a
 * more precise code)` naming the field, or `HashMismatchError` when the content was altered.
 *
 * @example
 * ```ts
 * const event = parseEvent(JSON.parse(message.body));
 * ```
 */
export function parseEvent(raw: unknown): MeshEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError('invalid-event', `event: must be a JSON object, got ${describe(raw)}`);
  }
  const rec = raw as Record<string, unknown>;
  const extra = Object.keys(rec).filter((k) => !EVENT_FIELDS.has(k));
  if (extra.length > 0) throw new ValidationError('invalid-event', `event: unexpected field(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
  for (const f of [...UNSIGNED_FIELDS, 'id']) {
    if (!(f in rec) || rec[f] === undefined) throw new ValidationError('invalid-event', `event.${f}: is required`);
  }
  const parents = rec.parents;
  if (!Array.isArray(parents)) throw new ValidationError('invalid-event', `event.parents: must be an array, got ${describe(parents)}`);
  for (let i = 1; i < parents.length; i++) {
    // Strictly ascending: the id hashes parents in this order, so only one order is canonical.
    if (typeof parents[i - 1] === 'string' && typeof parents[i] === 'string' && !((parents[i - 1] as string) < (parents[i] as string))) {
      throw new ValidationError('invalid-event', `event.parents: must be sorted ascending without duplicates (at index ${i})`);
    }
  }
  const content = checkContent({
    kind: rec.kind as EventKind,
    key: rec.key as string,
    payload: rec.payload as JsonValue,
    hlc: rec.hlc as string,
    origin: rec.origin as string,
    parents: [...(parents as string[])],
  });
  const id = rec.id;
  if (!isEventId(id)) throw new ValidationError('invalid-event', `event.id: must be 64 lower-case hex digits, got ${describe(id)}`);
  const expected = computeId(content);
  if (expected !== id) throw new HashMismatchError(`event.id: ${id} does not match the content hash ${expected} (altered or corrupted event)`);
  return freeze({ ...content, id });
}

/**
 * True when `e` is a well-formed event whose id matches its content; never throws.
 *
 * @example
 * ```ts
 * verifyEvent(e);                          // true
 * verifyEvent({ ...e, payload: 'forged' }); // false
 * ```
 */
export function verifyEvent(e: unknown): boolean {
  try {
    parseEvent(e);
    return true;
  } catch {
    return false;
  }
}

/**
 * The total order `(hlc, origin, id)`: negative when `a` comes first. Code-unit string
 * comparison, so every region (and DynamoDB) agrees.
 *
 * @example
 * ```ts
 * [b, a].sort(compareEvents); // oldest first; the last one is the LWW winner
 * ```
 */
export function compareEvents(a: MeshEvent, b: MeshEvent): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.origin !== b.origin) return a.origin < b.origin ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/**
 * A string whose lexicographic order equals the total order: `${hlc}#${origin}#${id}`.
 * Correct because `hlc` is fixed width and `#` sorts below every character allowed in an origin,
 * so a shorter origin that is a prefix of a longer one still sorts first, as in `compareEvents`.
 *
 * @example
 * ```ts
 * eventSortKey(e); // '000001732600000000-00000#us-east-1#9f2c…'
 * ```
 */
export function eventSortKey(e: MeshEvent): string {
  return `${e.hlc}#${e.origin}#${e.id}`;
}

/**
 * The distinct events (by id) of `events`, in total order. The building block of every view:
 * it is what makes results independent of arrival order and duplicates.
 *
 * @example
 * ```ts
 * sortedUnique([b, a, b]); // [a, b]
 * ```
 */
export function sortedUnique(events: Iterable<MeshEvent>): MeshEvent[] {
  const byId = new Map<string, MeshEvent>();
  for (const e of events) if (!byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()].sort(compareEvents);
}

/** Checks the six content fields; returns them as a clean UnsignedEvent (no stray properties). */
function checkContent(u: UnsignedEvent): UnsignedEvent {
  const kind = u.kind as unknown;
  if (!EVENT_KINDS.includes(kind as EventKind)) {
    throw new ValidationError('invalid-event', `event.kind: must be one of ${EVENT_KINDS.join(', ')}, got ${describe(kind)}`);
  }
  const key = validateKey(u.key, isMoneyKind(kind) || isEscrowKind(kind) ? 'event.key (account)' : 'event.key');
  if (!isHlc(u.hlc)) throw new ValidationError('invalid-event', `event.hlc: must be a stamp like 000001732600000000-00000, got ${describe(u.hlc)}`);
  const origin = validateOrigin(u.origin, 'event.origin');
  const parents = u.parents;
  if (parents.length > LIMITS.maxParents) {
    throw new ValidationError('invalid-event', `event.parents: at most ${LIMITS.maxParents} allowed, got ${parents.length}`);
  }
  for (let i = 0; i < parents.length; i++) {
    if (!isEventId(parents[i])) throw new ValidationError('invalid-event', `event.parents[${i}]: must be an event id (64 lower-case hex), got ${describe(parents[i])}`);
  }
  let payload: JsonValue;
  switch (kind as EventKind) {
    case 'set':
    case 'resolve':
      payload = validateValue(u.payload, 'event.payload');
      break;
    case 'delete':
      if (u.payload !== null) throw new ValidationError('invalid-value', `event.payload: must be null for a delete, got ${describe(u.payload)}`);
      payload = null;
      break;
    case 'deposit':
    case 'withdraw':
      payload = validateAmount(u.payload, 'event.payload (amount)');
      break;
    default:
      payload = validateEscrowPayload(kind as EscrowKind, u.payload, origin);
  }
  return { kind: kind as EventKind, key, payload, hlc: u.hlc, origin, parents };
}

function freeze(e: MeshEvent): MeshEvent {
  Object.freeze(e.parents);
  return Object.freeze(e);
}
