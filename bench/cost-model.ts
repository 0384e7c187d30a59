/**
 * The cost model: dollars per million acknowledged writes in a mesh of N regions, from what the
 * instrumented clients counted one write to cost (`bench/request-counts.ts`), priced with AWS list
 * prices (`bench/aws-prices.json`), next to DynamoDB Global Tables doing the same writes.
 *
 * A mesh write costs, at its origin: the API Gateway request, the api Lambda, the DynamoDB units
 * of the write path, and the replicator Lambda (its stream reads are free); and at each of the
 * N−1 peers: the SQS requests of one delivery (send, receive, delete; billed per 64 KiB chunk,
 * shared by a batch), the bytes sent across regions, the ingest Lambda and the DynamoDB units of
 * the ingest. Per-write figures are amortised over the batches the local cloud formed.
 *
 * The Global Tables write: the same front door (one API Gateway request, one Lambda doing one
 * PutItem of an item of the same content), then one replicated write request unit per KB in
 * every replica (the written Region included), and the item's bytes to each other Region.
 *
 * @example
 * ```ts
 * import { meshCost, globalTablesCost } from './cost-model.ts';
 * const mesh = meshCost(footprint, prices.usd, 3);
 * const gt = globalTablesCost(gtFootprint, prices.usd, 3);
 * mesh.total / gt.total; // how many times Global Tables' price the mesh pays per write
 * ```
 */
import type { DurationModel, PriceName } from './prices.ts';

/** Dollars per unit, by price name (`PriceTable.usd`). */
export type UnitPrices = Readonly<Record<PriceName, number>>;

/** What one mesh write was measured to cost, in the units AWS bills. */
export interface WriteFootprint {
  /** At the origin, per acknowledged write. */
  readonly origin: {
    readonly apiRequests: number;
    readonly apiInvocations: number;
    /** Billed ms of the api Lambda per write. */
    readonly apiMs: number;
    /** DynamoDB read and write request units (tables and indexes). */
    readonly readUnits: number;
    readonly writeUnits: number;
    /** Replicator invocations per write, amortised over stream batches, and their billed ms. */
    readonly replicatorInvocations: number;
    readonly replicatorMs: number;
  };
  /** At each peer, per replicated event. */
  readonly perPeer: {
    /** SQS billed requests (64 KiB chunks) of the delivery: the sender's SendMessageBatch, ReceiveMessage, DeleteMessageBatch. */
    readonly sqsChunks: number;
    /** Bytes that crossed regions (the sends to the peer's queue). */
    readonly transferBytes: number;
    readonly ingestInvocations: number;
    readonly ingestMs: number;
    readonly readUnits: number;
    readonly writeUnits: number;
  };
  /** The Lambda functions' configured memory. */
  readonly lambdaMemoryMb: number;
}

/** What the same write costs on Global Tables. */
export interface GlobalTablesFootprint {
  /** The front door: one API Gateway request and one Lambda invocation of `apiMs` billed ms. */
  readonly apiRequests: number;
  readonly apiInvocations: number;
  readonly apiMs: number;
  /** Replicated write request units per replica (the item's KB, rounded up). */
  readonly writeUnitsPerReplica: number;
  /** Bytes sent to each other replica. */
  readonly transferBytesPerReplica: number;
  readonly lambdaMemoryMb: number;
}

/** Dollars per million writes. */
export interface CostBreakdown {
  /** API Gateway and the Lambda that takes the request. */
  readonly frontDoor: number;
  /** Storing the write in its own region. */
  readonly store: number;
  /** Getting it into the other N−1 regions. */
  readonly replication: number;
  readonly total: number;
  readonly byService: {
    readonly apiGateway: number;
    readonly lambda: number;
    readonly dynamodb: number;
    readonly sqs: number;
    readonly transfer: number;
  };
}

/**
 * Billed ms the model gives an invocation that makes `dynamodb` DynamoDB requests and `sqs` SQS
 * requests one after another (fractions allowed: requests per event), rounded up to the ms.
 *
 * @example
 * ```ts
 * modelledMs({ invocationOverheadMs: 2, dynamodbRequestMs: 5, sqsRequestMs: 10 }, 4, 0); // 22
 * ```
 */
export function modelledMs(m: DurationModel, dynamodb: number, sqs: number): number {
  return Math.ceil(m.invocationOverheadMs + dynamodb * m.dynamodbRequestMs + sqs * m.sqsRequestMs);
}

const MILLION = 1_000_000;
const GB = 1024 ** 3;

/** Lambda dollars of `invocations` invocations running `ms` billed ms in all at `memoryMb`. */
function lambdaUsd(p: UnitPrices, invocations: number, ms: number, memoryMb: number): number {
  return invocations * p.lambdaRequest + (ms / 1000) * (memoryMb / 1024) * p.lambdaGbSecondArm;
}

/**
 * Dollars per million writes in a mesh of `regions` regions.
 *
 * @example
 * ```ts
 * meshCost(footprint, prices.usd, 5).replication; // what the 4 peers cost per million writes
 * ```
 */
export function meshCost(f: WriteFootprint, p: UnitPrices, regions: number): CostBreakdown {
  if (!Number.isInteger(regions) || regions < 1) throw new RangeError(`regions must be a positive integer, got ${regions}`);
  const peers = regions - 1;
  const o = f.origin;
  const q = f.perPeer;
  const apiGateway = o.apiRequests * p.apiGatewayHttpRequest;
  const apiLambda = lambdaUsd(p, o.apiInvocations, o.apiMs, f.lambdaMemoryMb);
  const originDynamo = o.readUnits * p.dynamodbReadRequestUnit + o.writeUnits * p.dynamodbWriteRequestUnit;
  const replicator = lambdaUsd(p, o.replicatorInvocations, o.replicatorMs, f.lambdaMemoryMb);
  const ingest = peers * lambdaUsd(p, q.ingestInvocations, q.ingestMs, f.lambdaMemoryMb);
  const peerDynamo = peers * (q.readUnits * p.dynamodbReadRequestUnit + q.writeUnits * p.dynamodbWriteRequestUnit);
  const sqs = peers * q.sqsChunks * p.sqsRequest;
  const transfer = peers * (q.transferBytes / GB) * p.interRegionTransferGb;
  // One replicator invocation serves every peer; with no peer it has nothing to send.
  const replication = peers === 0 ? 0 : replicator + ingest + peerDynamo + sqs + transfer;
  const frontDoor = apiGateway + apiLambda;
  return scale({
    frontDoor,
    store: originDynamo,
    replication,
    total: frontDoor + originDynamo + replication,
    byService: {
      apiGateway,
      lambda: apiLambda + (peers === 0 ? 0 : replicator + ingest),
      dynamodb: originDynamo + peerDynamo,
      sqs,
      transfer,
    },
  });
}

/**
 * Dollars per million of the same writes on DynamoDB Global Tables with `regions` replicas.
 *
 * @example
 * ```ts
 * globalTablesCost(gt, prices.usd, 3).total;
 * ```
 */
export function globalTablesCost(g: GlobalTablesFootprint, p: UnitPrices, regions: number): CostBreakdown {
  if (!Number.isInteger(regions) || regions < 1) throw new RangeError(`regions must be a positive integer, got ${regions}`);
  const peers = regions - 1;
  const apiGateway = g.apiRequests * p.apiGatewayHttpRequest;
  const lambda = lambdaUsd(p, g.apiInvocations, g.apiMs, g.lambdaMemoryMb);
  // A single-Region table pays plain WRUs; a replica table pays rWRUs, in every replica.
  const perReplica = g.writeUnitsPerReplica * (peers === 0 ? p.dynamodbWriteRequestUnit : p.dynamodbReplicatedWriteRequestUnit);
  const transfer = peers * (g.transferBytesPerReplica / GB) * p.interRegionTransferGb;
  const replication = peers * perReplica + transfer;
  return scale({
    frontDoor: apiGateway + lambda,
    store: perReplica,
    replication,
    total: apiGateway + lambda + perReplica + replication,
    byService: { apiGateway, lambda, dynamodb: regions * perReplica, sqs: 0, transfer },
  });
}

/** Per write -> per million writes. */
function scale(c: CostBreakdown): CostBreakdown {
  const m = (x: number): number => x * MILLION;
  return {
    frontDoor: m(c.frontDoor),
    store: m(c.store),
    replication: m(c.replication),
    total: m(c.total),
    byService: {
      apiGateway: m(c.byService.apiGateway),
      lambda: m(c.byService.lambda),
      dynamodb: m(c.byService.dynamodb),
      sqs: m(c.byService.sqs),
      transfer: m(c.byService.transfer),
    },
  };
}
