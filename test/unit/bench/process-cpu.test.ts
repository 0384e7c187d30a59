import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CpuWindow, cpuMsOfStat, processCpuMs, threadCpuMs, threadNamed } from '../../../bench/process-cpu.ts';

/** A fake `/proc` with one entry per process: its command line (NUL-separated) and a stat line. */
function fakeProc(processes: Record<number, { readonly args: readonly string[]; readonly stat?: string }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'proc-'));
  for (const [pid, p] of Object.entries(processes)) {
    mkdirSync(join(dir, pid));
    writeFileSync(join(dir, pid, 'cmdline'), `${p.args.join('\0')}\0`);
    if (p.stat !== undefined) writeFileSync(join(dir, pid, 'stat'), p.stat);
  }
  return dir;
}

/** Threads of process `pid` in a fake `/proc`: each a name (`comm`) and a stat line. */
function addThreads(proc: string, pid: number, threads: Record<number, { readonly name: string; readonly stat: string }>): void {
  for (const [tid, t] of Object.entries(threads)) {
    const dir = join(proc, String(pid), 'task', tid);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'comm'), `${t.name}\n`);
    writeFileSync(join(dir, 'stat'), t.stat);
  }
}

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

const JAVA = ['java', '-jar', 'DynamoDBLocal.jar', '-inMemory'];

describe('cpuMsOfStat', () => {
  it('adds utime and stime (fields 14 and 15) and turns clock ticks into ms', () => {
    // Act + Assess: 250 + 50 ticks at 100 per second
    expect(cpuMsOfStat('42 (java) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0', 100)).toBe(3000);
  });

  it('counts fields from the last parenthesis, whatever the command name holds', () => {
    // Act + Assess: a name with a space and a ") " in it
    expect(cpuMsOfStat('7 (a) b (c) S 1 7 7 0 -1 0 0 0 0 0 12 8 0 0 20 0 1 0', 100)).toBe(200);
  });

  it('is undefined for text that is not a stat line', () => {
    // Act + Assess
    expect(cpuMsOfStat('garbage', 100)).toBeUndefined();
  });
});

describe('processCpuMs and CpuWindow', () => {
  it('reads a process’s CPU from its stat file, undefined once it is gone', () => {
    // Prepare
    const proc = fakeProc({ 55: { args: JAVA, stat: '55 (java) S 1 55 55 0 -1 0 0 0 0 0 400 100 0 0 20 0 40 0' } });
    made.push(proc);

    // Act + Assess: at the usual 100 ticks per second
    expect(processCpuMs(55, proc)).toBe(5000);
    expect(processCpuMs(56, proc)).toBeUndefined();
  });

  it('measures this process busy over the window, and leaves out a process it cannot read', () => {
    // Prepare
    const window = CpuWindow.start({ gone: 2 ** 22 + 1 });

    // Act: about 150 ms of busy loop
    const until = performance.now() + 150;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    const used = window.stop();

    // Assess: one core busy, within what a shared machine allows
    expect(x).toBeGreaterThan(0);
    expect(used['self']).toBeGreaterThan(40);
    expect(used['self']).toBeLessThan(400);
    expect(used).not.toHaveProperty('gone');
  });
});

describe('threadNamed and threadCpuMs', () => {
  const stat = (tid: number, name: string, ticks: number): string => `${tid} (${name}) S 1 55 55 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 40 0`;

  it('finds the thread whose name starts with the prefix, and reads its own CPU, not the process total', () => {
    // Prepare: DynamoDB Local's process, its main thread and its SQLite queue thread
    const proc = fakeProc({ 55: { args: JAVA, stat: '55 (java) S 1 55 55 0 -1 0 0 0 0 0 900 100 0 0 20 0 40 0' } });
    made.push(proc);
    addThreads(proc, 55, { 55: { name: 'java', stat: stat(55, 'java', 10) }, 61: { name: 'SQLiteQueue[]', stat: stat(61, 'SQLiteQueue[]', 300) } });

    // Act
    const sqlite = threadNamed(55, 'SQLiteQueue', proc);

    // Assess
    expect(sqlite).toEqual({ pid: 55, tid: 61 });
    expect(threadCpuMs(sqlite as { pid: number; tid: number }, proc)).toBe(3000);
    expect(processCpuMs(55, proc)).toBe(10_000);
  });

  it('is undefined for a process without such a thread, or one that is gone', () => {
    // Prepare
    const proc = fakeProc({ 55: { args: JAVA } });
    made.push(proc);
    addThreads(proc, 55, { 55: { name: 'java', stat: stat(55, 'java', 10) } });

    // Act + Assess
    expect(threadNamed(55, 'SQLiteQueue', proc)).toBeUndefined();
    expect(threadNamed(56, 'SQLiteQueue', proc)).toBeUndefined();
    expect(threadCpuMs({ pid: 55, tid: 99 }, proc)).toBeUndefined();
  });

  it('measures a thread over a window as % of one core, beside processes', () => {
    // Prepare
    const proc = fakeProc({ 55: { args: JAVA } });
    made.push(proc);
    addThreads(proc, 55, { 61: { name: 'SQLiteQueue[]', stat: stat(61, 'SQLiteQueue[]', 100) } });
    const window = CpuWindow.start({ sqlite: { pid: 55, tid: 61 }, gone: { pid: 55, tid: 99 } }, proc);

    // Act: the thread uses 1 000 ms more while the window lasts
    addThreads(proc, 55, { 61: { name: 'SQLiteQueue[]', stat: stat(61, 'SQLiteQueue[]', 200) } });
    const used = window.stop();

    // Assess: 1 000 ms over a window of a few ms is far above one core; a thread it cannot read is left out
    expect(used['sqlite']).toBeGreaterThan(100);
    expect(used).not.toHaveProperty('gone');
  });
});
