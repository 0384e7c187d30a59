import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recheckRun } from '../../jepsen/recheck.ts';
import { toJsonLines } from '../../jepsen/history.ts';
import { staleRead } from './support/history-builder.ts';
import { ev, finalReads, reg, regionFinal } from './support/final-factory.ts';
import { generateRegisterHistory } from '../../bench/linearizability.ts';

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

  it('re-checks a 100,000-operation history with nothing beside it (no results.json, no final.json)', async () => {
    // Prepare: past about 65,000 operations, spreading every process into Math.max overflowed the stack.
    dir = await mkdtemp(join(tmpdir(), 'jepsen-recheck-'));
    const history = generateRegisterHistory({ operations: 100_000, keys: 10, clients: 8, seed: 12 });
    await writeFile(join(dir, 'history.jsonl'), toJsonLines(history));
    // Act
    const run = await recheckRun(dir);
    // Assess
    expect(run.verdicts.map((v) => [v.checker, v.valid])).toEqual([['linearizable', true]]);
    expect(run.config.concurrency).toBe(8);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('100000 operations');
  }, 120_000);
});
