/**
 * What a person typed into a value editor: strict JSON, or, when they tick "Store as text", the
 * text itself as a JSON string. Invalid JSON is refused with the line and column of the first
 * mistake, never stored as a string behind the person's back (`{"city": Bergen}` is a typo, not
 * a string).
 *
 * @example
 * ```ts
 * import { parseJsonInput } from './json-input.ts';
 * parseJsonInput('{"city": "Bergen"}', false); // { ok: true, value: { city: 'Bergen' } }
 * parseJsonInput('{"city": Bergen}', false);   // { ok: false, line: 1, column: 10, message: 'Not valid JSON at line 1, column 10: …' }
 * parseJsonInput('plain words', true);         // { ok: true, value: 'plain words' }
 * ```
 */
import type { JsonValue } from '../../shared/domain/types.ts';

/** The outcome of reading an editor. */
export type JsonInput =
  | { readonly ok: true; readonly value: JsonValue }
  | { readonly ok: false; readonly message: string; readonly line?: number; readonly column?: number };

/**
 * Reads `text` as JSON, or as a string when `asText`.
 *
 * @example
 * ```ts
 * parseJsonInput('', false).ok; // false: an empty editor is no value
 * ```
 */
export function parseJsonInput(text: string, asText: boolean): JsonInput {
  if (asText) return { ok: true, value: text };
  if (text.trim() === '') return { ok: false, message: 'Type a JSON value (for example "blue", 42 or {"a": 1}), or tick "Store as text".' };
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    const at = jsonErrorAt(text);
    const hint = 'Strings need double quotes. To store exactly what you typed as a string, tick "Store as text".';
    if (at === undefined) return { ok: false, message: `Not valid JSON (${(error as Error).message}). ${hint}` };
    const { line, column } = lineAndColumn(text, at.index);
    return { ok: false, line, column, message: `Not valid JSON at line ${line}, column ${column}: ${at.problem}. ${hint}` };
  }
}

/**
 * Where the first mistake in `text` is, as a strict JSON reader (RFC 8259) finds it, or undefined
 * when `text` is valid JSON. `JSON.parse` says that text is wrong but not always where.
 *
 * @example
 * ```ts
 * jsonErrorAt('[1, 2,]'); // { index: 6, problem: 'expected a value, found "]"' }
 * ```
 */
export function jsonErrorAt(text: string): { readonly index: number; readonly problem: string } | undefined {
  let i = 0;
  const fail = (problem: string): never => {
    throw new JsonSyntax(i, problem);
  };
  const found = (): string => (i >= text.length ? 'the end' : `"${text[i]}"`);
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`expected a value, found ${found()}`);
  };
  const string = (): void => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail('a string is not closed');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('a control character (such as a line break) inside a string must be escaped');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('\\u needs four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`unknown escape \\${e ?? ''}`);
      } else i++;
    }
  };
  const number = (): void => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (m === null) fail(`expected a value, found ${found()}`);
    else i += m[0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else fail(`expected a value, found ${found()}`);
  };
  const object = (): void => {
    i++;
    space();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      space();
      if (text[i] !== '"') fail(`expected a field name in double quotes, found ${found()}`);
      string();
      space();
      if (text[i] !== ':') fail(`expected ":" after the field name, found ${found()}`);
      i++;
      value();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === '}') {
        i++;
        return;
      } else fail(`expected "," or "}", found ${found()}`);
    }
  };
  const array = (): void => {
    i++;
    space();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === ']') {
        i++;
        return;
      } else fail(`expected "," or "]", found ${found()}`);
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail(`unexpected ${found()} after the value`);
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntax) return { index: error.index, problem: error.problem };
    throw error;
  }
}

class JsonSyntax extends Error {
  constructor(
    readonly index: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
