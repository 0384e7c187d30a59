/**
 * `npm run fuzz`: the HTTP fuzz of `npm test`, as long as you like. Starts its own local mesh
 * (two regions on free loopback ports, DynamoDB Local in memory) unless given `--url`, sends the
 * generated hostile requests to the first region, prints the report, and exits 1 if any 5xx, hang,
 * badly shaped refusal, or stored-by-mistake event was seen.
 *
 * ```bash
 * npm run fuzz -- --requests 100000              # the soak (its figures are in the README)
 * npm run fuzz -- --requests 2000 --seed 7       # reproduce a run: same seed, same requests
 * npm run fuzz -- --url http://127.0.0.1:3001 --regions us-east-1,eu-west-1,ap-southeast-2
 * ```
 *
 * @example
 * ```ts
 * import { parseFuzzArgs } from './cli.ts';
 * parseFuzzArgs(['--requests', '500']); // { requests: 500, seed: …, concurrency: 4, … }
 * ```
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startMesh, type Mesh } from '../../local/cloud.ts';
import { formatHttpFuzzReport, runHttpFuzz } from './http-fuzz.ts';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const USAGE = 'usage: npm run fuzz -- [--requests N] [--seed N] [--concurrency N] [--timeout-ms N] [--url URL --regions a,b]';

export interface FuzzArgs {
  readonly requests: number;
  readonly seed: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly url: string | undefined;
  readonly regions: readonly string[] | undefined;
  readonly help: boolean;
}

/** Parses the command line; throws with the usage on anything unknown or malformed. */
export function parseFuzzArgs(argv: readonly string[]): FuzzArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      requests: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      'timeout-ms': { type: 'string' },
      url: { type: 'string' },
      regions: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const int = (raw: string | undefined, what: string, fallback: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${raw}\n${USAGE}`);
    return n;
  };
  const regions = values.regions?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (values.url !== undefined && (regions === undefined || regions.length === 0)) throw new Error(`--url needs --regions (the mesh's regions)\n${USAGE}`);
  return {
    requests: int(values.requests, '--requests', 10_000),
    seed: int(values.seed, '--seed', Date.now() % 1_000_000),
    concurrency: Math.max(1, int(values.concurrency, '--concurrency', 4)),
    timeoutMs: int(values['timeout-ms'], '--timeout-ms', 20_000),
    url: values.url,
    regions,
    help: values.help === true,
  };
}

async function main(): Promise<void> {
  let args: FuzzArgs;
  try {
    args = parseFuzzArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  let mesh: Mesh | undefined;
  const stop = async (): Promise<void> => {
    await mesh?.stop();
  };
  process.on('SIGINT', () => void stop().finally(() => process.exit(130)));
  process.on('SIGTERM', () => void stop().finally(() => process.exit(143)));
  try {
    let url = args.url;
    let regions = args.regions;
    if (url === undefined) {
      console.error('[fuzz] starting a two-region local mesh (DynamoDB Local in memory, free ports)…');
      mesh = await startMesh({ regions: ['us-east-1', 'eu-west-1'], basePort: 0, meshName: `fuzz${Date.now().toString(36)}`, repairIntervalMs: 0, handlerLogLevel: 'SILENT' });
      url = mesh.regions[0]?.url ?? '';
      regions = mesh.regions.map((r) => r.region);
    }
    console.error(`[fuzz] ${args.requests} requests to ${url}, seed ${args.seed}, ${args.concurrency} at a time`);
    const report = await runHttpFuzz({
      url,
      regions: regions ?? [],
      requests: args.requests,
      seed: args.seed,
      concurrency: args.concurrency,
      timeoutMs: args.timeoutMs,
      onProgress: (n) => console.error(`[fuzz] ${n} sent`),
    });
    console.log(formatHttpFuzzReport(report));
    const ok = report.serverErrors.length === 0 && report.hangs.length === 0 && report.badlyShaped.length === 0 && report.storedOnlyAccepted;
    process.exitCode = ok ? 0 : 1;
  } finally {
    await stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
