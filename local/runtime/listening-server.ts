/**
 * The one way the local cloud's HTTP servers (each region's gateway, the SQS server) listen and
 * stop: listen on a port (0 = a free one) and answer where, and a stop that also ends keep-alive
 * and long-poll connections — otherwise `close()` waits for every idle client to go away — and is
 * safe to call twice.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { listen } from './listening-server.ts';
 * const { url, stop } = await listen(createServer(handler), 0, '127.0.0.1');
 * await fetch(`${url}/status`);
 * await stop();
 * ```
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where a started server listens, and how to stop it. */
export interface ListeningServer {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** Closes the server and every open connection; the same promise on every call. */
  stop(): Promise<void>;
}

/**
 * Makes `server` listen on `port` of `hostname`, resolving once it does (rejecting when it
 * cannot, e.g. the port is taken).
 *
 * @example
 * ```ts
 * const gw = await listen(createServer(route), 3001, '127.0.0.1'); // gw.url === 'http://127.0.0.1:3001'
 * ```
 */
export async function listen(server: Server, port: number, hostname: string): Promise<ListeningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return listening(server, hostname);
}

/**
 * The address and the stop of a server that already listens (one a library started).
 *
 * @example
 * ```ts
 * const { url, port, stop } = listening(await createSqsServer({ port: 0, hostname }), hostname);
 * ```
 */
export function listening(server: Server, hostname: string): ListeningServer {
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${hostname}:${port}`,
    port,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
