/**
 * The SQS transport against a recording fake client: batching within SQS limits, attributes,
 * and which ids come back as failed.
 */
import type { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsTransport } from '../../../../shared/adapters/sqs-transport.ts';
import { forbiddenCharacter } from '../../../../shared/adapters/sqs-message-body.ts';
import { parseEvent } from '../../../../shared/domain/event.ts';
import { createClients } from '../../../../shared/adapters/clients.ts';
import type { MeshEvent } from '../../../../shared/domain/types.ts';
import { setEvent } from '../../../support/factories.ts';

type Input = SendMessageBatchCommand['input'];

function fakeSqs(answer: (input: Input, call: number) => { Failed?: Array<{ Id: string }> } | Error) {
  const calls: Input[] = [];
  const sqs = {
    send: async (command: SendMessageBatchCommand) => {
      calls.push(command.input);
      const a = answer(command.input, calls.length);
      if (a instanceof Error) throw a;
      return { Successful: [], Failed: a.Failed ?? [] };
    },
  } as unknown as SQSClient;
  return { sqs, calls };
}

const URL = 'https://sqs.eu-west-1.amazonaws.com/000000000000/ecmesh-in-us-east-1-to-eu-west-1';

describe('SqsTransport', () => {
  it('sends batches of at most 10, body = the event JSON, with sender and origin attributes', async () => {
    const { sqs, calls } = fakeSqs(() => ({}));
    const t = new SqsTransport({ sqs, region: 'us-east-1', queueUrls: { 'eu-west-1': URL } });
    const events = Array.from({ length: 23 }, (_, i) => setEvent(`k${i}`, i));
    const res = await t.send('eu-west-1', [...events, events[0] as MeshEvent]);
    expect(res).toEqual({ failed: [] });
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 10, 3]);
    const first = calls[0]?.Entries?.[0];
    expect(calls[0]?.QueueUrl).toBe(URL);
    expect(JSON.parse(first?.MessageBody ?? '')).toEqual(events[0]);
    expect(first?.Id).toBe(events[0]?.id);
    expect(first?.MessageAttributes).toEqual({
      sender: { DataType: 'String', StringValue: 'us-east-1' },
      origin: { DataType: 'String', StringValue: 'us-east-1' },
    });
  });

  it('sends to each peer with the client of that peer\'s region (SigV4 is scoped to one region)', async () => {
    // Prepare
    const eu = fakeSqs(() => ({}));
    const ap = fakeSqs(() => ({}));
    const asked: string[] = [];
    const byRegion: Record<string, SQSClient> = { 'eu-west-1': eu.sqs, 'ap-southeast-2': ap.sqs };
    const AP_URL = 'https://sqs.ap-southeast-2.amazonaws.com/000000000000/ecmesh-in-us-east-1-to-ap-southeast-2';
    const t = new SqsTransport({
      sqs: (peer) => {
        asked.push(peer);
        const c = byRegion[peer];
        if (c === undefined) throw new Error(`no client for ${peer}`);
        return c;
      },
      region: 'us-east-1',
      queueUrls: { 'eu-west-1': URL, 'ap-southeast-2': AP_URL },
    });
    // Act
    await t.send('eu-west-1', [setEvent('a', 1)]);
    await t.send('ap-southeast-2', [setEvent('b', 2)]);
    // Assess
    expect(asked).toEqual(['eu-west-1', 'ap-southeast-2']);
    expect(eu.calls.map((c) => c.QueueUrl)).toEqual([URL]);
    expect(ap.calls.map((c) => c.QueueUrl)).toEqual([AP_URL]);
  });

  it('keeps each batch under 256 KiB', async () => {
    const { sqs, calls } = fakeSqs(() => ({}));
    const t = new SqsTransport({ sqs, region: 'us-east-1', queueUrls: { 'eu-west-1': URL } });
    const big = Array.from({ length: 10 }, (_, i) => setEvent(`k${i}`, 'x'.repeat(60_000)));
    await t.send('eu-west-1', big);
    for (const c of calls) {
      const bytes = (c.Entries ?? []).reduce((n, e) => n + Buffer.byteLength(e.MessageBody ?? ''), 0);
      expect(bytes).toBeLessThanOrEqual(256 * 1024);
    }
    expect(calls.flatMap((c) => c.Entries ?? [])).toHaveLength(10);
  });

  it('sends a value SQS could not carry raw (U+FFFF, U+FFFE, a lone surrogate) as a body it accepts, decoding to the same event', async () => {
    // Prepare
    const { sqs, calls } = fakeSqs(() => ({}));
    const t = new SqsTransport({ sqs, region: 'us-east-1', queueUrls: { 'eu-west-1': URL } });
    const event = setEvent('k', { s: 'a\uffff\ufffe\ud800' });

    // Act
    await t.send('eu-west-1', [event]);

    // Assess
    const body = calls[0]?.Entries?.[0]?.MessageBody ?? '';
    expect(forbiddenCharacter(body)).toBeUndefined();
    expect(parseEvent(JSON.parse(body))).toEqual(event);
  });

  it('counts the escaped body against the 256 KiB batch limit', async () => {
    // Prepare: each value is ~60 KB of canonical UTF-8 but ~120 KB once U+FFFF is escaped.
    const { sqs, calls } = fakeSqs(() => ({}));
    const t = new SqsTransport({ sqs, region: 'us-east-1', queueUrls: { 'eu-west-1': URL } });
    const big = Array.from({ length: 6 }, (_, i) => setEvent(`k${i}`, '\uffff'.repeat(20_000)));

    // Act
    await t.send('eu-west-1', big);

    // Assess
    for (const c of calls) {
      const bytes = (c.Entries ?? []).reduce((n, e) => n + Buffer.byteLength(e.MessageBody ?? ''), 0);
      expect(bytes).toBeLessThanOrEqual(256 * 1024);
    }
    expect(calls.map((c) => c.Entries?.length)).toEqual([2, 2, 2]);
  });

  it('returns the ids SQS refused, and every id of a batch whose call failed', async () => {
    const events = Array.from({ length: 15 }, (_, i) => setEvent(`k${i}`, i));
    const { sqs } = fakeSqs((input, call) =>
      call === 1 ? { Failed: [{ Id: input.Entries?.[3]?.Id ?? '' }] } : new Error('throttled'),
    );
    const t = new SqsTransport({ sqs, region: 'us-east-1', queueUrls: { 'eu-west-1': URL } });
    const { failed } = await t.send('eu-west-1', events);
    expect(failed.sort()).toEqual([events[3], ...events.slice(10)].map((e) => (e as MeshEvent).id).sort());
  });

  it('refuses a peer it has no queue for', async () => {
    const t = new SqsTransport({ sqs: fakeSqs(() => ({})).sqs, region: 'us-east-1', queueUrls: {} });
    await expect(t.send('eu-west-1', [setEvent('k', 1)])).rejects.toThrow(/no queue URL/);
  });
});

describe('createClients', () => {
  it('uses an explicit endpoint for both services, and per-service overrides over it', async () => {
    const c = createClients({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1', sqsEndpoint: 'http://127.0.0.1:2', env: {} });
    const ddb = await c.dynamodb.config.endpoint?.();
    const sqs = await c.sqs.config.endpoint?.();
    expect(ddb?.hostname).toBe('127.0.0.1');
    expect(ddb?.port).toBe(1);
    expect(sqs?.port).toBe(2);
    expect(await c.dynamodb.config.region()).toBe('eu-west-1');
    expect(await c.dynamodb.config.credentials()).toMatchObject({ accessKeyId: 'local' });
  });
});
