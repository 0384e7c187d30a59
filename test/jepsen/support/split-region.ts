/**
 * A deliberately broken region for negative controls: an HTTP front end that answers key requests
 * (`/kv/…`) from two copies in turn — the region's own, then a lagging one (another region of the
 * mesh, which receives the region's writes only by asynchronous replication), reads and writes
 * each alternating on their own — as a round-robin load balancer over a primary and a replica
 * would. Everything else (`/status`,
 * `/admin/links`, `/events`) goes to the region itself, so the nemesis and the final reads see the
 * real mesh. The mesh itself is unchanged: only what a client of this "region" talks to is broken.
 *
 * @example
 * ```ts
 * import { startSplitRegion } from '../support/split-region.ts';
 * const broken = await startSplitRegion(mesh.regions[1].url, mesh.regions[2].url);
 * endpoints[1] = { region: 'eu-west-1', url: broken.url };
 * broken.served; // { own: 120, lagging: 117 }
 * await broken.close();
 * ```
 */
import { createServer } from 'node:http';
import { listen } from '../../../local/runtime/listening-server.ts';

export interface SplitRegion {
  readonly url: string;
  /** Key requests answered by each copy. */
  readonly served: { own: number; lagging: number };
  close(): Promise<void>;
}

/** Start the front end on a free port of 127.0.0.1, in front of `own`, sending every other key read and every other key write to `lagging`. */
export async function startSplitRegion(own: string, lagging: string): Promise<SplitRegion> {
  const served = { own: 0, lagging: 0 };
  const turns = { read: 0, write: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const keyRequest = path.startsWith('/kv/');
      const turn = req.method === 'GET' ? 'read' : 'write';
      const toLagging = keyRequest && turns[turn]++ % 2 === 1;
      if (keyRequest) served[toLagging ? 'lagging' : 'own']++;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'accept']) {
        const v = req.headers[name];
        if (typeof v === 'string') headers[name] = v;
      }
      fetch((toLagging ? lagging : own) + path, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) })
        .then(async (answer) => {
          const text = await answer.text();
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(text);
        })
        .catch((e: unknown) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'bad-gateway', message: String(e) } }));
        });
    });
  });
  const { url, stop } = await listen(server, 0, '127.0.0.1');
  return { url, served, close: stop };
}
