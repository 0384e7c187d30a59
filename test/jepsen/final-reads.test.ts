import { describe, expect, it } from 'vitest';
import { confirmMissing, readFinalStates } from '../../jepsen/final-reads.ts';
import { Recorder } from '../../jepsen/recorder.ts';
import { JepsenClient } from '../../jepsen/client.ts';
import { checkLostWrites } from '../../jepsen/checkers/lost-writes.ts';
import { HistoryBuilder } from './support/history-builder.ts';
import { ev, finalReads, regionFinal } from './support/final-factory.ts';
import { fakeEvent, receipt } from '../support/factories.ts';

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

describe('readFinalStates', () => {
  it('lists an account\'s events from its statement, GET /accounts/{id}/history, with no trail walk', async () => {
    // Prepare: one region answering the account summary and its statement.
    const d = fakeEvent('d', { kind: 'deposit', key: 'a', payload: 100 });
    const w = fakeEvent('w', { kind: 'withdraw', key: 'a', payload: 130, hlc: '000001732600000001-00000', parents: [d.id] });
    const answers: Record<string, unknown> = {
      '/accounts/a': { account: 'a', balance: 100, deposited: 100, withdrawn: 0, bounced: [{ event: w, amount: 130, balanceBefore: 100, reason: 'insufficient-funds' }], reversed: [], heads: [w], region: 'us-east-1' },
      '/accounts/a/history': {
        account: 'a', balance: 100, region: 'us-east-1',
        events: [
          { event: d, receipt: receipt(d, 'us-east-1', 1), amount: 100, outcome: 'applied', balanceAfter: 100, reversed: false },
          { event: w, receipt: receipt(w, 'us-east-1', 1), amount: 130, outcome: 'bounced', balanceAfter: 100, reversed: true },
        ],
      },
    };
    const asked: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      const path = new URL(String(url)).pathname;
      asked.push(path);
      const body = answers[path];
      return body === undefined
        ? new Response(JSON.stringify({ error: { code: 'route-not-found', message: path } }), { status: 404 })
        : new Response(JSON.stringify(body), { status: 200 });
    }) as typeof fetch;
    const client = new JepsenClient({ region: 'us-east-1', url: 'http://r', timeoutMs: 1000, fetch: fakeFetch });

    // Act
    const final = await readFinalStates({ clients: [client], workload: 'bank', keys: ['a'], recorder: new Recorder(), settleMs: 0 });

    // Assess
    expect(asked.sort()).toEqual(['/accounts/a', '/accounts/a/history']);
    const region = final.regions[0];
    expect(region?.error).toBeUndefined();
    expect(region?.histories['a']).toEqual([
      { id: d.id, kind: 'deposit', payload: 100, hlc: d.hlc, origin: 'us-east-1', parents: [] },
      { id: w.id, kind: 'withdraw', payload: 130, hlc: w.hlc, origin: 'us-east-1', parents: [d.id] },
    ]);
    expect(region?.accounts['a']).toEqual({ balance: 100, bounced: [{ id: w.id, amount: 130 }], reversed: [w.id], deposited: 100, withdrawn: 0 });
  });

  it('takes every bounce from the statement, not only the newest few the account answer lists', async () => {
    // Prepare: a deposit of 10 and eight withdrawals of 10; seven bounce, the answer lists the last 5.
    // (A 100-run soak read the answer's list and judged the seven-bounce account "replay goes negative".)
    const d = fakeEvent('d', { kind: 'deposit', key: 'a', payload: 10 });
    const ws = Array.from({ length: 8 }, (_, i) => fakeEvent(`w${i}`, { kind: 'withdraw', key: 'a', payload: 10, hlc: `00000173260000000${i + 1}-00000`, parents: [d.id] }));
    const lines = [
      { event: d, receipt: receipt(d, 'us-east-1', 1), amount: 10, outcome: 'applied', balanceAfter: 10, reversed: false },
      ...ws.map((w, i) => ({ event: w, receipt: receipt(w, 'us-east-1', 1), amount: 10, outcome: i === 0 ? 'applied' : 'bounced', balanceAfter: 0, reversed: i > 0 })),
    ];
    const bounces = ws.slice(1).map((w) => ({ event: w, amount: 10, balanceBefore: 0, reason: 'insufficient-funds' }));
    const answers: Record<string, unknown> = {
      '/accounts/a': { account: 'a', mode: 'plain', balance: 0, deposited: 10, withdrawn: 10, bouncedCount: 7, bounced: bounces.slice(-5), reversed: [], heads: ws, region: 'us-east-1' },
      '/accounts/a/history': { account: 'a', balance: 0, region: 'us-east-1', events: lines },
    };
    const fakeFetch = (async (url: string | URL | Request) => new Response(JSON.stringify(answers[new URL(String(url)).pathname]), { status: 200 })) as typeof fetch;
    const client = new JepsenClient({ region: 'us-east-1', url: 'http://r', timeoutMs: 1000, fetch: fakeFetch });

    // Act
    const final = await readFinalStates({ clients: [client], workload: 'bank', keys: ['a'], recorder: new Recorder(), settleMs: 0 });

    // Assess
    const account = final.regions[0]?.accounts['a'];
    expect(account?.bounced.map((b) => b.id)).toEqual(ws.slice(1).map((w) => w.id).sort());
    expect(account?.reversed).toEqual(ws.slice(1).map((w) => w.id).sort());
    expect(account?.bouncedCount).toBe(7);
  });
});
