/**
 * `npm start` on a machine that cannot run the local cloud: it must stop at once, say what to do,
 * and exit non-zero, without a stack trace. The process runs as `npm start` runs it (tsx on
 * local/main.ts), with a PATH that holds no Java, or a Java too old.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { javaMajorVersion } from '../../../local/dynamodb-local.ts';
import { startSqsServer } from '../../../local/sqs-server.ts';
import { StartupError } from '../../../local/startup-error.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A directory to use as the whole PATH, with the given executable scripts in it. */
function pathWith(scripts: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-path-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), body);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

/** Runs `npm start -- ARGS` the way npm does (tsx on local/main.ts), with `env` over a clean one. */
function npmStart(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'local/main.ts', ...args],
      { cwd: ROOT, env: { HOME: process.env.HOME ?? '/tmp', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env }, timeout: 120_000 },
      (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr, ms: Date.now() - started }),
    );
  });
}

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => server.close());
  return { port: (server.address() as AddressInfo).port, server };
}

describe('javaMajorVersion', () => {
  it('reads the major version of old and new version lines', () => {
    expect(javaMajorVersion('openjdk version "17.0.9" 2023-10-17\nOpenJDK Runtime Environment')).toBe(17);
    expect(javaMajorVersion('openjdk version "21" 2023-09-19')).toBe(21);
    expect(javaMajorVersion('java version "1.8.0_392"')).toBe(8);
    expect(javaMajorVersion('command not found')).toBeUndefined();
  });
});

describe('npm start', () => {
  it('without Java fails at once with a non-zero exit, saying to install Java 17+', async () => {
    // Act
    const { code, stderr, ms } = await npmStart(['--port', '0'], { PATH: pathWith({}) });

    // Assess
    expect(code).not.toBe(0);
    expect(stderr).toContain('npm start: Java was not found on the PATH');
    expect(stderr).toContain('needs Java 17+: install it');
    expect(stderr).not.toMatch(/^\s+at /m);
    // It used to wait ~90 s for a JVM that never started; the check takes a moment (tsx included).
    expect(ms).toBeLessThan(60_000);
  });

  it('with a Java older than 17 says which one it found', async () => {
    // Act
    const { code, stderr } = await npmStart(['--port', '0'], { PATH: pathWith({ java: '#!/bin/sh\necho \'java version "1.8.0_392"\' >&2\n' }) });

    // Assess
    expect(code).not.toBe(0);
    expect(stderr).toContain('npm start: Java 8 was found, which is too old');
  });

  it('with the SQS port taken says so plainly, without a stack trace', async () => {
    // Prepare: DynamoDB is given (never reached: the SQS server starts first), its port is taken.
    const { port } = await occupiedPort();

    // Act
    const { code, stderr } = await npmStart(['--port', '0', '--dynamodb', 'http://127.0.0.1:9', '--sqs-port', String(port)], { PATH: process.env.PATH ?? '' });

    // Assess
    expect(code).not.toBe(0);
    expect(stderr).toContain(`npm start: the SQS port ${port} on 127.0.0.1 is taken`);
    expect(stderr).toContain('--sqs-port N');
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

describe('startSqsServer', () => {
  it('refuses a taken port with a StartupError, and on a free one answers queue URLs with its real port', async () => {
    // Prepare
    const { port } = await occupiedPort();

    // Act
    const [taken] = await Promise.allSettled([startSqsServer({ port })]);
    const free = await startSqsServer({ port: 0 });
    cleanups.push(() => void free.stop());
    const sqs = new SQSClient({ endpoint: free.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    cleanups.push(() => sqs.destroy());
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'startup-test' }));

    // Assess
    expect(taken.status === 'rejected' && taken.reason).toBeInstanceOf(StartupError);
    expect(new URL(QueueUrl ?? '').port).toBe(String(free.port));
  });
});
