import { describe, expect, it } from 'vitest';
import { confirmMissing } from '../../jepsen/final-reads.ts';
import { JepsenClient } from '../../jepsen/client.ts';
import { checkLostWrites } from '../../jepsen/checkers/lost-writes.ts';
import { HistoryBuilder } from './support/history-builder.ts';
import { ev, finalReads, regionFinal } from './support/final-factory.ts';

describe('confirmMissing', () => {
  it('looks up acknowledged events a listing lacks, so only truly absent ones count as lost', async () => {
    // Prepare: e1 listed; e2 not listed but the region has it; e3 absent.
    const history = new HistoryBuilder()
      .invoke(0, 'write', 'k', 1, 0).ok(0, 1, 1, { eventId: 'e1' })
      .invoke(0, 'write', 'k', 2, 2).ok(0, 2, 3, { eventId: 'e2' })
      .invoke(0, 'write', 'k', 3, 4).ok(0, 3, 5, { eventId: 'e3' }).build();
    const asked: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      const id = String(url).split('/').at(-1) as string;
      asked.push(id);
      return id === 'e2'
        ? new Response(JSON.stringify({ event: { id }, region: 'us-east-1' }), { status: 200 })
        : new Response(JSON.stringify({ error: { code: 'not-found', message: 'no' } }), { status: 404 });
    }) as typeof fetch;
    const client = new JepsenClient({ region: 'us-east-1', url: 'http://r', timeoutMs: 1000, fetch: fakeFetch });
    const final = finalReads(regionFinal('us-east-1', { histories: { k: [ev('e1', 'set', 1, '1')] } }));
    // Act
    const confirmed = await confirmMissing(final, history, [client]);
    // Assess
    expect(asked).toEqual(['e2', 'e3']);
    expect(confirmed.regions[0]?.found).toEqual({ e2: true, e3: false });
    expect(checkLostWrites(history, confirmed).details.lost.map((l) => l.eventId)).toEqual(['e3']);
  });
});
