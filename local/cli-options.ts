/**
 * Command-line flags and environment of `npm start`, turned into {@link MeshOptions}.
 *
 * Flags (or env): `--regions a,b,c` (MESH_REGIONS), `--port 3001` (MESH_PORT; region i on port+i,
 * 0 = free ports), `--data-dir DIR` (MESH_DATA_DIR; keep the data on disk) or `--in-memory` (the
 * default), `--mesh NAME` (MESH_NAME), `--retired-regions a,b` (MESH_RETIRED_REGIONS; regions retired
 * earlier whose events the tables still hold, e.g. after `mesh region remove` with `--data-dir`), `--dynamodb URL` (MESH_DYNAMODB_ENDPOINT; reuse a running
 * DynamoDB), `--dynamodb-per-region` (MESH_DYNAMODB_PER_REGION=1; one DynamoDB Local per region), `--sqs-port N` (MESH_SQS_PORT), `--verbose` (handlers log at INFO).
 *
 * @example
 * ```ts
 * import { meshOptionsFrom } from './cli-options.ts';
 * meshOptionsFrom(['--regions', 'a,b', '--port', '4001'], {}); // { regions: ['a', 'b'], basePort: 4001, … }
 * ```
 */
import { parseArgs } from 'node:util';
import type { MeshOptions } from './cloud.ts';

export const USAGE = `usage: npm start -- [--regions a,b,c] [--port 3001] [--data-dir DIR | --in-memory] [--mesh NAME]
                    [--retired-regions a,b] [--dynamodb URL | --dynamodb-per-region] [--sqs-port N] [--verbose]`;

/** Turns argv and env into mesh options; throws a usage message on a bad value. */
export function meshOptionsFrom(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): MeshOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      regions: { type: 'string' },
      'retired-regions': { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      mesh: { type: 'string' },
      dynamodb: { type: 'string' },
      'dynamodb-per-region': { type: 'boolean' },
      'sqs-port': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) throw new Error(USAGE);
  const int = (raw: string | undefined, what: string): number | undefined => {
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${what} must be a port number, got ${raw}\n${USAGE}`);
    return n;
  };
  const regionsRaw = values.regions ?? env['MESH_REGIONS'];
  const list = (raw: string | undefined): string[] | undefined => raw?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const regions = list(regionsRaw);
  const retiredRegions = list(values['retired-regions'] ?? env['MESH_RETIRED_REGIONS']);
  const dataDir = values['in-memory'] === true ? undefined : (values['data-dir'] ?? env['MESH_DATA_DIR']);
  const basePort = int(values.port ?? env['MESH_PORT'], '--port');
  const sqsPort = int(values['sqs-port'] ?? env['MESH_SQS_PORT'], '--sqs-port');
  const meshName = values.mesh ?? env['MESH_NAME'];
  const dynamodbEndpoint = values.dynamodb ?? env['MESH_DYNAMODB_ENDPOINT'];
  const perRegion = values['dynamodb-per-region'] === true || env['MESH_DYNAMODB_PER_REGION'] === '1';
  if (perRegion && dynamodbEndpoint !== undefined && dynamodbEndpoint !== '') throw new Error(`--dynamodb-per-region starts DynamoDB Local; it cannot go with --dynamodb\n${USAGE}`);
  return {
    ...(regions === undefined || regions.length === 0 ? {} : { regions }),
    ...(retiredRegions === undefined || retiredRegions.length === 0 ? {} : { retiredRegions }),
    ...(basePort === undefined ? {} : { basePort }),
    ...(sqsPort === undefined ? {} : { sqsPort }),
    ...(dataDir === undefined || dataDir === '' ? {} : { dataDir }),
    ...(meshName === undefined || meshName === '' ? {} : { meshName }),
    ...(dynamodbEndpoint === undefined || dynamodbEndpoint === '' ? {} : { dynamodbEndpoint }),
    ...(perRegion ? { dynamodbPerRegion: true } : {}),
    handlerLogLevel: values.verbose === true ? 'INFO' : 'WARN',
  };
}
