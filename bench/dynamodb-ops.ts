/**
 * What DynamoDB Local charges for the shapes of write the store makes, against a plain
 * conditional PutItem, on one fresh DynamoDB Local with the mesh's table definition: the ceiling
 * under every throughput and lag figure of the local cloud, where all regions share one DynamoDB
 * Local. Each shape runs closed loop with 16 clients on distinct keys for 3 s, in rounds; the first
 * round warms the JVM and is not counted; each figure is the median of the other rounds [min–max],
 * and its ratio to the PutItem of the same round.
 *
 * Shapes: a PutItem of an event item with and without its index keys; TransactWriteItems of the
 * event alone, of the stream's state item (conditional on its version) and the event, and of those
 * with a digest cell's ADD (what one local write is); that last one with the digest cell, or the
 * state and the cell, in a second table that has no stream; the state and the event as two PutItems;
 * and a group commit of 8 writes (8 states, 8 events) with a digest cell per write (the layout before
 * rows) against the digest rows the store writes now (`digestAdds`: at most 2 per transaction).
 * Those two count writes per second, not transactions, and so does a BatchWriteItem of the same
 * 8 states and 8 events without conditions (what the items cost outside a transaction).
 *
 * Beside each rate, the CPU of DynamoDB Local's SQLite thread per write, in ms (Linux only): it
 * runs every statement of the database one at a time, so 1 000 ÷ that figure is the most writes
 * of that shape one DynamoDB Local can take a second, however many cores it has.
 *
 * @example
 * ```bash
 * npm run bench:ops              # 4 rounds, 3 counted
 * npm run bench:ops -- --rounds 6
 * ```
 */
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { LOCAL_CREDENTIALS } from '../local/aws-clients.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { digestAdds } from '../shared/adapters/dynamo-digest.ts';
import { createEventsTable } from '../shared/adapters/dynamo-table.ts';
import { threadCpuMs, threadNamed } from './process-cpu.ts';
import { percentile } from './stats.ts';

const TABLE = 'bench-ops';
/** The same keys, no stream and no indexes: where a store could keep items nobody replicates. */
const SIDE_TABLE = 'bench-ops-side';
const CLIENTS = 16;
const WINDOW_MS = 3_000;

type Item = Record<string, AttributeValue>;

/** Builds the items of one client's writes: event ids and state versions count up. */
class Items {
  #seq = 0;
  #lastId = '';
  readonly #versions = new Map<string, number>();

  event(client: number, indexed: boolean): Item {
    // Spread like real ids (SHA-256), so the digest rows add to as many buckets as the store's do.
    const id = createHash('sha256').update(String(this.#seq++)).digest('hex');
    this.#lastId = id;
    const body = JSON.stringify({ id, kind: 'set', key: `k${client}`, payload: { client, note: 'benchmark write of a small JSON value' } });
    return {
      pk: { S: `R#k${client}` },
      sk: { S: `E#${Date.now()}-${id}` },
      type: { S: 'event' },
      event: { S: body },
      ...(indexed ? { eid: { S: id }, bucket: { N: String(this.#seq % 256) } } : {}),
    };
  }

  /** The state item's Put, conditional on the version the client last wrote (into `table`). */
  state(client: number, table = TABLE): { Put: NonNullable<TransactWriteItem['Put']> } {
    const v = this.#versions.get(`${table}/${client}`) ?? 0;
    this.#versions.set(`${table}/${client}`, v + 1);
    const Item: Item = { pk: { S: `R#k${client}` }, sk: { S: 'HEADS' }, type: { S: 'heads' }, version: { N: String(v + 1) }, heads: { L: [{ S: 'x'.repeat(110) }] } };
    return {
      Put: v === 0
        ? { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' }
        : { TableName: table, Item, ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: String(v) } } },
    };
  }

  /** The id of the last event built: what the digest rows of a commit add. */
  lastId(): string {
    return this.#lastId;
  }

  digest(table = TABLE): TransactWriteItem {
    const n = this.#seq;
    return { Update: { TableName: table, Key: { pk: { S: `DIGEST#${n % 16}` }, sk: { S: `B#${n % 64}` } }, UpdateExpression: 'ADD #c :one', ExpressionAttributeNames: { '#c': 'count' }, ExpressionAttributeValues: { ':one': { N: '1' } } } };
  }
}

/** Writes in one group commit of the batched shapes. */
const GROUP = 8;

/** The digest rows of a commit, as raw AttributeValues (`digestAdds` builds them for the DocumentClient). */
function rowUpdates(ids: readonly string[]): TransactWriteItem[] {
  return digestAdds(TABLE, ids).map(({ Update: u }) => ({
    Update: { ...u, Key: marshall(u.Key), ExpressionAttributeValues: marshall(u.ExpressionAttributeValues) },
  }));
}

/** Writes per second of `op` (each op does `perOp` writes), closed loop, CLIENTS at once, for WINDOW_MS; and the writes done. */
async function rate(op: (client: number) => Promise<unknown>, perOp = 1): Promise<{ perSecond: number; writes: number }> {
  let done = 0;
  const started = Date.now();
  const end = started + WINDOW_MS;
  await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
    while (Date.now() < end) {
      await op(c);
      done += perOp;
    }
  }));
  return { perSecond: done / ((Date.now() - started) / 1000), writes: done };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '4' } } });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 2) throw new Error(`--rounds must be an integer ≥ 2, got ${values.rounds}`);
  const ddb = await startDynamoDbLocal();
  const client = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  try {
    await createEventsTable(client, TABLE);
    await client.send(new CreateTableCommand({
      TableName: SIDE_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    }));
    const items = new Items();
    const event = (c: number, indexed = true) => ({ Put: { TableName: TABLE, Item: items.event(c, indexed), ConditionExpression: 'attribute_not_exists(pk)' } });
    const grouped = (c: number, digest: 'cell' | 'rows') => {
      const batch: TransactWriteItem[] = [];
      const ids: string[] = [];
      for (let w = 0; w < GROUP; w++) {
        const key = GROUP * c + w + 1000;
        batch.push(items.state(key), event(key));
        ids.push(items.lastId());
        if (digest === 'cell') batch.push(items.digest());
      }
      return client.send(new TransactWriteItemsCommand({ TransactItems: digest === 'cell' ? batch : [...batch, ...rowUpdates(ids)] }));
    };
    const shapes: Record<string, (c: number) => Promise<unknown>> = {
      'PutItem of an event': (c) => client.send(new PutItemCommand(event(c).Put)),
      'PutItem of an event, no index keys': (c) => client.send(new PutItemCommand(event(c, false).Put)),
      'TransactWriteItems [event]': (c) => client.send(new TransactWriteItemsCommand({ TransactItems: [event(c)] })),
      'TransactWriteItems [state, event]': (c) => client.send(new TransactWriteItemsCommand({ TransactItems: [items.state(c), event(c)] })),
      'TransactWriteItems [state, event, digest]': (c) => client.send(new TransactWriteItemsCommand({ TransactItems: [items.state(c), event(c), items.digest()] })),
      // The same transaction with the digest cell, or the state and the cell, in a table without a
      // stream: what the items nobody replicates cost as stream records.
      'TransactWriteItems […], digest unstreamed': (c) => client.send(new TransactWriteItemsCommand({ TransactItems: [items.state(c), event(c), items.digest(SIDE_TABLE)] })),
      'TransactWriteItems […], state+digest unstreamed': (c) => client.send(new TransactWriteItemsCommand({ TransactItems: [items.state(c, SIDE_TABLE), event(c), items.digest(SIDE_TABLE)] })),
      'PutItem state, then PutItem event': async (c) => {
        await client.send(new PutItemCommand(items.state(c).Put));
        await client.send(new PutItemCommand(event(c).Put));
      },
    };
    // Group commits count writes, not transactions.
    const perOp: Record<string, number> = {};
    for (const [digest, label] of [['cell', 'a digest cell each'], ['rows', 'the digest rows']] as const) {
      const name = `TW of ${GROUP} writes, ${label} (writes/s)`;
      shapes[name] = (c) => grouped(c, digest);
      perOp[name] = GROUP;
    }
    const unconditional = `BatchWriteItem of ${GROUP} states + ${GROUP} events (writes/s)`;
    shapes[unconditional] = (c) => {
      const puts = [];
      for (let w = 0; w < GROUP; w++) {
        const key = GROUP * c + w + 5000;
        puts.push({ PutRequest: { Item: items.state(key).Put.Item } }, { PutRequest: { Item: items.event(key, true) } });
      }
      return client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: puts } }));
    };
    perOp[unconditional] = GROUP;
    const sqlite = ddb.pid === undefined ? undefined : threadNamed(ddb.pid, 'SQLiteQueue');
    const rates = new Map<string, number[]>(Object.keys(shapes).map((k) => [k, []]));
    const sqliteMs = new Map<string, number[]>(Object.keys(shapes).map((k) => [k, []]));
    for (let r = 0; r < rounds; r++) {
      for (const [name, op] of Object.entries(shapes)) {
        const before = sqlite === undefined ? undefined : threadCpuMs(sqlite);
        const { perSecond, writes } = await rate(op, perOp[name] ?? 1);
        const after = sqlite === undefined ? undefined : threadCpuMs(sqlite);
        if (r > 0) {
          rates.get(name)?.push(perSecond);
          if (before !== undefined && after !== undefined && writes > 0) sqliteMs.get(name)?.push((after - before) / writes);
        }
      }
      console.error(`[ops] round ${r + 1} of ${rounds}${r === 0 ? ' (warm-up, not counted)' : ''}`);
    }
    const base = rates.get('PutItem of an event') as number[];
    console.log(`DynamoDB Local write shapes, ${CLIENTS} clients on distinct keys, ${WINDOW_MS} ms windows, medians of ${rounds - 1} rounds [min–max]`);
    for (const [name, values] of rates) {
      const ratios = values.map((v, i) => v / (base[i] as number));
      const ms = sqliteMs.get(name) ?? [];
      const thread = ms.length === 0 ? '' : `   SQLite thread ${percentile(ms, 50).toFixed(2)} ms a write [${Math.min(...ms).toFixed(2)}–${Math.max(...ms).toFixed(2)}]`;
      console.log(`  ${name.padEnd(50)} ${`${percentile(values, 50).toFixed(0)}/s [${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}]`.padEnd(18)} ×${percentile(ratios, 50).toFixed(2)} of the PutItem${thread}`);
    }
  } finally {
    client.destroy();
    await ddb.stop();
  }
}

await main();
