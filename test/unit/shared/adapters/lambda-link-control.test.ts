/**
 * The AWS link control finds a link's mapping by deterministic names, in the link's destination
 * region, and switches it; it reports every link with its queue depths. SDK clients are fakes
 * that record each command and answer from a small model of the mappings.
 */
import { ListEventSourceMappingsCommand, ResourceInUseException, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { LambdaLinkControl } from '../../../../shared/adapters/lambda-link-control.ts';
import type { LinkControlClients } from '../../../../shared/adapters/lambda-link-control.ts';
import { MeshError } from '../../../../shared/domain/errors.ts';

const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

interface Sent {
  readonly region: string;
  readonly service: 'lambda' | 'sqs';
  readonly command: object;
}

/** A fake AWS: one mapping per link, state by queue ARN; queue depths by URL. */
function fakeAws(options: { busyUpdates?: number; missing?: string; depths?: Record<string, string> } = {}) {
  const sent: Sent[] = [];
  const state = new Map<string, string>(); // uuid -> State
  const modified = new Map<string, Date>(); // uuid -> LastModified
  let busy = options.busyUpdates ?? 0;
  const uuidOf = (arn: string) => `uuid:${arn}`;
  const clients: LinkControlClients = {
    lambda: (region) => ({
      send: (async (command: object) => {
        sent.push({ region, service: 'lambda', command });
        if (command instanceof ListEventSourceMappingsCommand) {
          const arn = command.input.EventSourceArn!;
          if (arn === options.missing) return { EventSourceMappings: [] };
          const uuid = uuidOf(arn);
          const lastModified = modified.get(uuid);
          return { EventSourceMappings: [{ UUID: uuid, EventSourceArn: arn, FunctionArn: command.input.FunctionName, State: state.get(uuid) ?? 'Enabled', ...(lastModified ? { LastModified: lastModified } : {}) }] };
        }
        if (command instanceof UpdateEventSourceMappingCommand) {
          if (busy > 0) {
            busy--;
            throw new ResourceInUseException({ message: 'busy', $metadata: {} });
          }
          state.set(command.input.UUID!, command.input.Enabled ? 'Enabling' : 'Disabling');
          modified.set(command.input.UUID!, new Date(1_732_600_000_000));
          return {};
        }
        throw new Error(`unexpected ${command.constructor.name}`);
      }) as never,
    }),
    sqs: (region) => ({
      send: (async (command: object) => {
        sent.push({ region, service: 'sqs', command });
        if (!(command instanceof GetQueueAttributesCommand)) throw new Error(`unexpected ${command.constructor.name}`);
        const url = command.input.QueueUrl!;
        if (url.endsWith('-dlq')) return { Attributes: { ApproximateNumberOfMessages: '1' } };
        const backlog = options.depths?.[url] ?? '7';
        return { Attributes: { ApproximateNumberOfMessages: backlog, ApproximateNumberOfMessagesNotVisible: '2' } };
      }) as never,
    }),
  };
  return { clients, sent, state };
}

/** The control of one region (by default eu-west-1, the destination of the link most tests switch). */
function control(clients: LinkControlClients, region = 'eu-west-1') {
  return new LambdaLinkControl({ meshName: 'ecmesh', region, account: ACCOUNT, regions: REGIONS, clients, sleep: async () => {} });
}

describe('LambdaLinkControl.setLink', () => {
  it('disables the ingest mapping of the link queue, in the destination region', async () => {
    // Prepare
    const aws = fakeAws();
    const links = control(aws.clients);
    // Act
    const state = await links.setLink('us-east-1', 'eu-west-1', false);
    // Assess
    const lambdaCalls = aws.sent.filter((s) => s.service === 'lambda');
    expect(lambdaCalls.map((s) => s.region)).toEqual(['eu-west-1', 'eu-west-1']);
    const list = lambdaCalls[0]!.command as ListEventSourceMappingsCommand;
    expect(list.input).toEqual({
      FunctionName: 'ecmesh-ingest-eu-west-1',
      EventSourceArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:ecmesh-in-us-east-1-to-eu-west-1`,
    });
    const update = lambdaCalls[1]!.command as UpdateEventSourceMappingCommand;
    expect(update.input).toEqual({ UUID: `uuid:arn:aws:sqs:eu-west-1:${ACCOUNT}:ecmesh-in-us-east-1-to-eu-west-1`, Enabled: false });
    expect(state).toEqual({ from: 'us-east-1', to: 'eu-west-1', enabled: false, backlog: 7, inFlight: 2, dlq: 1 });
  });

  it('reads the backlog from the link queue and its DLQ by URL', async () => {
    // Prepare
    const aws = fakeAws();
    // Act
    await control(aws.clients, 'us-east-1').setLink('ap-southeast-2', 'us-east-1', true);
    // Assess
    const urls = aws.sent.filter((s) => s.service === 'sqs').map((s) => (s.command as GetQueueAttributesCommand).input.QueueUrl);
    expect(urls.sort()).toEqual([
      `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/ecmesh-in-ap-southeast-2-to-us-east-1`,
      `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/ecmesh-in-ap-southeast-2-to-us-east-1-dlq`,
    ]);
  });

  it('does not update a mapping that is already in the requested state', async () => {
    // Prepare
    const aws = fakeAws();
    // Act
    await control(aws.clients).setLink('us-east-1', 'eu-west-1', true);
    // Assess
    expect(aws.sent.some((s) => s.command instanceof UpdateEventSourceMappingCommand)).toBe(false);
  });

  it('retries while the mapping is busy, then succeeds', async () => {
    // Prepare
    const aws = fakeAws({ busyUpdates: 2 });
    // Act
    const state = await control(aws.clients).setLink('us-east-1', 'eu-west-1', false);
    // Assess
    expect(aws.sent.filter((s) => s.command instanceof UpdateEventSourceMappingCommand)).toHaveLength(3);
    expect(state.enabled).toBe(false);
  });

  it('gives up after the bounded attempts', async () => {
    // Prepare
    const aws = fakeAws({ busyUpdates: 99 });
    // Act / Assess
    await expect(control(aws.clients).setLink('us-east-1', 'eu-west-1', false)).rejects.toBeInstanceOf(ResourceInUseException);
    expect(aws.sent.filter((s) => s.command instanceof UpdateEventSourceMappingCommand)).toHaveLength(5);
  });

  it('refuses a link into another region (421, naming where to send it), calling nothing: only that region may switch it', async () => {
    // Prepare
    const aws = fakeAws();
    const links = control(aws.clients, 'us-east-1');
    // Act
    const refused = links.setLink('us-east-1', 'eu-west-1', false);
    // Assess
    await expect(refused).rejects.toMatchObject({ status: 421, code: 'link-not-local', message: expect.stringContaining('admin route of eu-west-1') });
    expect(aws.sent).toEqual([]);
  });

  it('refuses regions outside the mesh (404) and a link from a region to itself (400), calling nothing', async () => {
    // Prepare
    const aws = fakeAws();
    const links = control(aws.clients);
    // Act / Assess
    await expect(links.setLink('us-west-2', 'eu-west-1', false)).rejects.toMatchObject({ status: 404, code: 'not-found' });
    await expect(links.setLink('eu-west-1', 'eu-west-1', false)).rejects.toMatchObject({ status: 400, code: 'bad-request' });
    expect(aws.sent).toEqual([]);
  });

  it('reports a link whose mapping is not deployed as 503, not as a client error', async () => {
    // Prepare
    const aws = fakeAws({ missing: `arn:aws:sqs:eu-west-1:${ACCOUNT}:ecmesh-in-us-east-1-to-eu-west-1` });
    // Act
    const result = control(aws.clients).setLink('us-east-1', 'eu-west-1', false);
    // Assess
    await expect(result).rejects.toBeInstanceOf(MeshError);
    await expect(result).rejects.toMatchObject({ status: 503, code: 'link-not-deployed' });
  });
});

describe('LambdaLinkControl.links', () => {
  it('lists every ordered pair of regions with its state and queue depths', async () => {
    // Prepare
    const aws = fakeAws({ depths: { [`https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/ecmesh-in-us-east-1-to-eu-west-1`]: '42' } });
    const links = control(aws.clients);
    await links.setLink('us-east-1', 'eu-west-1', false);
    // Act
    const all = await links.links();
    // Assess
    expect(all).toHaveLength(6);
    // The switched mapping's LastModified says when it was cut.
    expect(all).toContainEqual({ from: 'us-east-1', to: 'eu-west-1', enabled: false, backlog: 42, inFlight: 2, dlq: 1, changedAt: 1_732_600_000_000 });
    expect(all).toContainEqual({ from: 'eu-west-1', to: 'us-east-1', enabled: true, backlog: 7, inFlight: 2, dlq: 1 });
    expect(all.filter((l) => l.enabled)).toHaveLength(5);
  });

  it('leaves depths out when a queue cannot be read, rather than failing the status', async () => {
    // Prepare
    const aws = fakeAws();
    const failing: LinkControlClients = {
      lambda: aws.clients.lambda,
      sqs: () => ({ send: (async () => { throw new Error('AccessDenied'); }) as never }),
    };
    // Act
    const all = await control(failing).links();
    // Assess
    expect(all[0]).toEqual({ from: all[0]!.from, to: all[0]!.to, enabled: true });
  });
});

describe('LambdaLinkControl.fromEnv', () => {
  it('takes mesh, region, peers and account from the handler environment', async () => {
    // Prepare
    const aws = fakeAws();
    const links = LambdaLinkControl.fromEnv({
      MESH_NAME: 'ecmesh', MESH_REGION: 'eu-west-1', MESH_TABLE: 't', MESH_PEERS: 'us-east-1', MESH_ACCOUNT: ACCOUNT,
    }, aws.clients);
    // Act
    const all = await links.links();
    // Assess
    expect(all.map((l) => `${l.from}>${l.to}`).sort()).toEqual(['eu-west-1>us-east-1', 'us-east-1>eu-west-1']);
  });
});

describe('LambdaLinkControl.isEnabled', () => {
  it('answers one link from its mapping in the destination region, reading no queue', async () => {
    // Prepare: the link eu-west-1 -> us-east-1 was cut
    const aws = fakeAws();
    const links = control(aws.clients, 'us-east-1');
    await links.setLink('eu-west-1', 'us-east-1', false);
    aws.sent.length = 0;
    // Act
    const cut = await links.isEnabled('eu-west-1', 'us-east-1');
    const open = await links.isEnabled('ap-southeast-2', 'us-east-1');
    // Assess
    expect([cut, open]).toEqual([false, true]);
    expect(aws.sent.map((s) => `${s.service}@${s.region}`)).toEqual(['lambda@us-east-1', 'lambda@us-east-1']);
  });

  it('throws for a link whose mapping is not deployed, and for regions outside the mesh', async () => {
    const aws = fakeAws({ missing: `arn:aws:sqs:us-east-1:${ACCOUNT}:ecmesh-in-eu-west-1-to-us-east-1` });
    await expect(control(aws.clients).isEnabled('eu-west-1', 'us-east-1')).rejects.toMatchObject({ code: 'link-not-deployed' });
    await expect(control(aws.clients).isEnabled('mars-1', 'us-east-1')).rejects.toMatchObject({ code: 'not-found' });
  });
});
