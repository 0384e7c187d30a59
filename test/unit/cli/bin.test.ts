import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isFresh } from '../../../bin/cli-bundle.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/mesh.js', import.meta.url));

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A bundle built at `builtAt` (s) from sources last changed at the given times. */
function bundleDir(builtAt: number, sources: Record<string, number>): { entry: string; inputs: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'mesh-bundle-'));
  dirs.push(root);
  for (const [name, at] of Object.entries(sources)) {
    writeFileSync(join(root, name), '');
    utimesSync(join(root, name), at, at);
  }
  const entry = join(root, 'mesh.mjs');
  const inputs = join(root, 'inputs.json');
  writeFileSync(entry, '');
  utimesSync(entry, builtAt, builtAt);
  writeFileSync(inputs, JSON.stringify(Object.keys(sources)));
  return { entry, inputs, root };
}

describe('the CLI bundle', () => {
  it('is used only while no source it was built from changed or went missing', () => {
    const fresh = bundleDir(2000, { 'a.ts': 1000, 'b.ts': 1999 });
    const stale = bundleDir(2000, { 'a.ts': 1000, 'b.ts': 2001 });
    const gone = bundleDir(2000, { 'a.ts': 1000 });
    rmSync(join(gone.root, 'a.ts'));

    expect(isFresh(fresh.entry, fresh.inputs, fresh.root)).toBe(true);
    expect(isFresh(stale.entry, stale.inputs, stale.root)).toBe(false);
    expect(isFresh(gone.entry, gone.inputs, gone.root)).toBe(false);
    expect(isFresh(join(fresh.root, 'none.mjs'), fresh.inputs, fresh.root)).toBe(false);
  });

  it('runs the same CLI bundled as through tsx', async () => {
    const bundled = await run(process.execPath, [BIN, '--help'], { env: { ...process.env, MESH_CLI_TSX: '' } });
    const viaTsx = await run(process.execPath, [BIN, '--help'], { env: { ...process.env, MESH_CLI_TSX: '1' } });

    expect(bundled.stdout).toMatch(/^mesh — talk to one region/);
    expect(viaTsx.stdout).toBe(bundled.stdout);
  });
});
