#!/usr/bin/env node
/**
 * The recheck CLI, fast: runs the esbuild bundle of jepsen/recheck.ts (no TypeScript loader at
 * start-up), building it first when it is missing or older than one of its sources — so it works
 * on a fresh clone right after `npm ci`, and after a `git pull`, with no build step to remember.
 * Without esbuild (a production-only install) it falls back to tsx.
 *
 * Run: `node jepsen/bin/recheck.mjs <run-dir> [--budget-ms N]` (or `npm run recheck -- <run-dir>`).
 *
 * @example
 * ```sh
 * node jepsen/bin/recheck.mjs jepsen/examples/register-partition
 * ```
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { BUNDLE, INPUTS } from './build-recheck.mjs';

/** True when the bundle exists and no source it was built from changed since. */
function fresh() {
  if (!existsSync(BUNDLE) || !existsSync(INPUTS)) return false;
  const built = statSync(BUNDLE).mtimeMs;
  try {
    return JSON.parse(readFileSync(INPUTS, 'utf8')).every((file) => statSync(file).mtimeMs <= built);
  } catch {
    return false; // a source was removed or renamed: rebuild
  }
}

let recheckCli;
if (!fresh()) {
  try {
    const { buildRecheck } = await import('./build-recheck.mjs');
    await buildRecheck();
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    // No esbuild: run the TypeScript through tsx instead (slower to start, same answers).
    const { register } = await import('tsx/esm/api');
    register();
    ({ recheckCli } = await import('../recheck.ts'));
  }
}
recheckCli ??= (await import(BUNDLE)).recheckCli;
process.exitCode = await recheckCli(process.argv.slice(2));
