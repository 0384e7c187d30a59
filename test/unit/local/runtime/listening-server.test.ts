import { Agent, createServer, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { listen } from '../../../../local/runtime/listening-server.ts';

const hello = () => createServer((_req, res) => res.end('hi'));

describe('listen', () => {
  it('listens on a free port and answers its URL', async () => {
    // Act
    const server = await listen(hello(), 0, '127.0.0.1');

    // Assess
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(await (await fetch(server.url)).text()).toBe('hi');
    await server.stop();
  });

  it('stops at once even with a keep-alive connection open, and once only', async () => {
    // Prepare: a client that keeps its connection open after the answer.
    const server = await listen(hello(), 0, '127.0.0.1');
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      request(server.url, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject).end();
    });

    // Act
    const started = Date.now();
    const first = server.stop();
    const second = server.stop();
    await first;

    // Assess
    expect(second).toBe(first);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(fetch(server.url)).rejects.toThrow();
    agent.destroy();
  });

  it('rejects when the port is taken', async () => {
    // Prepare
    const taken = await listen(hello(), 0, '127.0.0.1');

    // Act / Assess
    await expect(listen(hello(), taken.port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await taken.stop();
  });
});
