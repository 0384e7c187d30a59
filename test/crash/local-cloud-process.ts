/**
 * The local cloud as a user runs it: `npm start` in a process group of its own (npm, tsx, node and
 * DynamoDB Local's Java), so a crash test can kill the whole tree with one SIGKILL to the group,
 * as kill -9 or a power cut of the terminal would, and start it again on the same `--data-dir`.
 *
 * @example
 * ```ts
 * import { startLocalCloud } from './local-cloud-process.ts';
 * const cloud = await startLocalCloud({ dataDir: '/tmp/mesh', meshName: 'crash1', regions: ['us-east-1', 'eu-west-1'] });
 * cloud.urls['us-east-1']; // 'http://127.0.0.1:40123'
 * cloud.kill9();           // every process of the tree, at once, no clean-up
 * await cloud.gone();
 * ```
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LocalCloudOptions {
  readonly dataDir: string;
  readonly meshName: string;
  readonly regions: readonly string[];
  /** How long to wait for "mesh … up" (default 240 s: two JVM starts on a loaded two-core machine). */
  readonly startTimeoutMs?: number;
}

export interface LocalCloudProcess {
  /** Region -> base URL, as `npm start` printed them. */
  readonly urls: Readonly<Record<string, string>>;
  /** The process group id (= the pid of `npm start`). */
  readonly pgid: number;
  /** SIGKILL to every process of the group, synchronously: nothing of the tree runs after it. */
  kill9(): void;
  /** Resolves once no process of the group is left. */
  gone(timeoutMs?: number): Promise<void>;
  /** What the tree printed (the last 20 000 characters). */
  output(): string;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts `npm start -- --data-dir … --port 0 …` and resolves once every region listens. */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloudProcess> {
  const child = spawn('npm', ['start', '--', '--data-dir', options.dataDir, '--port', '0', '--mesh', options.meshName, '--regions', options.regions.join(',')], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Only the flags decide: a MESH_* variable of the caller (say MESH_DYNAMODB_ENDPOINT) must not.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MESH_'))), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('npm start did not start');
  let out = '';
  const keep = (c: Buffer): void => {
    out = (out + c.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // Never leave the tree behind if this process ends first.
  const reap = (): void => {
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  };
  process.once('exit', reap);

  const kill9 = (): void => {
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  };
  const gone = async (timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (groupAlive(pgid)) {
      if (Date.now() > deadline) throw new Error(`process group ${pgid} still alive after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    process.removeListener('exit', reap);
  };

  const urls: Record<string, string> = {};
  const timeoutMs = options.startTimeoutMs ?? 240_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the local cloud did not come up within ${timeoutMs} ms:\n${out.slice(-3000)}`)), timeoutMs);
      const check = (): void => {
        for (const line of out.split('\n')) {
          const m = /^\s+([a-z0-9-]+)\s+(http:\/\/127\.0\.0\.1:\d+)\s*$/.exec(line);
          if (m?.[1] !== undefined && m[2] !== undefined && options.regions.includes(m[1])) urls[m[1]] = m[2];
        }
        if (/mesh ".*" up in/.test(out) && options.regions.every((r) => urls[r] !== undefined)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited (${String(code)}) before the mesh was up:\n${out.slice(-3000)}`));
      });
    });
  } catch (e) {
    kill9();
    await gone().catch(() => undefined);
    throw e;
  }
  return { urls, pgid, kill9, gone, output: () => out };
}
