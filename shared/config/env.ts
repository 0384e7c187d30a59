/**
 * Environment variables the handlers read. The CDK stacks and the local cloud set exactly these.
 *
 * @example
 * ```ts
 * import { readRegionConfig } from './env.ts';
 * const cfg = readRegionConfig({ MESH_REGION: 'us-east-1', MESH_TABLE: 't', MESH_PEERS: 'eu-west-1' });
 * ```
 */
import { DEFAULT_MESH_NAME } from './naming.ts';

export const ENV = {
  /** Mesh name (resource prefix). */
  meshName: 'MESH_NAME',
  /** This region's name (in AWS also AWS_REGION; kept separate so the local cloud can run several). */
  region: 'MESH_REGION',
  /** Events table name. */
  table: 'MESH_TABLE',
  /** Comma-separated peer regions. */
  peers: 'MESH_PEERS',
  /** JSON object: peer region -> URL of that peer's inbound queue for events from this region. */
  peerQueueUrls: 'MESH_PEER_QUEUE_URLS',
  /** JSON object: peer region -> URL of this region's inbound queue from that peer (for backlog in /status). */
  inboundQueueUrls: 'MESH_INBOUND_QUEUE_URLS',
  /** AWS account id (for computing ARNs of peers' resources). */
  account: 'MESH_ACCOUNT',
  /** Comma-separated regions retired from the mesh (empty: none): still accepted as an event's origin. */
  retiredRegions: 'MESH_RETIRED_REGIONS',
} as const;

/** Variables the handlers read when set, with a default otherwise. */
export const OPTIONAL_ENV = {
  /** Largest lead (ms) of an ingested event's stamp over this region's clock (default 300000). */
  maxClockOffsetMs: 'MESH_MAX_CLOCK_OFFSET_MS',
} as const;

export interface RegionConfig {
  readonly meshName: string;
  readonly region: string;
  readonly table: string;
  readonly peers: readonly string[];
  readonly peerQueueUrls: Readonly<Record<string, string>>;
  readonly inboundQueueUrls: Readonly<Record<string, string>>;
  readonly account: string;
  /** Absent: none. */
  readonly retiredRegions?: readonly string[];
  /** Undefined: the domain's default (5 minutes). */
  readonly maxClockOffsetMs?: number;
}

function jsonMap(raw: string | undefined, name: string): Record<string, string> {
  if (raw === undefined || raw === '') return {};
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${name} must be a JSON object of region to URL`);
  }
  return parsed as Record<string, string>;
}

/** Reads and checks the handler configuration; throws naming the missing variable. */
export function readRegionConfig(env: Readonly<Record<string, string | undefined>>): RegionConfig {
  const need = (name: string): string => {
    const v = env[name];
    if (v === undefined || v === '') throw new Error(`missing environment variable ${name}`);
    return v;
  };
  const list = (raw: string | undefined): string[] => (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const peers = list(env[ENV.peers]);
  const offset = env[OPTIONAL_ENV.maxClockOffsetMs];
  if (offset !== undefined && offset !== '' && !(/^\d+$/.test(offset) && Number(offset) > 0)) {
    throw new Error(`${OPTIONAL_ENV.maxClockOffsetMs} must be a positive integer of milliseconds, got ${JSON.stringify(offset)}`);
  }
  return {
    meshName: env[ENV.meshName] ?? DEFAULT_MESH_NAME,
    region: need(ENV.region),
    table: need(ENV.table),
    peers,
    peerQueueUrls: jsonMap(env[ENV.peerQueueUrls], ENV.peerQueueUrls),
    inboundQueueUrls: jsonMap(env[ENV.inboundQueueUrls], ENV.inboundQueueUrls),
    account: env[ENV.account] ?? '000000000000',
    retiredRegions: list(env[ENV.retiredRegions]),
    ...(offset === undefined || offset === '' ? {} : { maxClockOffsetMs: Number(offset) }),
  };
}
