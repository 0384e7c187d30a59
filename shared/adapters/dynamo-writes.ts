/**
 * The store's one kind of write: for each stream it touches, the new events (each conditional on
 * not existing: an append is idempotent), the stream's new state item (conditional on the version
 * read: optimistic concurrency), the ref items of parents not yet known, and the digest rows'
 * additions (at most two rows per transaction, whatever it stores) — all in one
 * TransactWriteItems, so a reader never sees an event without its heads, snapshot and digest, or
 * the reverse. Several streams share a transaction up to DynamoDB's limits
 * (100 items, 4 MB), which is what makes a delivered batch cost one write, not one per event.
 *
 * @example
 * ```ts
 * import { commitStreamWrites } from './dynamo-writes.ts';
 * const outcome = await commitStreamWrites(doc, table, [write]); // { committed: [write], moved: [], refused: [] }
 * ```
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MeshEvent, Receipt } from '../domain/types.ts';
import type { StreamState } from '../ports/event-store.ts';
import type { StreamId } from '../ports/stream.ts';
import { DIGEST_ROWS_PER_TRANSACTION, digestAdds } from './dynamo-digest.ts';
import { eventItem, refKey, stateItem } from './dynamo-items.ts';
import type { Item } from './dynamo-items.ts';
import { TABLE_SCHEMA } from './dynamo-schema.ts';

/** Everything one stream contributes to a transaction. */
export interface StreamWrite {
  readonly stream: StreamId;
  /** The version the state was read at (0: the stream had no state item). */
  readonly expectedVersion: number;
  readonly next: StreamState;
  readonly events: ReadonlyArray<{ readonly event: MeshEvent; readonly receipt: Receipt }>;
  readonly refs: readonly string[];
  /**
   * The stream has no ref item, this write's included: its state item says so (`refFree`), and an
   * ingest then skips reading refs for it. Only a writer that knows it sets it: one that read the
   * state item with the mark (or found none) and writes no refs.
   * @default false
   */
  readonly refFree?: boolean;
}

const RETRYABLE_CANCELLATIONS = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

/** DynamoDB's limits on one TransactWriteItems, with headroom for attribute overhead. */
const MAX_ITEMS = 100;
const MAX_BYTES = 3_500_000;

type TransactItem = Record<string, unknown>;

function itemsOf(table: string, w: StreamWrite): TransactItem[] {
  const names = { '#pk': TABLE_SCHEMA.partitionKey };
  const state: TransactItem =
    w.expectedVersion === 0
      ? { Put: { TableName: table, Item: stateItem(w.next, w.refFree === true), ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: names } }
      : { Put: { TableName: table, Item: stateItem(w.next, w.refFree === true), ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': w.expectedVersion } } };
  return [
    state,
    ...w.events.map(({ event, receipt }) => ({
      Put: { TableName: table, Item: eventItem(event, receipt), ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: names },
    })),
    ...w.refs.map((id) => ({ Put: { TableName: table, Item: { ...refKey(w.stream, id), [TABLE_SCHEMA.typeAttribute]: 'ref' } as Item } })),
  ];
}

function sizeOf(w: StreamWrite): number {
  let bytes = 2_000 + JSON.stringify(w.next).length;
  for (const { event } of w.events) bytes += eventBytes(event);
  return bytes + w.refs.length * 200;
}

function eventBytes(event: MeshEvent): number {
  return 600 + Buffer.byteLength(JSON.stringify(event)) * 2;
}

/**
 * Gathers one stream's share of a batch for a single transaction: its events in the order given,
 * while their items (the state, each event, a ref per parent named, the digest rows) and
 * bytes (the state item counted at DynamoDB's 400 KB item limit) fit, and at most `maxEvents`.
 * The rest waits for a later round. At least one event is always taken: one event, with at most
 * 64 parents, always fits.
 *
 * @example
 * ```ts
 * const { taken, rest } = fitStreamWrite(events, 32); // taken: what one transaction can hold
 * ```
 */
export function fitStreamWrite<T extends { readonly event: MeshEvent }>(arrivals: readonly T[], maxEvents: number): { taken: T[]; rest: T[] } {
  let items = 1 + DIGEST_ROWS_PER_TRANSACTION;
  let bytes = 2_000 + 400_000;
  const parents = new Set<string>();
  let i = 0;
  for (; i < arrivals.length && i < maxEvents; i++) {
    const { event } = arrivals[i] as T;
    const fresh = event.parents.filter((p) => !parents.has(p));
    const n = 1 + fresh.length;
    const b = eventBytes(event) + fresh.length * 200;
    if (i > 0 && (items + n > MAX_ITEMS || bytes + b > MAX_BYTES)) break;
    items += n;
    bytes += b;
    for (const p of fresh) parents.add(p);
  }
  return { taken: arrivals.slice(0, i), rest: arrivals.slice(i) };
}

/**
 * Packs stream writes into transactions within DynamoDB's limits (each stream in exactly one;
 * every transaction keeps room for its digest rows). A single stream write too big for one
 * transaction is a caller error: callers cap the events per stream.
 *
 * @example
 * ```ts
 * packTransactions(writes).length; // 1 for a delivered SQS batch
 * ```
 */
export function packTransactions(writes: readonly StreamWrite[]): StreamWrite[][] {
  const out: StreamWrite[][] = [];
  let current: StreamWrite[] = [];
  let items = DIGEST_ROWS_PER_TRANSACTION;
  let bytes = 0;
  for (const w of writes) {
    const n = 1 + w.events.length + w.refs.length;
    const b = sizeOf(w);
    if (n + DIGEST_ROWS_PER_TRANSACTION > MAX_ITEMS || b > MAX_BYTES) throw new RangeError(`stream write of ${w.stream} is too large for one transaction (${n} items, ~${b} bytes)`);
    if (current.length > 0 && (items + n > MAX_ITEMS || bytes + b > MAX_BYTES)) {
      out.push(current);
      current = [];
      items = DIGEST_ROWS_PER_TRANSACTION;
      bytes = 0;
    }
    current.push(w);
    items += n;
    bytes += b;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Whether `write` joins `batch` in one transaction within DynamoDB's limits (as `packTransactions`
 * counts them): how the commit batcher keeps a shared commit to one atomic transaction.
 *
 * @example
 * ```ts
 * fitsOneTransaction([write], other); // true for two small local writes
 * ```
 */
export function fitsOneTransaction(batch: readonly StreamWrite[], write: StreamWrite): boolean {
  try {
    return packTransactions([...batch, write]).length === 1;
  } catch {
    return false; // too large even alone: it goes in a commit of its own, which reports the error
  }
}

/**
 * An error that says DynamoDB refused a request as invalid, so nothing of it was stored: a
 * validation error (two operations on one item, a transaction over the limits) or a transaction
 * cancelled for a reason a retry cannot fix (an item too large). Unlike a timeout or a 500, it is
 * safe to retry the request's parts apart.
 *
 * @example
 * ```ts
 * if (isRejection(e)) retryEachWriteAlone();
 * ```
 */
export function isRejection(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'ValidationException') return true;
  return e.name === 'TransactionCanceledException' && !isContention(e);
}

/** What became of one transaction's stream writes. */
export interface CommitOutcome {
  readonly committed: readonly StreamWrite[];
  /** Refused because another writer moved a stream (or stored one of the events) first, or a conflicting transaction: read again and retry. */
  readonly moved: readonly StreamWrite[];
  /**
   * The part of `moved` refused for its own sake: a cancellation reason names one of its items,
   * or it was alone in its transaction. The rest of `moved` was only cancelled with them, and may
   * go again as it is.
   */
  readonly refused: readonly StreamWrite[];
}

export interface CommitOptions {
  /**
   * One transaction per stream instead of as few as the limits allow: a refusal then holds back
   * only the stream that moved. For a retry after contention; the first try packs.
   * @default false
   */
  readonly separate?: boolean;
}

/**
 * Commits stream writes in as few transactions as the limits allow (or one per stream), in
 * parallel. A transaction refused by a condition or a conflict is reported as `moved` (nothing of
 * it was written); any other error is thrown.
 *
 * @example
 * ```ts
 * const { committed, moved } = await commitStreamWrites(doc, table, writes);
 * await commitStreamWrites(doc, table, moved, { separate: true }); // after a fresh read, in practice
 * ```
 */
export async function commitStreamWrites(doc: DynamoDBDocumentClient, table: string, writes: readonly StreamWrite[], options: CommitOptions = {}): Promise<CommitOutcome> {
  const committed: StreamWrite[] = [];
  const moved: StreamWrite[] = [];
  const refused: StreamWrite[] = [];
  const groups = options.separate === true ? writes.map((w) => [w]) : packTransactions(writes);
  await Promise.all(
    groups.map(async (group) => {
      const ids = group.flatMap((w) => w.events.map((e) => e.event.id));
      const perWrite = group.map((w) => itemsOf(table, w));
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: [...perWrite.flat(), ...digestAdds(table, ids)] as never }));
        committed.push(...group);
      } catch (e) {
        if (!isContention(e)) throw e;
        moved.push(...group);
        refused.push(...refusedOf(group, perWrite, e));
      }
    }),
  );
  return { committed, moved, refused };
}

/**
 * The writes of a cancelled transaction that a cancellation reason names (reasons come in the
 * order of the transaction's items, each write's items first, then the digest rows); all of them
 * when the transaction held one write.
 */
function refusedOf(group: readonly StreamWrite[], perWrite: readonly TransactItem[][], e: unknown): StreamWrite[] {
  if (group.length === 1) return [...group];
  const reasons = (e as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  const out: StreamWrite[] = [];
  let at = 0;
  for (const [i, items] of perWrite.entries()) {
    if (reasons.slice(at, at + items.length).some((r) => (r.Code ?? 'None') !== 'None')) out.push(group[i] as StreamWrite);
    at += items.length;
  }
  return out;
}

/**
 * A transaction refused for contention: a condition failed (the stream moved on, or the event was
 * stored meanwhile), a conflicting transaction, or throttling. Retrying after a fresh read is right.
 *
 * @example
 * ```ts
 * if (isContention(e)) retry();
 * ```
 */
export function isContention(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'TransactionCanceledException') {
    // Cancelled for a reason a retry cannot fix (an item too large, a bad expression): not contention.
    const codes = ((e as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).map((r) => r.Code ?? 'None');
    return codes.every((c) => RETRYABLE_CANCELLATIONS.has(c));
  }
  return [
    'TransactionCanceledException',
    'TransactionConflictException',
    'TransactionInProgressException',
    'ConditionalCheckFailedException',
    'ThrottlingException',
    'ProvisionedThroughputExceededException',
    'RequestLimitExceeded',
    'InternalServerError',
  ].includes(e.name);
}
