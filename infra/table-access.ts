/**
 * What each mesh function may do to an events table: the DynamoDB actions its code sends, on the
 * table or on one named index, in one reviewed place. One line per function and resource: when a
 * function's code starts sending another command, its line here gains that action, and
 * test/infra/least-privilege.test.ts says so.
 *
 * How SDK commands map to IAM actions (DynamoDB authorizes the items of a transaction one by one):
 * - `GetCommand`, and every `Get` inside `TransactGetCommand` -> `GetItem`;
 * - `BatchGetCommand` -> `BatchGetItem`; `QueryCommand` -> `Query` on the table or the index it names;
 * - `ScanCommand` -> `Scan` on the table or the index it names;
 * - `Put` / `Update` / `ConditionCheck` inside `TransactWriteCommand` -> `PutItem` / `UpdateItem` /
 *   `ConditionCheckItem`; `UpdateCommand` -> `UpdateItem`.
 *
 * Never granted: `DeleteItem` and `BatchWriteItem` (the table is append-only and `BatchWriteItem`
 * can delete), `Scan` of the table itself (digests scan the KEYS_ONLY bucket index), and
 * `DescribeTable` (no code calls it).
 *
 * @example
 * ```ts
 * import { TABLE_ACCESS } from './table-access.ts';
 * TABLE_ACCESS.ingest.table; // ['GetItem', 'PutItem', 'UpdateItem']
 * ```
 */
import { ITEM_KEYS, TABLE_SCHEMA } from '../shared/adapters/dynamo-schema.ts';

/** Item-level DynamoDB actions a function may be granted on a table (never DeleteItem or BatchWriteItem). */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'Scan' | 'PutItem' | 'UpdateItem' | 'ConditionCheckItem';

/** The only actions an index serves. */
export type IndexAction = 'Query' | 'Scan';

/** The table's GSIs (EVENTS_TABLE_DEFINITION). */
export type IndexName = typeof TABLE_SCHEMA.byIdIndex.name | typeof TABLE_SCHEMA.byBucketIndex.name | typeof TABLE_SCHEMA.conflictsIndex.name | typeof TABLE_SCHEMA.catalogIndex.name;

/** A function's access to one events table. */
export interface TableAccess {
  /** Actions on the table's items. */
  readonly table: readonly TableAction[];
  /**
   * Partition-key prefixes `UpdateItem` is limited to (IAM `dynamodb:LeadingKeys`), when the
   * function updates only counters: the digest rows, the link record, the refusal counters.
   * Events, heads and refs are only ever Put, conditionally.
   */
  readonly updates?: readonly string[];
  /** Actions per index; an index left out is not accessible. */
  readonly indexes: Readonly<Partial<Record<IndexName, readonly IndexAction[]>>>;
}

const BY_ID = TABLE_SCHEMA.byIdIndex.name;
const BY_BUCKET = TABLE_SCHEMA.byBucketIndex.name;
const CONFLICTS = TABLE_SCHEMA.conflictsIndex.name;
const CATALOG = TABLE_SCHEMA.catalogIndex.name;

/**
 * The grants, by function (and, for repair, by whose table). Each line names the store methods
 * (shared/adapters/dynamo-event-store.ts) that need it.
 */
export const TABLE_ACCESS = {
  /** The data routes (functions/api.ts -> RegionService). */
  api: {
    // stateOf, refusals, get's item: Get; eventsAt, deliveries, index pages' states: BatchGet; eventsPage,
    // digest cells, a late account's replay: Query; appendOn: one TransactWrite of Puts (events, state)
    // and Updates (digest rows' ADD).
    table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
    updates: [ITEM_KEYS.digestPkPrefix],
    // GET /events/{id}: Query byId; GET /conflicts: Query conflicts; GET /kv and GET /accounts: Query catalog.
    indexes: { [BY_ID]: ['Query'], [CONFLICTS]: ['Query'], [CATALOG]: ['Query'] },
  },
  /** Queue deliveries (functions/ingest.ts). */
  ingest: {
    // appendBatch: BatchGet (states, "stored?", "named?") + TransactWrite (Put + digest Update), Query of
    // the events after a checkpoint for a late account event; recordDelivery and refusal counters: Update.
    table: ['BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
    updates: [ITEM_KEYS.digestPkPrefix, ITEM_KEYS.linkPkPrefix, ITEM_KEYS.statsPk],
    indexes: {},
  },
  /** The escrow rebalancer (functions/rebalance.ts): the api's escrow writes, without its other reads. */
  rebalance: {
    // streams (the catalog of E# accounts): Query catalog + BatchGet of their states; stateOf: Get;
    // a transfer or request: as the api's appendOn (TransactWrite of Puts and digest Updates).
    table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
    updates: [ITEM_KEYS.digestPkPrefix],
    indexes: { [CATALOG]: ['Query'] },
  },
  /** Anti-entropy, on this region's table (functions/repair.ts). */
  repair: {
    // digest: Query of the digest rows; a pulled chunk: as ingest's appendBatch.
    table: ['BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
    updates: [ITEM_KEYS.digestPkPrefix, ITEM_KEYS.statsPk],
    // idsInBucket: Query byBucket.
    indexes: { [BY_BUCKET]: ['Query'] },
  },
  /** A joining region's bulk backfill (functions/backfill.ts), on this region's table: repair's, plus its progress records. */
  backfill: {
    // backfills: Query of the BACKFILL records; saveBackfill: a conditional Put; a copied page: as
    // ingest's appendBatch; the anti-entropy run after the copy: as repair.
    table: ['BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
    updates: [ITEM_KEYS.digestPkPrefix, ITEM_KEYS.statsPk],
    indexes: { [BY_BUCKET]: ['Query'] },
  },
  /** The backfill, on each peer's table: reads only. */
  backfillPeers: {
    // eventsInBucket: Query of the (KEYS_ONLY) bucket index + BatchGet of the page's items; the
    // anti-entropy run: repair's peer reads (digest rows: Query; get: Query byId + GetItem).
    table: ['GetItem', 'BatchGetItem', 'Query'],
    indexes: { [BY_BUCKET]: ['Query'], [BY_ID]: ['Query'] },
  },
  /** Anti-entropy, on each peer's table: reads only. */
  repairPeers: {
    // digest: Query of the peer's digest rows; get: the event item after the byId hit (KEYS_ONLY index).
    table: ['GetItem', 'Query'],
    // idsInBucket: Query byBucket; get: Query byId.
    indexes: { [BY_BUCKET]: ['Query'], [BY_ID]: ['Query'] },
  },
} as const satisfies Record<string, TableAccess>;
