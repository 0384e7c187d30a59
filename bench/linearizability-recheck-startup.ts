/**
 * Start-up of the recheck CLI, before and after bundling, in the same run: the TypeScript source
 * through tsx (`npx tsx jepsen/recheck.ts`, as documented before, and `node --import tsx`,
 * without npx) against the esbuild bundle (`node jepsen/bin/recheck.mjs`), with `node -e ''` as
 * the floor. Each command runs `--help` (start-up alone) and a re-check of a small run folder
 * (start-up plus a little work), several times in rotating order; the figures are medians of
 * wall time and of CPU time (user + system of the process and its children, from
 * `/usr/bin/time`), since on a shared machine wall time includes waiting for a core.
 *
 * Run: `npx tsx bench/linearizability-recheck-startup.ts [--runs 11]`
 *
 * @example
 * ```ts
 * import { measureStartup } from './linearizability-recheck-startup.ts';
 * const rows = measureStartup({ runs: 5 });
 * ```
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { toJsonLines } from '../jepsen/history.ts';
import { generateRegisterHistory } from './linearizability.ts';
import { formatMs, formatRatio, percentile, ratio } from './stats.ts';

const root = resolve(fileURLToPath(import.meta.url), '../..');

export interface StartupRow {
  readonly command: string;
  readonly task: 'help' | 'recheck';
  /** Medians, ms. */
  readonly wallMs: number;
  readonly cpuMs: number;
}

const COMMANDS: ReadonlyArray<{ name: string; argv: (args: string[]) => string[] }> = [
  { name: "node -e '' (floor)", argv: () => ['node', '-e', ''] },
  { name: 'npx tsx jepsen/recheck.ts (before)', argv: (a) => ['npx', 'tsx', 'jepsen/recheck.ts', ...a] },
  { name: 'node --import tsx jepsen/recheck.ts', argv: (a) => ['node', '--import', 'tsx', 'jepsen/recheck.ts', ...a] },
  { name: 'node jepsen/bin/recheck.mjs (bundled)', argv: (a) => ['node', 'jepsen/bin/recheck.mjs', ...a] },
];

function once(argv: string[]): { wall: number; cpu: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', ...argv], { cwd: root, encoding: 'utf8' });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const [wall, user, sys] = last.split(' ').map(Number);
  if (wall === undefined || user === undefined || sys === undefined || !Number.isFinite(wall)) throw new Error(`could not time ${argv.join(' ')}: ${r.stderr}`);
  return { wall: wall * 1000, cpu: (user + sys) * 1000 };
}

/**
 * Time every command on both tasks, `runs` times each in rotating order.
 *
 * @example
 * ```ts
 * measureStartup({ runs: 11 }).find((r) => r.command.includes('bundled'))?.wallMs;
 * ```
 */
export function measureStartup(o: { readonly runs: number }): StartupRow[] {
  // The first run builds the bundle if needed: not a start-up to time.
  once(['node', 'jepsen/bin/recheck.mjs', '--help']);
  const dir = mkdtempSync(join(tmpdir(), 'recheck-startup-'));
  try {
    writeFileSync(join(dir, 'history.jsonl'), toJsonLines(generateRegisterHistory({ operations: 200, keys: 2, clients: 4, seed: 1 })));
    const tasks = { help: ['--help'], recheck: [dir] } as const;
    const samples = new Map<string, Array<{ wall: number; cpu: number }>>();
    for (let i = 0; i < o.runs; i++) {
      for (let k = 0; k < COMMANDS.length; k++) {
        const c = COMMANDS[(k + i) % COMMANDS.length] as (typeof COMMANDS)[number];
        for (const [task, args] of Object.entries(tasks)) {
          if (task === 'recheck' && c.name.startsWith('node -e')) continue;
          const key = `${c.name}\t${task}`;
          samples.set(key, [...(samples.get(key) ?? []), once(c.argv([...args]))]);
        }
      }
    }
    return [...samples].map(([key, xs]) => {
      const [command, task] = key.split('\t') as [string, 'help' | 'recheck'];
      return { command, task, wallMs: percentile(xs.map((x) => x.wall), 50), cpuMs: percentile(xs.map((x) => x.cpu), 50) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { runs: { type: 'string', default: '11' } } });
  const runs = Number(values.runs);
  const rows = measureStartup({ runs });
  const before = (task: string) => rows.find((r) => r.task === task && r.command.includes('(before)'));
  console.log(`recheck CLI start-up, median of ${runs} runs each, rotating order (wall / CPU = user + system)`);
  for (const task of ['help', 'recheck'] as const) {
    console.log(task === 'help' ? '  --help (start-up alone):' : '  re-check of a 200-operation run folder:');
    for (const r of rows.filter((x) => x.task === task)) {
      const b = before(task);
      console.log(`    ${r.command.padEnd(40)} ${formatMs(r.wallMs).padStart(9)} / ${formatMs(r.cpuMs).padStart(9)}` +
        (b && !r.command.startsWith('node -e') ? `   ${formatRatio(ratio(r.wallMs, b.wallMs))} / ${formatRatio(ratio(r.cpuMs, b.cpuMs))} of before` : ''));
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
