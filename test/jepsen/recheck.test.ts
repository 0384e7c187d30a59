import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recheckRun } from '../../jepsen/recheck.ts';
import { toJsonLines } from '../../jepsen/history.ts';
import { staleRead } from './support/history-builder.ts';
import { ev, finalReads, reg, regionFinal } from './support/final-factory.ts';

describe('recheckRun', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('checks a bare history.jsonl (+ final.json) and writes results and report beside it', async () => {
    // Prepare: a history recorded elsewhere, with no results.json.
    dir = await mkdtemp(join(tmpdir(), 'jepsen-recheck-'));
    const history = staleRead('x').map((o) => ({ ...o, eventId: o.type === 'ok' && o.f === 'write' ? 'e1' : undefined }));
    await writeFile(join(dir, 'history.jsonl'), toJsonLines(history));
    const same = { registers: { x: reg(1, ['e1']) }, histories: { x: [ev('e1', 'set', 1, '1', 'a')] } };
    await writeFile(join(dir, 'final.json'), JSON.stringify(finalReads(regionFinal('a', same), regionFinal('b', same))));
    // Act
    const run = await recheckRun(dir);
    // Assess
    expect(run.verdicts.map((v) => [v.checker, v.valid])).toEqual([['linearizable', false], ['convergence', true], ['lost-writes', true]]);
    expect(run.ok).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')).verdicts[0].valid).toBe('invalid');
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('Counterexample to linearizability');
  });
});
