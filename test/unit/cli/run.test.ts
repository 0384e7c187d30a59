import { describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/run.ts';
import type { CliIo } from '../../../cli/run.ts';
import type { KeyView } from '../../../shared/client/types.ts';
import { fakeEvent as event } from '../../support/factories.ts';
import { fakeRegionsPerTest } from '../../support/fake-region.ts';
import type { FakeHandler, FakeRegion } from '../../support/fake-region.ts';

const red = event('a', { payload: 'red', origin: 'eu-west-1', hlc: '000001732600000001-00000' });
const blue = event('b', { payload: 'blue', origin: 'us-east-1', hlc: '000001732600000002-00000' });
const conflicted: KeyView = { key: 'colour', value: 'blue', deleted: false, conflict: true, winner: blue, heads: [red, blue], region: 'us-east-1' };

const startRegion = fakeRegionsPerTest();

async function run(handler: FakeHandler, ...argv: string[]): Promise<{ code: number; out: string; err: string; region: FakeRegion }> {
  const region = await startRegion(handler);
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env: { MESH_URL: region.url }, out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n'), region };
}

describe('mesh get', () => {
  it('marks a conflict clearly, with every head and the winner starred', async () => {
    // Act
    const { code, out, region } = await run(() => ({ status: 200, body: conflicted }), 'get', 'colour');

    // Assess
    expect(code).toBe(0);
    expect(region.requests[0]).toMatchObject({ method: 'GET', path: '/kv/colour' });
    expect(out).toContain('CONFLICT: 2 concurrent heads');
    expect(out).toMatch(/^value\s+"blue"$/m);
    expect(out).toMatch(/^\*\s+us-east-1\s+000001732600000002-00000\s+set\s+"blue"\s+b{64}$/m);
    expect(out).toMatch(/^\s+eu-west-1\s+000001732600000001-00000\s+set\s+"red"\s+a{64}$/m);
    expect(out).toContain('mesh resolve colour VALUE');
  });

  it('says "no conflict" for a single head, and prints raw JSON with --json', async () => {
    // Prepare
    const single: KeyView = { ...conflicted, conflict: false, heads: [blue] };

    // Act
    const plain = await run(() => ({ status: 200, body: single }), 'get', 'colour');
    const json = await run(() => ({ status: 200, body: single }), 'get', 'colour', '--json');

    // Assess
    expect(plain.out).toContain('no conflict');
    expect(plain.out).not.toContain('CONFLICT');
    expect(JSON.parse(json.out)).toEqual(single);
  });
});

describe('mesh exit codes', () => {
  it('exits 1 with the region\'s message on a 4xx', async () => {
    // Act
    const { code, out, err } = await run(
      () => ({ status: 409, body: { error: { code: 'insufficient-funds', message: 'balance 10 cannot cover 30' } } }),
      'withdraw', 'alice', '30',
    );

    // Assess
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe('mesh: 409 insufficient-funds: balance 10 cannot cover 30');
  });

  it('exits 1 on a 404, and a refused connection to this machine says to start a mesh with npm start', async () => {
    // Act
    const notFound = await run(() => ({ status: 404, body: { error: { code: 'not-found', message: 'no event for key x' } } }), 'get', 'x');
    const url = notFound.region.url;
    await notFound.region.close();
    const err: string[] = [];
    const code = await runCli(['status', '--url', url], { env: {}, out: () => undefined, err: (t) => err.push(t) });

    // Assess
    expect(notFound.code).toBe(1);
    expect(notFound.err).toContain('404 not-found: no event for key x');
    expect(code).toBe(1);
    expect(err.join('\n')).toContain(`nothing is listening at ${url} (connection refused)`);
    expect(err.join('\n')).toContain('`npm start`');
  });

  it('exits 2 without calling the region on a bad command line', async () => {
    // Act
    const { code, err, region } = await run(() => ({ status: 200, body: {} }), 'deposit', 'alice', 'lots');

    // Assess
    expect(code).toBe(2);
    expect(err).toContain('AMOUNT must be a positive integer');
    expect(region.requests).toEqual([]);
  });

  it('prints the help and exits 0', async () => {
    const out: string[] = [];
    expect(await runCli(['--help'], { env: {}, out: (t) => out.push(t), err: () => undefined })).toBe(0);
    expect(out.join('')).toContain('usage: mesh [options] COMMAND');
  });
});

describe('mesh writes and links', () => {
  it('resolves over the heads GET answers when --heads is not given', async () => {
    // Prepare
    const resolution = event('c', { kind: 'resolve', payload: 'green', parents: [red.id, blue.id] });

    // Act
    const { code, out, region } = await run(
      (req) => (req.method === 'GET' ? { status: 200, body: conflicted } : { status: 201, body: { event: resolution } }),
      'resolve', 'colour', '"green"',
    );

    // Assess
    expect(code).toBe(0);
    expect(region.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['GET', '/kv/colour', undefined],
      ['POST', '/kv/colour/resolve', { value: 'green', heads: [red.id, blue.id] }],
    ]);
    expect(out).toContain('resolve colour = "green" in us-east-1');
  });

  it('partitions both directions with --both', async () => {
    // Act
    const { code, out, region } = await run(() => ({ status: 200, body: {} }), 'partition', 'us-east-1', 'eu-west-1', '--both');

    // Assess
    expect(code).toBe(0);
    expect(region.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['PUT', '/admin/links/us-east-1/eu-west-1', { enabled: false }],
      ['PUT', '/admin/links/eu-west-1/us-east-1', { enabled: false }],
    ]);
    expect(out).toBe('us-east-1 -> eu-west-1: PARTITIONED\neu-west-1 -> us-east-1: PARTITIONED');
  });

  it('heals every link among the region and its peers with heal --all', async () => {
    // Act
    const { code, region } = await run(
      (req) => (req.path === '/status' ? { status: 200, body: { region: 'a', peers: ['b', 'c'], links: [] } } : { status: 200, body: {} }),
      'heal', '--all',
    );

    // Assess
    expect(code).toBe(0);
    expect(region.requests.slice(1).map((r) => r.path)).toEqual([
      '/admin/links/a/b', '/admin/links/a/c', '/admin/links/b/a', '/admin/links/b/c', '/admin/links/c/a', '/admin/links/c/b',
    ]);
  });

  it('lists bounced withdrawals and reversed decisions with the balance', async () => {
    // Prepare
    const w = event('d', { kind: 'withdraw', key: 'alice', payload: 80, origin: 'eu-west-1' });
    const bounce = { event: w, amount: 80, balanceBefore: 20, reason: 'insufficient-funds' };
    const summary = { account: 'alice', balance: 20, bounced: [bounce], reversed: [{ ...bounce, viewBalance: 100, acceptedBy: 'eu-west-1' }], region: 'us-east-1' };

    // Act
    const { code, out } = await run(() => ({ status: 200, body: summary }), 'balance', 'alice');

    // Assess
    expect(code).toBe(0);
    expect(out).toMatch(/^balance\s+20$/m);
    expect(out).toContain('bounced withdrawals (1)');
    expect(out).toContain('REVERSED DECISIONS (1)');
    expect(out).toMatch(/^80\s+eu-west-1\s+20\s+d{64}$/m);
  });

  it('prints the statement of an account from GET /accounts/{id}/history', async () => {
    // Prepare
    const d = event('d', { kind: 'deposit', key: 'alice', payload: 100 });
    const receipt = { eventId: d.id, region: 'us-east-1', receivedAt: 0, via: { type: 'local' } };
    const statement = { account: 'alice', balance: 100, region: 'us-east-1', events: [{ event: d, receipt, amount: 100, outcome: 'applied', balanceAfter: 100, reversed: false }] };

    // Act
    const { code, out, region } = await run(() => ({ status: 200, body: statement }), 'statement', 'alice');

    // Assess
    expect(code).toBe(0);
    expect(region.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/accounts/alice/history']]);
    expect(out).toContain('alice: 1 event in us-east-1, balance 100');
    expect(out).toMatch(/deposit\s+100\s+applied\s+100\s.*d{64}$/m);
  });

  it('signs with the signer the sigv4 option builds', async () => {
    // Prepare
    const region = await startRegion(() => ({ status: 200, body: { region: 'r', peers: [], links: [] } }));
    const regions: (string | undefined)[] = [];
    const io: CliIo = {
      env: {},
      out: () => undefined,
      err: () => undefined,
      makeSigner: async (r) => {
        regions.push(r);
        return { sign: async (req) => ({ ...req.headers, authorization: 'AWS4-HMAC-SHA256 test' }) };
      },
    };

    // Act
    const code = await runCli(['status', '--url', region.url, '--region', 'eu-west-1', '--sigv4'], io);

    // Assess
    expect(code).toBe(0);
    expect(regions).toEqual(['eu-west-1']);
    expect(region.requests[0]?.headers.authorization).toBe('AWS4-HMAC-SHA256 test');
  });
});

describe('mesh aims where it is told, or says why it cannot', () => {
  it('--port reaches a mesh on other ports', async () => {
    // Prepare
    const region = await startRegion(() => ({ status: 200, body: { region: 'us-east-1', peers: [], links: [] } }));
    const out: string[] = [];

    // Act
    const code = await runCli(['--port', new URL(region.url).port, 'status'], { env: {}, out: (t) => out.push(t), err: (t) => out.push(t) });

    // Assess
    expect(code).toBe(0);
    expect(region.requests.map((r) => r.path)).toEqual(['/status']);
  });

  it('honours --region with $MESH_URL: the mesh there names the region\'s URL, and the write lands there', async () => {
    // Prepare: two regions; the one MESH_URL names lists both, as the local cloud does.
    const eu = await startRegion((req) => ({ status: 201, body: { event: event('e', { key: 'colour', payload: 'red', origin: 'eu-west-1' }) }, ...(req.method === 'GET' ? { status: 404 } : {}) }));
    const us = await startRegion((req) =>
      req.path === '/local/mesh' ? { status: 200, body: { meshName: 'm', regions: [{ region: 'us-east-1', url: 'http://127.0.0.1:1' }, { region: 'eu-west-1', url: eu.url }] } } : { status: 500, body: {} },
    );
    const out: string[] = [];

    // Act
    const code = await runCli(['--region', 'eu-west-1', 'put', 'colour', '"red"'], { env: { MESH_URL: us.url }, out: (t) => out.push(t), err: (t) => out.push(t) });

    // Assess
    expect(code).toBe(0);
    expect(us.requests.map((r) => r.path)).toEqual(['/local/mesh']);
    expect(eu.requests.map((r) => [r.method, r.path, r.body])).toEqual([['PUT', '/kv/colour', { value: 'red' }]]);
    expect(out.join('\n')).toContain('in eu-west-1');
  });

  it('refuses --region when $MESH_URL is another region that does not list its mesh, writing nothing', async () => {
    // Prepare
    const us = await startRegion((req) => (req.path === '/status' ? { status: 200, body: { region: 'us-east-1', peers: ['eu-west-1'], links: [] } } : { status: 404, body: { error: { code: 'route-not-found', message: 'no route' } } }));
    const err: string[] = [];

    // Act
    const code = await runCli(['--region', 'eu-west-1', 'put', 'colour', '"red"'], { env: { MESH_URL: us.url }, out: () => undefined, err: (t) => err.push(t) });

    // Assess
    expect(code).toBe(2);
    expect(err.join('\n')).toContain(`--region eu-west-1, but MESH_URL (${us.url}) is us-east-1`);
    expect(us.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/local/mesh'], ['GET', '/status']]);
  });

  it('refuses a VALUE that is not JSON without calling the region, and stores it as text with --text', async () => {
    // Prepare
    const stored = event('t', { key: 'k', payload: '{"a":1, b:2}' });

    // Act
    const refused = await run(() => ({ status: 201, body: { event: stored } }), 'put', 'k', '{"a":1, b:2}');
    const asText = await run(() => ({ status: 201, body: { event: stored } }), 'put', 'k', '{"a":1, b:2}', '--text');

    // Assess
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('VALUE is not valid JSON');
    expect(refused.err).toContain('--text');
    expect(refused.region.requests).toEqual([]);
    expect(asText.code).toBe(0);
    expect(asText.region.requests.map((r) => r.body)).toEqual([{ value: '{"a":1, b:2}' }]);
  });
});
