/**
 * The DynamoDB store against a real DynamoDB API (DynamoDB Local by default; LocalStack or AWS
 * through MESH_TEST_DYNAMODB_ENDPOINT / AWS_ENDPOINT_URL): the shared EventStore contract on a
 * table of its own, plus what only the DynamoDB layout promises.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DynamoEventStore } from '../../../../shared/adapters/dynamo-event-store.ts';
import { createEventsTable } from '../../../../shared/adapters/dynamo-table.ts';
import { createClients } from '../../../../shared/adapters/clients.ts';
import { eventStoreContract } from '../../../support/event-store-contract.ts';
import { BASE_WALL, chain, deposit, setEvent } from '../../../support/factories.ts';
import { headIdsOf } from '../../../support/store-reads.ts';
import { streamOf } from '../../../../shared/ports/stream.ts';
import { digestOf } from '../../../../shared/domain/index.ts';
import type { MeshEvent } from '../../../../shared/domain/types.ts';

const endpoint = inject('dynamodbEndpoint');
const region = process.env['AWS_REGION'] ?? 'us-east-1';
const { dynamodb } = createClients(endpoint === '' ? { region } : { region, endpoint });
const table = `ecmesh-test-store-${randomUUID().slice(0, 8)}`;
/** Real AWS serves GSI reads a little behind; DynamoDB Local and LocalStack do not. */
const settleMs = endpoint === '' ? 10_000 : 2_000;

afterAll(async () => {
  await dynamodb.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
  dynamodb.destroy();
});

eventStoreContract(
  'DynamoDB',
  async () => {
    await createEventsTable(dynamodb, table);
    return new DynamoEventStore({ client: dynamodb, table, region: 'us-east-1' });
  },
  { settleMs },
);

/** A DynamoDB client of the test endpoint that records the name of every command it sends. */
function countingClient(): { counted: DynamoDBClient; commands: string[]; requests: Array<{ command: string; input: unknown }> } {
  const counted = createClients(endpoint === '' ? { region } : { region, endpoint }).dynamodb;
  const commands: string[] = [];
  const requests: Array<{ command: string; input: unknown }> = [];
  counted.middlewareStack.add((next, context) => async (args) => {
    commands.push(String(context.commandName));
    requests.push({ command: String(context.commandName), input: args.input });
    return next(args);
  }, { step: 'initialize', name: 'countCommands' });
  return { counted, commands, requests };
}

describe('DynamoDB events table', () => {
  it('is created idempotently, with a NEW_IMAGE stream and the four indexes', async () => {
    await createEventsTable(dynamodb, table);
    await createEventsTable(dynamodb, table);
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.StreamSpecification).toMatchObject({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(['byBucket', 'byId', 'catalog', 'conflicts']);
  });

  it('writes the event item with the top-level attributes the stream filter and indexes use', async () => {
    const store = new DynamoEventStore({ client: dynamodb, table, region: 'eu-west-1' });
    const e = setEvent(`k-${randomUUID()}`, 'attrs', { origin: 'eu-west-1' });
    await store.appendBatch([{ event: e, via: { type: 'local' } }]);
    // Raw AttributeValues, not the DocumentClient: this is what the stream filter and the CDK see.
    const { Items } = await dynamodb.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `R#${e.key}` } },
        ConsistentRead: true,
      }),
    );
    const byType = Object.fromEntries((Items ?? []).map((i) => [i['type']?.S, i]));
    expect(byType['event']).toMatchObject({ origin: { S: 'eu-west-1' }, eid: { S: e.id }, type: { S: 'event' } });
    expect(byType['event']?.['bucket']?.N).toMatch(/^\d+$/);
    expect(byType['event']?.['sk']?.S).toBe(`E#${e.hlc}#${e.origin}#${e.id}`);
    expect(byType['heads']).toMatchObject({ sk: { S: 'HEADS' }, version: { N: '1' }, cat: { S: 'R' }, heads: { L: [{ S: `${e.hlc}#${e.origin}#${e.id}` }] } });
    expect(byType['heads']?.['conflicts']).toBeUndefined();
    expect(byType['heads']?.['origin']).toBeUndefined();
  });

  it('adds each event to its digest row in the same write, and keeps the rows out of the indexes', async () => {
    // Prepare
    const store = new DynamoEventStore({ client: dynamodb, table, region: 'us-east-1' });
    const before = await store.digest();
    const e = setEvent(`k-${randomUUID()}`, 'cell');
    // Act
    await store.appendBatch([{ event: e, via: { type: 'local' } }]);
    // Assess: exactly one bucket moved, by one id and its weight.
    const after = await store.digest();
    const bucket = Number.parseInt(e.id.slice(0, 8), 16) % 64;
    expect(after.entries[bucket]?.count).toBe((before.entries[bucket]?.count ?? 0) + 1);
    expect(BigInt(after.entries[bucket]?.sum ?? '0') - BigInt(before.entries[bucket]?.sum ?? '0')).toBe(BigInt(Number.parseInt(e.id.slice(8, 20), 16)));
    const rows = await dynamodb.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `DIGEST#${String(Number.parseInt(e.id.slice(20, 22), 16) % 16).padStart(2, '0')}` } }, ConsistentRead: true }),
    );
    const row = (rows.Items ?? []).find((i) => i['sk']?.S === `R#0${Math.floor(bucket / 32)}#${Number.parseInt(e.id.slice(22, 24), 16) % 4}`);
    expect(row?.[`c${bucket}`]?.N).toMatch(/^[1-9]\d*$/);
    for (const item of rows.Items ?? []) {
      expect(item['type']?.S).toBe('digest');
      expect(item['origin'] ?? item['eid'] ?? item['bucket']).toBeUndefined();
    }
  });

  it('adds one row per 32 buckets for a batch, and reads the cells an older layout left beside the rows', async () => {
    // Prepare: a cell of the layout before rows, as a table written by older code holds it.
    await createEventsTable(dynamodb, table);
    const store = new DynamoEventStore({ client: dynamodb, table, region: 'us-east-1' });
    const before = await store.digest();
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'DIGEST#15' }, sk: { S: 'B#0005' }, type: { S: 'digest' }, digestBucket: { N: '5' }, count: { N: '3' }, sum: { N: '1000' } } }));
    const { counted, requests } = countingClient();
    const counting = new DynamoEventStore({ client: counted, table, region: 'us-east-1' });
    const events = Array.from({ length: 12 }, (_, i) => setEvent(`k-${randomUUID()}`, i));
    // Act
    await counting.appendBatch(events.map((event) => ({ event, via: { type: 'local' } })));
    const after = await store.digest();
    // Assess: the transaction holds the 12 events, their 12 states and at most 2 digest rows.
    const writes = requests.filter((r) => r.command === 'TransactWriteItemsCommand');
    expect(writes).toHaveLength(1);
    // The DocumentClient may hand the middleware plain or marshalled keys.
    const pkOf = (t: { Update?: { Key: { pk: string | { S: string } } } }): string => {
      const pk = t.Update?.Key.pk;
      return typeof pk === 'string' ? pk : pk?.S ?? '';
    };
    const digestItems = (writes[0]?.input as { TransactItems: Array<{ Update?: { Key: { pk: string | { S: string } } } }> }).TransactItems.filter((t) => pkOf(t).startsWith('DIGEST#'));
    expect(digestItems.length).toBeGreaterThanOrEqual(1);
    expect(digestItems.length).toBeLessThanOrEqual(2);
    const added = digestOf(events.map((e) => e.id));
    after.entries.forEach((entry, b) => {
      const old = b === 5 ? { count: 3, sum: 1000n } : { count: 0, sum: 0n };
      expect(entry.count).toBe((before.entries[b]?.count ?? 0) + (added.entries[b]?.count ?? 0) + old.count);
      expect(BigInt(entry.sum)).toBe(BigInt(before.entries[b]?.sum ?? '0') + BigInt(added.entries[b]?.sum ?? '0') + old.sum);
    });
    counted.destroy();
  });

  it('costs one BatchGetItem and one TransactWriteItems for a delivered batch over streams with no refs', async () => {
    // Prepare: count the store's requests by command.
    const { counted, commands, requests } = countingClient();
    const store = new DynamoEventStore({ client: counted, table, region: 'us-east-1' });
    const first = Array.from({ length: 10 }, (_, i) => setEvent(`k-${randomUUID()}`, i, { origin: 'eu-west-1' }));
    const second = first.map((e, i) => setEvent(e.key, i + 100, { origin: 'eu-west-1', parents: [e] }));
    // Act: new streams, then the same streams again (their state items now carry the mark).
    await store.appendBatch(first.map((event) => ({ event, via: { type: 'peer', peer: 'eu-west-1' } })));
    await store.appendBatch(second.map((event) => ({ event, via: { type: 'peer', peer: 'eu-west-1' } })));
    // Assess
    expect(commands).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand']);
    // The reads ask for the 10 states only: an event that came over a link is not looked up first.
    const keysRead = requests.filter((r) => r.command === 'BatchGetItemCommand').map((r) => (r.input as { RequestItems: Record<string, { Keys: Array<{ sk: string }> }> }).RequestItems[table]?.Keys ?? []);
    expect(keysRead.map((keys) => keys.length)).toEqual([10, 10]);
    expect(keysRead.flat().every((k) => k.sk === 'HEADS')).toBe(true);
    counted.destroy();
  });

  it('reads the refs of a stream that has one, so a parent delivered after its child stays out of the heads', async () => {
    // Prepare: the child arrives first and names a parent not stored yet: a ref is written and the
    // stream's state item loses its ref-free mark.
    const { counted, commands } = countingClient();
    const store = new DynamoEventStore({ client: counted, table, region: 'us-east-1' });
    const key = `k-${randomUUID()}`;
    const root = setEvent(key, 'root', { origin: 'eu-west-1' });
    const parent = setEvent(key, 'parent', { origin: 'eu-west-1', parents: [root] });
    const child = setEvent(key, 'child', { origin: 'eu-west-1', parents: [parent] });
    await store.appendBatch([{ event: root, via: { type: 'peer', peer: 'eu-west-1' } }]);
    await store.appendBatch([{ event: child, via: { type: 'peer', peer: 'eu-west-1' } }]);
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: streamOf(root) }, sk: { S: 'HEADS' } }, ConsistentRead: true }));
    commands.length = 0;
    // Act
    await store.appendBatch([{ event: parent, via: { type: 'peer', peer: 'eu-west-1' } }]);
    // Assess
    expect(Item?.['refFree']).toBeUndefined();
    expect(commands).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand']);
    expect(await headIdsOf(store, streamOf(root))).toEqual([child.id]);
    counted.destroy();
  });

  it('reads refs for a state item without the mark, as older code and local writes leave it', async () => {
    // Prepare: a stream written locally twice (only a new stream is marked by a local write), then
    // a ref put beside it by hand, as a table written before the mark would hold one.
    const store = new DynamoEventStore({ client: dynamodb, table, region: 'us-east-1' });
    const key = `k-${randomUUID()}`;
    const a = setEvent(key, 'a');
    const b = setEvent(key, 'b', { parents: [a] });
    await store.appendOn(await store.stateOf(streamOf(a)), [a]);
    await store.appendOn(await store.stateOf(streamOf(a)), [b]);
    const late = setEvent(key, 'late', { origin: 'eu-west-1', parents: [a] });
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: streamOf(a) }, sk: { S: `P#${late.id}` }, type: { S: 'ref' } } }));
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: streamOf(a) }, sk: { S: 'HEADS' } }, ConsistentRead: true }));
    // Act: the event the ref names arrives.
    await store.appendBatch([{ event: late, via: { type: 'peer', peer: 'eu-west-1' } }]);
    // Assess: the ref was read, so `late` is not a head (its child is named by the ref).
    expect(Item?.['refFree']).toBeUndefined();
    expect(await headIdsOf(store, streamOf(a))).toEqual([b.id]);
  });

  it('stores a batch\'s other streams while one stream keeps being moved by other writers', async () => {
    // Prepare: every transaction that writes the hot stream is refused, as when several peers'
    // batches keep moving one key; the store gives up after 3 rounds.
    await createEventsTable(dynamodb, table);
    const hot = `hot-${randomUUID()}`;
    const refusing = createClients(endpoint === '' ? { region } : { region, endpoint }).dynamodb;
    let refused = 0;
    refusing.middlewareStack.add((next, context) => async (args) => {
      const items = (args.input as { TransactItems?: Array<{ Put?: { Item?: Record<string, { S?: string }> } }> }).TransactItems;
      if (context.commandName === 'TransactWriteItemsCommand' && JSON.stringify(items ?? [], (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).includes(`R#${hot}`)) {
        refused++;
        throw Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] });
      }
      return next(args);
    }, { step: 'initialize', name: 'refuseHotStream' });
    const store = new DynamoEventStore({ client: refusing, table, region: 'us-east-1', maxAttempts: 3 });
    const cold = Array.from({ length: 5 }, (_, i) => setEvent(`cold-${randomUUID()}`, i, { origin: 'eu-west-1' }));
    const batch = [setEvent(hot, 'x', { origin: 'eu-west-1' }), ...cold].map((event) => ({ event, via: { type: 'peer', peer: 'eu-west-1' } as const }));

    // Act
    const outcome = await store.appendBatch(batch).catch((e: unknown) => e);

    // Assess: the batch is refused (its message is retried), yet the cold streams are stored.
    expect(outcome).toBeInstanceOf(Error);
    expect(refused).toBe(3);
    const reader = new DynamoEventStore({ client: dynamodb, table, region: 'us-east-1' });
    for (const e of cold) expect((await reader.get(e.id))?.event.id).toBe(e.id);
    refusing.destroy();
  });

  it('pages a bucket with one Query of the bucket index and one BatchGetItem per page', async () => {
    // Prepare: a fresh table of 300 events (about 5 a bucket); count the requests by command.
    const own = `ecmesh-test-bucket-${randomUUID().slice(0, 8)}`;
    await createEventsTable(dynamodb, own);
    const { counted, commands } = countingClient();
    const writer = new DynamoEventStore({ client: dynamodb, table: own, region: 'us-east-1' });
    const events = Array.from({ length: 300 }, (_, i) => setEvent(`k-${randomUUID()}`, i, { origin: 'eu-west-1' }));
    // The fullest bucket: ids are random, and bucket 0 held at most one in about 1 run in 20.
    const bucketOfId = (e: MeshEvent): number => Number.parseInt(e.id.slice(0, 8), 16) % 64;
    const fullest = [...Array(64).keys()].reduce((best, b) => (events.filter((e) => bucketOfId(e) === b).length > events.filter((e) => bucketOfId(e) === best).length ? b : best), 0);
    const inZero = events.filter((e) => bucketOfId(e) === fullest);
    expect(inZero.length).toBeGreaterThan(1);
    for (let i = 0; i < events.length; i += 100) await writer.appendBatch(events.slice(i, i + 100).map((event) => ({ event, via: { type: 'local' } })));
    const store = new DynamoEventStore({ client: counted, table: own, region: 'us-east-1' });
    // Act
    const first = await store.eventsInBucket(fullest, { limit: inZero.length - 1 });
    // Assess
    expect(commands).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    expect(first.events.map((s) => s.event.id)).toEqual(inZero.map((e) => e.id).sort().slice(0, inZero.length - 1));
    expect(first.next).toBe(first.events.at(-1)?.event.id);
    counted.destroy();
    await dynamodb.send(new DeleteTableCommand({ TableName: own }));
  });

  it('keeps backfill progress out of the bucket index: the item has no `bucket` attribute', async () => {
    await createEventsTable(dynamodb, table);
    const store = new DynamoEventStore({ client: dynamodb, table, region: 'us-east-1' });
    const peer = `peer-${randomUUID().slice(0, 8)}`;
    await store.saveBackfill({ peer, phase: 'copy', bucket: 7, buckets: 64, read: 3, copied: 2, startedAt: 1, updatedAt: 2 });
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'BACKFILL' }, sk: { S: peer } }, ConsistentRead: true }));
    expect(Item?.['bucket']).toBeUndefined();
    expect(Item).toMatchObject({ type: { S: 'backfill' }, copyBucket: { N: '7' }, phase: { S: 'copy' } });
  });

  // A DynamoDB that serves the BatchGetItem naming `parent` in two halves and lets the child's
  // whole append commit in between: an order the service allows (BatchGetItem reads each item on
  // its own). A 100-run soak met it for real: one region kept a head that a stored child named,
  // and disagreed with the others forever. `splitOn` says which read is split: the ref read (the
  // refs first, then the rest), or, for a stream marked ref-free, which has no ref read, the read
  // of the states (the child then commits right after it).
  async function childCommitsDuringRead(splitOn: 'ref' | 'state', prepare: (store: DynamoEventStore, root: MeshEvent) => Promise<void>): Promise<void> {
    const key = `k-${randomUUID()}`;
    const [root, parent, child] = chain(key, ['root', 'parent', 'child'], { origin: 'eu-west-1' }) as [MeshEvent, MeshEvent, MeshEvent];
    const other = new DynamoEventStore({ client: dynamodb, table, region: 'us-east-1' });
    await createEventsTable(dynamodb, table);
    await prepare(other, root);
    const split = createClients(endpoint === '' ? { region } : { region, endpoint }).dynamodb;
    let between: (() => Promise<unknown>) | undefined = () => other.appendBatch([{ event: child, via: { type: 'peer', peer: 'eu-west-1' } }]);
    type Next = (args: { input: unknown }) => Promise<{ output: { Responses?: Record<string, unknown[]> } }>;
    const splitter = (next: Next, context: { commandName?: string }) => async (args: { input: unknown }) => {
      const input = args.input as { RequestItems?: Record<string, { Keys: Array<Record<string, unknown>> }> };
      const wanted = input.RequestItems?.[table];
      const sk = (k: Record<string, unknown>): string => JSON.stringify(k['sk']);
      const first = (k: Record<string, unknown>): boolean => (splitOn === 'ref' ? sk(k).includes(`P#${parent.id}`) : sk(k).includes('HEADS') || sk(k).includes(parent.id));
      if (context.commandName !== 'BatchGetItemCommand' || between === undefined || wanted === undefined || !wanted.Keys.some(first)) return next(args);
      const read = (keys: Array<Record<string, unknown>>) => next({ ...args, input: { ...input, RequestItems: { [table]: { ...wanted, Keys: keys } } } });
      const head = await read(wanted.Keys.filter(first));
      const run = between;
      between = undefined;
      await run();
      const rest = wanted.Keys.filter((k) => !first(k));
      const tail = rest.length === 0 ? undefined : await read(rest);
      const responses = [...(head.output.Responses?.[table] ?? []), ...(tail?.output.Responses?.[table] ?? [])];
      return { ...head, output: { ...head.output, Responses: { [table]: responses } } };
    };
    split.middlewareStack.add(splitter as never, { step: 'initialize', name: 'splitBatchGet' });
    const store = new DynamoEventStore({ client: split, table, region: 'us-east-1' });

    // Act: the parent arrives; while its batch is read, the child is stored by another ingest.
    await store.appendBatch([{ event: parent, via: { type: 'peer', peer: 'eu-west-1' } }]);

    // Assess: the child was stored in between, and the parent, which it names, is no head.
    expect(between).toBeUndefined();
    expect(await headIdsOf(store, streamOf(parent))).toEqual([child.id]);
    split.destroy();
  }

  it('keeps the heads right when a child commits while its parent\'s refs are read: BatchGetItem is not isolated across items', async () => {
    // The root stored, then its state item's ref-free mark taken off, as older code wrote it: refs are read.
    await childCommitsDuringRead('ref', async (other, root) => {
      await other.appendBatch([{ event: root, via: { type: 'peer', peer: 'eu-west-1' } }]);
      await dynamodb.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: streamOf(root) }, sk: { S: 'HEADS' } }, UpdateExpression: 'REMOVE refFree' }));
    });
  });

  it('keeps the heads right when a child commits right after the states are read, on a stream marked ref-free', async () => {
    await childCommitsDuringRead('state', async (other, root) => {
      await other.appendBatch([{ event: root, via: { type: 'peer', peer: 'eu-west-1' } }]);
      const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: streamOf(root) }, sk: { S: 'HEADS' } }, ConsistentRead: true }));
      expect(Item?.['refFree']).toEqual({ BOOL: true });
    });
  });

  it('stores a late event of an account whose live writes win every long read: a retry reads only what is new', async () => {
    // Prepare: an account with 80 deposits, then a late one from before most of them: storing it
    // replays the account from a checkpoint, a Query of tens of events. A live deposit is stored
    // whenever such a long read runs (as a hot account's writes outpace it), so the round's
    // version check fails. Before the fix every round read everything again and lost again (the
    // Jepsen membership run: a joining region's backfill of the bank's accounts never finished).
    await createEventsTable(dynamodb, table);
    const account = `hot-${randomUUID().slice(0, 8)}`;
    const plain = new DynamoEventStore({ client: dynamodb, table, region: 'us-east-1' });
    const history = Array.from({ length: 80 }, (_, i) => deposit(account, 1, { origin: 'eu-west-1', wall: BASE_WALL + 1_000 * (i + 1) }));
    for (let i = 0; i < history.length; i += 20) await plain.appendBatch(history.slice(i, i + 20).map((event) => ({ event, via: { type: 'peer' as const, peer: 'eu-west-1' } })));
    const late = deposit(account, 5, { origin: 'ap-southeast-2', wall: BASE_WALL + 1_500 });
    let live = 0;
    const racing = createClients(endpoint === '' ? { region } : { region, endpoint }).dynamodb;
    type Next = (args: { input: unknown }) => Promise<{ output: { Items?: unknown[] } }>;
    racing.middlewareStack.add(((next: Next, context: { commandName?: string }) => async (args: { input: unknown }) => {
      const out = await next(args);
      // The input as the document client gives it (plain values) or marshalled ({ S }).
      const v = (args.input as { ExpressionAttributeValues?: Record<string, unknown> }).ExpressionAttributeValues?.[':pk'];
      const pk = typeof v === 'string' ? v : (v as { S?: string } | undefined)?.S;
      if (context.commandName === 'QueryCommand' && pk === `A#${account}` && (out.output.Items?.length ?? 0) > 10) {
        live++;
        await plain.appendBatch([{ event: deposit(account, 1, { origin: 'us-east-1', wall: BASE_WALL + 1_000_000 + live }), via: { type: 'peer', peer: 'us-east-1' } }]);
      }
      return out;
    }) as never, { step: 'initialize', name: 'liveWrites' });
    const store = new DynamoEventStore({ client: racing, table, region: 'us-east-1', maxAttempts: 6 });

    // Act
    const [result] = await store.appendBatch([{ event: late, via: { type: 'repair', peer: 'ap-southeast-2' } }]);

    // Assess: stored after one lost race, and the snapshot counts every event, the late one too.
    expect(result?.status).toBe('stored');
    expect(live).toBe(1);
    const state = await plain.stateOf(streamOf(late));
    expect(state.snapshot?.count).toBe(80 + 1 + live);
    expect((state.snapshot?.state as { balance: number }).balance).toBe(80 + 5 + live);
    racing.destroy();
  });

  it('stores a batch of one stream\'s events however many parents they name: each transaction stays within 100 items', async () => {
    // Prepare: 40 events of one key, each naming 4 parents it has not seen stored (a conflicted
    // key's history, as a backfill or a repair pull copies it: children before their parents).
    // 32 of them, the most one stream's write took, are 1 state + 64 event and digest items +
    // 128 refs: more than a transaction holds. Found by the Jepsen membership run: a joining
    // region's backfill stopped for good on such a page.
    await createEventsTable(dynamodb, table);
    const store = new DynamoEventStore({ client: dynamodb, table, region: 'us-east-1' });
    const key = `many-parents-${randomUUID().slice(0, 8)}`;
    const phantom = (i: number, j: number): string => (randomUUID() + randomUUID()).replace(/-/g, '').slice(0, 64).replace(/^.{4}/, `${i}${j}`.padStart(4, '0'));
    const events = Array.from({ length: 40 }, (_, i) => setEvent(key, i, { origin: 'eu-west-1', counter: i, parents: [0, 1, 2, 3].map((j) => phantom(i, j)) }));

    // Act
    const results = await store.appendBatch(events.map((event) => ({ event, via: { type: 'repair' as const, peer: 'eu-west-1' } })));

    // Assess: all stored once, every one a head (none of their parents is here).
    expect(results.map((r) => r.status)).toEqual(Array(40).fill('stored'));
    expect((await headIdsOf(store, streamOf(events[0] as MeshEvent))).sort()).toEqual(events.map((e) => e.id).sort());
    expect((await store.appendBatch(events.map((event) => ({ event, via: { type: 'repair' as const, peer: 'eu-west-1' } })))).map((r) => r.status)).toEqual(Array(40).fill('duplicate'));
  });

  it('keeps a link delivery in its own item, invisible to the stream filter and the indexes', async () => {
    // Prepare
    const store = new DynamoEventStore({ client: dynamodb, table, region: 'us-east-1' });
    const from = `peer-${randomUUID().slice(0, 8)}`;
    // Act
    await store.recordDelivery({ from, receivedAt: 2_000, originAt: 1_750, lagMs: 250, events: 4 });
    // Assess
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: `LINK#${from}` }, sk: { S: 'LINK' } }, ConsistentRead: true }),
    );
    expect(Item).toEqual({
      pk: { S: `LINK#${from}` },
      sk: { S: 'LINK' },
      type: { S: 'link' },
      from: { S: from },
      receivedAt: { N: '2000' },
      originAt: { N: '1750' },
      lagMs: { N: '250' },
      events: { N: '4' },
    });
  });

  it('commits local writes to other streams that arrive while one is in flight together: fewer transactions than writes', async () => {
    // Prepare: 10 fresh streams, their states read first.
    await createEventsTable(dynamodb, table);
    const { counted, commands } = countingClient();
    const store = new DynamoEventStore({ client: counted, table, region: 'us-east-1' });
    const events = Array.from({ length: 10 }, (_, i) => setEvent(`batched-${randomUUID()}`, i));
    const states = await Promise.all(events.map((e) => store.stateOf(streamOf(e))));
    commands.length = 0;

    // Act: all 10 at once, as 10 concurrent requests of one process.
    const receipts = await Promise.all(events.map((e, i) => store.appendOn(states[i] as never, [e])));

    // Assess: the first two go out at once (two commits in flight), the other 8 share the next;
    // every write is stored with its heads.
    expect(receipts.map((r) => r[0]?.eventId)).toEqual(events.map((e) => e.id));
    expect(commands.filter((c) => c === 'TransactWriteItemsCommand').length).toBeLessThanOrEqual(3);
    for (const e of events) expect(await headIdsOf(store, streamOf(e))).toEqual([e.id]);
    counted.destroy();
  });

  it('refuses only the write whose stream moved when it shared a transaction: its batch-mates are stored', async () => {
    // Prepare: 6 fresh streams read; then another writer moves one of them.
    await createEventsTable(dynamodb, table);
    const { counted, commands } = countingClient();
    const store = new DynamoEventStore({ client: counted, table, region: 'us-east-1' });
    const other = new DynamoEventStore({ client: dynamodb, table, region: 'us-east-1' });
    const events = Array.from({ length: 6 }, (_, i) => setEvent(`mates-${randomUUID()}`, i));
    const states = await Promise.all(events.map((e) => store.stateOf(streamOf(e))));
    const moved = events[4] as MeshEvent;
    await other.appendOn(await other.stateOf(streamOf(moved)), [setEvent(moved.key, 'first', { counter: 99 })]);
    commands.length = 0;

    // Act: the moved stream's write is fifth, so it shares a transaction with others.
    const answers = await Promise.all(events.map((e, i) => store.appendOn(states[i] as never, [e]).then(() => 'stored', (err: unknown) => (err as Error).name)));

    // Assess
    expect(answers).toEqual(['stored', 'stored', 'stored', 'stored', 'HeadsMovedError', 'stored']);
    expect(commands.filter((c) => c === 'TransactWriteItemsCommand').length).toBeLessThan(events.length);
    expect(await store.get(moved.id)).toBeUndefined();
    for (const e of events.filter((x) => x !== moved)) expect((await store.get(e.id))?.event.id).toBe(e.id);
    counted.destroy();
  });
});
