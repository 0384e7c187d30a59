/**
 * Where the CDK app finds the repository: the handler sources and the lock file that pins what
 * esbuild bundles. Resolved from this file, so synth works from any working directory.
 *
 * @example
 * ```ts
 * import { handlerEntry } from './paths.ts';
 * handlerEntry('api'); // '/…/functions/api.ts'
 * ```
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (the directory holding package-lock.json). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The npm lock file: NodejsFunction hashes it and finds the project root from it. */
export const LOCK_FILE = join(REPO_ROOT, 'package-lock.json');

/** The handlers the stacks deploy, one file each under `functions/`. */
export type HandlerName = 'api' | 'admin' | 'replicator' | 'ingest' | 'repair' | 'rebalance' | 'backfill';

/**
 * Absolute path of a handler's source file.
 * @example handlerEntry('ingest'); // '/…/functions/ingest.ts'
 */
export function handlerEntry(name: HandlerName): string {
  return join(REPO_ROOT, 'functions', `${name}.ts`);
}

/**
 * Whether a handler's source exists (the repair handler is optional).
 * @example handlerExists('repair'); // true once functions/repair.ts exists
 */
export function handlerExists(name: HandlerName): boolean {
  return existsSync(handlerEntry(name));
}
