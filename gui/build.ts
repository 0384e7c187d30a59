/**
 * Builds the GUI: `gui/src/main.ts` and everything it imports, bundled by esbuild into one ES
 * module, `gui/public/app.js`, beside the hand-written `index.html` and `styles.css`. Nothing built
 * is committed: `npm ci` builds it (`prepare`), `npm start` and `mesh gui` build it again before
 * serving, so the page never runs older code than the sources.
 *
 * @example
 * ```ts
 * import { buildGui } from './build.ts';
 * const { ms, bytes } = await buildGui(); // { ms: 90, bytes: 81234 }
 * ```
 * ```sh
 * npx tsx gui/build.ts
 * ```
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Options of {@link buildGui}. */
export interface GuiBuildOptions {
  /** The repository (default: the folder above `gui/`). */
  readonly root?: string;
}

/** What a build wrote: how long it took and the bundle's size. */
export interface GuiBuild {
  readonly ms: number;
  readonly bytes: number;
  readonly path: string;
}

/**
 * Bundles the GUI (with a source map) and replaces `gui/public/app.js` in one rename, so a page
 * loading meanwhile gets the old bundle or the new one, never half of one.
 *
 * @example
 * ```ts
 * await buildGui({ root: '/work/main' });
 * ```
 */
export async function buildGui(options: GuiBuildOptions = {}): Promise<GuiBuild> {
  const started = Date.now();
  // gui/build.ts, or a bundle one folder down (dist/): `..` is the repository either way.
  const root = options.root ?? fileURLToPath(new URL('..', import.meta.url));
  const esbuild = await import('esbuild');
  const outfile = join(root, 'gui', 'public', 'app.js');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['gui/src/main.ts'],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    sourcemap: 'linked',
    write: false,
    logLevel: 'silent',
  });
  const tmp = `.${process.pid}-${Date.now()}.tmp`;
  let bytes = 0;
  // The map first, so the bundle that names it never points at a missing one.
  for (const file of [...result.outputFiles].sort((a, b) => Number(a.path.endsWith('.js')) - Number(b.path.endsWith('.js')))) {
    writeFileSync(file.path + tmp, file.contents);
    renameSync(file.path + tmp, file.path);
    if (file.path === outfile) bytes = file.contents.byteLength;
  }
  return { ms: Date.now() - started, bytes, path: outfile };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { ms, bytes, path } = await buildGui();
  console.log(`built the GUI into ${path} (${Math.round(bytes / 1024)} KiB) in ${ms} ms`);
}
