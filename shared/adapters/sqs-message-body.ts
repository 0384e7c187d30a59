/**
 * What an SQS message body may contain, and the encoding of an event into one.
 *
 * SQS accepts only the XML 1.0 characters `#x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD |
 * #x10000–#x10FFFF` in a message body (and in string attribute values) and refuses anything else
 * with `InvalidMessageContents`. A value may hold any JSON string, U+FFFF or a lone surrogate
 * included, so the body is the event's JSON with every character outside that set written as a
 * `\uXXXX` escape: still JSON, and `JSON.parse` restores the very same string, so the receiver
 * recomputes the same id. Only string contents can hold such characters (JSON's own syntax is
 * ASCII), and `JSON.stringify` already escapes control characters and lone surrogates; what is
 * left for this encoding is U+FFFE and U+FFFF, and anything a later engine might stop escaping.
 *
 * @example
 * ```ts
 * import { encodeMessageBody, forbiddenCharacter } from './sqs-message-body.ts';
 * const body = encodeMessageBody({ value: '\uffff' }); // '{"value":"\\uffff"}'
 * forbiddenCharacter(body);                           // undefined: SQS accepts it
 * JSON.parse(body).value === '\uffff';                // true
 * ```
 */

/** Every code point SQS refuses (`u` flag: a lone surrogate is one code point, and refused). */
const FORBIDDEN = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** The allowed set as SQS words it in its error message. */
export const SQS_ALLOWED_CHARACTERS = '#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]';

/**
 * The first code point of `s` that SQS refuses, or undefined when SQS accepts all of `s`.
 *
 * @example
 * ```ts
 * forbiddenCharacter('ok\n');     // undefined
 * forbiddenCharacter('a\uffffb'); // 0xffff
 * forbiddenCharacter('\ud800');   // 0xd800 (a lone surrogate)
 * ```
 */
export function forbiddenCharacter(s: string): number | undefined {
  FORBIDDEN.lastIndex = 0;
  const m = FORBIDDEN.exec(s);
  return m === null ? undefined : m[0].codePointAt(0);
}

/**
 * The message SQS answers with `InvalidMessageContents` for code point `cp`.
 *
 * @example
 * ```ts
 * invalidContentsMessage(0xffff); // "Invalid binary character '#xFFFF' was found in the message body, …"
 * ```
 */
export function invalidContentsMessage(cp: number): string {
  return `Invalid binary character '#x${cp.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is ${SQS_ALLOWED_CHARACTERS}.`;
}

/**
 * `value` as JSON that SQS accepts as a message body: `JSON.stringify`, then every refused
 * character (each is a single UTF-16 code unit: all of them lie in the BMP) as a `\uXXXX` escape.
 *
 * @example
 * ```ts
 * encodeMessageBody({ k: 'x\ufffe' }); // '{"k":"x\\ufffe"}'
 * ```
 */
export function encodeMessageBody(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('not JSON-encodable');
  return json.replace(FORBIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
