import { describe, expect, it } from 'vitest';
import { discoverRegions, localPeerUrl, meshRegions, parseRegionsParam, sameRegions } from '../../../gui/src/regions.ts';

describe('regions', () => {
  it('parses the regions query parameter', () => {
    expect(parseRegionsParam('us-east-1=http://127.0.0.1:3001/, eu-west-1=http://h:3002,junk')).toEqual([
      { region: 'us-east-1', url: 'http://127.0.0.1:3001' },
      { region: 'eu-west-1', url: 'http://h:3002' },
    ]);
  });

  it('derives local peer URLs from the port layout, and only for default regions', async () => {
    expect(localPeerUrl('http://127.0.0.1:3002', 'eu-west-1', 'us-east-1')).toBe('http://127.0.0.1:3001');
    expect(localPeerUrl('http://127.0.0.1:3002', 'eu-west-1', 'mars-1')).toBeUndefined();
    const regions = await discoverRegions({ search: '', origin: 'http://127.0.0.1:3003' }, async () => ({ region: 'ap-southeast-2', peers: ['us-east-1', 'eu-west-1'] }));
    expect(regions).toEqual([
      { region: 'ap-southeast-2', url: 'http://127.0.0.1:3003' },
      { region: 'us-east-1', url: 'http://127.0.0.1:3001' },
      { region: 'eu-west-1', url: 'http://127.0.0.1:3002' },
    ]);
  });

  it('prefers ?regions=, then the /local/mesh document (the local cloud\'s, or mesh gui\'s relays), then /status', async () => {
    const status = async () => ({ region: 'x', peers: ['y'] });
    const mesh = async () => ({ relayed: true, regions: [{ region: 'x', url: 'http://127.0.0.1:5001/r/x' }, { region: 'y', url: 'http://127.0.0.1:5001/r/y/' }] });
    const missing = async () => {
      throw new Error('404');
    };
    expect(await discoverRegions({ search: '?regions=z=http://z:1', origin: 'http://127.0.0.1:5001' }, status, mesh)).toEqual([{ region: 'z', url: 'http://z:1' }]);
    expect(await discoverRegions({ search: '', origin: 'http://127.0.0.1:5001' }, status, mesh)).toEqual([
      { region: 'x', url: 'http://127.0.0.1:5001/r/x' },
      { region: 'y', url: 'http://127.0.0.1:5001/r/y' },
    ]);
    expect(await discoverRegions({ search: '', origin: 'http://127.0.0.1:5001' }, status, missing)).toEqual([
      { region: 'x', url: 'http://127.0.0.1:5001' },
      { region: 'y', url: undefined },
    ]);
  });
});

describe('meshRegions and sameRegions: following a local mesh that grows and shrinks', () => {
  it('reads the regions /local/mesh lists now, and tells a changed list from the same one', async () => {
    // Prepare: the document before and after a region joined and one was retired.
    const docs = [
      { regions: [{ region: 'a', url: 'http://h:1/' }, { region: 'b', url: 'http://h:2' }] },
      { regions: [{ region: 'b', url: 'http://h:2' }, { region: 'c', url: 'http://h:4' }], retired: ['a'] },
    ];
    let at = 0;
    const fetchMesh = async () => docs[at];
    // Act
    const before = await meshRegions('http://h:1', fetchMesh);
    at = 1;
    const after = await meshRegions('http://h:1', fetchMesh);
    // Assess
    expect(before).toEqual([{ region: 'a', url: 'http://h:1' }, { region: 'b', url: 'http://h:2' }]);
    expect(after).toEqual([{ region: 'b', url: 'http://h:2' }, { region: 'c', url: 'http://h:4' }]);
    expect(sameRegions(before ?? [], after ?? [])).toBe(false);
    expect(sameRegions(after ?? [], [{ region: 'b', url: 'http://h:2' }, { region: 'c', url: 'http://h:4' }])).toBe(true);
    expect(sameRegions(after ?? [], [{ region: 'b', url: 'http://h:2' }, { region: 'c', url: 'http://h:5' }])).toBe(false);
  });

  it('answers undefined where there is no such document (behind API Gateway) or it lists nothing usable', async () => {
    expect(await meshRegions('http://h:1', async () => { throw new Error('404'); })).toBeUndefined();
    expect(await meshRegions('http://h:1', async () => ({ regions: [{ region: 7 }] }))).toBeUndefined();
  });
});
