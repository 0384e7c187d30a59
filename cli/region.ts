/**
 * `mesh region …`: grow and shrink a running local cloud (`npm start`) through its admin routes
 * (`local/admin-routes.ts`). In AWS a region is added or retired with `cdk deploy` instead (see
 * docs/deploy.md); a deployed API has no such route and answers 404.
 *
 * ```console
 * $ npx mesh region add ap-northeast-1 --wait
 * ap-northeast-1 joined the mesh at http://127.0.0.1:3004, backfilling from us-east-1
 * ap-northeast-1 catching up: us-east-1 bucket 32/64 (50%), 1520 events read, 1498 copied
 * ap-northeast-1 caught up: 3012 events read from us-east-1, 2990 copied, in 8.1 s
 * $ npx mesh region remove us-east-1
 * us-east-1 retired: drained in 1402 ms, 0 events pulled by repair
 * mesh: eu-west-1, ap-southeast-2, ap-northeast-1 (retired: us-east-1)
 * $ npx mesh region list
 * ```
 *
 * @example
 * ```ts
 * import { isRegionCommand, runRegionCommand } from './region.ts';
 * if (isRegionCommand(argv)) process.exitCode = await runRegionCommand(argv, io);
 * ```
 */
import { parseArgs } from 'node:util';
import { MeshClientError, MeshHttpError } from '../shared/client/errors.ts';
import { MeshClient } from '../shared/client/mesh-client.ts';
import type { RegionStatus } from '../shared/client/types.ts';
import type { CliIo, ExitCode } from './run.ts';

export const REGION_USAGE = `usage: mesh [--url URL | --port N] region add NAME [--from REGION,…] [--rate EVENTS_PER_S] [--wait]
       mesh [--url URL | --port N] region remove NAME
       mesh [--url URL | --port N] region list

  add      start NAME in the running local cloud, wire it to every region, and backfill it
           (default from the mesh's first region); --wait follows the backfill until done
  remove   retire NAME: refuse its writes, drain its queues into every other region, check
           that nothing is missing, stop it (its table is kept)
  list     the regions serving, their URLs and backfill state, and the retired ones

  --url URL  any region of the local cloud
  --port N   the local cloud started with \`npm start -- --port N\`
             (default: $MESH_URL, else $MESH_PORT, else http://127.0.0.1:3001)`;

/** True when argv's first positional is `region`. */
export function isRegionCommand(argv: readonly string[]): boolean {
  const valued = new Set(['--url', '--port', '--region', '--timeout', '--heads', '--from', '--rate', '--listen']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (valued.has(a)) i++;
    else if (!a.startsWith('-')) return a === 'region';
  }
  return false;
}

interface MeshDocument {
  readonly regions: ReadonlyArray<{ readonly region: string; readonly url: string; readonly retiring?: boolean }>;
  readonly retired: readonly string[];
}

/** Runs `mesh region …`; never throws, answers the exit code. */
export async function runRegionCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let values: { url?: string; port?: string; from?: string; rate?: string; wait?: boolean; json?: boolean; timeout?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        port: { type: 'string' },
        from: { type: 'string' },
        rate: { type: 'string' },
        wait: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    io.err(`mesh: ${(e as Error).message}\n${REGION_USAGE}`);
    return 2;
  }
  const [, action, name, ...extra] = positionals;
  if (values.help === true) {
    io.out(REGION_USAGE);
    return 0;
  }
  const need = action === 'list' ? 0 : 1;
  if ((action !== 'add' && action !== 'remove' && action !== 'list') || (need === 1 && name === undefined) || extra.length > 0 || (need === 0 && name !== undefined)) {
    io.err(`mesh: ${action === undefined ? 'region needs add, remove or list' : `bad region command: ${positionals.join(' ')}`}\n${REGION_USAGE}`);
    return 2;
  }
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(Number.isInteger(rate) && rate > 0)) {
    io.err(`mesh: --rate must be a positive integer of events per second, got '${values.rate}'`);
    return 2;
  }
  // As every mesh command picks its region: the first given of --url, --port, $MESH_URL, $MESH_PORT.
  const port = values.port ?? (values.url === undefined && io.env['MESH_URL'] === undefined ? io.env['MESH_PORT'] : undefined);
  if (port !== undefined && !/^[1-9][0-9]{0,4}$/.test(port)) {
    io.err(`mesh: --port must be the local mesh's first port, got '${port}'`);
    return 2;
  }
  const url = values.url ?? (values.port !== undefined ? `http://127.0.0.1:${values.port}` : undefined) ?? io.env['MESH_URL'] ?? (port === undefined ? 'http://127.0.0.1:3001' : `http://127.0.0.1:${port}`);
  // Adding and draining a region take a while: a generous default.
  const timeoutMs = values.timeout === undefined ? 300_000 : Number(values.timeout);
  const client = new MeshClient({ baseUrl: url, timeoutMs });
  const print = (answer: unknown, text: string): void => io.out(values.json === true ? JSON.stringify(answer, null, 2) : text);
  try {
    if (action === 'list') {
      const doc = await client.request<MeshDocument>('GET', '/local/mesh');
      const rows = await Promise.all(doc.regions.map(async (r) => {
        const status = await new MeshClient({ baseUrl: r.url, timeoutMs: 10_000 }).status().catch(() => undefined);
        return { ...r, events: status?.events, backfill: status?.backfill?.state };
      }));
      const text = [
        ...rows.map((r) => `${r.region.padEnd(18)} ${r.url.padEnd(24)} ${r.retiring === true ? 'retiring' : (r.backfill ?? 'serving').padEnd(11)} ${r.events ?? '?'} events`),
        `retired: ${doc.retired.length === 0 ? 'none' : doc.retired.join(', ')}`,
      ].join('\n');
      print({ regions: rows, retired: doc.retired }, text);
      return 0;
    }
    if (action === 'remove') {
      const removed = await client.request<{ region: string; drainedMs: number; pulledByRepair: number; handedOver?: { accounts: number; moved: number }; regions: string[]; retired: string[] }>('DELETE', `/admin/regions/${encodeURIComponent(name as string)}`);
      print(removed, `${removed.region} retired: drained in ${removed.drainedMs} ms, ${removed.pulledByRepair} events pulled by repair` +
        `${removed.handedOver !== undefined && removed.handedOver.accounts > 0 ? `, escrow rights of ${removed.handedOver.accounts} account(s) (${removed.handedOver.moved}) handed over` : ''}\nmesh: ${removed.regions.join(', ')} (retired: ${removed.retired.join(', ')})`);
      return 0;
    }
    const from = values.from?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const added = await client.request<{ region: string; url: string; backfill: { from: string[] } }>('POST', '/admin/regions', {
      name,
      ...(from === undefined ? {} : { from }),
      ...(rate === undefined ? {} : { rate }),
    });
    const joined = `${added.region} joined the mesh at ${added.url}, backfilling from ${added.backfill.from.join(', ')}`;
    if (values.wait !== true) {
      print(added, joined);
      return 0;
    }
    if (values.json !== true) io.out(joined);
    const status = await followBackfill(new MeshClient({ baseUrl: added.url, timeoutMs: 10_000 }), (line) => {
      if (values.json !== true) io.out(`${added.region} ${line}`);
    });
    print(status, `${added.region} caught up: ${describeBackfill(status)}`);
    return 0;
  } catch (error) {
    if (error instanceof MeshHttpError) io.err(`mesh: ${error.status} ${error.code}: ${error.message}`);
    else if (error instanceof MeshClientError) io.err(`mesh: ${error.message}\n(is the local cloud running at ${url}? try --url)`);
    else io.err(`mesh: ${(error as Error).message}`);
    return 1;
  }
}

/** Polls a joining region's status until its backfill is done, reporting progress as it changes. */
async function followBackfill(client: MeshClient, report: (line: string) => void, everyMs = 1_000): Promise<RegionStatus> {
  let last = '';
  for (;;) {
    const status = await client.status();
    if (status.backfill === undefined || status.backfill.state === 'done') return status;
    const line = `catching up: ${Object.entries(status.backfill.peers)
      .map(([peer, p]) => `${peer} ${p.phase === 'copy' ? `bucket ${p.bucket}/${p.buckets} (${Math.round(p.progress * 100)}%)` : 'anti-entropy'}, ${p.read} events read, ${p.copied} copied`)
      .join('; ')}`;
    if (line !== last) report(line);
    last = line;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function describeBackfill(status: RegionStatus): string {
  const peers = Object.entries(status.backfill?.peers ?? {});
  if (peers.length === 0) return `${status.events ?? '?'} events`;
  return peers
    .map(([peer, p]) => `${p.read} events read from ${peer}, ${p.copied} copied${p.finishedAt === undefined ? '' : `, in ${((p.finishedAt - p.startedAt) / 1000).toFixed(1)} s`}`)
    .join('; ');
}
