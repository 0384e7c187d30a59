/**
 * Counts the AWS requests a mesh makes, per region, service and command, with SDK middleware on
 * the local cloud's clients (`startMesh({ instrument: meter.instrument })`). Every HTTP attempt is
 * counted (a retried request counts twice, as AWS bills it), with its request and response bytes.
 * With `{ capacity: true }`, DynamoDB requests are also asked for `ReturnConsumedCapacity: INDEXES`
 * (DynamoDB Local reports it, transactions at twice the units, as AWS does), so the tally has the
 * read and write units consumed, of which how many on secondary indexes. Only the cost model
 * needs them, and they are not free locally: DynamoDB Local reads and deserializes the table's
 * description for every item to compute them (see docs/benchmarks.md for what that did to the
 * `lag` and `throughput` figures). Every tally counts the items each write request carried.
 * SQS and Streams tallies count the messages or records a request carried, and the receives that
 * came back empty (idle polling, a standing cost rather than a cost per event).
 *
 * Attribution is by diffing snapshots around an operation run in isolation: what region A's
 * clients did while N writes went into A and replication drained, divided by N.
 *
 * @example
 * ```ts
 * import { RequestMeter } from './request-meter.ts';
 * const meter = new RequestMeter({ capacity: true });
 * const mesh = await startMesh({ basePort: 0, instrument: meter.instrument });
 * const before = meter.snapshot();
 * await fetch(`${mesh.regions[0]!.url}/kv/colour`, { method: 'PUT', body: '{"value":"blue"}' });
 * const spent = diffSnapshots(meter.snapshot(), before);
 * totalOf(spent, { region: 'us-east-1', service: 'dynamodb' }).requests; // DynamoDB requests of one PUT
 * ```
 */
import type { DeserializeMiddleware, InitializeMiddleware } from '@smithy/types';
import type { RegionClients } from '../local/aws-clients.ts';
import { until } from '../shared/util/until.ts';
import { tableWriteUnits } from './item-size.ts';

/** The services the local cloud has clients for. */
export type MeteredService = 'dynamodb' | 'streams' | 'sqs';

/** What one command of one service in one region did (all counters add up). */
export interface CommandTally {
  /** HTTP attempts, retries included. */
  requests: number;
  /** Attempts answered with an error (a failed conditional write, a cancelled transaction, throttling). */
  errors: number;
  requestBytes: number;
  /** From the response's content-length; `unknownResponseBytes` counts the answers that had none. */
  responseBytes: number;
  unknownResponseBytes: number;
  /** DynamoDB read and write capacity units consumed (tables and indexes), as the API reported them. */
  readUnits: number;
  writeUnits: number;
  /** Of those units, the ones consumed on secondary indexes. */
  indexUnits: number;
  /**
   * Write units as AWS bills them: the table's units computed from the items sent (DynamoDB Local
   * under-reports transactions, see `item-size.ts`), plus the index units as reported.
   */
  billedWriteUnits: number;
  /** DynamoDB: items a write request carried (one per put/update/delete, transaction or batch entry). */
  itemsWritten: number;
  /** SQS: messages sent, received or deleted; Streams: records returned. */
  entries: number;
  /** ReceiveMessage or GetRecords answers with nothing in them. */
  empty: number;
  /** Requests as SQS bills them: one per 64 KiB chunk of the larger of request and answer, at least one. */
  chunks64k: number;
}

/** region -> service -> command (without the `Command` suffix) -> tally. */
export type MeterSnapshot = Record<string, Partial<Record<MeteredService, Record<string, CommandTally>>>>;

/** Requests whose input takes `ReturnConsumedCapacity`, and whether their units are reads or writes. */
const CAPACITY_COMMANDS: Readonly<Record<string, 'read' | 'write'>> = {
  GetItem: 'read',
  BatchGetItem: 'read',
  Query: 'read',
  Scan: 'read',
  TransactGetItems: 'read',
  PutItem: 'write',
  UpdateItem: 'write',
  DeleteItem: 'write',
  BatchWriteItem: 'write',
  TransactWriteItems: 'write',
};

/**
 * A tally of zeros.
 *
 * @example
 * ```ts
 * emptyTally().requests; // 0
 * ```
 */
export function emptyTally(): CommandTally {
  return { requests: 0, errors: 0, requestBytes: 0, responseBytes: 0, unknownResponseBytes: 0, readUnits: 0, writeUnits: 0, indexUnits: 0, billedWriteUnits: 0, itemsWritten: 0, entries: 0, empty: 0, chunks64k: 0 };
}

function addInto(into: CommandTally, t: CommandTally, sign = 1): void {
  for (const k of Object.keys(into) as Array<keyof CommandTally>) into[k] += sign * t[k];
}

/**
 * `after - before`, command by command; commands with no request in between are left out.
 *
 * @example
 * ```ts
 * const spent = diffSnapshots(meter.snapshot(), before);
 * ```
 */
export function diffSnapshots(after: MeterSnapshot, before: MeterSnapshot): MeterSnapshot {
  const out: MeterSnapshot = {};
  for (const [region, services] of Object.entries(after)) {
    for (const [service, commands] of Object.entries(services) as Array<[MeteredService, Record<string, CommandTally>]>) {
      for (const [command, tally] of Object.entries(commands)) {
        const d = { ...tally };
        const b = before[region]?.[service]?.[command];
        if (b !== undefined) addInto(d, b, -1);
        if (d.requests === 0 && d.entries === 0) continue;
        ((out[region] ??= {})[service] ??= {})[command] = d;
      }
    }
  }
  return out;
}

/** Which tallies {@link totalOf} adds up; an absent field matches everything. */
export interface TallyFilter {
  readonly region?: string | readonly string[];
  readonly service?: MeteredService;
  readonly command?: string;
}

const matches = (want: string | readonly string[] | undefined, value: string): boolean =>
  want === undefined || (typeof want === 'string' ? want === value : want.includes(value));

/**
 * The sum of the tallies that match `filter`.
 *
 * @example
 * ```ts
 * totalOf(spent, { region: ['eu-west-1', 'ap-southeast-2'], service: 'sqs', command: 'SendMessageBatch' }).requests;
 * ```
 */
export function totalOf(snapshot: MeterSnapshot, filter: TallyFilter = {}): CommandTally {
  const sum = emptyTally();
  for (const [region, services] of Object.entries(snapshot)) {
    if (!matches(filter.region, region)) continue;
    for (const [service, commands] of Object.entries(services) as Array<[MeteredService, Record<string, CommandTally>]>) {
      if (filter.service !== undefined && filter.service !== service) continue;
      for (const [command, tally] of Object.entries(commands)) if (matches(filter.command, command)) addInto(sum, tally);
    }
  }
  return sum;
}

/**
 * The commands of a service that appear in a snapshot, with their tallies summed over the given regions.
 *
 * @example
 * ```ts
 * byCommand(spent, 'dynamodb', ['us-east-1']); // { GetItem: {...}, TransactWriteItems: {...}, ... }
 * ```
 */
export function byCommand(snapshot: MeterSnapshot, service: MeteredService, regions?: readonly string[]): Record<string, CommandTally> {
  const out: Record<string, CommandTally> = {};
  for (const [region, services] of Object.entries(snapshot)) {
    if (regions !== undefined && !regions.includes(region)) continue;
    for (const [command, tally] of Object.entries(services[service] ?? {})) addInto((out[command] ??= emptyTally()), tally);
  }
  return out;
}

interface ConsumedCapacityLike {
  readonly CapacityUnits?: number;
  readonly GlobalSecondaryIndexes?: Record<string, { readonly CapacityUnits?: number }>;
  readonly LocalSecondaryIndexes?: Record<string, { readonly CapacityUnits?: number }>;
}

/** Total and index units of a `ConsumedCapacity` answer (one object, or one per table). */
function unitsOf(consumed: unknown): { total: number; index: number } {
  const list = (Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed]) as ConsumedCapacityLike[];
  let total = 0;
  let index = 0;
  for (const c of list) {
    total += c.CapacityUnits ?? 0;
    for (const i of [...Object.values(c.GlobalSecondaryIndexes ?? {}), ...Object.values(c.LocalSecondaryIndexes ?? {})]) index += i.CapacityUnits ?? 0;
  }
  return { total, index };
}

/**
 * The table's write units of a write request by AWS's rules, from the items it sends; undefined
 * when the request does not carry its items (an UpdateItem or DeleteItem: the reported units hold).
 */
function tableUnitsOf(command: string, input: Record<string, unknown>): number | undefined {
  type Entry = Record<string, { Item?: Record<string, unknown> } | undefined>;
  if (command === 'PutItem') return tableWriteUnits((input['Item'] as Record<string, unknown> | undefined) ?? {}, false);
  if (command === 'BatchWriteItem') {
    const all = Object.values((input['RequestItems'] as Record<string, Entry[]> | undefined) ?? {}).flat();
    return all.reduce((n, r) => n + (r['PutRequest'] !== undefined ? tableWriteUnits(r['PutRequest']?.Item ?? {}, false) : 1), 0);
  }
  if (command === 'TransactWriteItems') {
    // An Update or Delete inside a transaction: 2 units, its item assumed within 1 KB.
    return ((input['TransactItems'] as Entry[] | undefined) ?? []).reduce(
      (n, a) => n + (a['Put'] !== undefined ? tableWriteUnits(a['Put']?.Item ?? {}, true) : a['ConditionCheck'] !== undefined ? 0 : 2),
      0,
    );
  }
  return undefined;
}

/** Items a DynamoDB write request carries, from its input. */
function itemsWrittenBy(command: string, input: Record<string, unknown>): number {
  if (command === 'TransactWriteItems') return (input['TransactItems'] as unknown[] | undefined)?.length ?? 0;
  if (command === 'BatchWriteItem') {
    return Object.values((input['RequestItems'] as Record<string, unknown[]> | undefined) ?? {}).reduce((n, reqs) => n + reqs.length, 0);
  }
  return CAPACITY_COMMANDS[command] === 'write' ? 1 : 0;
}

/** Messages or records a request carried, and whether it came back empty. */
function entriesOf(service: MeteredService, command: string, input: Record<string, unknown>, output: Record<string, unknown> | undefined): { entries: number; empty: boolean } {
  if (service === 'sqs') {
    if (command === 'SendMessageBatch' || command === 'DeleteMessageBatch') return { entries: (input['Entries'] as unknown[] | undefined)?.length ?? 0, empty: false };
    if (command === 'SendMessage' || command === 'DeleteMessage') return { entries: 1, empty: false };
    if (command === 'ReceiveMessage') {
      const n = (output?.['Messages'] as unknown[] | undefined)?.length ?? 0;
      return { entries: n, empty: n === 0 };
    }
  }
  if (service === 'streams' && command === 'GetRecords') {
    const n = (output?.['Records'] as unknown[] | undefined)?.length ?? 0;
    return { entries: n, empty: n === 0 };
  }
  return { entries: 0, empty: false };
}

/** SQS bills a request per 64 KiB chunk of payload; the HTTP body bounds the payload from above. */
function chunks(requestBytes: number, responseBytes: number): number {
  return Math.max(1, Math.ceil(Math.max(requestBytes, responseBytes) / (64 * 1024)));
}

function byteLength(body: unknown): number {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return 0;
}

interface HttpLike {
  readonly headers?: Record<string, string | undefined>;
  readonly body?: unknown;
}

export interface RequestMeterOptions {
  /**
   * Ask DynamoDB for the capacity units each request consumed (`ReturnConsumedCapacity: INDEXES`,
   * unless the caller asked already). Costs DynamoDB Local CPU per item written: leave it off
   * where speed is measured.
   * @default false
   */
  readonly capacity?: boolean;
}

/** The request counter; pass `meter.instrument` to `startMesh`. */
export class RequestMeter {
  private readonly tallies: MeterSnapshot = {};
  private readonly capacity: boolean;
  /** `region/service/command` -> Date.now() of its last request that carried something. */
  private readonly lastBusy = new Map<string, number>();

  constructor(options: RequestMeterOptions = {}) {
    this.capacity = options.capacity ?? false;
  }

  /**
   * Adds the counting middleware to one region's clients (the `startMesh` `instrument` hook);
   * a benchmark's own clients can be metered under a name of their own (`'baseline'`).
   */
  readonly instrument = (region: string, clients: Partial<Pick<RegionClients, 'dynamodb' | 'streams' | 'sqs'>>): void => {
    if (clients.dynamodb) this.attach(region, 'dynamodb', clients.dynamodb.middlewareStack);
    if (clients.streams) this.attach(region, 'streams', clients.streams.middlewareStack);
    if (clients.sqs) this.attach(region, 'sqs', clients.sqs.middlewareStack);
  };

  /** A deep copy of every tally so far. */
  snapshot(): MeterSnapshot {
    return structuredClone(this.tallies);
  }

  /**
   * Resolves once `region`'s `service` `command` requests have carried nothing (no records, no
   * messages; for other commands: no request at all) for `quietMs`, e.g. a stream poller that
   * has caught up with a bulk load. Rejects after `timeoutMs`.
   *
   * @example
   * ```ts
   * await meter.waitQuiet('eu-west-1', 'streams', 'GetRecords', 2000, 600_000);
   * ```
   */
  async waitQuiet(region: string, service: MeteredService, command: string, quietMs: number, timeoutMs: number): Promise<void> {
    const key = `${region}/${service}/${command}`;
    const since = Date.now();
    await until(`${key} quiet for ${quietMs} ms`, () => Date.now() - Math.max(since, this.lastBusy.get(key) ?? 0) >= quietMs, timeoutMs, 100);
  }

  private tally(region: string, service: MeteredService, command: string): CommandTally {
    return (((this.tallies[region] ??= {})[service] ??= {})[command] ??= emptyTally());
  }

  private attach(region: string, service: MeteredService, stack: MiddlewareStackLike): void {
    const nameOf = (commandName: string | undefined): string => (commandName ?? 'Unknown').replace(/Command$/, '');
    // Outermost, once per call: ask DynamoDB for the units it consumed (if this meter counts them
    // and the caller did not ask).
    const askCapacity: InitializeMiddleware<object, object> = (next, context) => async (args) => {
      const command = nameOf(context.commandName);
      const input = args.input as Record<string, unknown>;
      if (this.capacity && service === 'dynamodb' && CAPACITY_COMMANDS[command] !== undefined && input['ReturnConsumedCapacity'] === undefined) {
        return next({ ...args, input: { ...input, ReturnConsumedCapacity: 'INDEXES' } });
      }
      return next(args);
    };
    // Innermost, once per HTTP attempt: the request as sent, the answer as parsed.
    const count: DeserializeMiddleware<object, object> = (next, context) => async (args) => {
      const command = nameOf(context.commandName);
      const t = this.tally(region, service, command);
      const input = args.input as Record<string, unknown>;
      t.requests++;
      const sent = byteLength((args.request as HttpLike | undefined)?.body);
      t.requestBytes += sent;
      if (service === 'dynamodb') t.itemsWritten += itemsWrittenBy(command, input);
      let result: Awaited<ReturnType<typeof next>>;
      try {
        result = await next(args);
      } catch (e) {
        t.errors++;
        const response = (e as { $response?: HttpLike }).$response;
        t.chunks64k += chunks(sent, this.addResponseBytes(t, response));
        throw e;
      }
      t.chunks64k += chunks(sent, this.addResponseBytes(t, result.response as HttpLike | undefined));
      const output = result.output as Record<string, unknown> | undefined;
      if (service === 'dynamodb') {
        const { total, index } = unitsOf(output?.['ConsumedCapacity']);
        if (CAPACITY_COMMANDS[command] === 'read') t.readUnits += total;
        else {
          t.writeUnits += total;
          // The request as sent (args.input is marshalled by now) says what AWS would bill the table.
          const table = tableUnitsOf(command, input);
          t.billedWriteUnits += table === undefined ? total : table + index;
        }
        t.indexUnits += index;
      }
      const { entries, empty } = entriesOf(service, command, input, output);
      t.entries += entries;
      if (empty) t.empty++;
      if (entries > 0 || (service !== 'sqs' && service !== 'streams')) this.lastBusy.set(`${region}/${service}/${command}`, Date.now());
      return result;
    };
    stack.add(askCapacity, { step: 'initialize', name: 'benchAskCapacity', priority: 'high', override: true });
    stack.add(count, { step: 'deserialize', name: 'benchCountRequests', priority: 'high', override: true });
  }

  /** Adds the answer's length to the tally and returns it (0 when unknown). */
  private addResponseBytes(t: CommandTally, response: HttpLike | undefined): number {
    const length = Number(response?.headers?.['content-length'] ?? Number.NaN);
    if (Number.isFinite(length)) {
      t.responseBytes += length;
      return length;
    }
    t.unknownResponseBytes++;
    return 0;
  }
}

/** The part of an SDK client's middleware stack the meter uses (every v3 client has it). */
interface MiddlewareStackLike {
  add(middleware: InitializeMiddleware<object, object>, options: { step: 'initialize'; name: string; priority: 'high'; override: boolean }): void;
  add(middleware: DeserializeMiddleware<object, object>, options: { step: 'deserialize'; name: string; priority: 'high'; override: boolean }): void;
}
