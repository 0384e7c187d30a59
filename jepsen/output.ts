/**
 * Writes a run's folder: `history.jsonl`, `history.edn`, `final.json`, `results.json` and
 * `report.html`.
 *
 * @example
 * ```ts
 * import { writeRun } from './output.ts';
 * const files = await writeRun('jepsen-runs/2026-11-26T07-30-00', run);
 * files.report; // 'jepsen-runs/2026-11-26T07-30-00/report.html'
 * ```
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toJsonLines } from './history.ts';
import { toEdn } from './edn.ts';
import type { ReportInput } from './report/html.ts';
import { renderReport } from './report/html.ts';
import { validityLabel } from './checkers/verdict.ts';

export interface RunFiles {
  readonly dir: string;
  readonly history: string;
  readonly edn: string;
  readonly final: string;
  readonly results: string;
  readonly report: string;
}

/**
 * The summary stored as `results.json`: configuration, verdicts with details, and the outcome.
 *
 * @example
 * ```ts
 * resultsJson(run).verdicts[0].valid; // 'invalid'
 * ```
 */
export function resultsJson(run: ReportInput): Record<string, unknown> {
  return {
    config: run.config,
    ok: run.ok,
    operations: run.history.filter((o) => o.type === 'invoke' && o.process !== 'nemesis').length,
    loadEndNs: run.loadEnd,
    quietEndNs: run.quietEnd,
    nemesis: run.windows,
    finalReadRounds: run.final.attempts,
    verdicts: run.verdicts.map((v) => ({ ...v, valid: validityLabel(v.valid) })),
  };
}

/**
 * Write every file of a run into `dir` (created if needed).
 *
 * @example
 * ```ts
 * await writeRun(dir, run);
 * ```
 */
export async function writeRun(dir: string, run: ReportInput): Promise<RunFiles> {
  await mkdir(dir, { recursive: true });
  const files: RunFiles = {
    dir,
    history: join(dir, 'history.jsonl'),
    edn: join(dir, 'history.edn'),
    final: join(dir, 'final.json'),
    results: join(dir, 'results.json'),
    report: join(dir, 'report.html'),
  };
  await Promise.all([
    writeFile(files.history, toJsonLines(run.history)),
    writeFile(files.edn, toEdn(run.history)),
    writeFile(files.final, JSON.stringify(run.final, null, 2) + '\n'),
    writeFile(files.results, JSON.stringify(resultsJson(run), null, 2) + '\n'),
    writeFile(files.report, renderReport(run)),
  ]);
  return files;
}
