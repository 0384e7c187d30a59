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
import { TABLE_SCHEMA } from '../shared/adapters/dynamo-schema.ts';

/** Item-level DynamoDB actions a function may be granted on a table (never DeleteItem or BatchWriteItem). */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'Scan' | 'PutItem' | 'UpdateItem' | 'ConditionCheckItem';

/** The only actions an index serves. */
export type IndexAction = 'Query' | 'Scan';

/** The table's GSIs (EVENTS_TABLE_DEFINITION). */
export type IndexName = typeof TABLE_SCHEMA.byIdIndex.name | typeof TABLE_SCHEMA.byBucketIndex.name | typeof TABLE_SCHEMA.conflictsIndex.name;

/** A function's access to one events table. */
export interface TableAccess {
  /** Actions on the table's items. */
  readonly table: readonly TableAction[];
  /** Actions per index; an index left out is not accessible. */
  readonly indexes: Readonly<Partial<Record<IndexName, readonly IndexAction[]>>>;
}

const BY_ID = TABLE_SCHEMA.byIdIndex.name;
const BY_BUCKET = TABLE_SCHEMA.byBucketIndex.name;
const CONFLICTS = TABLE_SCHEMA.conflictsIndex.name;

/**
 * The grants, by function (and, for repair, by whose table). Each line names the store methods
 * (shared/adapters/dynamo-event-store.ts) that need it.
 */
export const TABLE_ACCESS = {
  /** The data routes (functions/api.ts -> RegionService). */
  api: {
    // headsOf: Get + BatchGet; winnerOf/eventsOf: Query; appendIfHeads: TransactGet (Get) + TransactWrite (Put); deliveries: BatchGet.
    table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem'],
    // GET /events/{id}: Query byId; GET /conflicts: Query conflicts; GET /status digest: Scan byBucket.
    indexes: { [BY_ID]: ['Query'], [CONFLICTS]: ['Query'], [BY_BUCKET]: ['Scan'] },
  },
  /** Queue deliveries (functions/ingest.ts). */
  ingest: {
    // append: TransactGet (Get) + TransactWrite (Put) + Get of a duplicate; recordDelivery: Update of the link item.
    table: ['GetItem', 'PutItem', 'UpdateItem'],
    indexes: {},
  },
  /** Anti-entropy, on this region's table (functions/repair.ts). */
  repair: {
    // ingest of a pulled event: as ingest's append.
    table: ['GetItem', 'PutItem'],
    // digest: Scan byBucket; idsInBucket: Query byBucket.
    indexes: { [BY_BUCKET]: ['Query', 'Scan'] },
  },
  /** Anti-entropy, on each peer's table: reads only, and only the indexes. */
  repairPeers: {
    table: [],
    // digest: Scan byBucket; idsInBucket: Query byBucket; get: Query byId (the index projects ALL).
    indexes: { [BY_BUCKET]: ['Query', 'Scan'], [BY_ID]: ['Query'] },
  },
} as const satisfies Record<string, TableAccess>;
