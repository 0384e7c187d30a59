/**
 * Event factories for tests: valid, hashed events with sensible defaults, so a test states only
 * what it is about. Pass parent events (or ids) in `parents`; the default `hlc` is then just
 * above the greatest parent stamp, which is what a real writer's clock would issue.
 *
 * @example
 * ```ts
 * import { setEvent, deposit, withdraw, chain } from '../support/factories.ts';
 * const a = setEvent('colour', 'blue', { origin: 'us-east-1' });
 * const b = setEvent('colour', 'red', { parents: [a] });         // b.hlc > a.hlc
 * const d = deposit('acct', 100);
 * const w = withdraw('acct', 30, { parents: [d], origin: 'eu-west-1' });
 * const [x, y, z] = chain('k', ['v1', 'v2', 'v3']);
 * ```
 */
import { createEvent } from '../../shared/domain/event.ts';
import { formatHlc, parseHlc } from '../../shared/domain/hlc.ts';
import type { WallClock } from '../../shared/domain/hlc.ts';
import type { EventKind, JsonValue, MeshEvent, Receipt, ReceiptVia } from '../../shared/domain/types.ts';

/** Wall time (ms) of default stamps: 2024-11-26T05:46:40Z. @example `hlcAt(BASE_WALL)` */
export const BASE_WALL = 1_732_600_000_000;
/** Origin of events unless told. @example `setEvent('k', 1).origin === DEFAULT_ORIGIN` */
export const DEFAULT_ORIGIN = 'us-east-1';
/** The default three regions. @example `REGIONS[1] // 'eu-west-1'` */
export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;

/** Options every factory accepts. @example `setEvent('k', 1, { origin: 'eu-west-1', parents: [a] })` */
export interface EventOpts {
  /** Explicit stamp; wins over `wall`/`counter`. */
  readonly hlc?: string;
  /** Wall ms of the stamp (default: BASE_WALL, or just above the parents). */
  readonly wall?: number;
  readonly counter?: number;
  readonly origin?: string;
  /** Parent events or ids (sorted and deduped by createEvent). */
  readonly parents?: readonly (MeshEvent | string)[];
}

/** A stamp from wall ms and counter. @example `hlcAt(5, 1) // '000000000000000005-00001'` */
export function hlcAt(wall: number, counter = 0): string {
  return formatHlc({ wall, counter });
}

/** Stamp just above every parent event given (ids carry no stamp and are ignored). */
function defaultHlc(opts: EventOpts): string {
  if (opts.hlc !== undefined) return opts.hlc;
  if (opts.wall !== undefined || opts.counter !== undefined) return hlcAt(opts.wall ?? BASE_WALL, opts.counter ?? 0);
  let best = { wall: BASE_WALL, counter: 0 };
  let any = false;
  for (const p of opts.parents ?? []) {
    if (typeof p === 'string') continue;
    const h = parseHlc(p.hlc);
    if (!any || h.wall > best.wall || (h.wall === best.wall && h.counter >= best.counter)) best = h;
    any = true;
  }
  if (!any) return hlcAt(BASE_WALL);
  return best.counter < 99_999 ? hlcAt(best.wall, best.counter + 1) : hlcAt(best.wall + 1, 0);
}

/**
 * An event literal with a recognisable id (`'b'` gives 64 × `b`) and plain defaults, **not**
 * content-addressed: for client, CLI and GUI-shape tests that only carry events and never verify
 * a hash. Anything that stores or ingests events uses the hashed factories below.
 *
 * @example
 * ```ts
 * const winner = fakeEvent('b', { payload: 'blue', hlc: '000001732600000002-00000' }); // winner.id === 'b'.repeat(64)
 * ```
 */
export function fakeEvent(id: string, over: Partial<MeshEvent> = {}): MeshEvent {
  return { id: id.repeat(64).slice(0, 64), kind: 'set', key: 'colour', payload: 'blue', hlc: '000001732600000000-00000', origin: DEFAULT_ORIGIN, parents: [], ...over };
}

/** Builds any event from a partial description; every omitted field gets a valid default. @example `makeEvent({ kind: 'delete', key: 'k' })` */
export function makeEvent(partial: Partial<{ kind: EventKind; key: string; payload: JsonValue }> & EventOpts = {}): MeshEvent {
  const kind = partial.kind ?? 'set';
  const payload = partial.payload !== undefined ? partial.payload : kind === 'delete' ? null : kind === 'deposit' || kind === 'withdraw' ? 1 : 'value';
  return createEvent({
    kind,
    key: partial.key ?? (kind === 'deposit' || kind === 'withdraw' ? 'acct-1' : 'key-1'),
    payload,
    hlc: defaultHlc(partial),
    origin: partial.origin ?? DEFAULT_ORIGIN,
    parents: (partial.parents ?? []).map((p) => (typeof p === 'string' ? p : p.id)),
  });
}

/** A `set`. @example `setEvent('colour', 'blue', { parents: [prev] })` */
export function setEvent(key: string, value: JsonValue, opts: EventOpts = {}): MeshEvent {
  return makeEvent({ ...opts, kind: 'set', key, payload: value });
}

/** A `delete` (tombstone). @example `deleteEvent('colour', { parents: [prev] })` */
export function deleteEvent(key: string, opts: EventOpts = {}): MeshEvent {
  return makeEvent({ ...opts, kind: 'delete', key, payload: null });
}

/** A `resolve`; pass every head as parent to end a conflict. @example `resolveEvent('k', 'v', { parents: view.heads })` */
export function resolveEvent(key: string, value: JsonValue, opts: EventOpts = {}): MeshEvent {
  return makeEvent({ ...opts, kind: 'resolve', key, payload: value });
}

/** A `deposit` of minor units. @example `deposit('acct-1', 100)` */
export function deposit(account: string, amount: number, opts: EventOpts = {}): MeshEvent {
  return makeEvent({ ...opts, kind: 'deposit', key: account, payload: amount });
}

/** A `withdraw` of minor units. @example `withdraw('acct-1', 30, { parents: [d] })` */
export function withdraw(account: string, amount: number, opts: EventOpts = {}): MeshEvent {
  return makeEvent({ ...opts, kind: 'withdraw', key: account, payload: amount });
}

/** An `escrow-open`: creates escrow `account`. @example `escrowOpen('acct-e')` */
export function escrowOpen(account: string, opts: EventOpts = {}): MeshEvent {
  return makeEvent({ ...opts, kind: 'escrow-open', key: account, payload: null });
}

/** An `escrow-deposit`: adds to the origin's rights. @example `escrowDeposit('acct-e', 100, { origin: 'eu-west-1' })` */
export function escrowDeposit(account: string, amount: number, opts: EventOpts = {}): MeshEvent {
  return makeEvent({ ...opts, kind: 'escrow-deposit', key: account, payload: amount });
}

/** An `escrow-withdraw`: spends the origin's rights. @example `escrowWithdraw('acct-e', 30, { parents: [d] })` */
export function escrowWithdraw(account: string, amount: number, opts: EventOpts = {}): MeshEvent {
  return makeEvent({ ...opts, kind: 'escrow-withdraw', key: account, payload: amount });
}

/** An `escrow-transfer` of rights from the origin to `to`. @example `escrowTransfer('acct-e', 'eu-west-1', 40, { parents: [d] })` */
export function escrowTransfer(account: string, to: string, amount: number, opts: EventOpts = {}): MeshEvent {
  return makeEvent({ ...opts, kind: 'escrow-transfer', key: account, payload: { to, amount } });
}

/** An `escrow-request`: the origin wants to hold `want` rights. @example `escrowRequest('acct-e', 50, { origin: 'eu-west-1' })` */
export function escrowRequest(account: string, want: number, opts: EventOpts = {}): MeshEvent {
  return makeEvent({ ...opts, kind: 'escrow-request', key: account, payload: { want } });
}

/** A linear history of sets on `key`: each event's parent is the previous one. @example `const [a, b] = chain('k', [1, 2])` */
export function chain(key: string, values: readonly JsonValue[], opts: Omit<EventOpts, 'parents' | 'hlc'> = {}): MeshEvent[] {
  const out: MeshEvent[] = [];
  for (const v of values) {
    const prev = out[out.length - 1];
    out.push(setEvent(key, v, { ...opts, ...(prev ? { parents: [prev] } : {}) }));
  }
  return out;
}

/** A region's receipt for an event (`local` at the origin, else `peer`). @example `receipt(e, 'eu-west-1', 1250)` */
export function receipt(event: MeshEvent | string, region: string, receivedAt: number, via?: ReceiptVia): Receipt {
  const eventId = typeof event === 'string' ? event : event.id;
  const origin = typeof event === 'string' ? undefined : event.origin;
  return { eventId, region, receivedAt, via: via ?? (region === origin ? { type: 'local' } : { type: 'peer', peer: origin ?? 'unknown' }) };
}

/** A wall clock that plays back the given times, then repeats the last one. @example `new HybridClock(scriptedClock([5, 3]))` */
export function scriptedClock(times: readonly number[]): WallClock {
  let i = 0;
  return {
    now: () => {
      const t = times[Math.min(i, times.length - 1)] ?? 0;
      i++;
      return t;
    },
  };
}

/** A manually advanced wall clock. @example `const c = new ManualClock(); c.advance(10)` */
export class ManualClock implements WallClock {
  constructor(public ms = BASE_WALL) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
