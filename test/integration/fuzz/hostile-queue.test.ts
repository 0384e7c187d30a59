/**
 * Hostile events through the queues (issue 8): events put straight onto a link's inbound queue,
 * as a peer (or anyone who can write to that queue) would. What a region must do with each:
 *
 * - wrong hash, payload over the limit: never stored, dead-lettered;
 * - a clock far ahead (wall near 2^53, or a year ahead): never stored, never folded into the
 *   clock, counted on `/status` (`refused['clock-skew']`); every key stays writable at today's time;
 * - an origin that is not the link's source (the destination's own, another region's, or no
 *   region of the mesh): never stored, never re-sent, never spread by repair; dead-lettered or
 *   counted on `/status` (`refused['untrusted-origin']`);
 * - 65 concurrent roots of one key: stored, and the key stays writable and resolvable;
 * - parents that never arrive: stored as a head; the key stays readable and writable.
 *
 * The unit tests of findings 1-3 hand such events to ingest directly; these send them the way an
 * attacker on a queue would, through SQS, the poller, ingest, the store, the replicator and repair.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMesh, type Mesh } from '../../../local/cloud.ts';
import { MAX_HLC_WALL, parseHlc } from '../../../shared/domain/hlc.ts';
import type { MeshEvent } from '../../../shared/domain/types.ts';
import { until } from '../../../shared/util/until.ts';
import { farFuture, fresh, hugePayload, neverWritten, roots, sendAsPeer, wrongHash } from '../../fuzz/hostile-events.ts';
import { call } from '../../support/mesh-http.ts';
import { meshTestOptions } from '../../support/mesh-test-options.ts';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
/** The link the hostile events arrive on: from S into D; C is the third region. */
const [S, D, C] = REGIONS;
const YEAR_MS = 365 * 24 * 3600 * 1000;
/** How far from the wall clock a fresh local write may be stamped on a loaded machine. */
const CLOCK_SLACK_MS = 5 * 60 * 1000;

let mesh: Mesh;
const url = (region: string): string => mesh.regions.find((r) => r.region === region)?.url ?? '';
const uid = (): string => Math.random().toString(36).slice(2, 10);

beforeAll(async () => {
  mesh = await startMesh({
    ...meshTestOptions(),
    regions: [...REGIONS],
    basePort: 0,
    meshName: `ithostile${Date.now().toString(36)}`,
    pollIntervalMs: 50,
    visibilityTimeoutSeconds: 1,
    // Two receives, then the DLQ: a poison message settles within seconds.
    maxReceiveCount: 2,
    // Repair runs when a test asks: it is one of the paths a refused event must not take.
    repairIntervalMs: 0,
    handlerLogLevel: 'SILENT',
  });
});

afterAll(async () => {
  await mesh?.stop();
});

interface Snapshot {
  readonly dlq: number;
  readonly refused: Readonly<Record<string, number>>;
  readonly events: number;
}

/** The link's DLQ depth and the destination's refused counters and event count. */
async function snapshot(from: string, to: string): Promise<Snapshot> {
  const link = (await mesh.links.links()).find((l) => l.from === from && l.to === to);
  const status = (await call(url(to), 'GET', '/status')).body as { refused?: Record<string, number>; events: number };
  return { dlq: link?.dlq ?? 0, refused: status.refused ?? {}, events: status.events };
}

/** Waits until the link's queue is empty: every message was ingested, dropped or dead-lettered. */
async function settled(from: string, to: string): Promise<void> {
  // Waiting and in flight both: a message being retried is in flight, not waiting, until it is dead-lettered.
  await until(`the ${from} -> ${to} queue to drain`, async () => {
    const link = (await mesh.links.links()).find((l) => l.from === from && l.to === to);
    return link !== undefined && (link.backlog ?? 1) + (link.inFlight ?? 0) === 0;
  }, 60_000, 100);
}

const total = (r: Readonly<Record<string, number>>): number => Object.values(r).reduce((n, v) => n + v, 0);

async function storedIn(region: string, id: string): Promise<boolean> {
  return (await call(url(region), 'GET', `/events/${id}`)).status === 200;
}

/** A fresh write in `region` is acknowledged and stamped at about today's wall time. */
async function expectWritable(region: string, key = `after-${uid()}`): Promise<void> {
  const put = await call(url(region), 'PUT', `/kv/${key}`, { value: 'still writable' });
  expect(put.status).toBe(201);
  expect(Math.abs(parseHlc(put.body.event.hlc as string).wall - Date.now())).toBeLessThan(CLOCK_SLACK_MS);
}

/** After repair over every link, the event is in no region. */
async function expectNowhereAfterRepair(id: string): Promise<void> {
  await mesh.repair();
  for (const r of REGIONS) expect(await storedIn(r, id), `${id} in ${r}`).toBe(false);
}

describe('hostile events through the queues', () => {
  it('a message whose hash does not match its content: never stored, dead-lettered', async () => {
    // Prepare
    const event = wrongHash(S, `hash-${uid()}`);
    const before = await snapshot(S, D);

    // Act
    await sendAsPeer(mesh, S, D, [event]);
    await settled(S, D);

    // Assess
    const after = await snapshot(S, D);
    expect(await storedIn(D, event.id)).toBe(false);
    expect(after.events).toBe(before.events);
    expect(after.dlq).toBe(before.dlq + 1);
    await expectWritable(D);
  });

  it.each([
    [`the destination's own origin (${D})`, D],
    [`another region's origin (${C})`, C],
    ['an origin that is no region of the mesh', 'zzzz-not-a-region'],
  ])(`an event on the ${S} -> ${D} queue claiming %s: never stored, never re-sent, not spread by repair; counted or dead-lettered`, async (_what, origin) => {
    // Prepare
    const event = fresh(origin, `origin-${uid()}`, 'forged origin');
    const before = await snapshot(S, D);

    // Act
    await sendAsPeer(mesh, S, D, [event]);
    await settled(S, D);
    // Long enough for D's replicator to have re-sent it, had D stored it as its own.
    await new Promise((r) => setTimeout(r, 1500));

    // Assess
    const after = await snapshot(S, D);
    expect(await storedIn(D, event.id)).toBe(false);
    expect(await storedIn(C, event.id)).toBe(false);
    expect(after.events).toBe(before.events);
    expect(after.dlq - before.dlq + total(after.refused) - total(before.refused)).toBeGreaterThanOrEqual(1);
    await expectNowhereAfterRepair(event.id);
    await expectWritable(D);
  });

  it('65 concurrent roots of one key: all stored, and the key stays writable and resolvable', async () => {
    // Prepare
    const key = `roots-${uid()}`;
    const events = roots(S, key, 65);

    // Act
    await sendAsPeer(mesh, S, D, events);
    await until('65 heads in D', async () => ((await call(url(D), 'GET', `/kv/${key}`)).body?.headCount ?? 0) === 65, 60_000, 100);
    const put = await call(url(D), 'PUT', `/kv/${key}`, { value: 'written over 65 heads' });
    const heads = ((await call(url(D), 'GET', `/kv/${key}`)).body.heads as MeshEvent[]).map((h) => h.id);
    const resolved = await call(url(D), 'POST', `/kv/${key}/resolve`, { value: 'resolved', heads });
    const view = await call(url(D), 'GET', `/kv/${key}`);
    const deleted = await call(url(D), 'DELETE', `/kv/${key}`);

    // Assess
    expect(put.status).toBe(201);
    expect(resolved.status).toBe(201);
    expect(view.body).toMatchObject({ value: 'resolved', conflict: false });
    expect(view.body.heads).toHaveLength(1);
    expect(deleted.status).toBe(201);
  });

  it('a payload over the value limit, correctly hashed: never stored, dead-lettered; the mesh stays writable', async () => {
    // Prepare: 200 KB, over the 64 KiB value limit, within one SQS message.
    const event = hugePayload(S, `huge-${uid()}`, 200_000);
    const before = await snapshot(S, D);

    // Act
    await sendAsPeer(mesh, S, D, [event]);
    await settled(S, D);

    // Assess
    const after = await snapshot(S, D);
    expect(await storedIn(D, event.id)).toBe(false);
    expect(after.events).toBe(before.events);
    expect(after.dlq - before.dlq + total(after.refused) - total(before.refused)).toBeGreaterThanOrEqual(1);
    await expectWritable(D);
  });

  it('an event whose parents never arrive: stored as the head; the key stays readable and writable', async () => {
    // Prepare
    const key = `orphan-${uid()}`;
    const missing = neverWritten(3);
    const event = fresh(S, key, 'child of nobody here', missing);

    // Act
    await sendAsPeer(mesh, S, D, [event]);
    await until('the orphan in D', async () => storedIn(D, event.id), 30_000, 100);
    const detail = await call(url(D), 'GET', `/events/${event.id}`);
    const view = await call(url(D), 'GET', `/kv/${key}`);
    const put = await call(url(D), 'PUT', `/kv/${key}`, { value: 'on top' });

    // Assess
    expect(detail.body.parents).toEqual([...missing].sort());
    expect((view.body.heads as MeshEvent[]).map((h) => h.id)).toEqual([event.id]);
    expect(put.status).toBe(201);
    expect(put.body.event.parents).toEqual([event.id]);
  });
  // Last, and each into a region of its own: before the fix, one such event halts every write of
  // the region that folds it in, which would fail every test after it for that reason alone.
  it.each([
    ['at the largest stamp the format allows (wall near 2^53)', MAX_HLC_WALL, D],
    ['one year ahead', Date.now() + YEAR_MS, C],
  ])('an event stamped %s: never stored, not folded into the clock, counted as clock-skew; every key stays writable', async (_what, wall, to) => {
    // Prepare
    const key = `future-${uid()}`;
    const event = farFuture(S, key, wall);
    const before = await snapshot(S, to);

    // Act
    await sendAsPeer(mesh, S, to, [event]);
    await settled(S, to);

    // Assess
    const after = await snapshot(S, to);
    expect(await storedIn(to, event.id)).toBe(false);
    expect(after.events).toBe(before.events);
    expect((after.refused['clock-skew'] ?? 0) - (before.refused['clock-skew'] ?? 0)).toBeGreaterThanOrEqual(1);
    await expectWritable(to);
    await expectWritable(to, key);
    await expectNowhereAfterRepair(event.id);
  });
});
