/**
 * RegionService on the memory store: every route's behaviour, its refusals, and the guard that
 * keeps one region from acting on a view that moved under it.
 */
import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../../shared/adapters/memory-link-control.ts';
import type { LinkControl } from '../../../../shared/ports/link-control.ts';
import { PoisonMessageError } from '../../../../shared/app/poison-message-error.ts';
import { RegionService } from '../../../../shared/app/region-service.ts';
import type { AccountHistory, AccountSummary } from '../../../../shared/app/region-service.ts';
import {
  InsufficientFundsError,
  NotFoundError,
  StaleHeadsError,
  ValidationError,
  compareEvents,
  digestOf,
  formatHlc,
} from '../../../../shared/domain/index.ts';
import type { MeshEvent } from '../../../../shared/domain/types.ts';
import { BASE_WALL, ManualClock, deposit, setEvent, withdraw } from '../../../support/factories.ts';
import { allEventsOf } from '../../../support/store-reads.ts';

const REGION = 'us-east-1';
const PEERS = ['eu-west-1', 'ap-southeast-2'];

function setup() {
  const clock = new ManualClock(BASE_WALL);
  const store = new MemoryEventStore({ region: REGION, clock });
  const links = new MemoryLinkControl([REGION, ...PEERS]);
  const service = new RegionService({ region: REGION, peers: PEERS, store, links, clock });
  return { clock, store, links, service };
}

const peer = { type: 'peer', peer: 'eu-west-1' } as const;

describe('RegionService registers', () => {
  it('put stores a set on the current heads and get answers its value', async () => {
    // Prepare
    const { service, clock } = setup();
    // Act
    const first = await service.put('colour', 'blue');
    clock.advance(5);
    const second = await service.put('colour', { shade: 'red' });
    const view = await service.get('colour');
    // Assess
    expect(first.event).toMatchObject({ kind: 'set', key: 'colour', payload: 'blue', origin: REGION, parents: [] });
    expect(first.receipt).toMatchObject({ eventId: first.event.id, region: REGION, via: { type: 'local' } });
    expect(first.region).toBe(REGION);
    expect(second.event.parents).toEqual([first.event.id]);
    expect(second.event.hlc > first.event.hlc).toBe(true);
    expect(view).toMatchObject({ key: 'colour', value: { shade: 'red' }, deleted: false, conflict: false, region: REGION });
    expect(view.winner).toEqual(second.event);
    expect(view.heads).toEqual([second.event]);
  });

  it('stamps a write above its parents even when the wall clock goes backwards', async () => {
    const { service, clock } = setup();
    const a = await service.put('k', 1);
    clock.advance(-60_000);
    const b = await service.put('k', 2);
    expect(b.event.hlc > a.event.hlc).toBe(true);
    expect((await service.get('k')).value).toBe(2);
  });

  it('delete stores a tombstone: deleted, value null', async () => {
    const { service } = setup();
    const put = await service.put('k', 'v');
    const del = await service.delete('k');
    expect(del.event).toMatchObject({ kind: 'delete', payload: null, parents: [put.event.id] });
    expect(await service.get('k')).toMatchObject({ deleted: true, value: null, conflict: false });
  });

  it('get of a key with no event here is NotFound', async () => {
    const { service } = setup();
    await expect(service.get('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each([
    ['a bad key', () => setup().service.put('a#b', 1), 'invalid-key'],
    ['an empty key', () => setup().service.put('', 1), 'invalid-key'],
    ['a missing value', () => setup().service.put('k', undefined), 'invalid-value'],
    ['an oversized value', () => setup().service.put('k', 'x'.repeat(70_000)), 'value-too-large'],
    ['a non-JSON value', () => setup().service.put('k', Number.NaN), 'invalid-value'],
  ])('refuses %s', async (_what, act, code) => {
    await expect(act()).rejects.toMatchObject({ name: 'ValidationError', code });
  });

  it('stores nothing when it refuses a write', async () => {
    const { service, store } = setup();
    await expect(service.put('k', 'x'.repeat(70_000))).rejects.toBeInstanceOf(ValidationError);
    expect(await store.count()).toBe(0);
  });

  it('history lists the key’s events in total order with this region’s receipts', async () => {
    const { service } = setup();
    const a = await service.put('k', 1);
    const remote = setEvent('k', 'remote', { parents: [a.event], origin: 'eu-west-1', wall: BASE_WALL + 1000 });
    await service.ingest(remote, peer);
    const b = await service.put('k', 3);
    const history = await service.history('k');
    expect(history.key).toBe('k');
    expect(history.region).toBe(REGION);
    expect(history.events.map((s) => s.event.id)).toEqual([a.event.id, remote.id, b.event.id]);
    expect(history.events[1]?.receipt).toMatchObject({ region: REGION, via: peer });
    expect(await service.history('other')).toEqual({ key: 'other', region: REGION, events: [] });
  });

  it('shows a conflict from a concurrent peer write, lists it, and resolve ends it', async () => {
    // Prepare: a local and a remote write on the same parent.
    const { service } = setup();
    const base = await service.put('k', 'base');
    await service.put('k', 'local');
    const remote = setEvent('k', 'remote', { parents: [base.event], origin: 'eu-west-1', wall: BASE_WALL + 1 });
    await service.ingest(remote, peer);
    const view = await service.get('k');
    expect(view.conflict).toBe(true);
    expect(view.heads).toHaveLength(2);
    expect((await service.conflicts()).conflicts).toEqual([{ key: 'k', heads: view.heads, headCount: 2, since: BASE_WALL }]);
    // Act
    const resolved = await service.resolve('k', 'merged', view.heads.map((h) => h.id));
    // Assess
    expect(resolved.event).toMatchObject({ kind: 'resolve', payload: 'merged', parents: view.heads.map((h) => h.id).sort() });
    expect(await service.get('k')).toMatchObject({ value: 'merged', conflict: false });
    expect(await service.conflicts()).toEqual({ region: REGION, conflicts: [] });
  });

  it('refuses a resolve on heads that are not the current heads here (409), storing nothing', async () => {
    const { service, store } = setup();
    const a = await service.put('k', 1);
    await service.put('k', 2);
    const before = await store.count();
    const refused = service.resolve('k', 'x', [a.event.id]);
    await expect(refused).rejects.toBeInstanceOf(StaleHeadsError);
    await expect(service.resolve('k', 'x', [a.event.id])).rejects.toMatchObject({ status: 409, code: 'stale-heads' });
    expect(await store.count()).toBe(before);
  });

  it('refuses a resolve of an unknown key (404) or with heads that are not a list of ids (400)', async () => {
    const { service } = setup();
    await expect(service.resolve('nope', 1, [])).rejects.toBeInstanceOf(NotFoundError);
    await service.put('k', 1);
    await expect(service.resolve('k', 1, 'abc')).rejects.toMatchObject({ code: 'bad-request' });
    await expect(service.resolve('k', 1, [1])).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('never creates a local conflict from concurrent local writes', async () => {
    const { service } = setup();
    await Promise.all(Array.from({ length: 10 }, (_, i) => service.put('k', i)));
    const view = await service.get('k');
    expect(view.conflict).toBe(false);
    expect((await service.history('k')).events).toHaveLength(10);
  });
});

describe('RegionService accounts', () => {
  it('reads an account\'s states once per request: one read of both modes, then the events or the write', async () => {
    // Prepare: an account written from a peer, so the writer remembers nothing of it; count the store's calls.
    const { service, store } = setup();
    await service.ingest(deposit('carol', 100, { origin: 'eu-west-1' }), peer);
    const calls: string[] = [];
    for (const name of ['stateOf', 'statesOf', 'eventsAt', 'appendOn'] as const) {
      const real = (store[name] as (...args: never[]) => Promise<unknown>).bind(store);
      (store as unknown as Record<string, unknown>)[name] = async (...args: never[]) => {
        calls.push(name);
        return real(...args);
      };
    }

    // Act
    const read = await service.account('carol');
    const readCalls = calls.splice(0);
    const w = await service.withdraw('carol', 30);
    const withdrawCalls = calls.splice(0);

    // Assess: what the DynamoDB store makes one BatchGetItem, then one BatchGetItem or one transaction.
    expect(read).toMatchObject({ balance: 100, mode: 'plain' });
    expect(readCalls).toEqual(['statesOf', 'eventsAt']);
    expect(w.event).toMatchObject({ kind: 'withdraw', payload: 30 });
    expect(withdrawCalls).toEqual(['statesOf', 'appendOn']);
  });

  it('deposits and withdraws while the view covers it, and refuses (409) without storing when not', async () => {
    const { service, store } = setup();
    await service.deposit('alice', 100);
    const w = await service.withdraw('alice', 60);
    expect(w.event).toMatchObject({ kind: 'withdraw', payload: 60, key: 'alice' });
    const before = await store.count();
    await expect(service.withdraw('alice', 50)).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(service.withdraw('alice', 50)).rejects.toMatchObject({ status: 409, code: 'insufficient-funds' });
    expect(await store.count()).toBe(before);
    expect(await service.account('alice')).toMatchObject({ account: 'alice', balance: 40, bounced: [], reversed: [], region: REGION });
    // The summary leaves the applied list to the statement (GET /accounts/{id}/history).
    expect(Object.keys(await service.account('alice')).sort()).toEqual(
      ['account', 'balance', 'bounced', 'bouncedCount', 'deposited', 'heads', 'mode', 'modes', 'region', 'reversed', 'version', 'withdrawn'],
    );
  });

  it('lets only one of two concurrent withdrawals through when the balance covers one', async () => {
    const { service } = setup();
    await service.deposit('bob', 100);
    const results = await Promise.allSettled([service.withdraw('bob', 60), service.withdraw('bob', 60)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(InsufficientFundsError);
    expect((await service.account('bob')).balance).toBe(40);
  });

  it('reports a withdrawal bounced by merge as bounced and reversed', async () => {
    const { service } = setup();
    const d = await service.deposit('carol', 100);
    await service.withdraw('carol', 80);
    // A peer accepted its own withdrawal of 80 on the same deposit, stamped later: it bounces.
    const remote = withdraw('carol', 80, { parents: [d.event], origin: 'eu-west-1', wall: BASE_WALL + 10_000 });
    await service.ingest(remote, peer);
    const acct = (await service.account('carol')) as AccountSummary;
    expect(acct.balance).toBe(20);
    expect(acct.bounced.map((b) => b.event.id)).toEqual([remote.id]);
    expect(acct.reversed).toMatchObject([{ acceptedBy: 'eu-west-1', amount: 80, balanceBefore: 20 }]);
    expect(acct.bouncedCount).toBe(1);
  });

  it('answers a zero balance for an account with no event', async () => {
    const { service } = setup();
    expect(await service.account('nobody')).toMatchObject({ balance: 0, bounced: [], reversed: [] });
  });

  it('accountHistory is the statement: money events in total order, receipts, outcome and balance after', async () => {
    // Prepare: a local deposit and withdrawal, then a peer's concurrent withdrawal that bounces.
    const { service, clock } = setup();
    const d = await service.deposit('carol', 100);
    clock.advance(5);
    const w = await service.withdraw('carol', 80);
    const remote = withdraw('carol', 80, { parents: [d.event], origin: 'eu-west-1', wall: BASE_WALL + 10_000 });
    await service.ingest(remote, peer);
    await service.put('carol', 'a register of the same name is not money');

    // Act
    const history = (await service.accountHistory('carol')) as AccountHistory;

    // Assess
    expect(history).toMatchObject({ account: 'carol', balance: 20, region: REGION });
    expect(history.events.map((e) => [e.event.id, e.outcome, e.balanceAfter, e.reversed])).toEqual([
      [d.event.id, 'applied', 100, false],
      [w.event.id, 'applied', 20, false],
      [remote.id, 'bounced', 20, true],
    ]);
    expect(history.events.map((e) => e.receipt.via)).toEqual([{ type: 'local' }, { type: 'local' }, peer]);
    expect(history.events.every((e) => e.receipt.eventId === e.event.id && e.receipt.region === REGION)).toBe(true);
    expect(history.events.map((e) => e.amount)).toEqual([100, 80, 80]);
    expect(history.balance).toBe((await service.account('carol')).balance);
  });

  it('accountHistory of an account with no event is empty, balance 0; a bad id is refused', async () => {
    const { service } = setup();
    expect(await service.accountHistory('nobody')).toEqual({ account: 'nobody', mode: 'plain', balance: 0, region: REGION, events: [] });
    await expect(service.accountHistory('a/b')).rejects.toMatchObject({ code: 'invalid-key', status: 400 });
    await expect(service.accountHistory(undefined)).rejects.toBeInstanceOf(ValidationError);
  });

  it.each([0, -1, 1.5, '10', null, undefined, Number.MAX_SAFE_INTEGER + 1])('refuses amount %s', async (amount) => {
    const { service, store } = setup();
    await expect(service.deposit('a', amount)).rejects.toMatchObject({ code: 'invalid-amount', status: 400 });
    await expect(service.withdraw('a', amount)).rejects.toMatchObject({ code: 'invalid-amount', status: 400 });
    expect(await store.count()).toBe(0);
  });

  it('refuses a bad account id', async () => {
    const { service } = setup();
    await expect(service.deposit('a/b', 1)).rejects.toMatchObject({ code: 'invalid-key' });
  });
});

describe('RegionService events, ingest and status', () => {
  it('answers an event with its receipt, its parents and its trail; gaps stay ids', async () => {
    const { service } = setup();
    const a = await service.put('k', 1);
    const b = await service.put('k', 2);
    const missing = 'f'.repeat(64);
    const c = setEvent('k', 3, { parents: [b.event, missing], origin: 'eu-west-1', wall: BASE_WALL + 1000 });
    await service.ingest(c, peer);
    const detail = await service.event(c.id);
    expect(detail.event).toEqual(c);
    expect(detail.receipt).toMatchObject({ via: peer, region: REGION });
    expect(detail.parents).toEqual([b.event, missing].sort((x, y) => (typeof x === 'string' ? x : x.id).localeCompare(typeof y === 'string' ? y : y.id)));
    expect(detail.trail.map((n) => n.event.id).sort()).toEqual([a.event.id, b.event.id, c.id].sort());
    expect(detail.region).toBe(REGION);
  });

  it('answers NotFound for an unknown event and 400 for a malformed id', async () => {
    const { service } = setup();
    await expect(service.event('0'.repeat(64))).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.event('xyz')).rejects.toBeInstanceOf(ValidationError);
  });

  it('ingests idempotently and orders later local writes after an ingested stamp', async () => {
    const { service } = setup();
    // Four minutes ahead: within the bound on clock offset (5 minutes).
    const future = setEvent('k', 'from the future', { origin: 'eu-west-1', hlc: formatHlc({ wall: BASE_WALL + 240_000, counter: 7 }) });
    expect((await service.ingest(future, peer)).status).toBe('stored');
    expect((await service.ingest(JSON.parse(JSON.stringify(future)), peer)).status).toBe('duplicate');
    const local = await service.put('other', 1);
    expect(local.event.hlc > future.hlc).toBe(true);
  });

  it.each([
    ['a tampered payload', (e: MeshEvent) => ({ ...e, payload: 'tampered' }), 'hash-mismatch'],
    ['a missing field', (e: MeshEvent) => ({ ...e, origin: undefined }), 'invalid-event'],
    ['not an object', () => 'hello', 'invalid-event'],
  ])('refuses %s as a poison message and stores nothing', async (_what, mutate, reason) => {
    const { service, store } = setup();
    const raw = mutate(setEvent('k', 'v', { origin: 'eu-west-1' }));
    const attempt = service.ingest(raw, peer);
    await expect(attempt).rejects.toBeInstanceOf(PoisonMessageError);
    await expect(service.ingest(raw, peer)).rejects.toMatchObject({ reason });
    expect(await store.count()).toBe(0);
  });

  it('status reports region, peers, links, event count and digest', async () => {
    const { service, links } = setup();
    const a = await service.put('k', 1);
    const d = await service.deposit('acct', 5);
    await links.setLink('eu-west-1', REGION, false);
    const status = await service.status();
    expect(status).toMatchObject({ region: REGION, peers: PEERS, events: 2 });
    expect(status.digest).toEqual(digestOf([a.event.id, d.event.id]));
    expect(status.links).toHaveLength(6);
    expect(status.links).toContainEqual({ from: 'eu-west-1', to: REGION, enabled: false, sync: 'partitioned' });
    expect(status.inbound).toEqual({ sync: 'partitioned', waiting: 0, dlq: 0, partitionedFrom: ['eu-west-1'], repairThrough: ['ap-southeast-2'] });
  });

  it('status says how far behind each link into this region is now, and sums it up in inbound', async () => {
    // Prepare: a link control that reports queue depths; eu-west-1 cut at +2 s with 4 events waiting.
    const { service, clock, store } = setup();
    const links: LinkControl = {
      setLink: async () => Promise.reject(new Error('not here')),
      links: async () => [
        { from: 'eu-west-1', to: REGION, enabled: false, backlog: 4, inFlight: 0, dlq: 0, changedAt: BASE_WALL + 2_000 },
        { from: 'ap-southeast-2', to: REGION, enabled: true, backlog: 0, inFlight: 0, dlq: 0 },
        { from: REGION, to: 'eu-west-1', enabled: true, backlog: 7, inFlight: 0, dlq: 0 },
      ],
    };
    const withDepths = new RegionService({ region: REGION, peers: PEERS, store, links, clock });
    clock.advance(1_000);
    await service.recordDelivery('eu-west-1', [setEvent('k', 1, { origin: 'eu-west-1', wall: BASE_WALL + 500 })]);
    clock.advance(9_000);

    // Act
    const status = await withDepths.status();

    // Assess: stale from the cut (the later of it and the last delivered event), 8 s by now.
    expect(status.links.find((l) => l.from === 'eu-west-1')).toMatchObject({ waiting: 4, staleMs: 8_000, sync: 'partitioned', lag: { lastMs: 500 } });
    expect(status.links.find((l) => l.from === 'ap-southeast-2')).toMatchObject({ waiting: 0, staleMs: 0, sync: 'in-sync' });
    // An outbound link is the destination's to judge: it carries only what the link control says.
    expect(status.links.find((l) => l.to === 'eu-west-1')).toEqual({ from: REGION, to: 'eu-west-1', enabled: true, backlog: 7, inFlight: 0, dlq: 0 });
    expect(status.inbound).toEqual({ sync: 'partitioned', waiting: 4, dlq: 0, partitionedFrom: ['eu-west-1'], repairThrough: ['ap-southeast-2'], staleMs: 8_000 });
  });

  it('status shows the lag of the last delivery on links into this region, from the scripted clock', async () => {
    // Prepare: eu-west-1 events stamped 200 ms and 700 ms after BASE_WALL; stored at BASE_WALL + 1000
    const { service, clock, links } = setup();
    const older = setEvent('k', 1, { origin: 'eu-west-1', wall: BASE_WALL + 200 });
    const newest = setEvent('k2', 2, { origin: 'eu-west-1', wall: BASE_WALL + 700, counter: 3 });
    await links.setLink('eu-west-1', REGION, false);
    clock.advance(1_000);
    // Act
    await service.recordDelivery('eu-west-1', [newest, older]);
    clock.advance(500);
    await service.recordDelivery('eu-west-1', []); // nothing delivered: nothing recorded
    const status = await service.status();
    // Assess
    const inbound = status.links.find((l) => l.from === 'eu-west-1' && l.to === REGION);
    expect(inbound).toEqual({
      from: 'eu-west-1',
      to: REGION,
      enabled: false,
      lag: { lastMs: 300, at: BASE_WALL + 1_000, originAt: BASE_WALL + 700, events: 2 },
      sync: 'partitioned',
    });
    // Only inbound links carry a lag, and only once something was delivered over them.
    expect(status.links.find((l) => l.from === REGION && l.to === 'eu-west-1')?.lag).toBeUndefined();
    expect(status.links.find((l) => l.from === 'ap-southeast-2' && l.to === REGION)?.lag).toBeUndefined();
  });

  it('status lag includes clock skew: an origin clock ahead of this one gives a negative lag', async () => {
    const { service, clock } = setup();
    const fromTheFuture = setEvent('k', 1, { origin: 'ap-southeast-2', wall: BASE_WALL + 5_000 });
    clock.advance(1_000);
    await service.recordDelivery('ap-southeast-2', [fromTheFuture]);
    const lag = (await service.status()).links.find((l) => l.from === 'ap-southeast-2' && l.to === REGION)?.lag;
    expect(lag).toEqual({ lastMs: -4_000, at: BASE_WALL + 1_000, originAt: BASE_WALL + 5_000, events: 1 });
  });

  it('status still answers when the lag cannot be read, naming why', async () => {
    const { service, store } = setup();
    store.deliveries = async () => {
      throw new Error('table throttled');
    };
    const status = await service.status();
    expect(status).toMatchObject({ region: REGION, lagError: 'table throttled', events: 0 });
    expect(status.links).toHaveLength(6);
  });

  it('status still answers when the link control cannot, naming why', async () => {
    const { service, links } = setup();
    links.links = async () => {
      throw new Error('lambda unreachable');
    };
    expect(await service.status()).toMatchObject({ region: REGION, links: [], linksError: 'lambda unreachable', events: 0 });
  });

  it('setLink switches a link of the mesh and refuses unknown regions and bad bodies', async () => {
    const { service, links } = setup();
    expect(await service.setLink(REGION, 'eu-west-1', false)).toEqual({ from: REGION, to: 'eu-west-1', enabled: false });
    expect((await links.links()).find((l) => l.from === REGION && l.to === 'eu-west-1')?.enabled).toBe(false);
    await expect(service.setLink(REGION, 'mars-north-1', true)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.setLink(REGION, 'eu-west-1', 'yes')).rejects.toMatchObject({ code: 'bad-request' });
    await expect(service.setLink(REGION, REGION, true)).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('keeps the total order of ingested events regardless of arrival order', async () => {
    const { service } = setup();
    const a = deposit('z', 10, { origin: 'eu-west-1' });
    const b = deposit('z', 20, { parents: [a], origin: 'ap-southeast-2' });
    await service.ingest(b, { type: 'peer', peer: 'ap-southeast-2' });
    await service.ingest(a, peer);
    expect((await service.account('z')).balance).toBe(30);
    expect((await allEventsOf(service.store, 'A#z')).map((s) => s.event)).toEqual([a, b].sort(compareEvents));
  });
});
