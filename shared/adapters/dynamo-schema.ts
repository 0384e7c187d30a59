/**
 * The single-table layout of a region's events table. The CDK stack and the local cloud both
 * create the table from these constants, so the two can never drift.
 *
 * Items (all share `pk` / `sk`):
 * - event:   pk `R#<key>` (registers) or `A#<account>` (money), sk `E#<hlc>#<origin>#<id>` — so a
 *            query on pk in sk order is the key's history in total order, and the LWW winner is
 *            the last item (one read, no scan). Attributes: `type`='event', `eid`, `origin`,
 *            `event` (the MeshEvent), `receipt`, `bucket`.
 * - heads:   pk as above, sk `HEADS` — the key's current head ids and a version for optimistic
 *            concurrency; `conflicts`='1' only while it has more than one head (sparse GSI).
 * - ref:     pk as above, sk `P#<parent id>` — "some known event names this id as a parent", so a
 *            child that arrives before its parent still keeps the parent out of the heads.
 * - link:    pk `LINK#<from>` (a peer region), sk `LINK` — the last batch delivered over the
 *            inbound link `from` -> this region: `type`='link', `from`, `receivedAt` (this region's
 *            wall ms), `originAt` (HLC wall ms of the batch's newest event), `lagMs` (their
 *            difference, clock skew included), `events` (delivered over the link so far). Written
 *            by ingest once per batch with a conditional update that never moves `receivedAt`
 *            back; read by `GET /status`. No `origin`/`bucket`/`eid`, so the replicator's stream
 *            filter, the digest and the indexes never see it.
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
  /** GSI: event by id (`GET /events/{id}`). */
  byIdIndex: { name: 'byId', partitionKey: 'eid' },
  /** GSI: event ids by anti-entropy bucket, KEYS_ONLY. */
  byBucketIndex: { name: 'byBucket', partitionKey: 'bucket', sortKey: 'eid' },
  /** Sparse GSI: heads items of keys in conflict. */
  conflictsIndex: { name: 'conflicts', partitionKey: 'conflicts', sortKey: 'pk' },
  /** Top-level attribute of event items that the stream filter matches on. */
  originAttribute: 'origin',
  typeAttribute: 'type',
} as const;
