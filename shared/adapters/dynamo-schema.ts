/**
 * The single-table layout of a region's events table. The CDK stack and the local cloud both
 * create the table from these constants, so the two can never drift.
 *
 * Items (all share `pk` / `sk`):
 * - event:   pk `R#<key>` (registers) or `A#<account>` (money), sk `E#<hlc>#<origin>#<id>` — so a
 *            query on pk in sk order is the key's history in total order. Attributes:
 *            `type`='event', `eid`, `origin`, `event` (the MeshEvent as JSON text, byte for byte),
 *            `receipt`, `bucket`.
 * - state:   pk as above, sk `HEADS` — what a writer and a reader need, so neither scans the
 *            history: `heads` (positions `hlc#origin#id` in total order), `version` (events in the
 *            stream; optimistic concurrency), `updatedAt`, `cat` (the namespace letter, for the
 *            catalog index), `conflicts`='1' and `conflictSince` only while it has more than one
 *            head (sparse index), for accounts `snapshot` (the fold snapshot as JSON text), and
 *            `refFree`=true when the writer knew the stream has no ref item (ingest then skips
 *            reading refs; absent means "unknown", as on items written by older code).
 * - ref:     pk as above, sk `P#<parent id>` — "some stored event names this id as a parent",
 *            written only when a delivered event names a parent that is neither a head nor in its
 *            batch, so a child that arrives before its parent still keeps the parent out of the heads.
 * - digest:  pk `DIGEST#<stripe>`, sk `R#<row>#<lane>` — for each of 32 buckets a count `c<bucket>` and
 *            a weight sum `s<bucket>` of the ids stored, added to (`ADD`) in the same transaction
 *            that stores the events (one row per 32 buckets touched, not one item per event), so a
 *            digest is a read of 16 stripes of at most 8 rows, never a scan. Stripes and lanes
 *            spread concurrent commits so they rarely touch the same row. Tables written before rows
 *            also hold sk `B#<bucket>` cells (`digestBucket`, `count`, `sum`), still added in.
 * - link:    pk `LINK#<from>` (a peer region), sk `LINK` — the last batch delivered over the
 *            inbound link `from` -> this region: `type`='link', `from`, `receivedAt`, `originAt`,
 *            `lagMs`, `events`. Written by ingest once per batch; read by `GET /status`.
 * - stats:   pk `STATS`, sk `REFUSED` — counters of refused events by reason (`ADD`).
 * - backfill: pk `BACKFILL`, sk `<peer>` — a new region's backfill from that peer
 *            (`ports/backfill-progress.ts`): `type`='backfill', `phase`, `copyBucket` (not `bucket`: the bucket index's key), `after`, `read`,
 *            `copied`, `startedAt`, `updatedAt`, `finishedAt`, and `position`, the sortable text
 *            a save is conditional on (it never moves back). One Query lists every peer's.
 * Only event items carry `origin`, `eid` and `bucket`, so the replicator's stream filter and the
 * id and bucket indexes never see the others.
 *
 * @example
 * ```ts
 * import { TABLE_SCHEMA } from './dynamo-schema.ts';
 * TABLE_SCHEMA.partitionKey; // 'pk'
 * ```
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** GSI: event by id (`GET /events/{id}`), KEYS_ONLY (then one read of the item). */
  byIdIndex: { name: 'byId', partitionKey: 'eid' },
  /** GSI: event ids by anti-entropy bucket, KEYS_ONLY. */
  byBucketIndex: { name: 'byBucket', partitionKey: 'bucket', sortKey: 'eid' },
  /** Sparse GSI: state items of streams in conflict. */
  conflictsIndex: { name: 'conflicts', partitionKey: 'conflicts', sortKey: 'pk' },
  /** GSI: state items by namespace, for listing and searching keys and accounts. KEYS_ONLY, so written once per stream. */
  catalogIndex: { name: 'catalog', partitionKey: 'cat', sortKey: 'pk' },
  /** Top-level attribute of event items that the stream filter matches on. */
  originAttribute: 'origin',
  typeAttribute: 'type',
} as const;

/** Sort-key prefixes and fixed keys of the items above. */
export const ITEM_KEYS = {
  eventPrefix: 'E#',
  refPrefix: 'P#',
  stateSk: 'HEADS',
  digestPkPrefix: 'DIGEST#',
  /** Cells of the layout before rows (`B#<bucket>`): read, never written. */
  digestSkPrefix: 'B#',
  digestRowSkPrefix: 'R#',
  linkPkPrefix: 'LINK#',
  linkSk: 'LINK',
  statsPk: 'STATS',
  refusedSk: 'REFUSED',
  backfillPk: 'BACKFILL',
} as const;
