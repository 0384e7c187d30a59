/**
 * DynamoDB Local alone under kill -9: which acknowledged writes survive a restart, by write path.
 *
 * Concurrent writers hit one DynamoDB Local (with `-dbPath`, `-sharedDb`, as `npm start --data-dir`
 * runs it) through three paths at once, in the same run so they share the same conditions:
 *
 * - `put`: one PutItem per write;
 * - `transact`: one TransactWriteItems of two items (an event and its heads item, the shape of a
 *   local write of the event store);
 * - `transact+barrier`: the same through a client with the barrier the local cloud adds
 *   (`local/durable-dynamodb.ts`: acknowledged once a request sent after it has answered).
 *
 * Then the Java process is killed with SIGKILL, restarted on the same files, and every
 * acknowledged write is read back. Why the paths differ: DynamoDB Local runs every SQLite job on one
 * queue thread, and its `commitTransaction` enqueues the COMMIT without waiting for it (PutItem
 * waits for its job), so a TransactWriteItems is answered before it is committed; any later job on
 * the queue completes only after that COMMIT.
 *
 * @example
 * ```ts
 * import { durabilityRun } from './dynamodb-local-durability.ts';
 * const r = await durabilityRun({ dataDir: '/tmp/ddb-crash', writers: 4, killAfterMs: 3000 });
 * r.paths.transact.lost; // acknowledged but missing after the restart
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchGetItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue, BatchGetItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '../../local/aws-clients.ts';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { awaitTransactionCommits } from '../../local/durable-dynamodb.ts';

/** The write paths compared. */
export const WRITE_PATHS = ['put', 'transact', 'transact+barrier'] as const;
export type WritePath = (typeof WRITE_PATHS)[number];

export interface DurabilityOptions {
  /** Directory of the database files (created; kept). */
  readonly dataDir: string;
  /** Concurrent writers per path (default 4). */
  readonly writers?: number;
  /** Kill -9 this long after the writers start (default 3000 ms). */
  readonly killAfterMs?: number;
}

/** One path's figures in one run. */
export interface PathFigures {
  /** Writes answered with success before the kill. */
  readonly acknowledged: number;
  /** Of those, missing after the restart. */
  readonly lost: number;
  /** For each lost write, ms between its acknowledgement and the kill. */
  readonly lostAckedMsBeforeKill: readonly number[];
}

export interface DurabilityRun {
  readonly paths: Readonly<Record<WritePath, PathFigures>>;
}

const TABLE = 'durability';

/** The clients of one DynamoDB Local: plain, and with the local cloud's commit barrier. */
interface Clients {
  readonly plain: DynamoDBClient;
  readonly barrier: DynamoDBClient;
  destroy(): void;
}

function clients(endpoint: string): Clients {
  const make = (): DynamoDBClient => new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const plain = make();
  const barrier = awaitTransactionCommits(make());
  return {
    plain,
    barrier,
    destroy() {
      plain.destroy();
      barrier.destroy();
    },
  };
}

const key = (pk: string, sk: string): Record<string, { S: string }> => ({ pk: { S: pk }, sk: { S: sk } });

/** One write on `path`; resolves once it is acknowledged (as the path defines it). */
async function write(c: Clients, path: WritePath, writer: number, n: number): Promise<void> {
  const ddb = path === 'transact+barrier' ? c.barrier : c.plain;
  const pk = `${path}#${writer}`;
  const sk = String(n).padStart(8, '0');
  if (path === 'put') {
    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { ...key(pk, sk), v: { N: String(n) } } }));
    return;
  }
  await ddb.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: TABLE, Item: { ...key(pk, sk), v: { N: String(n) } }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: TABLE, Item: { ...key(pk, 'heads'), v: { N: String(n) } } } },
      ],
    }),
  );
}

/** The keys of `keys` that are missing from the table (as `pk|sk`). */
async function missing(ddb: DynamoDBClient, keys: ReadonlyArray<Record<string, { S: string }>>): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Array<Record<string, AttributeValue>> = keys.slice(i, i + 100);
    while (pending.length > 0) {
      const res: BatchGetItemCommandOutput = await ddb.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: pending, ConsistentRead: true } } }));
      for (const item of res.Responses?.[TABLE] ?? []) found.add(`${item['pk']?.S}|${item['sk']?.S}`);
      pending = res.UnprocessedKeys?.[TABLE]?.Keys ?? [];
    }
  }
  return new Set(keys.map((k) => `${k['pk']?.S}|${k['sk']?.S}`).filter((k) => !found.has(k)));
}

/** Creates the harness's table and waits until it is ACTIVE. */
async function createTable(c: DynamoDBClient): Promise<void> {
  await c.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  await waitUntilTableExists({ client: c, maxWaitTime: 60 }, { TableName: TABLE });
}

/**
 * The sharpest form: a few writes on `path`, then one more whose acknowledgement triggers the
 * kill -9 at once (no other request in between); after the restart, is that write there?
 * Answers true when it survived.
 */
export async function killOnAckTrial(dataDir: string, path: WritePath): Promise<boolean> {
  const ddb = await startDynamoDbLocal({ dataDir });
  const c = clients(ddb.endpoint);
  try {
    await createTable(c.plain);
    for (let n = 0; n < 5; n++) await write(c, path, 0, n);
    await write(c, path, 0, 5);
    if (ddb.pid === undefined) throw new Error('DynamoDB Local has no pid');
    process.kill(ddb.pid, 'SIGKILL');
  } finally {
    c.destroy();
    await ddb.stop();
  }
  const again = await startDynamoDbLocal({ dataDir });
  const c2 = clients(again.endpoint);
  try {
    return (await missing(c2.plain, [key(`${path}#0`, String(5).padStart(8, '0'))])).size === 0;
  } finally {
    c2.destroy();
    await again.stop();
  }
}

/** One run: start, load, kill -9, restart on the same files, count what was lost per path. */
export async function durabilityRun(options: DurabilityOptions): Promise<DurabilityRun> {
  const writers = options.writers ?? 4;
  const killAfterMs = options.killAfterMs ?? 3000;
  const ddb = await startDynamoDbLocal({ dataDir: options.dataDir });
  const acked = new Map<string, { path: WritePath; at: number; key: Record<string, { S: string }> }>();
  let killedAt = 0;
  const c = clients(ddb.endpoint);
  try {
    await createTable(c.plain);
    let dead = false;
    const loops = WRITE_PATHS.flatMap((path) =>
      Array.from({ length: writers }, async (_, w) => {
        for (let n = 0; !dead; n++) {
          try {
            await write(c, path, w, n);
          } catch {
            return; // the kill: every later call fails too
          }
          if (!dead) acked.set(`${path}#${w}|${String(n).padStart(8, '0')}`, { path, at: Date.now(), key: key(`${path}#${w}`, String(n).padStart(8, '0')) });
        }
      }),
    );
    await new Promise((r) => setTimeout(r, killAfterMs));
    if (ddb.pid === undefined) throw new Error('DynamoDB Local has no pid');
    process.kill(ddb.pid, 'SIGKILL');
    killedAt = Date.now();
    dead = true;
    await Promise.all(loops);
  } finally {
    c.destroy();
    await ddb.stop();
  }

  const again = await startDynamoDbLocal({ dataDir: options.dataDir });
  const c2 = clients(again.endpoint);
  try {
    const lost = await missing(c2.plain, [...acked.values()].map((a) => a.key));
    const figures = (path: WritePath): PathFigures => {
      const mine = [...acked.entries()].filter(([, a]) => a.path === path);
      const gone = mine.filter(([id]) => lost.has(id));
      return { acknowledged: mine.length, lost: gone.length, lostAckedMsBeforeKill: gone.map(([, a]) => killedAt - a.at) };
    };
    return { paths: { put: figures('put'), transact: figures('transact'), 'transact+barrier': figures('transact+barrier') } };
  } finally {
    c2.destroy();
    await again.stop();
  }
}

/** Runs `runs` runs, each in a fresh directory under the OS temp dir (removed afterwards). */
export async function durabilityRuns(runs: number, options: Omit<DurabilityOptions, 'dataDir'> = {}, onRun?: (i: number, r: DurabilityRun) => void): Promise<DurabilityRun[]> {
  const out: DurabilityRun[] = [];
  for (let i = 0; i < runs; i++) {
    const dataDir = await mkdtemp(join(tmpdir(), 'ddb-durability-'));
    try {
      const r = await durabilityRun({ ...options, dataDir });
      out.push(r);
      onRun?.(i, r);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  return out;
}
