/**
 * Re-check a stored run: read `history.jsonl`, `final.json` and `results.json` from a run folder,
 * run the checkers again (e.g. with a larger time budget, or after upgrading the checkers), and
 * rewrite `results.json` and `report.html`. Also the way to check a history recorded elsewhere:
 * put it in a folder as `history.jsonl` (with `final.json` for the final-state checkers).
 *
 * Run: `node jepsen/bin/recheck.mjs <run-dir> [--budget-ms 60000]` (bundled with esbuild on first
 * use, starts in tens of ms), or `npx tsx jepsen/recheck.ts <run-dir>` (no build, about 0.5 s).
 *
 * @example
 * ```ts
 * import { recheckRun } from './recheck.ts';
 * const run = await recheckRun('jepsen-runs/2026-11-26T07-30-00-000Z-register');
 * run.verdicts.map((v) => v.valid); // [false, true, true]
 * ```
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parseJsonLines } from './history.ts';
import type { FinalReads } from './final-state.ts';
import type { RunConfig } from './runner.ts';
import type { ReportInput } from './report/html.ts';
import { nemesisWindows } from './nemesis.ts';
import { checkRun } from './checks.ts';
import { writeRun } from './output.ts';
import { validityLabel } from './checkers/verdict.ts';

/**
 * Re-run the checkers on a run folder and rewrite its results and report.
 *
 * @example
 * ```ts
 * await recheckRun(dir, { timeBudgetMs: 300_000 });
 * ```
 */
export async function recheckRun(dir: string, options: { timeBudgetMs?: number } = {}): Promise<ReportInput> {
  const history = parseJsonLines(await readFile(join(dir, 'history.jsonl'), 'utf8'));
  const final: FinalReads = existsSync(join(dir, 'final.json'))
    ? (JSON.parse(await readFile(join(dir, 'final.json'), 'utf8')) as FinalReads)
    : { regions: [], attempts: 0, settledMs: 0 };
  const stored = existsSync(join(dir, 'results.json'))
    ? (JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { config?: RunConfig; loadEndNs?: number; quietEndNs?: number })
    : {};
  const last = history.at(-1)?.time ?? 0;
  const workload = stored.config?.workload ?? (history.some((o) => o.f === 'deposit' || o.f === 'withdraw') ? 'bank' : 'register');
  // A fold, not Math.max(...spread): a spread of 65,000+ arguments overflows the stack.
  const workers = history.reduce((n, o) => (typeof o.process === 'number' ? Math.max(n, o.process + 1) : n), 1);
  const config: RunConfig = stored.config ?? {
    workload, timeS: last / 1e9, nemesis: 'partition', concurrency: workers,
    regions: [...new Set(history.map((o) => o.region).filter((r): r is string => r !== undefined))].map((region) => ({ region, url: '' })),
    timeoutMs: 0, quietS: 0, seed: 0, keys: [], startedAt: new Date().toISOString(),
  };
  const judged = checkRun(workload, history, final.regions.length > 0 ? final : undefined, options);
  const run: ReportInput = {
    config, history, final, windows: nemesisWindows(history, stored.loadEndNs ?? last), verdicts: judged.verdicts, ok: judged.ok,
    loadEnd: stored.loadEndNs ?? last, quietEnd: stored.quietEndNs ?? last,
  };
  await writeRun(dir, run);
  return run;
}

const USAGE = 'usage: node jepsen/bin/recheck.mjs <run-dir> [--budget-ms N]   (or: npx tsx jepsen/recheck.ts …)';

/**
 * The command line: re-check `<run-dir>`, print the verdicts; exit code 0 when every promise held,
 * 1 when one broke, 2 on bad arguments. What the bundled CLI (`jepsen/bin/recheck.mjs`) runs.
 *
 * @example
 * ```ts
 * process.exitCode = await recheckCli(['jepsen/examples/register-partition']);
 * ```
 */
export async function recheckCli(argv: readonly string[]): Promise<number> {
  let parsed: { values: { 'budget-ms'?: string | undefined; help?: boolean | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { 'budget-ms': { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: true });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const dir = positionals[0];
  const budget = values['budget-ms'] === undefined ? undefined : Number(values['budget-ms']);
  if (values.help === true || dir === undefined || (budget !== undefined && !(budget > 0))) {
    console.error(USAGE);
    return 2;
  }
  if (!existsSync(join(dir, 'history.jsonl'))) {
    console.error(`${join(dir, 'history.jsonl')} not found: a run folder holds history.jsonl (and final.json, results.json)\n${USAGE}`);
    return 2;
  }
  const run = await recheckRun(dir, budget !== undefined ? { timeBudgetMs: budget } : {});
  for (const v of run.verdicts) console.log(`${v.checker.padEnd(20)} ${validityLabel(v.valid).padEnd(8)} ${v.explanation}`);
  console.log(`Report: ${join(dir, 'report.html')}`);
  return run.ok ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  recheckCli(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
