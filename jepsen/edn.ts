/**
 * The history as Jepsen EDN, so Knossos (or Porcupine via its Jepsen parser) can check it too.
 *
 * The exact format, one map per line, in history order:
 *
 * ```clojure
 * {:index 0, :type :invoke, :f :write, :value ["k0" 3], :process 0, :time 1200000, :region "us-east-1"}
 * {:index 1, :type :ok, :f :write, :value ["k0" 3], :process 0, :time 5100000, :region "us-east-1", :event-id "9f…"}
 * {:index 2, :type :invoke, :f :read, :value ["k0" nil], :process 1, :time 5300000, :region "eu-west-1"}
 * {:index 3, :type :ok, :f :read, :value ["k0" nil], :process 1, :time 6000000, :region "eu-west-1"}
 * {:index 4, :type :info, :f :start, :value "isolate us-east-1", :process :nemesis, :time 7000000}
 * ```
 *
 * - `:value` of a client op is a `[key value]` tuple, as `jepsen.independent/tuple` makes it, so
 *   `(independent/checker (checker/linearizable {:model (model/register)}))` checks each key on its
 *   own. A read's invocation carries `nil`; its completion carries the value read (`nil` when the key
 *   had none, which is the initial value of Knossos' `(model/register)`).
 * - Bank ops use `:f :deposit` / `:withdraw` with `[account amount]` and `:f :read` with
 *   `[account balance]` (not Jepsen's transfer-based bank model; it is here for inspection).
 * - `:time` is nanoseconds since the start of the run, as in Jepsen.
 * - `:error` (a keyword), `:region`, `:event-id` and `:winner` (strings) and `:session` (the worker)
 *   are extra fields Knossos ignores. The events' stamps and parents and the heads a read returned
 *   (what the session checkers walk) are in `history.jsonl` only.
 * - Nemesis ops have `:process :nemesis`, `:type :info`, `:f :start`/`:stop` and a string value.
 *
 * @example
 * ```ts
 * import { toEdn } from './edn.ts';
 * toEdn([{ index: 0, type: 'invoke', process: 0, f: 'read', key: 'k0', value: null, time: 0 }]);
 * // '{:index 0, :type :invoke, :f :read, :value ["k0" nil], :process 0, :time 0}\n'
 * ```
 */
import type { JsonValue } from '../shared/domain/types.ts';
import type { Op } from './history.ts';

/**
 * Render a history as EDN lines (see the module doc for the format).
 *
 * @example
 * ```ts
 * writeFileSync('history.edn', toEdn(history));
 * ```
 */
export function toEdn(history: readonly Op[]): string {
  return history.map(opToEdn).join('\n') + (history.length > 0 ? '\n' : '');
}

/**
 * One op as an EDN map.
 *
 * @example
 * ```ts
 * opToEdn({ index: 4, type: 'info', process: 'nemesis', f: 'start', value: 'isolate us-east-1', time: 9 });
 * // '{:index 4, :type :info, :f :start, :value "isolate us-east-1", :process :nemesis, :time 9}'
 * ```
 */
export function opToEdn(op: Op): string {
  const fields: string[] = [`:index ${op.index}`, `:type :${op.type}`, `:f :${op.f}`];
  if (op.process === 'nemesis') {
    fields.push(`:value ${ednValue(typeof op.value === 'string' ? op.value : JSON.stringify(op.value))}`, ':process :nemesis');
  } else {
    fields.push(`:value [${ednString(op.key ?? '')} ${ednValue(op.value)}]`, `:process ${op.process}`);
  }
  fields.push(`:time ${op.time}`);
  if (op.region !== undefined) fields.push(`:region ${ednString(op.region)}`);
  if (op.session !== undefined) fields.push(`:session ${op.session}`);
  if (op.eventId !== undefined) fields.push(`:event-id ${ednString(op.eventId)}`);
  if (op.winner !== undefined) fields.push(`:winner ${ednString(op.winner)}`);
  if (op.error !== undefined) fields.push(`:error ${ednKeyword(op.error)}`);
  return `{${fields.join(', ')}}`;
}

/**
 * A JSON value as EDN: null → nil, arrays → vectors, objects → maps with string keys.
 *
 * @example
 * ```ts
 * ednValue({ a: [1, null] }); // '{"a" [1 nil]}'
 * ```
 */
export function ednValue(v: JsonValue): string {
  if (v === null) return 'nil';
  if (typeof v === 'string') return ednString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(ednValue).join(' ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${ednString(k)} ${ednValue(x)}`).join(', ')}}`;
}

function ednString(s: string): string {
  // EDN strings use the same escapes as JSON for ", \, newline, tab and return.
  return JSON.stringify(s);
}

function ednKeyword(s: string): string {
  const clean = s.replace(/[^A-Za-z0-9*+!_?<>=.-]/g, '-');
  return /^[A-Za-z*+!_?<>=.-]/.test(clean) ? `:${clean}` : `:e${clean}`;
}
