/**
 * Serves a folder of static files (the GUI) read-only, refusing any path that leaves the folder.
 *
 * @example
 * ```ts
 * import { readStatic } from './static-files.ts';
 * const file = await readStatic('/work/main/gui/public', 'index.html'); // { body, contentType } | undefined
 * ```
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/** Reads `relPath` under `root` (a directory answers its index.html); undefined when absent or outside. */
export async function readStatic(root: string, relPath: string): Promise<StaticFile | undefined> {
  const base = resolve(root);
  let decoded: string;
  try {
    decoded = decodeURIComponent(relPath);
  } catch {
    return undefined;
  }
  let path = resolve(join(base, decoded));
  if (path !== base && !path.startsWith(base + sep)) return undefined;
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    const body = await readFile(path);
    return { body, contentType: TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}
