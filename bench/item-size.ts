/**
 * DynamoDB item sizes and the write units AWS bills for them, from the item as sent (the
 * marshalled `AttributeValue` form of a request). DynamoDB Local reports consumed capacity, but
 * for `TransactWriteItems` it reports the transaction as a whole (three small puts: 2 units) where
 * AWS bills 2 units per KB of **each** item, so the request meter computes the table's write units
 * from the items itself, with AWS's sizing rules: attribute names and values in UTF-8 bytes, a
 * number about one byte per two significant digits plus one, 1 byte for a boolean or null, 3 bytes
 * plus 1 per element for a list or map.
 *
 * @example
 * ```ts
 * import { itemSize, tableWriteUnits } from './item-size.ts';
 * itemSize({ pk: { S: 'R#k' }, n: { N: '42' } }); // 2 + 3 + 1 + 2 = 8 bytes
 * tableWriteUnits({ pk: { S: 'x'.repeat(1500) } }, true); // 4: 2 KB, transactional
 * ```
 */

type Attr = Record<string, unknown>;

const utf8 = (s: unknown): number => (typeof s === 'string' ? Buffer.byteLength(s) : 0);

const bytes = (b: unknown): number => (b instanceof Uint8Array ? b.byteLength : typeof b === 'string' ? Buffer.byteLength(b, 'base64') : 0);

/** A number's size: about one byte per two significant digits, plus one, at most 21. */
function numberSize(n: unknown): number {
  const digits = String(n).replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.min(21, Math.ceil(Math.max(1, digits.length) / 2) + 1);
}

/**
 * Bytes of one attribute value.
 *
 * @example
 * ```ts
 * valueSize({ L: [{ S: 'ab' }, { BOOL: true }] }); // 3 + (1 + 2) + (1 + 1) = 8
 * ```
 */
export function valueSize(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  const a = v as Attr;
  if ('S' in a) return utf8(a['S']);
  if ('N' in a) return numberSize(a['N']);
  if ('B' in a) return bytes(a['B']);
  if ('BOOL' in a || 'NULL' in a) return 1;
  if ('SS' in a) return ((a['SS'] as unknown[]) ?? []).reduce((n: number, s) => n + utf8(s), 0);
  if ('NS' in a) return ((a['NS'] as unknown[]) ?? []).reduce((n: number, s) => n + numberSize(s), 0);
  if ('BS' in a) return ((a['BS'] as unknown[]) ?? []).reduce((n: number, s) => n + bytes(s), 0);
  if ('L' in a) return 3 + ((a['L'] as unknown[]) ?? []).reduce((n: number, e) => n + 1 + valueSize(e), 0);
  if ('M' in a) return 3 + Object.entries((a['M'] as Attr) ?? {}).reduce((n, [k, e]) => n + 1 + utf8(k) + valueSize(e), 0);
  return 0;
}

/**
 * Bytes of an item: every attribute's name and value.
 *
 * @example
 * ```ts
 * itemSize({ pk: { S: 'abc' } }); // 5
 * ```
 */
export function itemSize(item: Readonly<Record<string, unknown>>): number {
  return Object.entries(item).reduce((n, [name, v]) => n + utf8(name) + valueSize(v), 0);
}

/**
 * Write request units AWS bills the table for writing `item`: one per KB (rounded up, at least
 * one), twice that inside a transaction. Secondary index writes are billed on top.
 *
 * @example
 * ```ts
 * tableWriteUnits({ pk: { S: 'k' } }, false); // 1
 * ```
 */
export function tableWriteUnits(item: Readonly<Record<string, unknown>>, transactional: boolean): number {
  return Math.max(1, Math.ceil(itemSize(item) / 1024)) * (transactional ? 2 : 1);
}
