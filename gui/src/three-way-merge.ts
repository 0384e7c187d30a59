/**
 * The three-way, field-level merge of a conflict's heads against their common ancestor: where all
 * heads and the ancestor are JSON objects, every field is compared on its own (nested objects
 * field by field too); anything else (strings, numbers, arrays, a value against an object) is one
 * field. For each field:
 * - `same`: every head holds the same value (whatever the ancestor held);
 * - `taken`: the heads that changed it from the ancestor all changed it the same way, so that
 *   change is taken (the classic three-way rule: a change beats no change);
 * - `conflict`: heads changed it differently; the proposal is the preferred head's value (the
 *   current last-writer-wins winner), and the person picks.
 * A person may pick any head's value, the ancestor's, or type their own for each field. Pure.
 *
 * @example
 * ```ts
 * import { mergeFields, mergedValue } from './three-way-merge.ts';
 * const base = { name: 'Ann', city: 'Oslo', zip: '0150' };
 * const heads = [{ name: 'Ann', city: 'Bergen', zip: '0150' }, { name: 'Ann B.', city: 'Oslo', zip: '0150' }];
 * mergeFields(base, heads, 1).map((f) => [f.path.join('.'), f.status]); // [['name','taken'], ['city','taken'], ['zip','same']]
 * mergedValue(base, heads, new Map(), 1); // { name: 'Ann B.', city: 'Bergen', zip: '0150' }
 * ```
 */
import type { JsonValue } from '../../shared/domain/types.ts';

/** A value at a path, or undefined where the field is absent (or the value is deleted). */
export type Slot = JsonValue | undefined;

/** Where a field's merged value comes from. */
export type FieldChoice =
  | { readonly source: 'ancestor' }
  | { readonly source: 'head'; readonly head: number }
  | { readonly source: 'custom'; readonly value: Slot };

/** One field of the merge. */
export interface MergeField {
  /** Field names from the top; `[]` is the whole value. */
  readonly path: readonly string[];
  readonly ancestor: Slot;
  /** Each head's value, in the order of the heads given. */
  readonly heads: readonly Slot[];
  readonly status: 'same' | 'taken' | 'conflict';
  /** What the merge takes unless the person picks otherwise. */
  readonly proposal: FieldChoice;
}

type Tree = { readonly kind: 'object'; readonly fields: ReadonlyArray<readonly [string, Tree]> } | { readonly kind: 'leaf'; readonly field: MergeField };

/**
 * Every field of the merge, in document order (the ancestor's fields first, then new ones).
 * `preferred` is the head proposed where heads conflict.
 *
 * @example
 * ```ts
 * mergeFields('blue', ['green', 'red'], 0); // [{ path: [], status: 'conflict', proposal: { source: 'head', head: 0 }, … }]
 * ```
 */
export function mergeFields(ancestor: Slot, heads: readonly Slot[], preferred: number): MergeField[] {
  const out: MergeField[] = [];
  const collect = (tree: Tree): void => {
    if (tree.kind === 'leaf') out.push(tree.field);
    else for (const [, child] of tree.fields) collect(child);
  };
  collect(walk([], ancestor, heads, preferred));
  return out;
}

/**
 * The merged value: each field's choice from `choices` (keyed by {@link pathKey}), else its
 * proposal. Undefined when the merged whole value is absent (every side deleted).
 *
 * @example
 * ```ts
 * mergedValue({ a: 1 }, [{ a: 2 }, { a: 3 }], new Map([[pathKey(['a']), { source: 'custom', value: 5 }]]), 0); // { a: 5 }
 * ```
 */
export function mergedValue(ancestor: Slot, heads: readonly Slot[], choices: ReadonlyMap<string, FieldChoice>, preferred: number): Slot {
  const evaluate = (tree: Tree): Slot => {
    if (tree.kind === 'leaf') return choiceValue(tree.field, choices.get(pathKey(tree.field.path)) ?? tree.field.proposal);
    const result: Record<string, JsonValue> = {};
    for (const [name, child] of tree.fields) {
      const v = evaluate(child);
      if (v !== undefined) result[name] = v;
    }
    return result;
  };
  return evaluate(walk([], ancestor, heads, preferred));
}

/**
 * The value a choice gives a field.
 *
 * @example
 * ```ts
 * choiceValue(field, { source: 'ancestor' }); // field.ancestor
 * ```
 */
export function choiceValue(field: MergeField, choice: FieldChoice): Slot {
  switch (choice.source) {
    case 'ancestor':
      return field.ancestor;
    case 'head':
      return field.heads[choice.head];
    case 'custom':
      return choice.value;
  }
}

/**
 * A stable key for a path (field names may contain dots).
 *
 * @example
 * ```ts
 * pathKey(['address', 'city']); // '["address","city"]'
 * ```
 */
export function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}

/**
 * A path for people: `address.city`, `["odd.name"]`, or `(whole value)`.
 *
 * @example
 * ```ts
 * formatPath(['address', 'city']); // 'address.city'
 * formatPath([]);                  // '(whole value)'
 * ```
 */
export function formatPath(path: readonly string[]): string {
  if (path.length === 0) return '(whole value)';
  return path.map((p, i) => (/^[A-Za-z_$][\w$]*$/.test(p) ? `${i ? '.' : ''}${p}` : `[${JSON.stringify(p)}]`)).join('');
}

/**
 * Equality of JSON values whatever the order of object fields.
 *
 * @example
 * ```ts
 * sameJson({ a: 1, b: 2 }, { b: 2, a: 1 }); // true
 * ```
 */
export function sameJson(a: Slot, b: Slot): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: Slot): string {
  if (v === undefined) return '\u0000absent';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

function isObject(v: Slot): v is { readonly [k: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(path: readonly string[], ancestor: Slot, heads: readonly Slot[], preferred: number): Tree {
  // Field by field only where every head, and the ancestor if any, is an object: a head that
  // replaced the object by a scalar (or removed it) conflicts on the object as a whole.
  if (heads.length > 0 && heads.every(isObject) && (ancestor === undefined || isObject(ancestor))) {
    const names: string[] = [];
    for (const source of [ancestor, ...heads]) for (const name of Object.keys((source ?? {}) as object)) if (!names.includes(name)) names.push(name);
    const at = (v: Slot, name: string): Slot => (isObject(v) && Object.hasOwn(v, name) ? v[name] : undefined);
    return {
      kind: 'object',
      fields: names.map((name) => [name, walk([...path, name], at(ancestor, name), heads.map((h) => at(h, name)), preferred)] as const),
    };
  }
  return { kind: 'leaf', field: leaf(path, ancestor, heads, preferred) };
}

function leaf(path: readonly string[], ancestor: Slot, heads: readonly Slot[], preferred: number): MergeField {
  if (heads.every((h) => sameJson(h, heads[0]))) return { path, ancestor, heads, status: 'same', proposal: { source: 'head', head: 0 } };
  const changed = heads.map((h, i) => ({ h, i })).filter(({ h }) => !sameJson(h, ancestor));
  if (changed.every(({ h }) => sameJson(h, changed[0]?.h))) {
    return { path, ancestor, heads, status: 'taken', proposal: { source: 'head', head: changed[0]?.i ?? 0 } };
  }
  return { path, ancestor, heads, status: 'conflict', proposal: { source: 'head', head: Math.min(Math.max(preferred, 0), heads.length - 1) } };
}
