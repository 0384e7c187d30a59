/**
 * The replicator, ingest and repair handlers on the memory store with a recording transport:
 * partial batch failures, the origin check, poison messages, and anti-entropy pulls.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeIngestHandler, senderOf } from '../../../functions/ingest.ts';
import { makeRepairHandler } from '../../../functions/repair.ts';
import { makeReplicatorHandler } from '../../../functions/replicator.ts';
import { eventItem } from '../../../shared/adapters/dynamo-event-store.ts';
import { MemoryEventStore } from '../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../shared/adapters/memory-link-control.ts';
import { RegionService } from '../../../shared/app/region-service.ts';
import type { RegionConfig } from '../../../shared/config/env.ts';
import type { MeshEvent } from '../../../shared/domain/types.ts';
import type { Transport } from '../../../shared/ports/transport.ts';
import { BASE_WALL, ManualClock, receipt, setEvent } from '../../support/factories.ts';
import { appendOne } from '../../support/store-reads.ts';
import { PoisonMessageError } from '../../../shared/app/poison-message-error.ts';

const REGION = 'us-east-1';
const PEERS = ['eu-west-1', 'ap-southeast-2'];
const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const config: RegionConfig = {
  meshName: 'ecmesh',
  region: REGION,
  table: 't',
  peers: PEERS,
  peerQueueUrls: {},
  inboundQueueUrls: {},
  account: '000000000000',
};

function region(name = REGION, clock = new ManualClock(BASE_WALL)) {
  const store = new MemoryEventStore({ region: name, clock });
  const links = new MemoryLinkControl([name, ...PEERS]);
  const service = new RegionService({ region: name, peers: PEERS, store, links, clock });
  return { store, service, links, clock, config: { ...config, region: name } };
}

class RecordingTransport implements Transport {
  readonly sent: Record<string, string[]> = {};
  constructor(private readonly fail: (peer: string, id: string) => boolean = () => false, private readonly throwFor?: string) {}
  async send(peer: string, events: readonly MeshEvent[]) {
    if (peer === this.throwFor) throw new Error('queue unreachable');
    (this.sent[peer] ??= []).push(...events.map((e) => e.id));
    return { failed: events.filter((e) => this.fail(peer, e.id)).map((e) => e.id) };
  }
}

function streamRecord(seq: string, item: Record<string, unknown>, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT'): DynamoDBRecord {
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { SequenceNumber: seq, NewImage: marshall(item) as never, StreamViewType: 'NEW_IMAGE' },
  };
}

function eventRecord(seq: string, e: MeshEvent): DynamoDBRecord {
  return streamRecord(seq, eventItem(e, receipt(e, REGION, 1)));
}

/** A record off the queue `from` -> us-east-1 (default: the sender's own queue), with a `sender` attribute when given. */
function sqsRecord(id: string, body: string, sender?: string, from: string | null = sender ?? 'ap-southeast-2'): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: sender === undefined ? {} : { sender: { dataType: 'String', stringValue: sender } },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    ...(from === null ? {} : { eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:ecmesh-in-${from}-to-us-east-1` }),
    awsRegion: REGION,
  } as SQSRecord;
}

describe('replicator', () => {
  it('sends only this region’s events, to every peer, and reports no failure', async () => {
    // Prepare
    const transport = new RecordingTransport();
    const replicate = makeReplicatorHandler({ config, transport }, { logger: silent });
    const own = setEvent('k', 1);
    const foreign = setEvent('k', 2, { origin: 'eu-west-1' });
    const event: DynamoDBStreamEvent = {
      Records: [
        eventRecord('1', own),
        eventRecord('2', foreign),
        streamRecord('3', { pk: 'R#k', sk: 'HEADS', type: 'heads', heads: [], version: 1, origin: REGION }),
        streamRecord('4', { pk: 'R#k', sk: 'P#x', type: 'ref' }),
      ],
    };
    // Act
    const res = await replicate(event);
    // Assess
    expect(res).toEqual({ batchItemFailures: [] });
    expect(transport.sent).toEqual({ 'eu-west-1': [own.id], 'ap-southeast-2': [own.id] });
  });

  it('fails exactly the records whose event a peer did not accept', async () => {
    const a = setEvent('a', 1);
    const b = setEvent('b', 1);
    const transport = new RecordingTransport((peer, id) => peer === 'ap-southeast-2' && id === b.id);
    const replicate = makeReplicatorHandler({ config, transport }, { logger: silent });
    const res = await replicate({ Records: [eventRecord('10', a), eventRecord('11', b)] });
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: '11' }] });
  });

  it('fails every own record when a peer cannot be reached, without throwing', async () => {
    const a = setEvent('a', 1);
    const b = setEvent('b', 1, { origin: 'eu-west-1' });
    const transport = new RecordingTransport(undefined, 'eu-west-1');
    const replicate = makeReplicatorHandler({ config, transport }, { logger: silent });
    const res = await replicate({ Records: [eventRecord('20', a), eventRecord('21', b)] });
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: '20' }] });
  });
});

describe('ingest', () => {
  it('stores events with a receipt naming the sender, idempotently', async () => {
    const { store, service } = region();
    const ingest = makeIngestHandler({ service }, { logger: silent });
    const e = setEvent('k', 'v', { origin: 'eu-west-1' });
    const res = await ingest({ Records: [sqsRecord('m1', JSON.stringify(e), 'eu-west-1'), sqsRecord('m2', JSON.stringify(e), 'eu-west-1')] });
    expect(res).toEqual({ batchItemFailures: [] });
    expect(await store.get(e.id)).toMatchObject({ event: e, receipt: { via: { type: 'peer', peer: 'eu-west-1' } } });
    expect(await store.count()).toBe(1);
  });

  it('reports poison messages as batch item failures and never stores them', async () => {
    const { store, service } = region();
    const ingest = makeIngestHandler({ service }, { logger: silent });
    const good = setEvent('k', 'good', { origin: 'eu-west-1' });
    const tampered = { ...setEvent('k', 'x', { origin: 'eu-west-1' }), payload: 'tampered' };
    const res = await ingest({
      Records: [
        sqsRecord('bad-json', '{"id":', 'eu-west-1'),
        sqsRecord('bad-hash', JSON.stringify(tampered), 'eu-west-1'),
        sqsRecord('bad-shape', JSON.stringify({ hello: 'world' }), 'eu-west-1'),
        sqsRecord('good', JSON.stringify(good), 'eu-west-1'),
      ],
    });
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad-hash', 'bad-json', 'bad-shape']);
    expect(await store.count()).toBe(1);
  });

  it('reports a whole batch of poison without throwing (so only SQS decides the DLQ)', async () => {
    const { service } = region();
    const ingest = makeIngestHandler({ service }, { logger: silent });
    const res = await ingest({ Records: [sqsRecord('p', 'not json')] } as SQSEvent);
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'p' }] });
  });

  it('records each sender’s delivery once per batch: the lag of its newest event, by the scripted clock', async () => {
    // Prepare: the region's clock reads BASE_WALL + 2000 while the batch is ingested
    const { service, clock } = region();
    clock.advance(2_000);
    const ingest = makeIngestHandler({ service }, { logger: silent });
    const eu1 = setEvent('a', 1, { origin: 'eu-west-1', wall: BASE_WALL + 500 });
    const eu2 = setEvent('b', 2, { origin: 'eu-west-1', wall: BASE_WALL + 1_500 });
    const ap = setEvent('c', 3, { origin: 'ap-southeast-2', wall: BASE_WALL + 1_900 });
    // Act: a duplicate still counts as delivered; a poison message does not
    const res = await ingest({
      Records: [
        sqsRecord('m1', JSON.stringify(eu2), 'eu-west-1'),
        sqsRecord('m2', JSON.stringify(eu1), 'eu-west-1'),
        sqsRecord('m3', JSON.stringify(eu1), 'eu-west-1'),
        sqsRecord('m4', 'not json', 'eu-west-1'),
        sqsRecord('m5', JSON.stringify(ap), 'ap-southeast-2'),
      ],
    });
    const status = await service.status();
    // Assess
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm4' }]);
    const lagOf = (from: string) => status.links.find((l) => l.from === from && l.to === REGION)?.lag;
    expect(lagOf('eu-west-1')).toEqual({ lastMs: 500, at: BASE_WALL + 2_000, originAt: BASE_WALL + 1_500, events: 3 });
    expect(lagOf('ap-southeast-2')).toEqual({ lastMs: 100, at: BASE_WALL + 2_000, originAt: BASE_WALL + 1_900, events: 1 });
  });

  it('still succeeds when the delivery cannot be recorded (the lag is advisory)', async () => {
    const { service, store } = region();
    store.recordDelivery = async () => {
      throw new Error('throttled');
    };
    const ingest = makeIngestHandler({ service }, { logger: silent });
    const e = setEvent('k', 'v', { origin: 'eu-west-1' });
    const res = await ingest({ Records: [sqsRecord('m1', JSON.stringify(e), 'eu-west-1')] });
    expect(res).toEqual({ batchItemFailures: [] });
    expect(await store.get(e.id)).toBeDefined();
  });

  it("takes the sender from the queue's name, and refuses an attribute that names another region", () => {
    expect(senderOf(sqsRecord('a', '{}', 'eu-west-1'))).toBe('eu-west-1');
    expect(senderOf(sqsRecord('a', '{}'))).toBe('ap-southeast-2');
    expect(() => senderOf(sqsRecord('a', '{}', 'eu-west-1', 'ap-southeast-2'))).toThrow(/does not match the queue's source region ap-southeast-2/);
    expect(() => senderOf(sqsRecord('a', '{}', '<script>', 'eu-west-1'))).toThrow(PoisonMessageError);
    // No queue named (a test harness): the attribute, when it is a region name.
    expect(senderOf(sqsRecord('a', '{}', 'eu-west-1', null))).toBe('eu-west-1');
    expect(() => senderOf(sqsRecord('a', '{}', '<script>', null))).toThrow(PoisonMessageError);
  });
});

describe('repair', () => {
  it('pulls the events a peer has and this region lacks, then nothing more', async () => {
    // Prepare
    const here = region();
    const eu = new MemoryEventStore({ region: 'eu-west-1' });
    const shared = setEvent('k', 0, { origin: 'eu-west-1' });
    await appendOne(here.store, shared, { type: 'peer', peer: 'eu-west-1' });
    const missing = Array.from({ length: 20 }, (_, i) => setEvent(`k${i}`, i, { origin: 'eu-west-1' }));
    for (const e of [shared, ...missing]) await appendOne(eu, e, { type: 'local' });
    const repair = makeRepairHandler(here, { 'eu-west-1': eu, 'ap-southeast-2': new MemoryEventStore({ region: 'ap-southeast-2' }) }, { logger: silent });
    // Act
    const first = await repair();
    const second = await repair();
    // Assess
    expect(first['eu-west-1']).toMatchObject({ pulled: 20, poison: 0, held: 0 });
    expect(second['eu-west-1']).toEqual({ buckets: 0, pulled: 0, poison: 0, held: 0 });
    expect(await here.store.digest()).toEqual(await eu.digest());
    expect((await here.store.get(missing[0]?.id ?? ''))?.receipt.via).toEqual({ type: 'repair', peer: 'eu-west-1' });
  });

  it('reads its own digest once per run, however many peers it repairs from', async () => {
    // Prepare: both peers hold an event this region lacks
    const here = region();
    const eu = new MemoryEventStore({ region: 'eu-west-1' });
    const ap = new MemoryEventStore({ region: 'ap-southeast-2' });
    await appendOne(eu, setEvent('eu-key', 1, { origin: 'eu-west-1' }), { type: 'local' });
    await appendOne(ap, setEvent('ap-key', 1, { origin: 'ap-southeast-2' }), { type: 'local' });
    let digests = 0;
    const digest = here.store.digest.bind(here.store);
    here.store.digest = async (buckets) => {
      digests++;
      return digest(buckets);
    };
    // Act
    const report = await makeRepairHandler(here, { 'eu-west-1': eu, 'ap-southeast-2': ap }, { logger: silent })();
    // Assess
    expect(report).toEqual({ 'eu-west-1': { buckets: 1, pulled: 1, poison: 0, held: 0 }, 'ap-southeast-2': { buckets: 1, pulled: 1, poison: 0, held: 0 } });
    expect(digests).toBe(1);
  });

  it('refuses to pull an event that does not verify, and reports an unreachable peer', async () => {
    const here = region();
    const eu = new MemoryEventStore({ region: 'eu-west-1' });
    const forged = { ...setEvent('k', 'x', { origin: 'eu-west-1' }), payload: 'forged' };
    await appendOne(eu, forged, { type: 'local' });
    const broken = new MemoryEventStore({ region: 'ap-southeast-2' });
    broken.digest = async () => {
      throw new Error('unreachable');
    };
    const report = await makeRepairHandler(here, { 'eu-west-1': eu, 'ap-southeast-2': broken }, { logger: silent })();
    expect(report['eu-west-1']).toMatchObject({ pulled: 0, poison: 1 });
    expect(report['ap-southeast-2']).toEqual({ error: 'unreachable' });
    expect(await here.store.count()).toBe(0);
  });

  it('does not pull over a disabled link, pulls over the others, and pulls again once it is healed', async () => {
    // Prepare: both peers hold an event this region lacks; the link eu-west-1 -> here is cut
    const here = region();
    const eu = new MemoryEventStore({ region: 'eu-west-1' });
    const ap = new MemoryEventStore({ region: 'ap-southeast-2' });
    const fromEu = setEvent('eu-key', 1, { origin: 'eu-west-1' });
    const fromAp = setEvent('ap-key', 1, { origin: 'ap-southeast-2' });
    await appendOne(eu, fromEu, { type: 'local' });
    await appendOne(ap, fromAp, { type: 'local' });
    await here.links.setLink('eu-west-1', REGION, false);
    await here.links.setLink(REGION, 'ap-southeast-2', false); // the other direction does not matter
    const repair = makeRepairHandler(here, { 'eu-west-1': eu, 'ap-southeast-2': ap }, { logger: silent });
    // Act
    const cut = await repair();
    await here.links.setLink('eu-west-1', REGION, true);
    const healed = await repair();
    // Assess
    expect(cut).toEqual({ 'eu-west-1': { skipped: 'link-disabled' }, 'ap-southeast-2': { buckets: 1, pulled: 1, poison: 0, held: 0 } });
    expect(healed['eu-west-1']).toMatchObject({ pulled: 1, poison: 0, held: 0 });
    expect(await here.store.get(fromEu.id)).toBeDefined();
  });

  it('repairs anyway, logging it, when the link state cannot be read', async () => {
    // Prepare
    const here = region();
    const eu = new MemoryEventStore({ region: 'eu-west-1' });
    await appendOne(eu, setEvent('k', 1, { origin: 'eu-west-1' }), { type: 'local' });
    here.links.isEnabled = async () => {
      throw new Error('AccessDenied: lambda:ListEventSourceMappings');
    };
    const warnings: unknown[] = [];
    const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    logger.warn = (...args: unknown[]) => void warnings.push(args);
    // Act
    const report = await makeRepairHandler(here, { 'eu-west-1': eu, 'ap-southeast-2': new MemoryEventStore({ region: 'ap-southeast-2' }) }, { logger })();
    // Assess
    expect(report['eu-west-1']).toEqual({ buckets: 1, pulled: 1, poison: 0, held: 0 });
    expect(warnings).toHaveLength(2);
    expect(JSON.stringify(warnings[0])).toContain('repairing anyway');
  });

  it('reads link state from links() when the control cannot answer one link, once per run', async () => {
    // Prepare: a control without isEnabled, that knows only the link eu-west-1 -> here (cut)
    const here = region();
    const eu = new MemoryEventStore({ region: 'eu-west-1' });
    const ap = new MemoryEventStore({ region: 'ap-southeast-2' });
    await appendOne(eu, setEvent('k', 1, { origin: 'eu-west-1' }), { type: 'local' });
    await appendOne(ap, setEvent('k', 2, { origin: 'ap-southeast-2' }), { type: 'local' });
    let reads = 0;
    const links = {
      setLink: here.links.setLink.bind(here.links),
      links: async () => {
        reads++;
        return [{ from: 'eu-west-1', to: REGION, enabled: false }];
      },
    };
    // Act
    const report = await makeRepairHandler({ ...here, links }, { 'eu-west-1': eu, 'ap-southeast-2': ap }, { logger: silent })();
    // Assess: the unknown link (ap-southeast-2 -> here) is repaired, as anti-entropy prefers
    expect(report).toEqual({ 'eu-west-1': { skipped: 'link-disabled' }, 'ap-southeast-2': { buckets: 1, pulled: 1, poison: 0, held: 0 } });
    expect(reads).toBe(1);
  });
});
