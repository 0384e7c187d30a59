/**
 * Text for people: short ids, JSON values, times and receipts, shared by every view.
 *
 * @example
 * ```js
 * import { shortId, formatValue } from './format.js';
 * shortId('3f2a9c…64 hex'); // '3f2a9c0d1e2b'
 * formatValue({ a: 1 });      // '{"a":1}'
 * ```
 */

/** First 12 hex digits of an event id. */
export function shortId(id) {
  return typeof id === 'string' && id.length > 12 ? id.slice(0, 12) : String(id);
}

/** A JSON value as JSON text, cut at `max` characters; `(deleted)` for a tombstone event. */
export function formatValue(value, max = 80) {
  const text = value === undefined ? '' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** What an event carries, for people: its value, `(deleted)`, or its amount. */
export function eventValue(event) {
  if (event.kind === 'delete') return '(deleted)';
  return formatValue(event.payload);
}

/** Wall-clock ms as a local time with milliseconds. */
export function formatTime(ms) {
  if (typeof ms !== 'number') return '';
  const d = new Date(ms);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** How an event reached a region. */
export function formatVia(via) {
  if (!via) return '';
  return via.type === 'local' ? 'local write' : `${via.type} from ${via.peer}`;
}

/**
 * Reads a value typed by a person: JSON when it parses, otherwise the text itself.
 *
 * @example
 * ```js
 * parseValue('42');   // 42
 * parseValue('blue'); // 'blue'
 * ```
 */
export function parseValue(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Total order of events: (hlc, origin, id), as the design defines it. */
export function compareEvents(a, b) {
  return cmp(a.hlc, b.hlc) || cmp(a.origin, b.origin) || cmp(a.id, b.id);
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A hybrid logical clock stamp for people: its wall-clock part as a time, and the logical counter
 * when it is not zero. The full stamp stays available as a tooltip.
 *
 * @example
 * ```js
 * formatHlc('000001795677298527-00002'); // '07:14:58.527 +2'
 * ```
 */
export function formatHlc(hlc) {
  const match = /^(\d+)-(\d+)$/.exec(String(hlc));
  if (!match) return String(hlc);
  const counter = Number(match[2]);
  return `${formatTime(Number(match[1]))}${counter > 0 ? ` +${counter}` : ''}`;
}
