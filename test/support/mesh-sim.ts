/**
 * A small simulated mesh for property tests: several replicas write concurrently (each with its
 * own skewed, possibly backwards-jumping wall clock and a real HybridClock), naming their current
 * heads as parents, and exchange arbitrary subsets of events. The events it produces are the
 * realistic DAGs the domain must handle: concurrent branches, resolves, deletes, deposits,
 * withdrawals (some accepted on a partial view), children known before their parents.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(scenarioArb, (s) => { const { universe } = runScenario(s); … }));
 * ```
 */
import fc from 'fast-check';
import { accountView } from '../../shared/domain/bank.ts';
import { createEvent } from '../../shared/domain/event.ts';
import { computeHeads } from '../../shared/domain/heads.ts';
import { HybridClock } from '../../shared/domain/hlc.ts';
import type { JsonValue, MeshEvent } from '../../shared/domain/types.ts';
import { seededRandom } from '../../shared/util/seeded-random.ts';
import { BASE_WALL } from './factories.ts';

/** Replicas of the simulation. @example `SIM_REGIONS.length // 3` */
export const SIM_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
/** Register keys written. @example `registerView(SIM_KEYS[0], events)` */
export const SIM_KEYS = ['colour', 'size'] as const;
/** Accounts written. @example `accountView(SIM_ACCOUNTS[0], events)` */
export const SIM_ACCOUNTS = ['acct-a', 'acct-b'] as const;

/** One step: a register write, a money write, a partial sync, a clock jump, or a withdrawal race. @example `{ t: 'sync', from: 0, to: 1, mask: 5 }` */
export type SimOp =
  | { readonly t: 'reg'; readonly replica: number; readonly key: number; readonly kind: 'set' | 'delete' | 'resolve'; readonly value: JsonValue }
  | { readonly t: 'money'; readonly replica: number; readonly account: number; readonly kind: 'deposit' | 'withdraw'; readonly amount: number; readonly share: number; readonly force: boolean }
  | { readonly t: 'sync'; readonly from: number; readonly to: number; readonly mask: number }
  | { readonly t: 'clock'; readonly replica: number; readonly delta: number }
  | { readonly t: 'race'; readonly a: number; readonly b: number; readonly account: number; readonly share: number };

/** Initial clock skews and the steps. @example `runScenario({ skews: [0, 0, 0], ops })` */
export interface Scenario {
  readonly skews: readonly number[];
  readonly ops: readonly SimOp[];
}

const replicaArb = fc.nat({ max: SIM_REGIONS.length - 1 });
const valueArb: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.integer({ min: 0, max: 9 }),
  fc.constantFrom('red', 'green', 'blue'),
  fc.constant(null),
  fc.record({ v: fc.integer({ min: 0, max: 3 }) }),
);

/** Any step. @example `fc.sample(opArb, 3)` */
export const opArb: fc.Arbitrary<SimOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('reg' as const), replica: replicaArb, key: fc.nat({ max: SIM_KEYS.length - 1 }), kind: fc.constantFrom('set' as const, 'set' as const, 'delete' as const, 'resolve' as const), value: valueArb }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('money' as const),
      replica: replicaArb,
      account: fc.nat({ max: SIM_ACCOUNTS.length - 1 }),
      kind: fc.constantFrom('deposit' as const, 'withdraw' as const, 'withdraw' as const),
      // Deposits use `amount`; a checked withdrawal takes `share` percent of what its origin sees,
      // so concurrent withdrawals on different regions often overdraw once merged.
      amount: fc.integer({ min: 1, max: 50 }),
      share: fc.integer({ min: 20, max: 100 }),
      // A few withdrawals skip the origin's balance check, as if accepted by a buggy or older
      // region: they yield bounces that are not reversals.
      force: fc.nat({ max: 19 }).map((n) => n === 0),
    }),
  },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('sync' as const), from: replicaArb, to: replicaArb, mask: fc.noBias(fc.nat()) }) },
  // Split brain right after a full sync: two regions withdraw from the same money at once.
  { weight: 1, arbitrary: fc.record({ t: fc.constant('race' as const), a: replicaArb, b: replicaArb, account: fc.nat({ max: SIM_ACCOUNTS.length - 1 }), share: fc.integer({ min: 40, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('clock' as const), replica: replicaArb, delta: fc.integer({ min: -3000, max: 3000 }) }) },
);

/** Scenarios of up to 40 steps (sized to the max so DAGs are rich). @example `fc.property(scenarioArb, (s) => …)` */
export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  skews: fc.array(fc.integer({ min: -2000, max: 2000 }), { minLength: SIM_REGIONS.length, maxLength: SIM_REGIONS.length }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 40, size: 'max' }),
});

interface Replica {
  readonly region: string;
  wall: number;
  readonly clock: HybridClock;
  readonly known: Map<string, MeshEvent>;
}

/** Outcome of a scenario. @example `runScenario(s).universe` */
export interface SimResult {
  /** Every event any replica wrote. */
  readonly universe: MeshEvent[];
  /** What each replica ended up knowing. */
  readonly replicas: readonly MeshEvent[][];
  /** Withdrawals that skipped the origin's balance check. */
  readonly forced: ReadonlySet<string>;
  /**
   * Checked withdrawals whose origin held no gap in the account (every known event's parents
   * known) when it accepted: for these the ancestry replay is exactly the origin's view.
   */
  readonly checkedWithoutGap: ReadonlySet<string>;
}

/** Runs a scenario deterministically (same scenario, same events). @example `const { universe, replicas } = runScenario(s)` */
export function runScenario(s: Scenario): SimResult {
  const replicas: Replica[] = SIM_REGIONS.map((region, i) => {
    const r: Replica = { region, wall: BASE_WALL + (s.skews[i] ?? 0), clock: new HybridClock({ now: () => r.wall }), known: new Map() };
    return r;
  });
  const all = new Map<string, MeshEvent>();
  const forced = new Set<string>();
  const checkedWithoutGap = new Set<string>();
  const gapFree = (r: Replica, key: string): boolean =>
    [...r.known.values()].every((e) => e.key !== key || e.parents.every((p) => r.known.has(p)));
  const of = (i: number): Replica => replicas[i % replicas.length] as Replica;
  const write = (r: Replica, kind: MeshEvent['kind'], key: string, payload: JsonValue): MeshEvent => {
    const mine = [...r.known.values()].filter((e) => e.key === key);
    const heads = computeHeads(mine);
    const e = createEvent({ kind, key, payload, hlc: r.clock.tick(heads.map((h) => h.hlc)), origin: r.region, parents: heads.map((h) => h.id) });
    r.known.set(e.id, e);
    all.set(e.id, e);
    return e;
  };
  for (const op of s.ops) {
    // Real time passes between operations on every replica.
    for (const r of replicas) r.wall += 7;
    switch (op.t) {
      case 'reg': {
        const key = SIM_KEYS[op.key % SIM_KEYS.length] as string;
        write(of(op.replica), op.kind, key, op.kind === 'delete' ? null : op.value);
        break;
      }
      case 'money': {
        const r = of(op.replica);
        const account = SIM_ACCOUNTS[op.account % SIM_ACCOUNTS.length] as string;
        let amount = op.amount;
        if (op.kind === 'withdraw' && !op.force) {
          const balance = accountView(account, r.known.values()).balance;
          amount = Math.ceil((balance * op.share) / 100);
          if (amount <= 0 || balance < amount) break; // what the API answers with a 409
        }
        const clean = gapFree(r, account);
        const e = write(r, op.kind, account, amount);
        if (op.kind === 'withdraw' && op.force) forced.add(e.id);
        if (op.kind === 'withdraw' && !op.force && clean) checkedWithoutGap.add(e.id);
        break;
      }
      case 'sync': {
        const from = of(op.from);
        const to = of(op.to);
        // An arbitrary subset, so receivers often hold a child without its parent.
        let i = 0;
        for (const e of from.known.values()) {
          if (((op.mask >>> i % 31) & 1) === 1 || op.mask % 5 === 0) {
            to.known.set(e.id, e);
            to.clock.observe(e.hlc);
          }
          i++;
        }
        break;
      }
      case 'clock':
        of(op.replica).wall += op.delta;
        break;
      case 'race': {
        const [a, b] = [of(op.a), of(op.b)];
        const account = SIM_ACCOUNTS[op.account % SIM_ACCOUNTS.length] as string;
        for (const e of a.known.values()) {
          b.known.set(e.id, e);
          b.clock.observe(e.hlc);
        }
        for (const r of a === b ? [a] : [a, b]) {
          const amount = Math.ceil((accountView(account, r.known.values()).balance * op.share) / 100);
          if (amount <= 0) continue;
          const clean = gapFree(r, account);
          const e = write(r, 'withdraw', account, amount);
          if (clean) checkedWithoutGap.add(e.id);
        }
        break;
      }
    }
  }
  return { universe: [...all.values()], replicas: replicas.map((r) => [...r.known.values()]), forced, checkedWithoutGap };
}

/** How one replica receives the events. @example `for (const e of plan.first) receive(e)` */
export interface DeliveryPlan {
  /** Delivered first, in this order, with duplicates. */
  readonly first: MeshEvent[];
  /** Held back (lost for a while), then delivered in this order, with duplicates. */
  readonly later: MeshEvent[];
}

/** A random permutation of `events` with duplicates, split into a first wave and a late wave. @example `deliveryPlan(universe, seed)` */
export function deliveryPlan(events: readonly MeshEvent[], seed: number): DeliveryPlan {
  // Delivery plans derive from one fast-check seed.
  const rnd = seededRandom(seed);
  const holdRate = rnd() * 0.6;
  const dupRate = rnd() * 0.5;
  const first: MeshEvent[] = [];
  const later: MeshEvent[] = [];
  for (const e of events) {
    const wave = rnd() < holdRate ? later : first;
    wave.push(e);
    if (rnd() < dupRate) (rnd() < 0.5 ? first : later).push(e);
  }
  return { first: shuffle(first, rnd), later: shuffle(later, rnd) };
}

function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
  return xs;
}
