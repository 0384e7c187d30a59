/**
 * Canonical JSON: the one byte-exact encoding the event id hashes. Two regions must hash the same
 * bytes for the same content whatever order their JSON parser kept object keys in, so keys are
 * sorted (by UTF-16 code unit, which is what `Array.prototype.sort` does and is locale-free),
 * there is no whitespace, and only real JSON values are accepted.
 *
 * @example
 * ```ts
 * import { canonicalJson } from './canonical.ts';
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 * ```
 */
import { ValidationError } from './errors.ts';
import type { JsonValue } from './types.ts';

/**
 * Deepest nesting accepted. Bounded so that a hostile payload (e.g. 30 000 nested arrays, which
 * fits in 64 KiB) cannot exhaust the stack of the recursive encoder.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Encodes a JSON value canonically: sorted keys, no whitespace, `-0` as `0`.
 * Throws `ValidationError('invalid-value')` for anything that is not plain JSON: non-finite
 * numbers, `undefined`, functions, symbols, bigints, class instances, cycles, nesting deeper
 * than {@link MAX_JSON_DEPTH}.
 *
 * @example
 * ```ts
 * canonicalJson({ z: 'x', a: { d: 1, c: 2 } }); // '{"a":{"c":2,"d":1},"z":"x"}'
 * canonicalJson(Number.NaN);                     // throws ValidationError
 * ```
 */
export function canonicalJson(value: JsonValue): string {
  return encode(value as unknown, 0, new Set<object>(), '$');
}

/**
 * UTF-8 byte length of the canonical encoding: what size limits are measured in, so a value's
 * size does not depend on how the client happened to format it.
 *
 * @example
 * ```ts
 * canonicalSize({ a: 'é' }); // 10  ('{"a":"é"}' with é as two bytes)
 * ```
 */
export function canonicalSize(value: JsonValue): number {
  return utf8.encode(canonicalJson(value)).length;
}

const utf8 = new TextEncoder();

function encode(v: unknown, depth: number, stack: Set<object>, path: string): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new ValidationError('invalid-value', `${path}: number must be finite, got ${String(v)}`);
      // JSON.stringify already prints -0 as 0 and uses the shortest round-trip form.
      return JSON.stringify(v);
    case 'string':
      return JSON.stringify(v);
    case 'object':
      break;
    default:
      throw new ValidationError('invalid-value', `${path}: ${typeof v} is not a JSON value`);
  }
  const obj = v as object;
  if (depth >= MAX_JSON_DEPTH) throw new ValidationError('invalid-value', `${path}: nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (stack.has(obj)) throw new ValidationError('invalid-value', `${path}: cyclic structure`);
  stack.add(obj);
  try {
    if (Array.isArray(obj)) {
      const parts: string[] = [];
      for (let i = 0; i < obj.length; i++) parts.push(encode(obj[i], depth + 1, stack, `${path}[${i}]`));
      return `[${parts.join(',')}]`;
    }
    const proto: unknown = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      throw new ValidationError('invalid-value', `${path}: only plain objects are JSON, got ${obj.constructor?.name ?? 'object'}`);
    }
    const rec = obj as Record<string, unknown>;
    const keys = Object.keys(rec).sort();
    const parts: string[] = [];
    for (const k of keys) parts.push(`${JSON.stringify(k)}:${encode(rec[k], depth + 1, stack, `${path}.${k}`)}`);
    return `{${parts.join(',')}}`;
  } finally {
    stack.delete(obj);
  }
}
