/**
 * How long a `mesh` command takes from process start to exit: the bundled CLI (what `bin/mesh.js`
 * runs) against the TypeScript sources through tsx (what it ran before, still its fallback), and
 * bare `node -e 0` as the baseline measured in the same run. Each variant runs `--runs` times,
 * interleaved so machine load hits them alike; medians are printed, and ratios to the baseline.
 * `status` talks to a stand-in region on this machine, so the figure is start-up plus one request.
 * `--before DIR` adds another checkout's `bin/mesh.js` (e.g. a worktree of an older commit, with
 * `node_modules` linked in), so an old and a new CLI are compared in the same run.
 *
 * @example
 * ```sh
 * npx tsx cli/startup-bench.ts --runs 21
 * git worktree add /tmp/before fd76114 && ln -s "$PWD/node_modules" /tmp/before/ && npx tsx cli/startup-bench.ts --before /tmp/before
 * ```
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { listen } from '../local/runtime/listening-server.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/mesh.js', import.meta.url));

interface Variant {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, before: { type: 'string' } } });
  const runs = Number(values.runs);
  const region = await listen(
    createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ region: 'us-east-1', peers: [], links: [], events: 0 }))),
    0,
    '127.0.0.1',
  );
  const status = ['--url', region.url, 'status'];
  const variants: Variant[] = [
    { name: 'node -e 0 (baseline)', args: ['-e', '0'], env: {} },
    { name: 'mesh --help, bundled', args: [BIN, '--help'], env: {} },
    { name: 'mesh --help, tsx', args: [BIN, '--help'], env: { MESH_CLI_TSX: '1' } },
    { name: 'mesh status, bundled', args: [BIN, ...status], env: {} },
    { name: 'mesh status, tsx', args: [BIN, ...status], env: { MESH_CLI_TSX: '1' } },
  ];
  if (values.before !== undefined) {
    const old = `${values.before.replace(/\/+$/, '')}/bin/mesh.js`;
    variants.push({ name: 'mesh --help, before', args: [old, '--help'], env: {} }, { name: 'mesh status, before', args: [old, ...status], env: {} });
  }
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  // One warm-up of each (a fresh bundle, tsx's compile cache), then interleaved measured runs.
  for (const v of variants) await run(process.execPath, [...v.args], { env: { ...process.env, ...v.env } });
  for (let i = 0; i < runs; i++) {
    for (const v of variants) {
      const started = process.hrtime.bigint();
      await run(process.execPath, [...v.args], { env: { ...process.env, ...v.env } });
      times.get(v.name)?.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  await region.stop();
  const base = median(times.get(variants[0]?.name ?? '') ?? []);
  console.log(`mesh CLI start-up, median of ${runs} runs each (ms; ratio to bare node in the same run)`);
  for (const v of variants) {
    const m = median(times.get(v.name) ?? []);
    console.log(`  ${v.name.padEnd(24)} ${m.toFixed(0).padStart(6)} ms   ×${(m / base).toFixed(2)}`);
  }
  const ratio = (a: string, b: string): string => (median(times.get(a) ?? []) / median(times.get(b) ?? [])).toFixed(2);
  console.log(`  tsx / bundled: --help ×${ratio('mesh --help, tsx', 'mesh --help, bundled')}, status ×${ratio('mesh status, tsx', 'mesh status, bundled')}`);
  if (values.before !== undefined) {
    console.log(`  before / bundled: --help ×${ratio('mesh --help, before', 'mesh --help, bundled')}, status ×${ratio('mesh status, before', 'mesh status, bundled')}`);
  }
}

await main();
