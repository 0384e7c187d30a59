/**
 * Bundles the recheck CLI (jepsen/recheck.ts and everything it imports) into one ES module with
 * esbuild: `node_modules/.cache/jepsen-recheck/recheck.mjs`, plus `recheck.inputs.json`, the
 * source files it was built from, so the launcher can tell when the bundle is stale. It lives in
 * node_modules' cache: never committed, never linted, gone with `npm ci` and rebuilt on first use.
 * Plain JavaScript, so it runs with Node alone, before anything is compiled.
 *
 * Run: `node jepsen/bin/build-recheck.mjs` (the launcher, jepsen/bin/recheck.mjs, runs it itself
 * when the bundle is missing or older than a source).
 *
 * @example
 * ```js
 * import { buildRecheck } from './build-recheck.mjs';
 * await buildRecheck(); // { bundle: '…/node_modules/.cache/jepsen-recheck/recheck.mjs', inputs: 28, ms: 180 }
 * ```
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'node_modules/.cache/jepsen-recheck');
export const BUNDLE = join(out, 'recheck.mjs');
export const INPUTS = join(out, 'recheck.inputs.json');

/** Build the bundle; resolves with its path, the number of source files in it and the build time. */
export async function buildRecheck() {
  const started = performance.now();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(root, 'jepsen/recheck.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    metafile: true,
    logLevel: 'warning',
    // Node built-ins stay imports; everything else the CLI uses is the project's own code.
    packages: 'bundle',
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(root, p));
  await writeFile(INPUTS, JSON.stringify(inputs, null, 1) + '\n');
  return { bundle: BUNDLE, inputs: inputs.length, ms: performance.now() - started };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await buildRecheck();
  console.log(`bundled ${r.inputs} files into ${r.bundle} in ${r.ms.toFixed(0)} ms`);
}
