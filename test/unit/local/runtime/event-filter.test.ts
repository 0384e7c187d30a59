import { describe, expect, it } from 'vitest';
import { matchesAnyFilter, matchesFilter } from '../../../../local/runtime/event-filter.ts';

const record = (origin: string, type: string, extra: Record<string, unknown> = {}): unknown => ({
  eventName: 'INSERT',
  dynamodb: { NewImage: { origin: { S: origin }, type: { S: type }, ...extra } },
});

describe('event filter criteria', () => {
  const mine = { dynamodb: { NewImage: { origin: { S: ['us-east-1'] }, type: { S: ['event'] } } } };

  it('passes only records whose every filtered field has an allowed value', () => {
    // Act + Assess
    expect(matchesFilter(mine, record('us-east-1', 'event'))).toBe(true);
    expect(matchesFilter(mine, record('eu-west-1', 'event'))).toBe(false);
    expect(matchesFilter(mine, record('us-east-1', 'heads'))).toBe(false);
    expect(matchesFilter(mine, { eventName: 'REMOVE', dynamodb: { OldImage: {} } })).toBe(false);
  });

  it('supports exists, prefix and anything-but, and ORs several filters', () => {
    // Prepare
    const withTag = { dynamodb: { NewImage: { tag: [{ exists: true }] } } };
    const noTag = { dynamodb: { NewImage: { tag: [{ exists: false }] } } };
    const prefixed = { dynamodb: { NewImage: { origin: { S: [{ prefix: 'us-' }] } } } };
    const notHeads = { dynamodb: { NewImage: { type: { S: [{ 'anything-but': ['heads', 'ref'] }] } } } };

    // Act + Assess
    expect(matchesFilter(withTag, record('a', 'event', { tag: { S: 'x' } }))).toBe(true);
    expect(matchesFilter(noTag, record('a', 'event', { tag: { S: 'x' } }))).toBe(false);
    expect(matchesFilter(noTag, record('a', 'event'))).toBe(true);
    expect(matchesFilter(prefixed, record('us-west-2', 'event'))).toBe(true);
    expect(matchesFilter(notHeads, record('a', 'heads'))).toBe(false);
    expect(matchesFilter(notHeads, record('a', 'event'))).toBe(true);
    expect(matchesAnyFilter([], record('any', 'thing'))).toBe(true);
    expect(matchesAnyFilter([mine, prefixed], record('us-west-2', 'heads'))).toBe(true);
  });
});
