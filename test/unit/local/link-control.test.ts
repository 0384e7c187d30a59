import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClients, type RegionClients } from '../../../local/aws-clients.ts';
import { LocalLinkControl } from '../../../local/link-control.ts';
import { createMeshQueues } from '../../../local/mesh-queues.ts';
import { SqsPoller } from '../../../local/runtime/sqs-poller.ts';
import { startSqsServer, type SqsServer } from '../../../local/sqs-server.ts';
import { until } from '../../../shared/util/until.ts';

let server: SqsServer;
let clients: RegionClients;

beforeAll(async () => {
  server = await startSqsServer();
  clients = localClients('a', { dynamodb: 'http://127.0.0.1:1', sqs: server.endpoint });
});

afterAll(async () => {
  clients.destroy();
  await server.stop();
});

describe('LocalLinkControl', () => {
  it('cuts a link by pausing its poller, reports the backlog, and heals it', async () => {
    // Prepare
    const queues = await createMeshQueues(clients.sqs, 'lc', ['a', 'b'], { visibilityTimeoutSeconds: 1 });
    const q = queues.get('a', 'b');
    if (q === undefined) throw new Error('no queue');
    const delivered: string[] = [];
    const poller = new SqsPoller({ client: clients.sqs, queueUrl: q.url, queueArn: q.arn, region: 'b', waitTimeSeconds: 0, idleDelayMs: 10,
      handler: async (e) => {
        for (const r of e.Records) delivered.push(r.body);
      } });
    const links = new LocalLinkControl(clients.sqs);
    links.register({ from: 'a', to: 'b', poller, queueUrl: q.url, dlqUrl: q.dlqUrl });
    poller.start();

    // Act
    const before = Date.now();
    const cut = await links.setLink('a', 'b', false);
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'held' }));
    const during = await links.links();
    const healed = await links.setLink('a', 'b', true);
    await until('the held message delivered', () => delivered.length > 0, 5_000, 10);
    await poller.stop();

    // Assess
    // It says when it was cut (the start of what waits on it).
    expect(cut).toEqual({ from: 'a', to: 'b', enabled: false, backlog: 0, inFlight: 0, dlq: 0, changedAt: expect.toSatisfy((t: number) => t >= before && t <= Date.now()) });
    expect(during).toEqual([{ ...cut, backlog: 1 }]);
    expect(healed.enabled).toBe(true);
    expect(delivered).toEqual(['held']);
    await expect(links.setLink('b', 'a', false)).rejects.toThrow(/no link b -> a/);
  });

  it('counts a received, undeleted message as in flight only, not in the backlog too (as the AWS control does)', async () => {
    // Prepare: a cut link with two messages, one of them received by someone and not deleted yet.
    const queues = await createMeshQueues(clients.sqs, 'lf', ['a', 'b'], { visibilityTimeoutSeconds: 30 });
    const q = queues.get('a', 'b');
    if (q === undefined) throw new Error('no queue');
    const poller = new SqsPoller({ client: clients.sqs, queueUrl: q.url, queueArn: q.arn, region: 'b', waitTimeSeconds: 0, idleDelayMs: 10, handler: async () => undefined });
    const links = new LocalLinkControl(clients.sqs);
    links.register({ from: 'a', to: 'b', poller, queueUrl: q.url, dlqUrl: q.dlqUrl });
    await links.setLink('a', 'b', false);
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'one' }));
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'two' }));
    const got = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));

    // Act
    const [state] = await links.links();

    // Assess: backlog + inFlight is every message in the queue, each counted once.
    expect(got.Messages).toHaveLength(1);
    expect(state).toMatchObject({ from: 'a', to: 'b', enabled: false, backlog: 1, inFlight: 1, dlq: 0 });
    await poller.stop();
  });

  it('isEnabled answers the poller\'s state without reading the queues, and refuses an unknown link', async () => {
    // Prepare: an SQS client that fails (and records) every call, so a queue read would show.
    const queues = await createMeshQueues(clients.sqs, 'le', ['a', 'b'], { visibilityTimeoutSeconds: 1 });
    const q = queues.get('a', 'b');
    if (q === undefined) throw new Error('no queue');
    const poller = new SqsPoller({ client: clients.sqs, queueUrl: q.url, queueArn: q.arn, region: 'b', waitTimeSeconds: 0, idleDelayMs: 10, handler: async () => undefined });
    const sent: unknown[] = [];
    const watched = { send: async (command: unknown) => { sent.push(command); throw new Error('no SQS call expected'); } } as unknown as SQSClient;
    const links = new LocalLinkControl(watched);
    links.register({ from: 'a', to: 'b', poller, queueUrl: q.url, dlqUrl: q.dlqUrl });

    // Act
    const before = await links.isEnabled('a', 'b');
    await poller.disable();
    const cut = await links.isEnabled('a', 'b');
    poller.enable();
    const healed = await links.isEnabled('a', 'b');

    // Assess
    expect([before, cut, healed]).toEqual([true, false, true]);
    expect(sent).toEqual([]);
    await expect(links.isEnabled('b', 'a')).rejects.toThrow(/no link b -> a/);
    await poller.stop();
  });
});
