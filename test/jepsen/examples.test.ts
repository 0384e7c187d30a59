import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recheckRun } from '../../jepsen/recheck.ts';
import { validityLabel } from '../../jepsen/checkers/verdict.ts';

// The example runs shipped in jepsen/examples/: complete (anyone can re-check them, with this tool
// or another), their reports link only to files that are there, and they re-check to the verdicts
// they were shipped with. The docs' links into them resolve too.
const EXAMPLES = 'jepsen/examples';
const runs = readdirSync(EXAMPLES, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(EXAMPLES, d.name, 'report.html'))).map((d) => d.name);

describe('jepsen/examples', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'jepsen-examples-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('has the register, switching and bank runs', () => {
    expect(runs.sort()).toEqual(['bank-partition', 'register-partition', 'register-switching']);
  });

  it.each(runs)('%s ships every file of a run, and its report links only to files that are there', (name) => {
    const dir = join(EXAMPLES, name);
    for (const f of ['history.jsonl', 'history.edn', 'final.json', 'results.json', 'report.html']) expect([f, existsSync(join(dir, f))]).toEqual([f, true]);
    const links = [...readFileSync(join(dir, 'report.html'), 'utf8').matchAll(/href="([^"#]+)"/g)].map((m) => m[1] as string);
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect([l, existsSync(join(dir, l))]).toEqual([l, true]);
  });

  it.each(runs)('%s re-checks from its history.jsonl and final.json to the verdicts it was shipped with', async (name) => {
    // Prepare: a copy, since a re-check rewrites the folder.
    const dir = join(scratch, name);
    cpSync(join(EXAMPLES, name), dir, { recursive: true });
    const shipped = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { verdicts: Array<{ checker: string; valid: string }> };
    // Act
    const run = await recheckRun(dir);
    // Assess
    expect(run.verdicts.map((v) => [v.checker, validityLabel(v.valid)])).toEqual(shipped.verdicts.map((v) => [v.checker, v.valid]));
  });

  it.each(['README.md', 'jepsen/README.md', 'docs/benchmarks.md'])('the links of %s into jepsen/examples resolve', (doc) => {
    const text = readFileSync(doc, 'utf8');
    const links = [...text.matchAll(/\]\(([^)#\s]*examples\/[^)#\s]*)\)/g)].map((m) => m[1] as string);
    for (const l of links) expect([l, existsSync(join(dirname(doc), l))]).toEqual([l, true]);
  });
});
