/**
 * How one stream's share of a batch is cut to fit one TransactWriteItems (100 items): the refs of
 * the parents its events name count, not only the events.
 */
import { describe, expect, it } from 'vitest';
import { fitStreamWrite, fitsOneTransaction, isRejection } from '../../../../shared/adapters/dynamo-writes.ts';
import type { StreamWrite } from '../../../../shared/adapters/dynamo-writes.ts';
import { setEvent } from '../../../support/factories.ts';

const id = (i: number): string => i.toString(16).padStart(64, '0');

describe('fitStreamWrite', () => {
  it('takes events while the state, the digest rows, events and refs fit in 100 items', () => {
    // Prepare: each event names 4 parents of its own: 5 items each, after the state and 2 digest rows.
    const arrivals = Array.from({ length: 40 }, (_, i) => ({ event: setEvent('k', i, { counter: i, parents: [0, 1, 2, 3].map((j) => id(1000 + 4 * i + j)) }) }));
    // Act
    const { taken, rest } = fitStreamWrite(arrivals, 32);
    // Assess: 3 + 19 × 5 = 98; a 20th would make 103.
    expect(taken).toHaveLength(19);
    expect(rest).toEqual(arrivals.slice(19));
  });

  it('counts a parent named by several events once, and stops at the cap on events', () => {
    const shared = [id(1), id(2)];
    const arrivals = Array.from({ length: 40 }, (_, i) => ({ event: setEvent('k', i, { counter: i, parents: shared }) }));
    // 3 + 2 + 32 = 37 items: the cap of 32 events is what stops it.
    expect(fitStreamWrite(arrivals, 32).taken).toHaveLength(32);
  });

  it('always takes one event, and nothing from an empty list', () => {
    // Two events of 64 parents each: 3 + 65 = 68 items, and a second would make 133.
    const big = (n: number) => ({ event: setEvent('k', n, { counter: n, parents: Array.from({ length: 64 }, (_, j) => id(100 * n + j)) }) });
    expect(fitStreamWrite([big(1), big(2)], 32).taken).toHaveLength(1);
    expect(fitStreamWrite([], 32)).toEqual({ taken: [], rest: [] });
  });
});

describe('fitsOneTransaction', () => {
  // `refs` as a store would name them; more than an event's 64 parents stand for a multi-event write.
  const write = (key: string, refs: number): StreamWrite => {
    const event = setEvent(key, 1);
    return { stream: `R#${key}`, expectedVersion: 0, next: { stream: `R#${key}`, version: 1, heads: [] } as never, events: [{ event, receipt: { eventId: event.id, region: 'us-east-1', receivedAt: 1, via: { type: 'local' } } }], refs: Array.from({ length: refs }, (_, j) => id(j)) };
  };

  it('takes writes while their items stay within 100, and never one too large even alone', () => {
    // Each write: 1 state + 1 event + 30 refs = 32 items, and 2 digest rows per transaction:
    // three make 98, four 130.
    const three = [write('a', 30), write('b', 30)];
    expect(fitsOneTransaction(three, write('c', 30))).toBe(true);
    expect(fitsOneTransaction([...three, write('c', 30)], write('d', 30))).toBe(false);
    expect(fitsOneTransaction([write('a', 1)], write('huge', 120))).toBe(false);
  });
});

describe('isRejection', () => {
  const named = (name: string, reasons?: string[]) => Object.assign(new Error(name), { name, ...(reasons ? { CancellationReasons: reasons.map((Code) => ({ Code })) } : {}) });

  it('is true for what DynamoDB refused as invalid, so nothing was stored', () => {
    expect(isRejection(named('ValidationException'))).toBe(true);
    expect(isRejection(named('TransactionCanceledException', ['None', 'ValidationError']))).toBe(true);
  });

  it('is false for contention, and for errors after which the write may have been stored', () => {
    expect(isRejection(named('TransactionCanceledException', ['None', 'ConditionalCheckFailed']))).toBe(false);
    expect(isRejection(named('InternalServerError'))).toBe(false);
    expect(isRejection(named('TimeoutError'))).toBe(false);
    expect(isRejection('ValidationException')).toBe(false);
  });
});
