/**
 * The convergence properties, run against the store's layout: simulated-mesh histories delivered
 * to a store in any order, in batches of any size, with duplicates and a late wave — and the
 * store's kept state (heads as positions, each account's fold snapshot with its checkpoints, the
 * digest) must equal what the domain computes from the set of events. The memory store moves its
 * state with the same `stream-transition.ts` as the DynamoDB store, so this checks the layout's
 * logic; the contract suite checks the DynamoDB adapter against the same answers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../../shared/adapters/memory-event-store.ts';
import { accountFold, accountView, computeHeads, digestOf, eventSortKey, foldAll, registerView } from '../../../../shared/domain/index.ts';
import type { AccountState, MeshEvent } from '../../../../shared/domain/index.ts';
import { accountStream, registerStream } from '../../../../shared/ports/stream.ts';
import { deliveryPlan, runScenario, scenarioArb, SIM_ACCOUNTS, SIM_KEYS } from '../../../support/mesh-sim.ts';
import { RUNS, SLOW } from '../../../support/property-runs.ts';

/** Delivers `events` to the store in batches of 1..`maxBatch` (from the seed), answering nothing. */
async function deliver(store: MemoryEventStore, events: readonly MeshEvent[], seed: number, maxBatch: number): Promise<void> {
  let x = seed >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < events.length; ) {
    const n = 1 + Math.floor(next() * maxBatch);
    await store.appendBatch(events.slice(i, i + n).map((event) => ({ event, via: { type: 'peer', peer: event.origin } })));
    i += n;
  }
}

describe('the store layout converges like the domain', () => {
  it('property: heads, register views, account snapshots and the digest equal the domain of the event set', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.integer(), fc.integer({ min: 1, max: 12 }), async (scenario, seed, maxBatch) => {
        // Prepare
        const { universe } = runScenario(scenario);
        const plan = deliveryPlan(universe, seed);
        const store = new MemoryEventStore({ region: 'us-east-1' });

        // Act: a first wave, then the held-back events, each in random batches with duplicates.
        await deliver(store, plan.first, seed, maxBatch);
        await deliver(store, plan.later, seed ^ 0x5bd1e995, maxBatch);
        await deliver(store, universe, seed + 1, maxBatch); // anything neither wave had

        // Assess
        for (const key of SIM_KEYS) {
          const mine = universe.filter((e) => e.key === key && e.kind !== 'deposit' && e.kind !== 'withdraw');
          const state = await store.stateOf(registerStream(key));
          expect(state.heads).toEqual(computeHeads(mine).map(eventSortKey));
          expect(state.version).toBe(mine.length);
          const heads = (await store.eventsAt(registerStream(key), state.heads)).map((s) => s.event);
          expect(registerView(key, heads)).toEqual(registerView(key, mine));
        }
        for (const account of SIM_ACCOUNTS) {
          const state = await store.stateOf(accountStream(account));
          const expected = foldAll(accountFold, universe.filter((e) => e.key === account && (e.kind === 'deposit' || e.kind === 'withdraw')));
          expect(state.snapshot?.state).toEqual(expected.state);
          expect(state.snapshot?.count).toBe(expected.count);
          expect((state.snapshot?.state as AccountState | undefined)?.balance ?? 0).toBe(accountView(account, universe).balance);
        }
        expect(await store.digest()).toEqual(digestOf(universe.map((e) => e.id)));
      }),
      RUNS,
    );
  }, SLOW);
});
