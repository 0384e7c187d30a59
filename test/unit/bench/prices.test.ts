import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRICE_NAMES, PRICES_FILE, loadPrices, parsePrices } from '../../../bench/prices.ts';

const shipped = (): Record<string, unknown> => JSON.parse(readFileSync(PRICES_FILE, 'utf8')) as Record<string, unknown>;

describe('the price file', () => {
  it('has every price the cost model needs, each with a source, and derives dollars per single unit', () => {
    // Act
    const prices = loadPrices();

    // Assess
    expect(Object.keys(prices.usd).sort()).toEqual([...PRICE_NAMES].sort());
    for (const name of PRICE_NAMES) expect(prices.entries[name].sources.length).toBeGreaterThan(0);
    expect(prices.usd.dynamodbWriteRequestUnit).toBeCloseTo(0.625 / 1e6, 15);
    expect(prices.usd.lambdaGbSecondArm).toBeCloseTo(0.0000133334, 15);
    expect(prices.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(prices.durations.dynamodbRequestMs).toBeGreaterThan(0);
  });
});

describe('parsePrices', () => {
  it('refuses a file with a price missing, naming it', () => {
    // Prepare
    const raw = shipped();
    delete (raw['prices'] as Record<string, unknown>)['sqsRequest'];

    // Act + Assess
    expect(() => parsePrices(raw)).toThrow(/"sqsRequest" is missing/);
  });

  it('refuses a negative price, a zero "per" and a price without sources', () => {
    // Prepare
    const withEntry = (patch: Record<string, unknown>): Record<string, unknown> => {
      const raw = shipped();
      const prices = raw['prices'] as Record<string, Record<string, unknown>>;
      prices['lambdaRequest'] = { ...prices['lambdaRequest'], ...patch };
      return raw;
    };

    // Act + Assess
    expect(() => parsePrices(withEntry({ usd: -1 }))).toThrow(/lambdaRequest".usd/);
    expect(() => parsePrices(withEntry({ per: 0 }))).toThrow(/lambdaRequest".per/);
    expect(() => parsePrices(withEntry({ sources: [] }))).toThrow(/lambdaRequest".sources/);
  });

  it('refuses a file without the Lambda duration model', () => {
    // Prepare
    const raw = shipped();
    delete raw['lambdaDurationModel'];

    // Act + Assess
    expect(() => parsePrices(raw)).toThrow(/lambdaDurationModel/);
  });
});
