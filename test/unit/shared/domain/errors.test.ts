import { describe, expect, it } from 'vitest';
import {
  HashMismatchError,
  InsufficientFundsError,
  isMeshError,
  MeshError,
  NotFoundError,
  StaleHeadsError,
  ValidationError,
} from '../../../../shared/domain/errors.ts';

describe('errors', () => {
  it('each class carries its HTTP status and stable code', () => {
    // Prepare
    const cases: [MeshError, number, string, string][] = [
      [new ValidationError('invalid-key', 'key: bad'), 400, 'invalid-key', 'ValidationError'],
      [new HashMismatchError('id mismatch'), 400, 'hash-mismatch', 'HashMismatchError'],
      [new NotFoundError('nothing'), 404, 'not-found', 'NotFoundError'],
      [new InsufficientFundsError('poor'), 409, 'insufficient-funds', 'InsufficientFundsError'],
      [new StaleHeadsError('moved'), 409, 'stale-heads', 'StaleHeadsError'],
    ];

    for (const [err, status, code, name] of cases) {
      // Act / Assess
      expect(err).toBeInstanceOf(MeshError);
      expect(err).toBeInstanceOf(Error);
      expect(err.status).toBe(status);
      expect(err.code).toBe(code);
      expect(err.name).toBe(name);
      expect(isMeshError(err)).toBe(true);
    }
  });

  it('keeps the message and cause, and tells foreign errors apart', () => {
    // Prepare
    const cause = new Error('root');

    // Act
    const err = new ValidationError('bad-request', 'body: not JSON', { cause });

    // Assess
    expect(err.message).toBe('body: not JSON');
    expect(err.cause).toBe(cause);
    expect(isMeshError(cause)).toBe(false);
    expect(isMeshError('boom')).toBe(false);
    expect(new MeshError('teapot', 418, 'short').status).toBe(418);
  });
});
