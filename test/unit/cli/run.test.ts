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
    // It asks where each link's destination is (this region lists no mesh), then switches both here.
    expect(region.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['GET', '/local/mesh', undefined],
      ['PUT', '/admin/links/us-east-1/eu-west-1', { enabled: false }],
      ['PUT', '/admin/links/eu-west-1/us-east-1', { enabled: false }],
    ]);
    expect(out).toBe('us-east-1 -> eu-west-1: PARTITIONED\neu-west-1 -> us-east-1: PARTITIONED');
  });

  it('heal --all heals the links into a region that lists no mesh there, and names the links it left to the others', async () => {
    // Act: a deployed region (no /local/mesh) switches only links into itself (others answer 421).
    const { code, region, out } = await run(
      (req) => (req.path === '/status' ? { status: 200, body: { region: 'a', peers: ['b', 'c'], links: [] } } : req.path === '/local/mesh' ? { status: 404, body: { error: { code: 'route-not-found', message: 'no' } } } : { status: 200, body: {} }),
      'heal', '--all',
    );

    // Assess
    expect(code).toBe(0);
    expect(region.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).toEqual(['/admin/links/b/a', '/admin/links/c/a']);
    expect(out).toContain('not healed here: a -> b, a -> c, b -> c, c -> b (a link is switched in its destination');
  });

  it('switches each link in its destination region when the mesh lists every region\'s URL (heal --all, partition)', async () => {
    // Prepare: a local mesh of a and b; a lists both.
    const b = await startRegion(() => ({ status: 200, body: {} }));
    let aUrl = '';
    const a = await startRegion((req) =>
      req.path === '/status'
        ? { status: 200, body: { region: 'a', peers: ['b'], links: [] } }
        : req.path === '/local/mesh'
          ? { status: 200, body: { meshName: 'm', regions: [{ region: 'a', url: aUrl }, { region: 'b', url: b.url }] } }
          : { status: 200, body: {} },
    );
    aUrl = a.url;
    const io: CliIo = { env: { MESH_URL: a.url }, out: () => undefined, err: () => undefined };

    // Act
    const healed = await runCli(['heal', '--all'], io);
    const cut = await runCli(['partition', 'b', 'a'], io);

    // Assess: a -> b went to b; b -> a to a.
    expect([healed, cut]).toEqual([0, 0]);
    expect(b.requests.map((r) => [r.method, r.path, r.body])).toEqual([['PUT', '/admin/links/a/b', { enabled: true }]]);
    expect(a.requests.filter((r) => r.method === 'PUT').map((r) => [r.path, r.body])).toEqual([
      ['/admin/links/b/a', { enabled: true }],
      ['/admin/links/b/a', { enabled: false }],
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

describe('mesh and a region that is contended', () => {
  it('waits the Retry-After of a 503 contended and tries again, saying so, then writes once', async () => {
    // Prepare: the first two writes are refused as contended (nothing stored), the third lands.
    let answered = 0;
    const region = await startRegion(() =>
      ++answered <= 2
        ? { status: 503, body: { error: { code: 'contended', message: 'colour kept colliding with other writers' } }, headers: { 'retry-after': '2' } }
        : { status: 201, body: { event: event('e', { key: 'colour', payload: 'red' }) } },
    );
    const waits: number[] = [];
    const err: string[] = [];

    // Act
    const code = await runCli(['put', 'colour', '"red"'], { env: { MESH_URL: region.url }, out: () => undefined, err: (t) => err.push(t), sleep: async (ms) => void waits.push(ms) });

    // Assess
    expect(code).toBe(0);
    expect(waits).toEqual([2000, 2000]);
    expect(region.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
    expect(err[0]).toBe('mesh: 503 contended: colour kept colliding with other writers; nothing stored, trying again in 2.0 s (try 2 of 3)');
  });

  it('gives up after its tries with the region\'s message and exit 1, and never retries another 5xx', async () => {
    // Prepare
    const contended = await startRegion(() => ({ status: 503, body: { error: { code: 'contended', message: 'busy' } }, headers: { 'retry-after': '60' } }));
    const failing = await startRegion(() => ({ status: 503, body: { error: { code: 'unavailable', message: 'down' } } }));
    const waits: number[] = [];
    const err: string[] = [];
    const io = (url: string): CliIo => ({ env: { MESH_URL: url }, out: () => undefined, err: (t) => err.push(t), sleep: async (ms) => void waits.push(ms) });

    // Act
    const gaveUp = await runCli(['put', 'colour', '1'], io(contended.url));
    const failed = await runCli(['put', 'colour', '1'], io(failing.url));

    // Assess: a 60 s Retry-After is waited 10 s at most; an unknown 5xx may have stored: no retry.
    expect([gaveUp, failed]).toEqual([1, 1]);
    expect(waits).toEqual([10_000, 10_000]);
    expect(contended.requests).toHaveLength(3);
    expect(failing.requests).toHaveLength(1);
    expect(err.at(-2)).toBe('mesh: 503 contended: busy');
    expect(err.at(-1)).toBe('mesh: 503 unavailable: down');
  });

  it('resolves by the version GET answers, so heads beyond the view\'s page are covered too', async () => {
    // Prepare
    const resolution = event('c', { kind: 'resolve', payload: 'green', parents: [red.id, blue.id] });
    const paged: KeyView = { ...conflicted, headCount: 140, version: 311, headsNext: 'next' };

    // Act
    const { code, region } = await run((req) => (req.method === 'GET' ? { status: 200, body: paged } : { status: 201, body: { event: resolution } }), 'resolve', 'colour', '"green"');

    // Assess
    expect(code).toBe(0);
    expect(region.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['GET', '/kv/colour', undefined],
      ['POST', '/kv/colour/resolve', { value: 'green', version: 311 }],
    ]);
  });
});
