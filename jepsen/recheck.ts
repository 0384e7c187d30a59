/**
 * Re-check a stored run: read `history.jsonl`, `final.json` and `results.json` from a run folder,
 * run the checkers again (e.g. with a larger time budget, or after upgrading the checkers), and
 * rewrite `results.json` and `report.html`. Also the way to check a history recorded elsewhere:
 * put it in a folder as `history.jsonl` (with `final.json` for the final-state checkers).
 *
 * Run: `npx tsx jepsen/recheck.ts <run-dir> [--budget-ms 60000]`
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

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ args: process.argv.slice(2), options: { 'budget-ms': { type: 'string' } }, allowPositionals: true });
  const dir = positionals[0];
  if (dir === undefined) {
    console.error('usage: npx tsx jepsen/recheck.ts <run-dir> [--budget-ms N]');
    return 2;
  }
  const run = await recheckRun(dir, values['budget-ms'] ? { timeBudgetMs: Number(values['budget-ms']) } : {});
  for (const v of run.verdicts) console.log(`${v.checker.padEnd(13)} ${validityLabel(v.valid).padEnd(8)} ${v.explanation}`);
  console.log(`Report: ${join(dir, 'report.html')}`);
  return run.ok ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then((code) => { process.exitCode = code; }, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
