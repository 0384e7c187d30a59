/**
 * Issue 13's Done-when on the local cloud: a two-region mesh holding a few thousand events grows
 * to three regions while clients keep writing, the new region backfills and converges (same
 * values, heads, balances and digests everywhere, every acknowledged write in every region), then
 * a region is retired and the others keep every event and stay writable. Plus the admin routes'
 * refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMesh, type Mesh } from '../../../local/cloud.ts';
import { DEFAULT_BUCKETS } from '../../../shared/domain/index.ts';
import type { MeshEvent } from '../../../shared/domain/types.ts';
import type { EventStore, StreamState } from '../../../shared/ports/event-store.ts';
import { until } from '../../../shared/util/until.ts';
import { deposit, setEvent } from '../../support/factories.ts';
import { call } from '../../support/mesh-http.ts';
import { meshTestOptions } from '../../support/mesh-test-options.ts';

const A = 'us-east-1';
const B = 'eu-west-1';
const C = 'ap-northeast-1';
/** A region retired before the test: its events stay, and stay accepted. */
const OLD = 'sa-east-1';
/** Events the mesh holds before the third region joins. */
const PRELOAD = 2_000;
/**
 * Bounds for a shared two-core machine that runs other suites at the same time: they fire only
 * when something is stuck (a quiet machine needs about a tenth of them).
 */
const CONVERGE_MS = 240_000;
/** MESH_TEST_VERBOSE=1: the mesh's log lines and the backfill's progress on stderr. */
const VERBOSE = process.env['MESH_TEST_VERBOSE'] !== undefined;
const say = (line: string): void => {
  if (VERBOSE) console.error(`${new Date().toISOString()} ${line}`);
};

let mesh: Mesh;
const urlOf = (region: string): string => mesh.regions.find((r) => r.region === region)?.url ?? '';

beforeAll(async () => {
  mesh = await startMesh({
    ...meshTestOptions(),
    regions: [A, B],
    basePort: 0,
    meshName: `itgrow${Date.now().toString(36)}`,
    pollIntervalMs: 100,
    visibilityTimeoutSeconds: 2,
    handlerLogLevel: 'SILENT',
    // Only the backfill's own anti-entropy run and the removal's drain: nothing else hides a gap.
    repairIntervalMs: 0,
    // Escrow rights move only when the test says: the retirement's hand-over is measured exactly.
    rebalanceIntervalMs: 0,
    retiredRegions: [OLD],
    log: say,
  });
});

afterAll(async () => {
  await mesh?.stop();
});

/** Every event id a store holds, bucket by bucket (one index query each). */
async function idsOf(store: EventStore): Promise<Set<string>> {
  const all = new Set<string>();
  for (let b = 0; b < DEFAULT_BUCKETS; b++) for (const id of await store.idsInBucket(b)) all.add(id);
  return all;
}

/** Every stream's state in a store (registers and accounts), by stream id. */
async function statesOf(store: EventStore): Promise<Map<string, StreamState>> {
  const out = new Map<string, StreamState>();
  for (const prefix of ['R#', 'A#']) {
    let cursor: string | undefined;
    do {
      const page = await store.streams(prefix, { limit: 500, ...(cursor === undefined ? {} : { cursor }) });
      for (const s of page.items) out.set(s.stream, s);
      cursor = page.next;
    } while (cursor !== undefined);
  }
  return out;
}

/** Clients that keep writing to whichever regions serve, recording every acknowledged event. */
function writers(regions: () => readonly string[], count: number) {
  const acked: Array<{ id: string; region: string }> = [];
  const refused: number[] = [];
  let running = true;
  const loop = async (w: number): Promise<void> => {
    for (let i = 0; running; i++) {
      const list = regions();
      const region = list[(w + i) % list.length] as string;
      const write = i % 4 === 3 ? call(urlOf(region), 'POST', `/accounts/live-${w % 2}/deposit`, { amount: 1 + (i % 7) }) : call(urlOf(region), 'PUT', `/kv/live-${(w + i) % 10}`, { value: { w, i } });
      const res = await write.catch(() => undefined);
      if (res?.status === 201) acked.push({ id: (res.body as { event: MeshEvent }).event.id, region });
      else refused.push(res?.status ?? 0);
      // A steady trickle (about 2-3 writes/s per client), not a flood: on the local cloud every
      // region shares one DynamoDB Local, and at ~30 writes/s plus their replication the two cores
      // it had left for the backfill copied 10 events/s, not the hundreds it copies otherwise.
      await new Promise((r) => setTimeout(r, 400));
    }
  };
  const loops = Array.from({ length: count }, (_, w) => loop(w));
  return {
    acked,
    refused,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Waits until the regions have the same digest. */
async function converge(regions: readonly string[], what: string): Promise<number> {
  return until(what, async () => {
    const digests = await Promise.all(regions.map(async (r) => JSON.stringify((await call(urlOf(r), 'GET', '/status')).body.digest)));
    return digests.every((d) => d === digests[0]);
  }, CONVERGE_MS, 500);
}

describe('a running mesh grows and shrinks', () => {
  it('adds a third region under writes, which converges; then retires one, and nothing is lost', { timeout: 1_500_000 }, async () => {
    // Prepare: a mesh that holds a few thousand events: most of them accepted by a region retired
    // earlier (so they sit in both tables and no stream sends them again: replicating thousands
    // of events through the queues takes minutes on a loaded two-core machine), the rest by the
    // two regions themselves (each in its origin's table as a local write and in the other's as
    // delivered; the streams still send them, and ingest finds them stored). Clients then add
    // live writes, replicated by the mesh.
    const events: MeshEvent[] = [];
    for (let i = 0; i < PRELOAD; i++) {
      const origin = i % 10 === 1 ? A : i % 10 === 2 ? B : OLD;
      // Some keys are written twice, concurrently: conflicts (several heads) the new region must carry over.
      events.push(i % 10 === 0 ? deposit(`pre-acct-${i % 7}`, 10 + (i % 13), { origin, counter: i }) : setEvent(`pre-${i % 3 === 0 ? Math.floor(i / 2) : i}`, i, { origin, counter: i }));
    }
    const preloadStarted = Date.now();
    await Promise.all([A, B].map(async (region) => {
      const arrivals = events.map((event) => ({ event, via: event.origin === region ? { type: 'local' as const } : { type: 'peer' as const, peer: event.origin === OLD ? (region === A ? B : A) : event.origin } }));
      for (let i = 0; i < arrivals.length; i += 100) await mesh.store(region).appendBatch(arrivals.slice(i, i + 100));
    }));
    await converge([A, B], 'the preload in both regions');
    expect((await call(urlOf(A), 'GET', '/status')).body.events).toBe(PRELOAD);
    console.log(`preload: ${PRELOAD} events in both regions after ${Date.now() - preloadStarted} ms`);

    // Act 1: a third region joins while clients write to every region serving.
    const live = writers(() => mesh.regions.map((r) => r.region), 3);
    await new Promise((r) => setTimeout(r, 1_500));
    const addStarted = Date.now();
    const added = await mesh.addRegion(C);
    const joinedMs = Date.now() - addStarted;
    const early = (await call(added.url, 'GET', '/status')).body;
    const progress = setInterval(() => {
      void mesh.store(C).backfills().then((ps) => say(`backfill: ${JSON.stringify(ps)}`), () => undefined);
    }, 10_000);
    const backfill = await added.backfilled.finally(() => clearInterval(progress));
    const backfilledMs = Date.now() - addStarted;
    // Writes go on into all three for a while after the backfill.
    await new Promise((r) => setTimeout(r, 2_000));
    await live.stop();
    const convergedMs = await converge([A, B, C], 'the three regions');
    const totalMs = Date.now() - addStarted;

    // Assess 1: catching up at first, then done, with the same everything everywhere.
    expect(early.backfill.state).toBe('catching-up');
    expect(early.backfill.peers[A]).toMatchObject({ phase: expect.stringMatching(/copy|repair/), buckets: 64 });
    expect(backfill).toMatchObject({ done: true, antiEntropy: true });
    const status = (await call(added.url, 'GET', '/status')).body;
    expect(status.backfill.state).toBe('done');
    expect(status.backfill.peers[A].read).toBeGreaterThanOrEqual(PRELOAD);
    expect(status.peers.sort()).toEqual([A, B].sort());
    expect(live.acked.length).toBeGreaterThan(20);
    expect(live.acked.some((w) => w.region === C)).toBe(true);
    const ids = await Promise.all([A, B, C].map((r) => idsOf(mesh.store(r))));
    for (const [i, r] of [A, B, C].entries()) {
      expect(ids[i]?.size, `${r} holds every event`).toBe(PRELOAD + live.acked.length);
      const missing = live.acked.filter((w) => !ids[i]?.has(w.id));
      expect(missing, `acknowledged writes missing in ${r}`).toEqual([]);
    }
    const states = await Promise.all([A, B, C].map((r) => statesOf(mesh.store(r))));
    const heads = states.map((m) => new Map([...m].map(([k, s]) => [k, s.heads.join(',')])));
    expect(heads[2]).toEqual(heads[0]);
    expect(heads[1]).toEqual(heads[0]);
    expect([...(states[0]?.values() ?? [])].filter((s) => s.heads.length > 1).length).toBeGreaterThan(50);
    for (const key of ['live-0', 'live-1', 'live-2', 'live-3', 'live-4', 'pre-1', 'pre-7']) {
      const views = await Promise.all([A, B, C].map((r) => call(urlOf(r), 'GET', `/kv/${key}`)));
      for (const v of views) expect(v.status, `GET /kv/${key}`).toBe(200);
      expect(views.map((v) => ({ value: v.body.value, heads: v.body.heads.map((h: MeshEvent) => h.id) })), key).toEqual(Array(3).fill({ value: views[0]?.body.value, heads: views[0]?.body.heads.map((h: MeshEvent) => h.id) }));
    }
    for (const account of ['live-0', 'live-1', 'pre-acct-0', 'pre-acct-3']) {
      const views = await Promise.all([A, B, C].map((r) => call(urlOf(r), 'GET', `/accounts/${account}`)));
      expect(views.map((v) => [v.body.balance, v.body.bounced.length]), account).toEqual(Array(3).fill([views[0]?.body.balance, views[0]?.body.bounced.length]));
      expect(views[0]?.body.balance).toBeGreaterThan(0);
    }
    console.log(`add: ${C} serving after ${joinedMs} ms, backfilled ${backfill.peers[A]?.read ?? 0} events (copied ${backfill.peers[A]?.copied ?? 0}) in ${backfilledMs} ms, ` +
      `all three converged ${totalMs} ms after the add (${convergedMs} ms waiting); ${live.acked.length} writes acknowledged meanwhile, ${live.refused.length} refused`);

    // Act 2: retire an original region while clients write to the others.
    const beforeRetire = await idsOf(mesh.store(A));
    const during = writers(() => [B, C], 2);
    await new Promise((r) => setTimeout(r, 500));
    // A few writes acknowledged by A just before it goes: they must all stay in the mesh.
    const lastInA: string[] = [];
    for (let i = 0; i < 5; i++) lastInA.push(((await call(urlOf(A), 'PUT', `/kv/last-in-a-${i}`, { value: i })).body as { event: MeshEvent }).event.id);
    // An escrow account whose rights A alone holds: retiring A must not strand them.
    expect((await call(urlOf(A), 'POST', '/accounts/esc-a', { mode: 'escrow' })).status).toBe(201);
    expect((await call(urlOf(A), 'POST', '/accounts/esc-a/deposit', { amount: 50 })).status).toBe(201);
    const urlA = urlOf(A);
    const removed = await mesh.removeRegion(A);
    const afterRetire = writers(() => [B, C], 2);
    await new Promise((r) => setTimeout(r, 1_500));
    await Promise.all([during.stop(), afterRetire.stop()]);
    await converge([B, C], 'the two remaining regions');

    // Assess 2: A's table is kept and every event it held is in B and C, which stay writable.
    expect(removed).toMatchObject({ region: A, regions: [B, C], retired: [OLD, A] });
    expect(mesh.regions.map((r) => r.region)).toEqual([B, C]);
    expect(mesh.retiredRegions).toEqual([OLD, A]);
    const kept = await idsOf(mesh.store(A));
    for (const id of lastInA) expect(kept.has(id)).toBe(true);
    expect(kept.size).toBeGreaterThanOrEqual(beforeRetire.size + lastInA.length);
    const remaining = await Promise.all([B, C].map((r) => idsOf(mesh.store(r))));
    for (const [i, r] of [B, C].entries()) {
      expect([...kept].filter((id) => !remaining[i]?.has(id)), `events of the retired region missing in ${r}`).toEqual([]);
      const acked = [...during.acked, ...afterRetire.acked].filter((w) => !remaining[i]?.has(w.id));
      expect(acked, `acknowledged writes missing in ${r}`).toEqual([]);
    }
    expect(afterRetire.acked.length).toBeGreaterThan(0);
    // A's escrow rights went to a region that stays, and B can spend them once they are there.
    expect(removed.handedOver).toEqual({ accounts: 1, moved: 50 });
    for (const r of [B, C]) {
      const esc = (await call(urlOf(r), 'GET', '/accounts/esc-a')).body;
      expect(esc, `esc-a in ${r}`).toMatchObject({ mode: 'escrow', balance: 50, bouncedCount: 0 });
      expect(esc.rights[A], `rights left in the retired ${A}, seen from ${r}`).toBe(0);
      expect((esc.rights[B] ?? 0) + (esc.rights[C] ?? 0)).toBe(50);
    }
    const statusB = (await call(urlOf(B), 'GET', '/status')).body;
    expect(statusB.peers).toEqual([C]);
    expect(statusB.links.map((l: { from: string; to: string }) => `${l.from}>${l.to}`).sort()).toEqual([`${B}>${C}`, `${C}>${B}`].sort());
    // Its gateway is gone.
    expect(await fetch(`${urlA}/status`).then(() => 'answered', () => 'refused')).toBe('refused');
    // A retired name cannot join again; the admin routes refuse with a 4xx error body.
    const refusals = await Promise.all([
      call(urlOf(B), 'POST', '/admin/regions', { name: A }),
      call(urlOf(B), 'POST', '/admin/regions', { name: C }),
      call(urlOf(B), 'POST', '/admin/regions', { name: 'Not_A_Region' }),
      call(urlOf(B), 'POST', '/admin/regions', { name: 'ca-central-1', from: [A] }),
      call(urlOf(B), 'DELETE', `/admin/regions/${OLD}`),
    ]);
    expect(refusals.map((r) => [r.status, r.body.error?.code])).toEqual([
      [409, 'region-retired'], [409, 'region-exists'], [400, 'invalid-region'], [400, 'invalid-region'], [404, 'region-not-found'],
    ]);
    expect(mesh.regions.map((r) => r.region)).toEqual([B, C]);
    console.log(`retire: ${A} drained in ${removed.drainedMs} ms (${removed.pulledByRepair} pulled by repair); ${kept.size} events kept, all in ${B} and ${C}`);
  });
});
