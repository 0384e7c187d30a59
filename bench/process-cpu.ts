/**
 * CPU time of processes during a bench window, read from Linux's `/proc`: what tells a figure
 * limited by the box (DynamoDB Local's Java using both cores) from one limited by the mesh. Every
 * region of the local cloud shares one DynamoDB Local, so when its process uses most of the
 * machine, no change to the mesh's pollers moves the lag; only less work per write does.
 *
 * Elsewhere than Linux (no `/proc`) every reading is undefined and the bench prints no CPU line.
 *
 * @example
 * ```ts
 * import { CpuWindow } from './process-cpu.ts';
 * const window = CpuWindow.start({ dynamodbLocal: mesh.dynamodbLocalPids[0] as number });
 * await load();
 * window.stop(); // { dynamodbLocal: 163.2, self: 41.7 }: % of one core over the window
 * const sqlite = threadNamed(mesh.dynamodbLocalPids[0] as number, 'SQLiteQueue');
 * if (sqlite !== undefined) CpuWindow.start({ sqlite }); // one thread: at most 100
 * ```
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`; 100 on Linux's usual builds). */
const CLOCK_TICKS = ((): number => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(out.stdout?.trim());
  return Number.isInteger(n) && n > 0 ? n : 100;
})();

/**
 * User plus system CPU, in ms, from the text of a `/proc/<pid>/stat` file. The command name
 * (field 2) is in parentheses and may hold spaces or parentheses itself, so fields are counted
 * from the last `)`: utime and stime are fields 14 and 15.
 *
 * @example
 * ```ts
 * cpuMsOfStat('42 (java) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0', 100); // 3000
 * ```
 */
export function cpuMsOfStat(stat: string, ticksPerSecond: number = CLOCK_TICKS): number | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / ticksPerSecond;
}

/** CPU ms of the stat file at `path`; undefined when it is gone or there is no `/proc`. */
function statFileCpuMs(path: string): number | undefined {
  try {
    return cpuMsOfStat(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU ms a process has used so far; undefined when it is gone or there is no `/proc`. */
export function processCpuMs(pid: number, procDir = '/proc'): number | undefined {
  return statFileCpuMs(join(procDir, String(pid), 'stat'));
}

/** One thread of a process: `/proc/<pid>/task/<tid>`. */
export interface ThreadRef {
  readonly pid: number;
  readonly tid: number;
}

/**
 * The first thread of `pid` whose name (`/proc/<pid>/task/<tid>/comm`) starts with `prefix`;
 * undefined when there is none or no `/proc`. DynamoDB Local runs every SQLite statement on one
 * thread, `SQLiteQueue[]`: near 100 % it is the ceiling, however many cores are idle.
 *
 * @example
 * ```ts
 * threadNamed(ddbPid, 'SQLiteQueue'); // { pid: 1948, tid: 2009 }
 * ```
 */
export function threadNamed(pid: number, prefix: string, procDir = '/proc'): ThreadRef | undefined {
  try {
    for (const tid of readdirSync(join(procDir, String(pid), 'task'))) {
      if (readFileSync(join(procDir, String(pid), 'task', tid, 'comm'), 'utf8').startsWith(prefix)) return { pid, tid: Number(tid) };
    }
  } catch {
    // gone, or no /proc
  }
  return undefined;
}

/** CPU ms a thread has used so far; undefined when it is gone or there is no `/proc`. */
export function threadCpuMs(thread: ThreadRef, procDir = '/proc'): number | undefined {
  return statFileCpuMs(join(procDir, String(thread.pid), 'task', String(thread.tid), 'stat'));
}

const cpuMsOf = (target: number | ThreadRef, procDir: string): number | undefined =>
  typeof target === 'number' ? processCpuMs(target, procDir) : threadCpuMs(target, procDir);

/** A window over which named processes' (or threads') CPU is measured, and this process's (`self`). */
export class CpuWindow {
  readonly #pids: Readonly<Record<string, number | ThreadRef>>;
  readonly #procDir: string;
  readonly #startedAt: number;
  readonly #start: Readonly<Record<string, number | undefined>>;
  readonly #selfStart: NodeJS.CpuUsage;

  private constructor(pids: Readonly<Record<string, number | ThreadRef>>, procDir: string) {
    this.#pids = pids;
    this.#procDir = procDir;
    this.#start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMsOf(pid, procDir)]));
    this.#selfStart = process.cpuUsage();
    this.#startedAt = performance.now();
  }

  /** Starts measuring now: each entry a process id or a thread ({@link threadNamed}). */
  static start(pids: Readonly<Record<string, number | ThreadRef>> = {}, procDir = '/proc'): CpuWindow {
    return new CpuWindow(pids, procDir);
  }

  /** Each process's CPU since `start`, as % of one core (200 = two cores busy); a process whose CPU could not be read is left out. */
  stop(): Record<string, number> {
    const elapsed = performance.now() - this.#startedAt;
    const self = process.cpuUsage(this.#selfStart);
    const out: Record<string, number> = { self: elapsed > 0 ? ((self.user + self.system) / 1000 / elapsed) * 100 : Number.NaN };
    for (const [name, pid] of Object.entries(this.#pids)) {
      const before = this.#start[name];
      const after = cpuMsOf(pid, this.#procDir);
      if (before !== undefined && after !== undefined && elapsed > 0) out[name] = ((after - before) / elapsed) * 100;
    }
    return out;
  }
}
