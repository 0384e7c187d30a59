import { describe, expect, it } from 'vitest';
import { MeshHttpError, MeshNetworkError, MeshTimeoutError } from '../../../shared/client/errors.ts';
import { describeFailure } from '../../../gui/src/failure.ts';

describe('describeFailure', () => {
  it('tells a refusal (4xx) from a region that does not answer, and from a failure on its side', () => {
    expect(describeFailure(new MeshHttpError(400, 'invalid-key', 'key: must match'))).toEqual({ kind: 'refused', text: 'Refused (400 invalid-key): key: must match' });
    expect(describeFailure(new MeshNetworkError('GET', 'http://h/status', new Error('ECONNREFUSED'))).kind).toBe('unreachable');
    expect(describeFailure(new MeshTimeoutError('GET', 'http://h/status', 8000)).text).toBe('Not answering: GET http://h/status timed out after 8000 ms');
    expect(describeFailure(new MeshHttpError(503, 'internal', 'boom'))).toEqual({ kind: 'failed', text: 'Failed (503 internal): boom' });
    expect(describeFailure(new MeshHttpError(502, 'unreachable', 'GET https://x: ENOTFOUND')).kind).toBe('unreachable');
    expect(describeFailure(new Error('boom'))).toEqual({ kind: 'failed', text: 'Failed: boom' });
  });

  it('says a 503 contended stored nothing, and when the region asks to try again', () => {
    expect(describeFailure(new MeshHttpError(503, 'contended', 'the key kept colliding', 2000))).toEqual({
      kind: 'busy',
      text: 'Busy (503 contended): the key kept colliding. Nothing was stored; try again in 2.0 s.',
      retryAfterMs: 2000,
    });
    expect(describeFailure(new MeshHttpError(503, 'contended', 'the key kept colliding')).text).toBe('Busy (503 contended): the key kept colliding. Nothing was stored; try again shortly.');
  });
});
