import { describe, expect, it } from 'vitest';
import { ESCROW_KINDS } from '../../../../shared/domain/escrow-event.ts';
import { accountStream, escrowStream, parseStream, registerStream, streamOf } from '../../../../shared/ports/stream.ts';
import { escrowTransfer } from '../../../support/factories.ts';

describe('streams', () => {
  it('put registers, plain accounts and escrow accounts of the same id in three streams', () => {
    // Act / Assess
    expect([registerStream('alice'), accountStream('alice'), escrowStream('alice')]).toEqual(['R#alice', 'A#alice', 'E#alice']);
    expect(streamOf({ kind: 'set', key: 'alice' })).toBe('R#alice');
    expect(streamOf({ kind: 'withdraw', key: 'alice' })).toBe('A#alice');
    expect(streamOf(escrowTransfer('alice', 'eu-west-1', 5))).toBe('E#alice');
    for (const kind of ESCROW_KINDS) expect(streamOf({ kind, key: 'alice' })).toBe('E#alice');
  });

  it('parse back into their namespace and key', () => {
    // Act / Assess
    expect(parseStream('R#a#b')).toEqual({ namespace: 'register', key: 'a#b' });
    expect(parseStream('A#alice')).toEqual({ namespace: 'account', key: 'alice' });
    expect(parseStream('E#alice')).toEqual({ namespace: 'escrow', key: 'alice' });
    expect(parseStream('X#alice')).toBeUndefined();
  });
});
