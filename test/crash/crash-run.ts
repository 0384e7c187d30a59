/**
 * One crash run of the whole local cloud: `npm start --data-dir` under concurrent writes in every
 * region, the whole process tree killed with SIGKILL the moment a write is acknowledged (the
 * worst moment for an acknowledgement that is not yet durable), a restart on the same files, and
 * then:
 *
 * - every acknowledged write (a 201 and its event id) is in the region that acknowledged it;
 * - every region converges: the same event count and digest everywhere, and every acknowledged
 *   event in every region. Queues are in memory and lost with the process; the restarted streams
 *   are read again from TRIM_HORIZON, and repair backfills what they do not resend.
 *
 * @example
 * ```ts
 * import { crashRun } from './crash-run.ts';
 * const r = await crashRun({ regions: ['us-east-1', 'eu-west-1'], loadMs: 3000, seed: 1 });
 * r.lost; // [] — acknowledged writes missing after the restart
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../shared/util/seeded-random.ts';
import { startLocalCloud, type LocalCloudProcess } from './local-cloud-process.ts';

export interface CrashRunOptions {
  readonly regions: readonly string[];
  /** Writes go on at least this long before the kill is armed (default 3000 ms)… */
  readonly loadMs?: number;
  /** …and until at least this many were acknowledged (default 30). */
  readonly minAcks?: number;
  /** Concurrent writers per region (default 3). */
  readonly writers?: number;
  readonly seed?: number;
  /** How long the regions may take to converge after the restart (default 240 s). */
  readonly convergeTimeoutMs?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** An acknowledged write. */
export interface Ack {
  readonly region: string;
  readonly id: string;
  readonly what: string;
}

export interface CrashRunResult {
  readonly regions: readonly string[];
  /** 201 answers received before the kill. */
  readonly acknowledged: number;
  /** Acknowledged writes missing from the region that acknowledged them after the restart. */
  readonly lost: readonly Ack[];
  /** Acknowledged writes missing from some region once the regions agree (or the timeout hit). */
  readonly notEverywhere: readonly Ack[];
  /** Whether every region reached the same count and digest within the timeout. */
  readonly converged: boolean;
  /** From "restarted, every region listening" to "every region agrees", ms. */
  readonly convergeMs: number;
  /** Events per region once converged (or at the timeout). */
  readonly events: Readonly<Record<string, number>>;
  /** Writes that failed before the kill (non-201 answers), by status. */
  readonly refused: Readonly<Record<string, number>>;
  readonly startMs: number;
  readonly restartMs: number;
}

/** A small JSON request on a connection of its own; `onAnswer` runs synchronously as the full answer arrives. */
function send(url: string, method: string, path: string, body: unknown, onAnswer?: () => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, method, headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(payload.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          onAnswer?.();
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

interface Status {
  readonly events: number;
  readonly digest: unknown;
}

async function status(url: string): Promise<Status | undefined> {
  try {
    const r = await send(url, 'GET', '/status', undefined);
    return r.status === 200 ? (r.body as Status) : undefined;
  } catch {
    return undefined;
  }
}

async function has(url: string, id: string): Promise<boolean> {
  try {
    return (await send(url, 'GET', `/events/${id}`, undefined)).status === 200;
  } catch {
    return false;
  }
}

/**
 * Writes from `writers` loops per region until `stop()`: mostly new keys, some on a few shared
 * keys (concurrent heads), some deposits. Calls `onAck` for each 201 as it arrives.
 */
function load(urls: Readonly<Record<string, string>>, writers: number, seed: number, onAck: (ack: Ack) => void, onRefused: (status: string) => void): { stop: () => void; done: Promise<void> } {
  const random = seededRandom(seed);
  let stopped = false;
  const loops = Object.entries(urls).flatMap(([region, url]) =>
    Array.from({ length: writers }, async (_, w) => {
      for (let n = 0; !stopped; n++) {
        const r = random();
        const [path, body, what] =
          r < 0.75
            ? [`/kv/crash-${region}-${w}-${n}`, { value: n }, 'put new key']
            : r < 0.9
              ? [`/kv/crash-shared-${Math.floor(random() * 4)}`, { value: `${region}-${w}-${n}` }, 'put shared key']
              : [`/accounts/crash-acct/deposit`, { amount: 1 + Math.floor(random() * 100) }, 'deposit'];
        const method = what === 'deposit' ? 'POST' : 'PUT';
        let answer: { status: number; body: unknown };
        try {
          answer = await send(url, method, path, body);
        } catch {
          return; // the kill: this region answers nothing more
        }
        const id = (answer.body as { event?: { id?: string } }).event?.id;
        if (answer.status === 201 && id !== undefined) onAck({ region, id, what });
        else onRefused(String(answer.status));
      }
    }),
  );
  return { stop: () => (stopped = true), done: Promise.all(loops).then(() => undefined) };
}

/** One run in a fresh data directory (removed afterwards). */
export async function crashRun(options: CrashRunOptions): Promise<CrashRunResult> {
  const log = options.log ?? ((): void => {});
  const dataDir = await mkdtemp(join(tmpdir(), 'mesh-crash-'));
  const meshName = `crash${Date.now().toString(36)}`;
  const acks: Ack[] = [];
  const refused: Record<string, number> = {};
  let cloud: LocalCloudProcess | undefined;
  try {
    let t = Date.now();
    cloud = await startLocalCloud({ dataDir, meshName, regions: options.regions });
    const startMs = Date.now() - t;
    log(`up in ${(startMs / 1000).toFixed(1)} s: ${Object.entries(cloud.urls).map(([r, u]) => `${r} ${u}`).join(', ')}`);
    // A first write per region through the cold JVM, so the load measures writes, not warm-up.
    await Promise.all(Object.values(cloud.urls).map((u) => send(u, 'PUT', '/kv/crash-warm-up', { value: 0 })));
    const running = cloud;
    let armed = false;
    let killed = false;
    const writes = load(
      cloud.urls,
      options.writers ?? 3,
      options.seed ?? 1,
      (ack) => {
        // An answer read after the kill was sent before it: it is acknowledged all the same.
        acks.push(ack);
        if (armed && !killed) {
          // The moment the acknowledgement is in: nothing of the tree gets to run after this.
          running.kill9();
          killed = true;
          writes.stop();
        }
      },
      (s) => {
        if (!killed) refused[s] = (refused[s] ?? 0) + 1;
      },
    );
    await new Promise((r) => setTimeout(r, options.loadMs ?? 3000));
    while (acks.length < (options.minAcks ?? 30) && !killed) await new Promise((r) => setTimeout(r, 50));
    armed = true;
    await writes.done;
    if (!killed) throw new Error(`no write was acknowledged after the kill was armed: ${JSON.stringify(refused)}`);
    await cloud.gone();
    log(`killed -9 after ${acks.length} acknowledged writes (${Object.entries(refused).map(([s, n]) => `${n}×${s}`).join(', ') || 'none refused'})`);

    t = Date.now();
    cloud = await startLocalCloud({ dataDir, meshName, regions: options.regions });
    const restartMs = Date.now() - t;
    const urls = cloud.urls;
    log(`restarted in ${(restartMs / 1000).toFixed(1)} s`);

    const lost: Ack[] = [];
    for (const a of acks) if (!(await has(urls[a.region] ?? '', a.id))) lost.push(a);
    log(`${lost.length} of ${acks.length} acknowledged writes missing from the region that acknowledged them`);

    t = Date.now();
    const deadline = t + (options.convergeTimeoutMs ?? 240_000);
    let converged = false;
    let events: Record<string, number> = {};
    while (Date.now() < deadline) {
      const all = await Promise.all(options.regions.map(async (r) => [r, await status(urls[r] ?? '')] as const));
      events = Object.fromEntries(all.map(([r, s]) => [r, s?.events ?? -1]));
      const digests = new Set(all.map(([, s]) => JSON.stringify(s?.digest ?? null)));
      if (all.every(([, s]) => s !== undefined) && digests.size === 1 && Object.values(events).every((n) => n >= acks.length - lost.length)) {
        converged = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const convergeMs = Date.now() - t;
    const notEverywhere: Ack[] = [];
    for (const a of acks) {
      for (const r of options.regions) {
        if (!(await has(urls[r] ?? '', a.id))) {
          notEverywhere.push(a);
          break;
        }
      }
    }
    log(`${converged ? 'converged' : 'NOT converged'} after ${(convergeMs / 1000).toFixed(1)} s: ${Object.entries(events).map(([r, n]) => `${r} ${n}`).join(', ')}`);
    return { regions: options.regions, acknowledged: acks.length, lost, notEverywhere, converged, convergeMs, events, refused, startMs, restartMs };
  } finally {
    cloud?.kill9();
    await cloud?.gone().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}
