import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/args.ts';
import { listedRegions, resolveTarget } from '../../../cli/target.ts';
import type { TargetProbe } from '../../../cli/target.ts';

/** A probe answering a fixed /local/mesh document (or none) and /status region, recording what was asked. */
function probe(doc: unknown, statusRegion = 'us-east-1'): TargetProbe & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    meshDocument: async (base) => {
      asked.push(`mesh ${base}`);
      return doc;
    },
    statusRegion: async (base) => {
      asked.push(`status ${base}`);
      return statusRegion;
    },
  };
}

const MESH = { meshName: 'ecmesh', regions: [{ region: 'us-east-1', url: 'http://127.0.0.1:4001' }, { region: 'eu-west-1', url: 'http://127.0.0.1:4002/' }] };

describe('resolveTarget', () => {
  it('answers the base as is without --region, asking nothing', async () => {
    const p = probe(MESH);
    expect(await resolveTarget({ base: 'http://127.0.0.1:4001', from: 'port' }, false, p)).toEqual({ url: 'http://127.0.0.1:4001' });
    expect(p.asked).toEqual([]);
  });

  it('takes the region\'s URL from the local mesh it is aimed at, whatever its ports', async () => {
    const p = probe(MESH);
    expect(await resolveTarget({ base: 'http://127.0.0.1:4001', from: 'env-url', region: 'eu-west-1' }, false, p)).toEqual({ url: 'http://127.0.0.1:4002' });
    expect(p.asked).toEqual(['mesh http://127.0.0.1:4001']);
  });

  it('refuses a region the mesh does not have, listing the ones it has', async () => {
    await expect(resolveTarget({ base: 'http://127.0.0.1:4001', from: 'port', region: 'mars-1' }, false, probe(MESH))).rejects.toThrow(
      /--region mars-1: the mesh at http:\/\/127.0.0.1:4001 has no such region \(it has us-east-1, eu-west-1\)/,
    );
  });

  it('without a mesh document, accepts the base only if it is the region asked for', async () => {
    expect(await resolveTarget({ base: 'http://h:9', from: 'env-url', region: 'us-east-1' }, false, probe(undefined, 'us-east-1'))).toEqual({ url: 'http://h:9' });
    await expect(resolveTarget({ base: 'http://h:9', from: 'env-url', region: 'eu-west-1' }, false, probe(undefined, 'us-east-1'))).rejects.toThrow(
      "--region eu-west-1, but MESH_URL (http://h:9) is us-east-1 and does not list its mesh's URLs: give eu-west-1's URL with --url",
    );
  });

  it('checks a deployed API\'s host against --region, and signs for it, without asking it anything', async () => {
    const p = probe(MESH);
    const url = 'https://abc.execute-api.eu-west-1.amazonaws.com/prod';
    expect(await resolveTarget({ base: url, from: 'env-url', region: 'eu-west-1' }, true, p)).toEqual({ url, signingRegion: 'eu-west-1' });
    const wrong = resolveTarget({ base: url, from: 'env-url', region: 'us-east-1' }, true, p);
    await expect(wrong).rejects.toBeInstanceOf(UsageError);
    await expect(wrong).rejects.toThrow(`--region us-east-1, but MESH_URL (${url}) is the API of eu-west-1`);
    expect(p.asked).toEqual([]);
  });

  it('takes --region as the signing region of a custom domain with --sigv4', async () => {
    const p = probe(MESH);
    expect(await resolveTarget({ base: 'https://mesh.example.com', from: 'url', region: 'eu-west-1' }, true, p)).toEqual({ url: 'https://mesh.example.com', signingRegion: 'eu-west-1' });
    expect(p.asked).toEqual([]);
  });
});

describe('listedRegions', () => {
  it('reads the /local/mesh document and nothing else', () => {
    expect(listedRegions(MESH)).toEqual([
      { region: 'us-east-1', url: 'http://127.0.0.1:4001' },
      { region: 'eu-west-1', url: 'http://127.0.0.1:4002' },
    ]);
    expect(listedRegions({ regions: [{ region: 1 }, 'x'] })).toEqual([]);
    expect(listedRegions({ error: {} })).toBeUndefined();
    expect(listedRegions(undefined)).toBeUndefined();
  });
});
