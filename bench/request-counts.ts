/**
 * Request counts per operation, from the instrumented clients, and the cost model built on them.
 *
 * Each operation runs in isolation in a 3-region mesh, and the counters of every region's clients
 * are diffed around it:
 * - local write: W `PUT /kv` into region 0 (4 clients, a key each, so each write has a parent),
 *   until every peer has ingested and deleted every one. Region 0's DynamoDB requests ÷ W = per
 *   local write; the peers' DynamoDB requests ÷ (W × peers) = per replicated event; the peers'
 *   SQS requests (the sender's SendMessageBatch into the peer's queue, the non-empty receives,
 *   the deletes) ÷ (W × peers) = SQS per replicated event, amortised over the batches the local
 *   pollers formed. Empty receives are idle polling, a standing cost, counted apart.
 * - reads in region 0: `GET /kv/{key}`, `GET /accounts/{id}` (a 20-deposit account), a withdrawal
 *   (its local side), `GET /status`; region 0's requests ÷ the number of requests.
 * - Global Tables' write: a plain PutItem of an item of the same content (`bench/raw-append.ts`),
 *   its table units (no index: such an application needs none of the mesh's indexes) and bytes.
 *
 * Read units and index units are DynamoDB Local's `ConsumedCapacity`; the tables' write units are
 * computed from the items sent, by AWS's rules (`bench/item-size.ts`), because DynamoDB Local
 * reports a transaction's units as if it were one item. Lambda time: the replicator's and ingest's measured duration, rounded up per
 * invocation; the api Lambda's is the client-side latency of the write (an upper bound).
 *
 * @example
 * ```ts
 * import { requestCounts } from './request-counts.ts';
 * const session = await requestCounts.open(env);
 * const { figures } = await session.run(0);
 * figures['write.dynamodb.requests']; // DynamoDB requests per local write
 * figures['cost.n3.ratio'];           // mesh $ per million writes ÷ Global Tables', 3 regions
 * ```
 */
import { MESH_DEFAULTS } from '../infra/defaults.ts';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { until } from '../shared/util/until.ts';
import type { BenchOptions, Benchmark, MeshHarness, RunOutcome, Session } from './context.ts';
import { globalTablesCost, meshCost, modelledMs, type CostBreakdown, type GlobalTablesFootprint, type WriteFootprint } from './cost-model.ts';
import { diffHandlerSnapshots, handlerTotal } from './handler-meter.ts';
import { loadPrices, type PriceTable } from './prices.ts';
import { RawAppender, sampleValue } from './raw-append.ts';
import { byCommand, diffSnapshots, totalOf, type CommandTally, type MeterSnapshot } from './request-meter.ts';
import { formatSpread, type Aggregate } from './runs.ts';
import { formatRatio } from './stats.ts';

export interface RequestCountSizes {
  readonly writes: number;
  readonly writers: number;
  readonly reads: number;
  readonly withdrawals: number;
  readonly statusReads: number;
  readonly plainPuts: number;
  /** Mesh sizes the cost table is given for. */
  readonly costRegions: readonly number[];
}

/**
 * Sizes of a run: 200 writes, 50 reads of each kind, 20 withdrawals (fewer with `--quick`).
 *
 * @example
 * ```ts
 * requestCountSizes({ quick: false }).writes; // 200
 * ```
 */
export function requestCountSizes(o: Pick<BenchOptions, 'quick'>): RequestCountSizes {
  return o.quick
    ? { writes: 40, writers: 4, reads: 10, withdrawals: 5, statusReads: 2, plainPuts: 10, costRegions: [2, 3, 5] }
    : { writes: 200, writers: 4, reads: 50, withdrawals: 20, statusReads: 5, plainPuts: 50, costRegions: [2, 3, 5] };
}

/** The commands shown in the tables, in this order (others are added after them). */
const DYNAMO_ORDER = ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'];
const SQS_ORDER = ['SendMessageBatch', 'ReceiveMessage', 'DeleteMessageBatch', 'GetQueueAttributes'];

/** Per-operation figures of a set of tallies: totals and per command, each ÷ `per`. */
function tallyFigures(prefix: string, tallies: Record<string, CommandTally>, per: number): Record<string, number> {
  const out: Record<string, number> = {};
  const sum = (k: keyof CommandTally): number => Object.values(tallies).reduce((n, t) => n + t[k], 0) / per;
  for (const k of ['requests', 'errors', 'readUnits', 'writeUnits', 'billedWriteUnits', 'indexUnits', 'itemsWritten', 'requestBytes', 'responseBytes'] as const) out[`${prefix}.${k}`] = sum(k);
  for (const [command, t] of Object.entries(tallies)) out[`${prefix}.cmd.${command}`] = t.requests / per;
  return out;
}

/** The SQS requests of deliveries: every request but the empty receives (idle polling). */
function deliveryTallies(snapshot: MeterSnapshot, regions: readonly string[]): Record<string, CommandTally> {
  const out = byCommand(snapshot, 'sqs', regions);
  const receive = out['ReceiveMessage'];
  if (receive !== undefined) out['ReceiveMessage'] = { ...receive, requests: receive.requests - receive.empty, chunks64k: receive.chunks64k - receive.empty, empty: 0 };
  delete out['GetQueueAttributes'];
  return out;
}

async function timedMean(count: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let ms = 0;
  for (let i = 0; i < count; i++) {
    const s = performance.now();
    await op(i);
    ms += performance.now() - s;
  }
  return ms / count;
}

function costFigures(prefix: string, c: CostBreakdown): Record<string, number> {
  return {
    [`${prefix}.total`]: c.total,
    [`${prefix}.frontDoor`]: c.frontDoor,
    [`${prefix}.store`]: c.store,
    [`${prefix}.replication`]: c.replication,
    ...Object.fromEntries(Object.entries(c.byService).map(([k, v]) => [`${prefix}.${k}`, v])),
  };
}

/** One run of every isolated phase. */
async function measure(h: MeshHarness, raw: RawAppender, s: RequestCountSizes, prices: PriceTable, run: number, progress: (l: string) => void): Promise<RunOutcome> {
  const [origin] = h.regions as [string];
  const peers = h.regions.slice(1);
  const client = h.clients[0];
  if (client === undefined || peers.length === 0) throw new Error('request counts need at least two regions');
  const figures: Record<string, number> = { regions: h.regions.length };

  // Local writes and their replication.
  progress(`request counts: run ${run + 1}, ${s.writes} writes into ${origin}`);
  const before = h.requests.snapshot();
  const handlersBefore = h.handlers.snapshot();
  const t0 = performance.now();
  const ids: string[] = [];
  let writeMs = 0;
  await Promise.all(Array.from({ length: s.writers }, async (_, w) => {
    for (let i = 0; i < s.writes / s.writers; i++) {
      const st = performance.now();
      ids.push((await client.put(`cnt-${run}-${w}`, sampleValue(w, i))).event.id);
      writeMs += performance.now() - st;
    }
  }));
  await h.handlers.waitIngested(ids, peers, 300_000);
  // The pollers delete after the handler returns: wait for every delivery's delete.
  await until('the deliveries to be deleted', () => peers.every((p) => totalOf(diffSnapshots(h.requests.snapshot(), before), { region: p, service: 'sqs', command: 'DeleteMessageBatch' }).entries >= ids.length), 120_000, 50);
  const phaseS = (performance.now() - t0) / 1000;
  const spent = diffSnapshots(h.requests.snapshot(), before);
  const handlers = diffHandlerSnapshots(h.handlers.snapshot(), handlersBefore);
  const events = ids.length * peers.length;
  Object.assign(figures, tallyFigures('write.dynamodb', byCommand(spent, 'dynamodb', [origin]), ids.length));
  Object.assign(figures, tallyFigures('replicated.dynamodb', byCommand(spent, 'dynamodb', peers), events));
  const delivery = deliveryTallies(spent, peers);
  Object.assign(figures, tallyFigures('replicated.sqs', delivery, events));
  const send = delivery['SendMessageBatch'];
  const sqsChunks = Object.values(delivery).reduce((n, t) => n + t.chunks64k, 0) / events;
  const replicator = handlerTotal(handlers, 'replicator', [origin]);
  const ingest = handlerTotal(handlers, 'ingest', peers);
  const idle = totalOf(spent, { service: 'sqs', command: 'ReceiveMessage' }).empty;
  Object.assign(figures, {
    'replicated.sqs.chunks': sqsChunks,
    'replicated.sqs.messagesPerSend': send === undefined ? Number.NaN : send.entries / send.requests,
    'replicated.transferBytes': (send?.requestBytes ?? 0) / events,
    'replicator.invocationsPerWrite': replicator.invocations / ids.length,
    'replicator.recordsPerInvocation': replicator.records / replicator.invocations,
    'replicator.msPerWrite': replicator.billedMs / ids.length,
    'ingest.invocationsPerEvent': ingest.invocations / events,
    'ingest.eventsPerInvocation': ingest.records / ingest.invocations,
    'ingest.msPerEvent': ingest.billedMs / events,
    'ingest.failedPerEvent': ingest.failed / events,
    'api.msPerWrite': writeMs / ids.length,
    'idle.emptyReceivesPerLinkSecond': idle / phaseS / (h.regions.length * peers.length),
  });

  // Reads (and a withdrawal's local side) in region 0, with nothing replicating meanwhile.
  const account = `cnt-acct-${run}`;
  const deposits = [];
  for (let i = 0; i < 20; i++) deposits.push((await client.deposit(account, 1000)).event.id);
  await h.handlers.waitIngested(deposits, peers, 120_000);
  const key = `cnt-${run}-0`;
  const phase = async (name: string, count: number, op: (i: number) => Promise<unknown>): Promise<number> => {
    progress(`request counts: run ${run + 1}, ${count} × ${name}`);
    const b = h.requests.snapshot();
    const ms = await timedMean(count, op);
    Object.assign(figures, tallyFigures(`${name}.dynamodb`, byCommand(diffSnapshots(h.requests.snapshot(), b), 'dynamodb', [origin]), count));
    Object.assign(figures, tallyFigures(`${name}.sqs`, byCommand(diffSnapshots(h.requests.snapshot(), b), 'sqs', [origin]), count));
    return ms;
  };
  await phase('getKv', s.reads, () => client.get(key));
  await phase('getAccount', s.reads, () => client.account(account));
  const withdrawIds: string[] = [];
  await phase('withdraw', s.withdrawals, async () => withdrawIds.push((await client.withdraw(account, 1)).event.id));
  await h.handlers.waitIngested(withdrawIds, peers, 120_000);
  figures['status.events'] = (await client.status()).events ?? Number.NaN;
  await phase('status', s.statusReads, () => client.status());

  // The same write on Global Tables: one plain PutItem of an item of the same content.
  const b = h.requests.snapshot();
  const putMs = await timedMean(s.plainPuts, (i) => raw.put(`gt-${run}-${i}`, sampleValue(0, i)));
  const put = totalOf(diffSnapshots(h.requests.snapshot(), b), { region: 'baseline', service: 'dynamodb', command: 'PutItem' });
  Object.assign(figures, {
    'gt.writeUnits': (put.billedWriteUnits - put.indexUnits) / s.plainPuts,
    'gt.bytes': put.requestBytes / s.plainPuts,
    'gt.putMs': putMs,
  });

  // The cost table. Lambda time is modelled from the counted requests (see DurationModel); the
  // locally measured times are kept as a second footprint, to show how much that choice weighs.
  const memory = MESH_DEFAULTS.function.memorySize;
  const d = prices.durations;
  const fig = (name: string): number => figures[name] ?? 0;
  // Ingest writes a batch as a whole (read the streams' states, write, record the delivery): an
  // invocation lasts all of its requests, one after another.
  const ingestChain = fig('replicated.dynamodb.requests') / Math.max(1e-9, fig('ingest.invocationsPerEvent'));
  const modelled = {
    apiMs: modelledMs(d, fig('write.dynamodb.requests'), 0),
    replicatorMs: fig('replicator.invocationsPerWrite') * modelledMs(d, 0, 1),
    ingestMs: fig('ingest.invocationsPerEvent') * modelledMs(d, ingestChain, 0),
    gtApiMs: modelledMs(d, 1, 0),
  };
  Object.assign(figures, {
    'model.apiMsPerWrite': modelled.apiMs,
    'model.replicatorMsPerWrite': modelled.replicatorMs,
    'model.ingestMsPerEvent': modelled.ingestMs,
    'model.overheadMs': d.invocationOverheadMs,
    'model.dynamodbRequestMs': d.dynamodbRequestMs,
    'model.sqsRequestMs': d.sqsRequestMs,
  });
  const footprintWith = (ms: { apiMs: number; replicatorMs: number; ingestMs: number }): WriteFootprint => ({
    origin: {
      apiRequests: 1,
      apiInvocations: 1,
      apiMs: ms.apiMs,
      readUnits: fig('write.dynamodb.readUnits'),
      writeUnits: fig('write.dynamodb.billedWriteUnits'),
      replicatorInvocations: fig('replicator.invocationsPerWrite'),
      replicatorMs: ms.replicatorMs,
    },
    perPeer: {
      sqsChunks,
      transferBytes: fig('replicated.transferBytes'),
      ingestInvocations: fig('ingest.invocationsPerEvent'),
      ingestMs: ms.ingestMs,
      readUnits: fig('replicated.dynamodb.readUnits'),
      writeUnits: fig('replicated.dynamodb.billedWriteUnits'),
    },
    lambdaMemoryMb: memory,
  });
  const footprint = footprintWith(modelled);
  const measuredFootprint = footprintWith({ apiMs: Math.ceil(fig('api.msPerWrite')), replicatorMs: fig('replicator.msPerWrite'), ingestMs: fig('ingest.msPerEvent') });
  const gt: GlobalTablesFootprint = {
    apiRequests: 1,
    apiInvocations: 1,
    apiMs: modelled.gtApiMs,
    writeUnitsPerReplica: fig('gt.writeUnits'),
    transferBytesPerReplica: fig('gt.bytes'),
    lambdaMemoryMb: memory,
  };
  for (const n of s.costRegions) {
    const m = meshCost(footprint, prices.usd, n);
    const g = globalTablesCost(gt, prices.usd, n);
    const measured = meshCost(measuredFootprint, prices.usd, n);
    const measuredGt = globalTablesCost({ ...gt, apiMs: Math.ceil(putMs) }, prices.usd, n);
    Object.assign(figures, costFigures(`cost.n${n}.mesh`, m), costFigures(`cost.n${n}.gt`, g), {
      [`cost.n${n}.ratio`]: m.total / g.total,
      [`cost.n${n}.ratioNoFrontDoor`]: (m.total - m.frontDoor) / (g.total - g.frontDoor),
      [`cost.n${n}.measuredLambda.mesh`]: measured.total,
      [`cost.n${n}.measuredLambda.ratio`]: measured.total / measuredGt.total,
    });
  }
  return { figures, details: { footprint, measuredFootprint, globalTables: gt, spent } };
}

export const requestCounts: Benchmark = {
  name: 'counts',
  title: 'Requests per operation and the cost model',
  async open(env): Promise<Session> {
    if (MESH_DEFAULTS.function.architecture !== Architecture.ARM_64) throw new Error('the cost model prices arm64 Lambda; infra/defaults.ts configures another architecture');
    const prices = loadPrices();
    const s = requestCountSizes(env.options);
    // The cost model needs the units each request consumed.
    const h = await env.startMesh({ capacity: true });
    const raw = await RawAppender.create({
      endpoint: h.mesh.dynamodbEndpoint, table: `${h.mesh.meshName}-bench-gt`, region: h.regions[0] ?? 'us-east-1', instrument: (c) => h.requests.instrument('baseline', { dynamodb: c }),
    });
    // Warm-up, not counted.
    const client = h.clients[0];
    if (client === undefined) throw new Error('no region');
    const warm = [];
    for (let i = 0; i < 5; i++) warm.push((await client.put('cnt-warm-up', i)).event.id);
    await raw.append('gt-warm-up', 0);
    await h.handlers.waitIngested(warm, h.regions.slice(1), 120_000);
    return {
      setup: { sizes: s, prices: { region: prices.region, checked: prices.checked, entries: prices.entries }, lambdaMemoryMb: MESH_DEFAULTS.function.memorySize },
      run: (run) => measure(h, raw, s, prices, run, env.progress),
    };
  },
  format(f: Readonly<Record<string, Aggregate>>): string[] {
    const num = (name: string, digits = 2): string => formatSpread(f[name], (v) => v.toFixed(digits));
    const usd = (name: string): string => formatSpread(f[name], (v) => `$${v.toFixed(2)}`);
    const commandsOf = (prefix: string, order: readonly string[]): string[] => {
      const seen = Object.keys(f).filter((k) => k.startsWith(`${prefix}.cmd.`)).map((k) => k.slice(prefix.length + 5));
      return [...order.filter((c) => seen.includes(c)), ...seen.filter((c) => !order.includes(c)).sort()];
    };
    const lines = [`Requests per operation (instrumented SDK clients, ${num('regions', 0)} regions; medians [min–max] of the runs)`];
    const ops: Array<[string, string]> = [
      ['write', 'local PUT /kv (origin)'],
      ['replicated', 'replicated event (per peer)'],
      ['getKv', 'GET /kv/{key}'],
      ['getAccount', 'GET /accounts/{id} (20 events)'],
      ['withdraw', 'withdraw (origin side)'],
      ['status', `GET /status (${num('status.events', 0)} events)`],
    ];
    for (const [op, label] of ops) {
      const cmds = commandsOf(`${op}.dynamodb`, DYNAMO_ORDER).map((c) => `${c} ${num(`${op}.dynamodb.cmd.${c}`)}`);
      lines.push(`  ${label.padEnd(34)} DynamoDB ${num(`${op}.dynamodb.requests`)} requests: ${cmds.join(', ')}`);
      lines.push(`  ${''.padEnd(34)} units: read ${num(`${op}.dynamodb.readUnits`)}, write ${num(`${op}.dynamodb.billedWriteUnits`)} by AWS's rules (DynamoDB Local reported ${num(`${op}.dynamodb.writeUnits`)}, indexes ${num(`${op}.dynamodb.indexUnits`)}), items written ${num(`${op}.dynamodb.itemsWritten`)}, errors ${num(`${op}.dynamodb.errors`)}`);
    }
    const sqs = commandsOf('replicated.sqs', SQS_ORDER).map((c) => `${c} ${num(`replicated.sqs.cmd.${c}`, 3)}`);
    lines.push(`  ${'SQS per replicated event'.padEnd(34)} ${num('replicated.sqs.requests', 3)} requests (${sqs.join(', ')}), ${num('replicated.sqs.chunks', 3)} billed 64 KiB requests, ${num('replicated.sqs.messagesPerSend', 1)} messages per send, ${num('replicated.transferBytes', 0)} bytes across regions`);
    lines.push(`  ${'Lambda (measured locally)'.padEnd(34)} replicator ${num('replicator.invocationsPerWrite', 3)} invocations/write (${num('replicator.recordsPerInvocation', 1)} records each, ${num('replicator.msPerWrite', 1)} ms/write); ingest ${num('ingest.invocationsPerEvent', 3)} invocations/event (${num('ingest.eventsPerInvocation', 1)} events each, ${num('ingest.msPerEvent', 1)} ms/event); api ${num('api.msPerWrite', 1)} ms/write (client latency)`);
    lines.push(`  ${'Lambda (cost model)'.padEnd(34)} api ${num('model.apiMsPerWrite', 0)} ms/write, replicator ${num('model.replicatorMsPerWrite', 1)} ms/write, ingest ${num('model.ingestMsPerEvent', 1)} ms/event (counted requests one after another at ${num('model.dynamodbRequestMs', 0)} ms per DynamoDB and ${num('model.sqsRequestMs', 0)} ms per SQS request, + ${num('model.overheadMs', 0)} ms)`);
    lines.push(`  ${'idle polling'.padEnd(34)} ${num('idle.emptyReceivesPerLinkSecond', 1)} empty receives per link per second (local poller; a standing cost, not per write)`);
    lines.push(`  ${'Global Tables write'.padEnd(34)} PutItem of the same item: ${num('gt.writeUnits')} WRU, ${num('gt.bytes', 0)} bytes, ${num('gt.putMs', 1)} ms`);
    lines.push('');
    lines.push('Cost per million writes (AWS list prices, bench/aws-prices.json), mesh vs DynamoDB Global Tables doing the same writes');
    lines.push('  regions  mesh: total      front door  store    replication   Global Tables: total  front door  replication   mesh ÷ GT          (without front doors)');
    const ns = [...new Set(Object.keys(f).filter((k) => /^cost\.n\d+\.ratio$/.test(k)).map((k) => Number(k.split('.')[1]?.slice(1))))].sort((a, b) => a - b);
    for (const n of ns) {
      const p = `cost.n${n}`;
      lines.push(`  ${String(n).padStart(7)}  ${usd(`${p}.mesh.total`).padEnd(15)}  ${usd(`${p}.mesh.frontDoor`).padEnd(10)}  ${usd(`${p}.mesh.store`).padEnd(7)}  ${usd(`${p}.mesh.replication`).padEnd(12)}  ` +
        `${usd(`${p}.gt.total`).padEnd(20)}  ${usd(`${p}.gt.frontDoor`).padEnd(10)}  ${usd(`${p}.gt.replication`).padEnd(12)}  ${formatSpread(f[`${p}.ratio`], formatRatio).padEnd(17)}  ${formatSpread(f[`${p}.ratioNoFrontDoor`], formatRatio)}`);
    }
    const n3 = ns.includes(3) ? 3 : ns[0];
    if (n3 !== undefined) lines.push(`  with the locally measured Lambda times instead of the model, ${n3} regions: mesh ${usd(`cost.n${n3}.measuredLambda.mesh`)}, ${formatSpread(f[`cost.n${n3}.measuredLambda.ratio`], formatRatio)} Global Tables`);
    lines.push('  front door = API Gateway + the Lambda taking the request; store = DynamoDB of the write in its region; replication = everything that puts it in the other regions');
    return lines;
  },
};
