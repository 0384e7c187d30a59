import { describe, expect, it } from 'vitest';
import { globalTablesCost, meshCost, modelledMs, type GlobalTablesFootprint, type UnitPrices, type WriteFootprint } from '../../../bench/cost-model.ts';

/** Round prices, so every expected figure below can be checked by hand. */
const PRICES: UnitPrices = {
  dynamodbWriteRequestUnit: 1e-6,
  dynamodbReadRequestUnit: 2e-7,
  dynamodbReplicatedWriteRequestUnit: 1.5e-6,
  dynamodbStreamsReadByLambda: 0,
  sqsRequest: 4e-7,
  lambdaRequest: 2e-7,
  lambdaGbSecondArm: 1e-5,
  interRegionTransferGb: 0.02,
  apiGatewayHttpRequest: 1e-6,
};
const MB_PER_EVENT = 1024 ** 3 / 1000; // 0.001 GB

const FOOTPRINT: WriteFootprint = {
  origin: { apiRequests: 1, apiInvocations: 1, apiMs: 1000, readUnits: 10, writeUnits: 5, replicatorInvocations: 0.5, replicatorMs: 500 },
  perPeer: { sqsChunks: 2, transferBytes: MB_PER_EVENT, ingestInvocations: 0.25, ingestMs: 250, readUnits: 4, writeUnits: 6 },
  lambdaMemoryMb: 1024,
};

const GT: GlobalTablesFootprint = { apiRequests: 1, apiInvocations: 1, apiMs: 100, writeUnitsPerReplica: 2, transferBytesPerReplica: MB_PER_EVENT, lambdaMemoryMb: 1024 };

describe('meshCost', () => {
  it('prices the front door, the write in its region and the delivery to each of the N-1 peers, per million writes', () => {
    // Act
    const c = meshCost(FOOTPRINT, PRICES, 3);

    // Assess: front door = API GW 1 + api Lambda (0.2 + 1 s × 1 GB × 10) = 11.2
    expect(c.frontDoor).toBeCloseTo(11.2, 9);
    // store = 10 RRU × 0.2 + 5 WRU × 1 = 7
    expect(c.store).toBeCloseTo(7, 9);
    // replication = replicator 5.1 + 2 × (ingest 2.55 + DynamoDB 6.8 + SQS 0.8 + transfer 20) = 65.4
    expect(c.replication).toBeCloseTo(65.4, 9);
    expect(c.total).toBeCloseTo(83.6, 9);
    expect(c.byService).toEqual({
      apiGateway: expect.closeTo(1, 9),
      lambda: expect.closeTo(10.2 + 5.1 + 5.1, 9),
      dynamodb: expect.closeTo(7 + 13.6, 9),
      sqs: expect.closeTo(1.6, 9),
      transfer: expect.closeTo(40, 9),
    });
  });

  it('grows by one peer’s delivery per region added, and costs no replication in a single region', () => {
    // Act
    const [one, three, five] = [1, 3, 5].map((n) => meshCost(FOOTPRINT, PRICES, n));

    // Assess
    expect(one?.replication).toBe(0);
    expect(one?.total).toBeCloseTo(18.2, 9);
    expect((five?.total ?? 0) - (three?.total ?? 0)).toBeCloseTo(2 * 30.15, 9);
  });

  it('refuses a region count that is not a positive integer', () => {
    // Act + Assess
    expect(() => meshCost(FOOTPRINT, PRICES, 0)).toThrow(RangeError);
    expect(() => meshCost(FOOTPRINT, PRICES, 2.5)).toThrow(RangeError);
  });
});

describe('globalTablesCost', () => {
  it('charges a replicated write unit in every replica, the written one included, plus the bytes to each other replica', () => {
    // Act
    const c = globalTablesCost(GT, PRICES, 3);

    // Assess: front door = 1 + 0.2 + 0.1 s × 1 GB × 10 = 2.2; per replica 2 rWRU × 1.5 = 3
    expect(c.frontDoor).toBeCloseTo(2.2, 9);
    expect(c.store).toBeCloseTo(3, 9);
    expect(c.replication).toBeCloseTo(2 * 3 + 2 * 20, 9);
    expect(c.total).toBeCloseTo(51.2, 9);
    expect(c.byService.dynamodb).toBeCloseTo(9, 9);
  });

  it('is a plain table, billed plain write units, with one region', () => {
    // Act
    const c = globalTablesCost(GT, PRICES, 1);

    // Assess
    expect(c.store).toBeCloseTo(2, 9);
    expect(c.replication).toBe(0);
    expect(c.total).toBeCloseTo(4.2, 9);
  });
});

describe('modelledMs', () => {
  it('bills the overhead plus each request one after another, rounded up to the ms', () => {
    // Prepare
    const model = { invocationOverheadMs: 2, dynamodbRequestMs: 5, sqsRequestMs: 10 };

    // Act + Assess
    expect(modelledMs(model, 4, 0)).toBe(22);
    expect(modelledMs(model, 0, 1)).toBe(12);
    expect(modelledMs(model, 2.9, 0)).toBe(17); // 16.5 rounds up
  });
});
