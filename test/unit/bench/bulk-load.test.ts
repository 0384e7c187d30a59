import { describe, expect, it } from 'vitest';
import { bulkLoad, chain } from '../../../bench/bulk-load.ts';
import { MemoryEventStore } from '../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../shared/adapters/memory-link-control.ts';
import { RegionService } from '../../../shared/app/region-service.ts';
import { accountStream, registerStream } from '../../../shared/ports/stream.ts';
import type { MeshEvent, ReceiptVia } from '../../../shared/domain/types.ts';
import { REGIONS } from '../../support/factories.ts';

const [REGION, ORIGIN] = REGIONS;
const via = { type: 'peer', peer: ORIGIN } as const;

function region() {
  const store = new MemoryEventStore({ region: REGION });
  const service = new RegionService({ region: REGION, peers: REGIONS.filter((r) => r !== REGION), store, links: new MemoryLinkControl([...REGIONS]) });
  return { store, service };
}

describe('chain', () => {
  it('makes each event the parent of the next, stamped later, in the past, with the given origin', () => {
    // Act
    const events = chain({ kind: 'set', key: 'k', count: 3, origin: ORIGIN, payload: (i) => ({ i }) });

    // Assess
    expect(events.map((e) => e.parents)).toEqual([[], [events[0]?.id], [events[1]?.id]]);
    expect([...events].map((e) => e.hlc)).toEqual([...events.map((e) => e.hlc)].sort());
    expect(new Set(events.map((e) => e.hlc)).size).toBe(3);
    expect(events.every((e) => e.origin === ORIGIN && e.key === 'k')).toBe(true);
    expect(Number(events[2]?.hlc.slice(0, 18))).toBeLessThan(Date.now());
  });
});

describe('bulkLoad', () => {
  it('stores every event of every chain through the region’s ingest, each stream ending with one head', async () => {
    // Prepare
    const { store, service } = region();
    const deposits = chain({ kind: 'deposit', key: 'acct', count: 50, origin: ORIGIN, payload: () => 2 });
    const sets = [0, 1, 2].map((k) => chain({ kind: 'set', key: `k${k}`, count: 10, origin: ORIGIN, payload: (i) => i }));

    // Act
    const r = await bulkLoad(service, [deposits, ...sets], { via, concurrency: 2 });

    // Assess
    expect(r).toMatchObject({ events: 80, path: 'ingest' });
    expect(await store.count()).toBe(80);
    expect((await service.account('acct')).balance).toBe(100);
    expect((await store.headsOf(accountStream('acct'))).heads.map((e) => e.id)).toEqual([deposits.at(-1)?.id]);
    expect((await store.headsOf(registerStream('k2'))).heads).toHaveLength(1);
    expect((await store.get(deposits[0]?.id ?? ''))?.receipt.via).toEqual(via);
  });

  it('uses the store’s batch append when it has one, in slices, in chain order', async () => {
    // Prepare
    const batches: Array<{ ids: string[]; via: ReceiptVia }> = [];
    const target = {
      ingest: async () => {
        throw new Error('the batch path should be used');
      },
      store: {
        appendBatch: async (events: readonly MeshEvent[], v: ReceiptVia) => {
          batches.push({ ids: events.map((e) => e.id), via: v });
        },
      },
    };
    const events = chain({ kind: 'set', key: 'k', count: 7, origin: ORIGIN, payload: (i) => i });

    // Act
    const r = await bulkLoad(target, [events], { via, batchSize: 3 });

    // Assess
    expect(r.path).toBe('appendBatch');
    expect(batches.map((b) => b.ids.length)).toEqual([3, 3, 1]);
    expect(batches.flatMap((b) => b.ids)).toEqual(events.map((e) => e.id));
    expect(batches.every((b) => b.via === via)).toBe(true);
  });
});
