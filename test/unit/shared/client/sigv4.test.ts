import { describe, expect, it } from 'vitest';
import { MeshClient } from '../../../../shared/client/mesh-client.ts';
import { createSigV4Signer, regionFromUrl } from '../../../../shared/client/sigv4.ts';
import { fakeRegionsPerTest } from '../../../support/fake-region.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };

const startRegion = fakeRegionsPerTest();

describe('regionFromUrl', () => {
  it('reads the region of an API Gateway invoke URL, and nothing from a custom domain', () => {
    expect(regionFromUrl('https://abc123.execute-api.ap-southeast-2.amazonaws.com/prod')).toBe('ap-southeast-2');
    expect(regionFromUrl('https://abc123.execute-api.us-gov-west-1.amazonaws.com')).toBe('us-gov-west-1');
    expect(regionFromUrl('https://mesh.example.com')).toBeUndefined();
  });
});

describe('createSigV4Signer', () => {
  it('adds Authorization, x-amz-date and the session token for execute-api in the given region', async () => {
    // Prepare
    const region = await startRegion(() => ({ status: 200, body: {} }));
    const client = new MeshClient({ baseUrl: region.url, signer: createSigV4Signer({ region: 'eu-west-1', credentials }) });

    // Act
    await client.put('colour', 'blue');

    // Assess
    const headers = region.requests[0]?.headers ?? {};
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(headers['x-amz-security-token']).toBe('session-token');
    expect(region.requests[0]?.body).toEqual({ value: 'blue' });
  });

  it('signs the same request the same way within a second, and a different body differently', async () => {
    // Prepare
    const signer = createSigV4Signer({ region: 'us-east-1', credentials });
    const req = { method: 'PUT', url: 'https://x.execute-api.us-east-1.amazonaws.com/kv/a', headers: { 'content-type': 'application/json' } };

    // Act
    const a = await signer.sign({ ...req, body: '{"value":1}' });
    const b = await signer.sign({ ...req, body: '{"value":2}' });

    // Assess
    expect(a.authorization).not.toBe(b.authorization);
    expect(a['content-type']).toBe('application/json');
    expect(a).not.toHaveProperty('host');
  });

  it('refuses to guess the region of a custom domain', async () => {
    const signer = createSigV4Signer({ credentials });
    await expect(signer.sign({ method: 'GET', url: 'https://mesh.example.com/status', headers: {} })).rejects.toThrow(/region/);
  });
});
