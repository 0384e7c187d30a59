import { describe, expect, it } from 'vitest';
import { failureOf } from '../../../bench/seed-workload.ts';
import { MeshHttpError } from '../../../shared/client/errors.ts';

describe('failureOf', () => {
  it('names a failed attempt by its status and code, or by why nothing answered', () => {
    // Prepare
    const contended = new MeshHttpError(503, 'contended', 'writes kept colliding', 1000);
    const reset = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

    // Act
    const names = [contended, reset, timeout, 'odd'].map(failureOf);

    // Assess
    expect(names).toEqual(['503 contended', 'no answer: ECONNRESET', 'no answer: TimeoutError', 'no answer: odd']);
  });
});
