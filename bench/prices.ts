/**
 * The AWS list prices the cost model uses, read from one data file (`bench/aws-prices.json`), so
 * repricing is an edit of that file: each price has its unit, its sources and their dates. The
 * loader checks the shape and refuses a file with a price missing, negative or not a number.
 *
 * @example
 * ```ts
 * import { loadPrices } from './prices.ts';
 * const prices = loadPrices();
 * prices.usd.dynamodbWriteRequestUnit; // 6.25e-7 (dollars per write request unit)
 * ```
 */
import { readFileSync } from 'node:fs';

/** Every price the cost model needs. */
export const PRICE_NAMES = [
  'dynamodbWriteRequestUnit',
  'dynamodbReadRequestUnit',
  'dynamodbReplicatedWriteRequestUnit',
  'dynamodbStreamsReadByLambda',
  'sqsRequest',
  'lambdaRequest',
  'lambdaGbSecondArm',
  'interRegionTransferGb',
  'apiGatewayHttpRequest',
] as const;

export type PriceName = (typeof PRICE_NAMES)[number];

export interface PriceSource {
  readonly url: string;
  readonly dated: string;
}

export interface PriceEntry {
  /** Dollars per `per` units. */
  readonly usd: number;
  readonly per: number;
  readonly unit: string;
  readonly sources: readonly PriceSource[];
}

/** How long the cost model assumes a Lambda invocation runs: its requests, one after another. */
export interface DurationModel {
  readonly invocationOverheadMs: number;
  readonly dynamodbRequestMs: number;
  readonly sqsRequestMs: number;
}

export interface PriceTable {
  readonly region: string;
  readonly currency: string;
  /** When the prices were looked up (YYYY-MM-DD). */
  readonly checked: string;
  readonly entries: Readonly<Record<PriceName, PriceEntry>>;
  /** Dollars per single unit (`usd / per`), what the cost model multiplies by. */
  readonly usd: Readonly<Record<PriceName, number>>;
  readonly durations: DurationModel;
}

/** The default price file, beside this module. */
export const PRICES_FILE = new URL('./aws-prices.json', import.meta.url);

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Checks a parsed price file and derives the per-unit dollars; throws naming what is wrong.
 *
 * @example
 * ```ts
 * parsePrices(JSON.parse(readFileSync('bench/aws-prices.json', 'utf8'))).usd.sqsRequest; // 4e-7
 * ```
 */
export function parsePrices(raw: unknown): PriceTable {
  if (!isObject(raw) || !isObject(raw['prices'])) throw new Error('price file: needs an object with a "prices" object');
  const prices = raw['prices'];
  const entries = {} as Record<PriceName, PriceEntry>;
  const usd = {} as Record<PriceName, number>;
  for (const name of PRICE_NAMES) {
    const e = prices[name];
    if (!isObject(e)) throw new Error(`price file: "${name}" is missing`);
    const { usd: dollars, per, unit, sources } = e;
    if (typeof dollars !== 'number' || !Number.isFinite(dollars) || dollars < 0) throw new Error(`price file: "${name}".usd must be a number ≥ 0`);
    if (typeof per !== 'number' || !(per > 0)) throw new Error(`price file: "${name}".per must be a number > 0`);
    if (typeof unit !== 'string' || unit === '') throw new Error(`price file: "${name}".unit must be a non-empty string`);
    if (!Array.isArray(sources) || sources.length === 0 || !sources.every((s) => isObject(s) && typeof s['url'] === 'string' && typeof s['dated'] === 'string')) {
      throw new Error(`price file: "${name}".sources must list at least one { url, dated }`);
    }
    entries[name] = { usd: dollars, per, unit, sources: sources as PriceSource[] };
    usd[name] = dollars / per;
  }
  const model = raw['lambdaDurationModel'];
  if (!isObject(model)) throw new Error('price file: needs a "lambdaDurationModel" object');
  const ms = (k: keyof DurationModel): number => {
    const v = model[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`price file: "lambdaDurationModel".${k} must be a number ≥ 0`);
    return v;
  };
  const durations: DurationModel = { invocationOverheadMs: ms('invocationOverheadMs'), dynamodbRequestMs: ms('dynamodbRequestMs'), sqsRequestMs: ms('sqsRequestMs') };
  const text = (k: string): string => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
  return { region: text('region'), currency: text('currency'), checked: text('checked'), entries, usd, durations };
}

/**
 * Reads and checks the price file (default `bench/aws-prices.json`).
 *
 * @example
 * ```ts
 * loadPrices().entries.sqsRequest.sources[0]?.url; // where the SQS price came from
 * ```
 */
export function loadPrices(file: URL | string = PRICES_FILE): PriceTable {
  return parsePrices(JSON.parse(readFileSync(file, 'utf8')) as unknown);
}
