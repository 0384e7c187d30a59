/**
 * The mesh's deploy-time configuration: which regions, what name, what happens to data on
 * destroy. Read from CDK context (`-c regions=...`) and validated before any construct exists,
 * with messages that say what to fix.
 *
 * @example
 * ```ts
 * import { resolveMeshConfig } from './config.ts';
 * const cfg = resolveMeshConfig({ regions: 'us-east-1,eu-west-1' });
 * cfg.regions; // ['us-east-1', 'eu-west-1']
 * ```
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  DEFAULT_MESH_NAME,
  DEFAULT_REGIONS,
  deadLetterQueueName,
  ingestFunctionName,
  links,
  replicatorRoleName,
} from '../shared/config/naming.ts';

/** Validated configuration of one mesh deployment. */
export interface MeshConfig {
  /** Prefix of every physical name. @default 'ecmesh' */
  readonly meshName: string;
  /** Regions of the full mesh, in the given order; at least two, no duplicates. */
  readonly regions: readonly string[];
  /**
   * Account to deploy to. When undefined the stacks are account-agnostic and every ARN uses the
   * `AWS::AccountId` pseudo parameter, which in a single-account mesh is the same everywhere.
   * @default process.env.CDK_DEFAULT_ACCOUNT
   */
  readonly account?: string;
  /** What `cdk destroy` does with the events table and log groups. @default RemovalPolicy.RETAIN */
  readonly removalPolicy: RemovalPolicy;
  /** Deploy the scheduled anti-entropy (repair) function. @default true when functions/repair.ts exists */
  readonly repair: boolean;
  /**
   * Regions that were part of the mesh and were retired: no stack, no links, but their events
   * still live in every table, so their names stay accepted as an event's `origin`. Disjoint
   * from `regions`. @default []
   */
  readonly retiredRegions: readonly string[];
  /**
   * Name of an existing SNS topic, present in every region of the mesh, that every alarm
   * notifies. @default undefined: each stack creates `<meshName>-alarms-<region>`
   */
  readonly alarmTopicName?: string;
  /**
   * Events per second a joining region's backfill reads from a peer at most (its function's
   * `MESH_BACKFILL_RATE`), to spare the peers' read capacity. @default undefined: no cap (one
   * page of 100 events at a time)
   */
  readonly backfillRate?: number;
}

/** Raw inputs, as CDK context or test code gives them (strings from `-c`, arrays from cdk.json). */
export interface MeshConfigInput {
  readonly meshName?: unknown;
  readonly regions?: unknown;
  readonly account?: unknown;
  readonly removalPolicy?: unknown;
  readonly repair?: unknown;
  readonly retiredRegions?: unknown;
  readonly alarmTopicName?: unknown;
  readonly backfillRate?: unknown;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const MESH_NAME_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
const ACCOUNT_PATTERN = /^\d{12}$/;
/** SNS topic names: up to 256 letters, digits, hyphens and underscores. */
const TOPIC_NAME_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * Splits `a,b,c` (context from the command line) or takes an array (context from cdk.json).
 * @example parseRegionList('us-east-1, eu-west-1'); // ['us-east-1', 'eu-west-1']
 */
export function parseRegionList(raw: unknown): string[] {
  if (raw === undefined || raw === null || raw === '') return [...DEFAULT_REGIONS];
  return splitList(raw);
}

/** A comma list or an array as trimmed, non-empty strings; nothing for an absent value. */
function splitList(raw: unknown): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const items = Array.isArray(raw) ? raw : String(raw).split(',');
  return items.map((r) => String(r).trim()).filter((r) => r !== '');
}

function parseRemovalPolicy(raw: unknown): RemovalPolicy {
  if (raw === undefined || raw === null || raw === '') return RemovalPolicy.RETAIN;
  switch (String(raw).toLowerCase()) {
    case 'retain':
      return RemovalPolicy.RETAIN;
    case 'destroy':
      return RemovalPolicy.DESTROY;
    default:
      // No 'snapshot': CloudFormation cannot snapshot DynamoDB tables or log groups.
      throw new Error(`removalPolicy must be retain or destroy (got '${String(raw)}')`);
  }
}

function parseBackfillRate(raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`backfillRate must be a positive integer of events per second (got '${String(raw)}')`);
  return n;
}

function parseBoolean(raw: unknown, name: string, fallback: boolean): boolean {
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new Error(`${name} must be true or false (got '${String(raw)}')`);
}

/** Throws, naming the offending value, unless every name looks like a region and none repeats. */
function checkRegionNames(regions: readonly string[], list: string): void {
  const seen = new Set<string>();
  for (const region of regions) {
    if (!REGION_PATTERN.test(region)) {
      throw new Error(`invalid region name '${region}' in ${list} (expected something like us-east-1)`);
    }
    if (seen.has(region)) throw new Error(`duplicate region '${region}' in ${list}`);
    seen.add(region);
  }
}

/** Retired regions: region names, no duplicates, none still in the mesh. */
function validateRetiredRegions(retired: readonly string[], regions: readonly string[]): void {
  checkRegionNames(retired, 'retiredRegions');
  const active = retired.filter((r) => regions.includes(r));
  if (active.length > 0) {
    throw new Error(`retiredRegions lists ${active.join(', ')}, which is still in the region list: a region is either in the mesh or retired`);
  }
}

/** Throws, naming the offending value, unless the region list can form a mesh with these names. */
function validateRegions(regions: readonly string[], meshName: string): void {
  if (regions.length < 2) {
    throw new Error(`a mesh needs at least 2 regions (got ${regions.length}: '${regions.join(',')}')`);
  }
  checkRegionNames(regions, 'the region list');
  // Physical-name limits: SQS 80 characters, IAM role and Lambda function names 64.
  for (const { from, to } of links(regions)) {
    const name = deadLetterQueueName(meshName, from, to);
    if (name.length > 80) throw new Error(`queue name '${name}' is longer than 80 characters: shorten meshName`);
  }
  for (const region of regions) {
    for (const name of [replicatorRoleName(meshName, region), ingestFunctionName(meshName, region)]) {
      if (name.length > 64) throw new Error(`name '${name}' is longer than 64 characters: shorten meshName`);
    }
  }
}

/**
 * Validates raw inputs and fills the defaults.
 * @param input context values (`regions`, `meshName`, `account`, `removalPolicy`, `repair`, `retiredRegions`, `alarmTopicName`, `backfillRate`)
 * @param defaults values used when the input leaves them out (the app passes the environment's)
 * @example resolveMeshConfig({ regions: 'us-east-1,eu-west-1', removalPolicy: 'destroy' }, { account: '123456789012' });
 */
export function resolveMeshConfig(
  input: MeshConfigInput,
  defaults: { readonly account?: string; readonly repair?: boolean } = {},
): MeshConfig {
  const meshName = input.meshName === undefined || input.meshName === '' ? DEFAULT_MESH_NAME : String(input.meshName);
  if (!MESH_NAME_PATTERN.test(meshName)) {
    throw new Error(`invalid meshName '${meshName}' (lowercase letters, digits and '-', starting with a letter, at most 20)`);
  }
  const regions = parseRegionList(input.regions);
  validateRegions(regions, meshName);
  const rawAccount = input.account === undefined || input.account === '' ? defaults.account : String(input.account);
  if (rawAccount !== undefined && !ACCOUNT_PATTERN.test(rawAccount)) {
    throw new Error(`invalid account '${rawAccount}' (expected 12 digits)`);
  }
  const retiredRegions = splitList(input.retiredRegions);
  validateRetiredRegions(retiredRegions, regions);
  const alarmTopicName = input.alarmTopicName === undefined || input.alarmTopicName === '' ? undefined : String(input.alarmTopicName);
  if (alarmTopicName !== undefined && !TOPIC_NAME_PATTERN.test(alarmTopicName)) {
    throw new Error(`invalid alarmTopicName '${alarmTopicName}' (an SNS topic name: letters, digits, '-' and '_', at most 256)`);
  }
  const backfillRate = parseBackfillRate(input.backfillRate);
  return {
    meshName,
    regions,
    ...(rawAccount === undefined ? {} : { account: rawAccount }),
    removalPolicy: parseRemovalPolicy(input.removalPolicy),
    repair: parseBoolean(input.repair, 'repair', defaults.repair ?? true),
    retiredRegions,
    ...(alarmTopicName === undefined ? {} : { alarmTopicName }),
    ...(backfillRate === undefined ? {} : { backfillRate }),
  };
}
