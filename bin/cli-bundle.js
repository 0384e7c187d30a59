/**
 * The `mesh` CLI as one bundled ES module (`dist/mesh.mjs`, lazily loaded parts in `dist/chunks/`),
 * so a command starts in plain Node instead of compiling TypeScript through tsx on every run.
 * `npm ci` builds it (`prepare`); `bin/mesh.js` uses it only while it is newer than every source
 * file it was built from, and rebuilds it (esbuild, a fraction of a second) when a source changed.
 *
 * Plain JavaScript with only `node:` imports, because it runs before anything is compiled.
 *
 * @example
 * ```js
 * import { freshBundle } from './cli-bundle.js';
 * const entry = await freshBundle(); // 'file:///…/dist/mesh.mjs', or undefined when it cannot be built
 * ```
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const ENTRY = join(DIST, 'mesh.mjs');
/** The source files the bundle was built from, relative to the root (esbuild's metafile inputs). */
const INPUTS = join(DIST, 'mesh.inputs.json');

/**
 * Whether the bundle exists and no source it was built from changed since (or disappeared).
 *
 * @example
 * ```js
 * if (!isFresh()) await buildBundle();
 * ```
 */
export function isFresh(entry = ENTRY, inputs = INPUTS, root = ROOT) {
  try {
    const built = statSync(entry).mtimeMs;
    const sources = JSON.parse(readFileSync(inputs, 'utf8'));
    return Array.isArray(sources) && sources.length > 0 && sources.every((p) => statSync(join(root, p)).mtimeMs <= built);
  } catch {
    return false;
  }
}

/**
 * Bundles `cli/mesh.ts` with esbuild: Node 20, ES module, npm packages left to `node_modules`
 * (the AWS SDK loads only for `--sigv4`, in its own chunk). Written so that a command starting
 * meanwhile sees the old bundle or the new one, never half of one.
 *
 * @example
 * ```js
 * const { ms, inputs } = await buildBundle(); // { ms: 180, inputs: 31 }
 * ```
 */
export async function buildBundle() {
  const started = Date.now();
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { mesh: 'cli/mesh.ts' },
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  mkdirSync(join(DIST, 'chunks'), { recursive: true });
  const tmp = `.${process.pid}-${Date.now()}.tmp`;
  const entry = result.outputFiles.find((f) => f.path === ENTRY);
  if (entry === undefined) throw new Error(`esbuild wrote no ${relative(ROOT, ENTRY)}`);
  // Chunks first (their names carry a content hash, so they never overwrite a live one), then
  // the inputs list, then the entry: its new mtime is what marks the whole bundle fresh.
  const written = new Set();
  for (const file of result.outputFiles) {
    if (file === entry) continue;
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path + tmp, file.contents);
    renameSync(file.path + tmp, file.path);
    written.add(file.path);
  }
  writeFileSync(INPUTS + tmp, JSON.stringify(Object.keys(result.metafile.inputs).sort(), null, 1));
  renameSync(INPUTS + tmp, INPUTS);
  writeFileSync(ENTRY + tmp, entry.contents);
  renameSync(ENTRY + tmp, ENTRY);
  removeOldChunks(written);
  return { ms: Date.now() - started, inputs: Object.keys(result.metafile.inputs).length };
}

/** Chunks of earlier builds, once no command can still be loading them (a minute on). */
function removeOldChunks(keep) {
  const dir = join(DIST, 'chunks');
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!keep.has(path) && statSync(path).mtimeMs < Date.now() - 60_000) rmSync(path, { force: true });
  }
}

/**
 * The bundle's URL when it is fresh or could be rebuilt; undefined when esbuild is missing or the
 * build fails (the caller then runs the TypeScript through tsx, which reports any error best).
 *
 * @example
 * ```js
 * const entry = await freshBundle();
 * if (entry) await import(entry);
 * ```
 */
export async function freshBundle() {
  if (isFresh()) return pathToFileURL(ENTRY).href;
  try {
    await buildBundle();
    return pathToFileURL(ENTRY).href;
  } catch {
    return undefined;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { ms, inputs } = await buildBundle();
  console.log(`bundled the mesh CLI (${inputs} sources) into ${relative(ROOT, ENTRY)} in ${ms} ms`);
}
