import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toJsonLines } from '../../../jepsen/history.ts';
import { staleRead } from '../support/history-builder.ts';

const BUNDLE = join('node_modules', '.cache', 'jepsen-recheck', 'recheck.mjs');
const INPUTS = join('node_modules', '.cache', 'jepsen-recheck', 'recheck.inputs.json');
const recheck = (...args: string[]) => spawnSync('node', ['jepsen/bin/recheck.mjs', ...args], { encoding: 'utf8' });

// The bundled recheck CLI: built on demand (as on a fresh clone after npm ci), then run from the bundle.
describe('jepsen/bin/recheck.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recheck-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the bundle when it is missing or stale, and re-checks a run folder with it', () => {
    // Prepare: a stale bundle (its list of sources gone) and a bare history.
    rmSync(INPUTS, { force: true });
    writeFileSync(join(dir, 'history.jsonl'), toJsonLines(staleRead('x')));
    const before = Date.now();
    // Act
    const r = recheck(dir);
    // Assess
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^linearizable\s+invalid\s+Not linearizable/m);
    expect(r.stdout).toContain(`Report: ${join(dir, 'report.html')}`);
    expect(existsSync(INPUTS)).toBe(true);
    expect(statSync(BUNDLE).mtimeMs).toBeGreaterThanOrEqual(before - 1000);
    expect(existsSync(join(dir, 'results.json'))).toBe(true);
  });

  it('answers 2 with the usage on bad arguments or a folder without history.jsonl', () => {
    const help = recheck('--help');
    const empty = recheck(tmpdir());
    const bogus = recheck('--bogus');
    expect([help.status, empty.status, bogus.status]).toEqual([2, 2, 2]);
    expect(help.stderr).toContain('usage: node jepsen/bin/recheck.mjs <run-dir>');
    expect(empty.stderr).toContain('history.jsonl not found');
  });
});
