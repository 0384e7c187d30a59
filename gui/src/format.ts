/**
 * Text for people, shared by every view: short ids, JSON values (whole, never cut: a conflict is
 * often one differing field at the end of a long value), clock stamps, durations and receipts.
 *
 * @example
 * ```ts
 * import { shortId, formatJson } from './format.ts';
 * shortId('3f2a9c0d1e2b44…');   // '3f2a9c0d1e2b'
 * formatJson({ a: 1 });          // '{"a":1}'
 * ```
 */
import type { JsonValue, MeshEvent, ReceiptVia } from '../../shared/domain/types.ts';

/**
 * The first 12 hex digits of an event id: enough to tell events apart on a screen.
 *
 * @example
 * ```ts
 * shortId('0123456789abcdef'); // '0123456789ab'
 * ```
 */
export function shortId(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

/**
 * A JSON value as JSON text, whole; `pretty` indents objects and arrays (for editors and cards).
 *
 * @example
 * ```ts
 * formatJson('1');                 // '"1"'
 * formatJson({ a: [1] }, true);    // '{\n  "a": [\n    1\n  ]\n}'
 * ```
 */
export function formatJson(value: JsonValue | undefined, pretty = false): string {
  if (value === undefined) return '(absent)';
  return pretty && typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}

/**
 * What an event carries, for people: its value, `(deleted)`, or its signed amount.
 *
 * @example
 * ```ts
 * eventValue({ kind: 'withdraw', payload: 80 } as MeshEvent); // '−80'
 * ```
 */
export function eventValue(event: Pick<MeshEvent, 'kind' | 'payload'>): string {
  if (event.kind === 'delete') return '(deleted)';
  if (event.kind === 'deposit') return `+${String(event.payload)}`;
  if (event.kind === 'withdraw') return `−${String(event.payload)}`;
  return formatJson(event.payload);
}

/**
 * Wall-clock ms as a local time with milliseconds.
 *
 * @example
 * ```ts
 * formatTime(Date.UTC(2026, 0, 1, 7, 14, 58, 527)); // '07:14:58.527' (in UTC)
 * ```
 */
export function formatTime(ms: number | undefined): string {
  if (typeof ms !== 'number') return '';
  const d = new Date(ms);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * How an event reached a region.
 *
 * @example
 * ```ts
 * formatVia({ type: 'peer', peer: 'us-east-1' }); // 'peer from us-east-1'
 * ```
 */
export function formatVia(via: ReceiptVia | undefined): string {
  if (!via) return '';
  return via.type === 'local' ? 'local write' : `${via.type} from ${via.peer}`;
}

/**
 * The wall-clock part of a hybrid logical clock stamp, in ms since the epoch.
 *
 * @example
 * ```ts
 * hlcWall('000001795677298527-00002'); // 1795677298527
 * ```
 */
export function hlcWall(hlc: string): number {
  return Number(/^(\d+)-\d+$/.exec(hlc)?.[1] ?? Number.NaN);
}

/**
 * A stamp for people: its wall-clock part as a time, and the logical counter when not zero.
 *
 * @example
 * ```ts
 * formatHlc('000001795677298527-00002'); // '07:14:58.527 +2' (local time)
 * ```
 */
export function formatHlc(hlc: string): string {
  const match = /^(\d+)-(\d+)$/.exec(hlc);
  if (!match) return hlc;
  const counter = Number(match[2]);
  return `${formatTime(Number(match[1]))}${counter > 0 ? ` +${counter}` : ''}`;
}

/**
 * A duration for people, at a precision that fits its size.
 *
 * @example
 * ```ts
 * formatDuration(850);     // '850 ms'
 * formatDuration(9_500);   // '9.5 s'
 * formatDuration(190_000); // '3 min 10 s'
 * ```
 */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(abs < 10_000 ? 1 : 0)} s`;
  if (abs < 3_600_000) {
    const s = Math.round(abs / 1000);
    return `${sign}${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  }
  const m = Math.round(abs / 60_000);
  return `${sign}${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/**
 * Total order of events: (hlc, origin, id), as the design defines it.
 *
 * @example
 * ```ts
 * [b, a].sort(compareEvents); // [a, b] when a.hlc < b.hlc
 * ```
 */
export function compareEvents(a: Pick<MeshEvent, 'hlc' | 'origin' | 'id'>, b: Pick<MeshEvent, 'hlc' | 'origin' | 'id'>): number {
  return cmp(a.hlc, b.hlc) || cmp(a.origin, b.origin) || cmp(a.id, b.id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `n thing` / `n things`.
 *
 * @example
 * ```ts
 * plural(1, 'head'); // '1 head'
 * plural(2, 'head'); // '2 heads'
 * ```
 */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
