import { describe, expect, it } from 'vitest';
import { bulkLoad, chain } from '../../../bench/bulk-load.ts';
import { MemoryEventStore } from '../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../shared/adapters/memory-link-control.ts';
import { RegionService } from '../../../shared/app/region-service.ts';
import { idOfPosition } from '../../../shared/domain/heads.ts';
import { accountStream, registerStream } from '../../../shared/ports/stream.ts';
import type { IngestItem, IngestOutcome } from '../../../shared/app/ingest.ts';
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
  it('stores every event of every chain through the region’s batch ingest, each stream ending with one head', async () => {
    // Prepare
    const { store, service } = region();
    const deposits = chain({ kind: 'deposit', key: 'acct', count: 50, origin: ORIGIN, payload: () => 2 });
    const sets = [0, 1, 2].map((k) => chain({ kind: 'set', key: `k${k}`, count: 10, origin: ORIGIN, payload: (i) => i }));

    // Act
    const r = await bulkLoad(service, [deposits, ...sets], { via, concurrency: 2 });

    // Assess
    expect(r.events).toBe(80);
    expect(await store.count()).toBe(80);
    expect((await service.account('acct')).balance).toBe(100);
    expect((await store.stateOf(accountStream('acct'))).heads.map(idOfPosition)).toEqual([deposits.at(-1)?.id]);
    expect((await store.stateOf(registerStream('k2'))).heads).toHaveLength(1);
    expect((await store.get(deposits[0]?.id ?? ''))?.receipt.via).toEqual(via);
  });

  it('hands each chain to ingest in slices of batchSize, in chain order', async () => {
    // Prepare
    const batches: Array<{ ids: string[]; vias: ReceiptVia[] }> = [];
    const target = {
      ingestBatch: async (items: readonly IngestItem[]): Promise<IngestOutcome[]> => {
        batches.push({ ids: items.map((i) => (i.raw as MeshEvent).id), vias: items.map((i) => i.via) });
        return items.map((i) => ({ ok: true, status: 'stored', event: i.raw as MeshEvent, receipt: { eventId: (i.raw as MeshEvent).id, region: REGION, receivedAt: 0, via: i.via } }) as IngestOutcome);
      },
    };
    const events = chain({ kind: 'set', key: 'k', count: 7, origin: ORIGIN, payload: (i) => i });

    // Act
    await bulkLoad(target, [events], { via, batchSize: 3 });

    // Assess
    expect(batches.map((b) => b.ids.length)).toEqual([3, 3, 1]);
    expect(batches.flatMap((b) => b.ids)).toEqual(events.map((e) => e.id));
    expect(batches.every((b) => b.vias.every((v) => v === via))).toBe(true);
  });

  it('fails on an event ingest refuses, since the loader made it', async () => {
    // Prepare
    const { service } = region();
    const events = chain({ kind: 'set', key: 'k', count: 2, origin: 'nowhere-1', payload: (i) => i });

    // Act / Assess
    await expect(bulkLoad(service, [events], { via })).rejects.toThrow();
  });
});
