/**
 * Throughput: acknowledged writes per second into one region with C concurrent clients, as a
 * ratio to two baselines measured in the same run with the same C:
 * - raw PutItem of the same event item straight to the same DynamoDB Local, into a table of the
 *   same schema (what the mesh's bookkeeping costs over a bare put: the transactional read of the
 *   heads, the conditional transact write of event + heads + parent refs, HTTP and JSON, and the
 *   replication the write sets off in the background on the same machine);
 * - `GET /status` of the same region (an HTTP round trip through the same gateway and handler; it
 *   computes the digest by scanning the table, so it is not free either) and `GET /local/mesh`
 *   (a document the gateway answers itself: the bare HTTP floor).
 * The mesh PUT is measured twice: as it is (its replication into the peers runs on the same
 * machine meanwhile) and with the region's outbound links paused (the bookkeeping alone).
 *
 * @example
 * ```ts
 * import { runThroughput, formatThroughput } from './throughput.ts';
 * const result = await runThroughput(ctx, { concurrency: [1, 4], durationMs: 2000 });
 * for (const line of formatThroughput(result)) console.log(line);
 * ```
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '../local/aws-clients.ts';
import { eventItem } from '../shared/adapters/dynamo-event-store.ts';
import { createEventsTable } from '../shared/adapters/dynamo-table.ts';
import { createEvent, formatHlc } from '../shared/domain/index.ts';
import { clientAt, type BenchContext } from './context.ts';
import { closedLoop, type ClosedLoopResult } from './load.ts';
import { settle, withOutboundPaused } from './mesh-state.ts';
import { formatMs, formatRatio, ratio } from './stats.ts';

export interface ThroughputOptions {
  readonly concurrency: readonly number[];
  /** Window of each measurement, ms. */
  readonly durationMs: number;
}

export interface ThroughputRow {
  readonly concurrency: number;
  readonly meshPut: ClosedLoopResult;
  /** PUT /kv with the region's outbound links paused: no peer ingests while it runs. */
  readonly meshPutNoReplication: ClosedLoopResult;
  readonly rawPutItem: ClosedLoopResult;
  readonly status: ClosedLoopResult;
  readonly httpFloor: ClosedLoopResult;
  /** meshPut.perSecond / rawPutItem.perSecond. */
  readonly vsRawPutItem: number;
  /** meshPutNoReplication.perSecond / rawPutItem.perSecond. */
  readonly noReplicationVsRawPutItem: number;
  /** meshPut.perSecond / status.perSecond. */
  readonly vsStatus: number;
  /** meshPut.perSecond / httpFloor.perSecond. */
  readonly vsHttpFloor: number;
}

export interface ThroughputResult {
  readonly region: string;
  readonly durationMs: number;
  readonly rows: readonly ThroughputRow[];
}

/** A value of about the size the benchmarks write (a short JSON object). */
function value(worker: number, i: number): { worker: number; i: number; note: string } {
  return { worker, i, note: 'benchmark write of a small JSON value' };
}

/** One bare PutItem of the item the store would write for such an event (no heads, no transaction). */
function rawPut(doc: DynamoDBDocumentClient, table: string, region: string, key: string, worker: number, i: number): Promise<unknown> {
  const event = createEvent({
    kind: 'set', key, payload: value(worker, i), hlc: formatHlc({ wall: Date.now(), counter: i % 1000 }), origin: region, parents: [],
  });
  const item = eventItem(event, { eventId: event.id, region, receivedAt: Date.now(), via: { type: 'local' } });
  return doc.send(new PutCommand({ TableName: table, Item: item }));
}

export async function runThroughput(ctx: BenchContext, options: ThroughputOptions): Promise<ThroughputResult> {
  const client = clientAt(ctx, 0);
  const region = ctx.mesh.regions[0]?.region ?? 'region-0';
  const table = `${ctx.mesh.meshName}-bench-raw`;
  const ddb = new DynamoDBClient({ endpoint: ctx.mesh.dynamodbEndpoint, region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const doc = DynamoDBDocumentClient.from(ddb);
  try {
    await createEventsTable(ddb, table);
    // Warm-up, not counted: connections, JIT and DynamoDB Local's first transactions.
    for (let i = 0; i < 5; i++) {
      await Promise.all([client.request('GET', '/local/mesh'), client.status(), client.put('tp-warm-up', i), rawPut(doc, table, region, 'raw-warm-up', 0, i)]);
    }
    const rows: ThroughputRow[] = [];
    for (const c of options.concurrency) {
      const window = { concurrency: c, durationMs: options.durationMs };
      ctx.progress(`throughput: ${c} client(s), ${options.durationMs} ms per measurement`);
      const httpFloor = await closedLoop({ ...window, op: () => client.request('GET', '/local/mesh') });
      const status = await closedLoop({ ...window, op: () => client.status() });
      const rawPutItem = await closedLoop({
        ...window,
        op: (w, i) => rawPut(doc, table, region, `raw-${c}-${w}`, w, i),
      });
      // One key per worker: every write has its predecessor as parent, none waits on another's heads.
      const meshPut = await closedLoop({ ...window, op: (w, i) => client.put(`tp-${c}-${w}`, value(w, i)) });
      await settle(ctx.clients);
      // The same with the region's outbound links paused: the peers' ingest of these writes (two
      // more transactional appends per write, on the same DynamoDB Local and the same two cores)
      // waits in the queues, which leaves the bookkeeping of the write path alone.
      const meshPutNoReplication = await withOutboundPaused(ctx.mesh, region, () =>
        closedLoop({ ...window, op: (w, i) => client.put(`tp-${c}-${w}`, value(w, i)) }));
      rows.push({
        concurrency: c, meshPut, meshPutNoReplication, rawPutItem, status, httpFloor,
        vsRawPutItem: ratio(meshPut.perSecond, rawPutItem.perSecond),
        noReplicationVsRawPutItem: ratio(meshPutNoReplication.perSecond, rawPutItem.perSecond),
        vsStatus: ratio(meshPut.perSecond, status.perSecond),
        vsHttpFloor: ratio(meshPut.perSecond, httpFloor.perSecond),
      });
      // Let the writes' replication finish, so it does not load the next row's baselines.
      await settle(ctx.clients);
    }
    return { region, durationMs: options.durationMs, rows };
  } finally {
    ddb.destroy();
  }
}

const perSecond = (r: ClosedLoopResult): string => `${r.perSecond.toFixed(0)}/s${r.failed > 0 ? ` (${r.failed} failed: ${r.firstError ?? ''})` : ''}`;

export function formatThroughput(r: ThroughputResult): string[] {
  const lines = [`Throughput: acknowledged PUT /kv into ${r.region}, closed loop, ${r.durationMs} ms per measurement`];
  lines.push("  clients  mesh PUT  (p50)             w/o peers' ingest  raw PutItem  GET /status  HTTP floor");
  for (const row of r.rows) {
    lines.push(
      `  ${String(row.concurrency).padStart(7)}  ${perSecond(row.meshPut).padEnd(8)}  ${`(${formatMs(row.meshPut.latency.p50)})`.padEnd(16)}  ` +
        `${perSecond(row.meshPutNoReplication).padEnd(17)}  ${perSecond(row.rawPutItem).padEnd(11)}  ${perSecond(row.status).padEnd(11)}  ${perSecond(row.httpFloor)}`,
    );
  }
  lines.push("  clients  PUT vs raw PutItem  (w/o peers' ingest)  PUT vs GET /status  PUT vs HTTP floor");
  for (const row of r.rows) {
    lines.push(
      `  ${String(row.concurrency).padStart(7)}  ${formatRatio(row.vsRawPutItem).padEnd(18)}  ${`(${formatRatio(row.noReplicationVsRawPutItem)})`.padEnd(19)}  ` +
        `${formatRatio(row.vsStatus).padEnd(17)}  ${formatRatio(row.vsHttpFloor)}`,
    );
  }
  return lines;
}
