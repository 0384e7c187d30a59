import { describe, expect, it } from 'vitest';

// The GUI is plain browser JavaScript with no type declarations; these modules touch no DOM at
// import time, so their pure parts are tested here directly (typed loosely on purpose).
const load = async (file: string) => import(new URL(`../../../gui/public/js/${file}`, import.meta.url).href);

const ev = (id: string, over: Record<string, unknown> = {}) => ({
  id: id.repeat(64).slice(0, 64), kind: 'set', key: 'k', payload: 1, hlc: '000001000000000000-00000', origin: 'a', parents: [] as string[], ...over,
});

describe('regions.js', () => {
  it('parses the regions query parameter', async () => {
    const { parseRegionsParam } = await load('regions.js');
    expect(parseRegionsParam('us-east-1=http://127.0.0.1:3001/, eu-west-1=http://h:3002,junk')).toEqual([
      { region: 'us-east-1', url: 'http://127.0.0.1:3001' },
      { region: 'eu-west-1', url: 'http://h:3002' },
    ]);
  });

  it('derives local peer URLs from the port layout, and only for default regions', async () => {
    const { localPeerUrl, discoverRegions } = await load('regions.js');
    expect(localPeerUrl('http://127.0.0.1:3002', 'eu-west-1', 'us-east-1')).toBe('http://127.0.0.1:3001');
    expect(localPeerUrl('http://127.0.0.1:3002', 'eu-west-1', 'mars-1')).toBeUndefined();
    const regions = await discoverRegions({ search: '', origin: 'http://127.0.0.1:3003' }, async () => ({ region: 'ap-southeast-2', peers: ['us-east-1', 'eu-west-1'] }));
    expect(regions).toEqual([
      { region: 'ap-southeast-2', url: 'http://127.0.0.1:3003' },
      { region: 'us-east-1', url: 'http://127.0.0.1:3001' },
      { region: 'eu-west-1', url: 'http://127.0.0.1:3002' },
    ]);
  });

  it('prefers the local cloud\'s mesh document to the port layout', async () => {
    const { discoverRegions } = await load('regions.js');
    const status = async () => ({ region: 'x', peers: ['y'] });
    const mesh = async () => ({ meshName: 'm', regions: [{ region: 'x', url: 'http://127.0.0.1:5001/' }, { region: 'y', url: 'http://127.0.0.1:6001' }] });
    const missing = async () => {
      throw new Error('404');
    };
    expect(await discoverRegions({ search: '', origin: 'http://127.0.0.1:5001' }, status, mesh)).toEqual([
      { region: 'x', url: 'http://127.0.0.1:5001' },
      { region: 'y', url: 'http://127.0.0.1:6001' },
    ]);
    expect(await discoverRegions({ search: '', origin: 'http://127.0.0.1:5001' }, status, missing)).toEqual([
      { region: 'x', url: 'http://127.0.0.1:5001' },
      { region: 'y', url: undefined },
    ]);
  });
});

describe('trail.js', () => {
  it('merges every region\'s receipts per event, in total order, with lags behind the origin', async () => {
    const { mergeTrails } = await load('trail.js');
    const root = ev('a', { origin: 'us' });
    const child = ev('b', { origin: 'eu', hlc: '000001000000000001-00000', parents: [root.id, 'f'.repeat(64)] });
    const receipt = (e: { id: string }, region: string, at: number) => ({ eventId: e.id, region, receivedAt: at, via: { type: 'local' } });
    const answers = [
      { region: 'us', ok: true, value: { event: child, trail: [{ event: root, receipts: [receipt(root, 'us', 1000)] }, { event: child, receipts: [receipt(child, 'us', 2300)] }] } },
      { region: 'eu', ok: true, value: { event: child, trail: [{ event: root, receipts: [receipt(root, 'eu', 1040)] }, { event: child, receipts: [receipt(child, 'eu', 2000)] }] } },
      { region: 'ap', ok: false, error: new Error('down') },
    ];

    const nodes = mergeTrails(answers);

    expect(nodes.map((n: { event: { id: string } }) => n.event.id)).toEqual([root.id, child.id]);
    expect(nodes[0].receipts.eu.lagMs).toBe(40);
    expect(nodes[1].receipts.us.lagMs).toBe(300);
    expect(nodes[1].missingParents).toEqual(['f'.repeat(64)]);
  });
});

describe('conflicts-view.js and key-view.js', () => {
  it('gathers conflicting keys across regions with their head counts', async () => {
    const { conflictRows } = await load('conflicts-view.js');
    const rows = conflictRows([
      { region: 'us', ok: true, value: { conflicts: [{ key: 'b', heads: [ev('1'), ev('2')] }, { key: 'a', heads: [ev('1'), ev('2'), ev('3')] }] } },
      { region: 'eu', ok: true, value: { conflicts: [{ key: 'b', heads: [ev('1'), ev('2')] }] } },
      { region: 'ap', ok: false, error: new Error('down') },
    ]);
    expect(rows).toEqual([
      { key: 'a', heads: { us: 3 } },
      { key: 'b', heads: { us: 2, eu: 2 } },
    ]);
  });

  it('merges regions\' histories into one row per event', async () => {
    const { mergeHistories } = await load('key-view.js');
    const a = ev('a');
    const b = ev('b', { hlc: '000001000000000009-00000' });
    const rows = mergeHistories([
      { region: 'us', ok: true, value: { history: [{ event: b, receipt: { receivedAt: 5 } }, { event: a, receipt: { receivedAt: 1 } }] } },
      { region: 'eu', ok: true, value: { history: [{ event: a, receipt: { receivedAt: 2 } }] } },
    ]);
    expect(rows.map((r: { event: { id: string } }) => r.event.id)).toEqual([a.id, b.id]);
    expect(Object.keys(rows[1].receipts)).toEqual(['us']);
  });
});

describe('format.js', () => {
  it('formats stamps and values for people', async () => {
    const { formatHlc, parseValue, shortId } = await load('format.js');
    expect(formatHlc('000000000000001234-00002')).toMatch(/^\d\d:\d\d:\d\d\.234 \+2$/);
    expect(parseValue('{"a":1}')).toEqual({ a: 1 });
    expect(parseValue('plain')).toBe('plain');
    expect(shortId('0123456789abcdef')).toBe('0123456789ab');
  });
});

describe('links-view.js', () => {
  it('shows a link’s lag as its destination reports it, and a dash where there is none', async () => {
    // Prepare: only the destination (b) reports the lag of a -> b
    const { linkRows, lagText } = await load('links-view.js');
    const lag = { lastMs: 250, at: 1_732_600_000_250, originAt: 1_732_600_000_000, events: 42 };
    const statuses = [
      { region: 'a', ok: true, value: { links: [{ from: 'a', to: 'b', enabled: true }, { from: 'b', to: 'a', enabled: true }] } },
      { region: 'b', ok: true, value: { links: [{ from: 'a', to: 'b', enabled: true, lag }, { from: 'b', to: 'a', enabled: true }] } },
    ];
    // Act
    const rows = linkRows(statuses);
    // Assess
    expect(rows.find((r: { from: string }) => r.from === 'a').state.lag).toEqual(lag);
    expect(lagText(lag)).toEqual({ text: '250 ms', title: 'last batch stored 2024-11-26T05:46:40.250Z; 42 events delivered; includes clock skew' });
    expect(lagText(rows.find((r: { from: string }) => r.from === 'b').state.lag).text).toBe('–');
  });
});
