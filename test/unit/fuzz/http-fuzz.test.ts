/**
 * The fuzz suite's own pieces: requests are reproducible from the seed and reach every route, and
 * the expected digest it compares against is the one the region computes.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../functions/api.ts';
import { digestOf, emptyDigest } from '../../../shared/domain/digest.ts';
import { digestWith } from '../../fuzz/http-fuzz.ts';
import { sampleRequests } from '../../fuzz/http-requests.ts';
import { idArb } from '../../support/arbitraries.ts';
import fc from 'fast-check';

const CTX = { regions: ['us-east-1', 'eu-west-1'] };

describe('sampleRequests', () => {
  it('sends the same requests for the same seed, and others for another', () => {
    // Act
    const a = [...sampleRequests(300, 5, CTX)].map((r) => `${r.method} ${r.target}`);
    const b = [...sampleRequests(300, 5, CTX)].map((r) => `${r.method} ${r.target}`);
    const c = [...sampleRequests(300, 6, CTX)].map((r) => `${r.method} ${r.target}`);

    // Assess
    expect(a).toHaveLength(300);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('reaches every route with its own method, and sends wrong methods, content types and bodies too', () => {
    // Act
    const requests = [...sampleRequests(2000, 20_261_201, CTX)];

    // Assess
    for (const route of ROUTES) {
      expect(requests.some((r) => r.kind.startsWith(`${route.method} /${route.pattern.join('/')} `)), `${route.method} ${route.pattern.join('/')}`).toBe(true);
    }
    expect(requests.some((r) => r.kind.includes('(no route)'))).toBe(true);
    expect(requests.some((r) => r.headers['content-type'] !== undefined && !r.headers['content-type'].startsWith('application/json'))).toBe(true);
    expect(new Set(requests.map((r) => /body (\w+)/.exec(r.kind)?.[1]).filter(Boolean))).toEqual(new Set(['fields', 'none', 'malformed', 'binary', 'deep', 'big', 'huge']));
    expect(requests.some((r) => r.target.includes('limit='))).toBe(true);
  });
});

describe('digestWith', () => {
  it('adds ids as the region digest would hold them', () => {
    fc.assert(
      fc.property(fc.array(idArb, { maxLength: 30 }), fc.array(idArb, { maxLength: 30 }), (old, added) => {
        const fresh = added.filter((id) => !old.includes(id));
        expect(digestWith(digestOf(old), fresh)).toEqual(digestOf([...old, ...fresh]));
      }),
    );
    expect(digestWith(emptyDigest(), [])).toEqual(emptyDigest());
  });
});
