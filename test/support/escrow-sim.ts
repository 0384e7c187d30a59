/**
 * A simulated mesh of 3 or 4 regions writing to one escrow account, for property tests. Each
 * region has its own skewed wall clock and a real HybridClock, names its current heads as
 * parents, and accepts a withdrawal or a transfer only when its own check passes on its own view
 * (`checkEscrowWithdraw` / `checkEscrowTransfer`, with `spendableRights` when the view has a gap),
 * exactly as the service will. Links between regions go up and down (partitions); a sync
 * delivers an arbitrary subset of what the sender knows over an up link, so receivers often hold
 * children without their parents; later delivery orders and duplicates come from `deliveryPlan`.
 *
 * A region can be made deliberately broken (`checking`), for the negative controls: one that
 * spends against the whole balance (rights it does not hold), one that trusts a view with gaps.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(escrowScenarioArb, (s) => {
 *   const mesh = runEscrowScenario(s);
 *   expect(escrowState(ESCROW_SIM_ACCOUNT, mesh.universe(), SIM_FOLD).bounced).toEqual([]);
 * }));
 * ```
 */
import fc from 'fast-check';
import { nextWant } from '../../shared/domain/escrow-demand.ts';
import { InsufficientRightsError } from '../../shared/domain/escrow-errors.ts';
import { hasGap, provableRights, spendableRights } from '../../shared/domain/escrow-spendable.ts';
import type { EscrowState } from '../../shared/domain/escrow.ts';
import { checkEscrowTransfer, checkEscrowWithdraw, escrowFold, escrowState, rightsOf } from '../../shared/domain/escrow.ts';
import { createEvent } from '../../shared/domain/event.ts';
import { computeHeads } from '../../shared/domain/heads.ts';
import { HybridClock } from '../../shared/domain/hlc.ts';
import type { PlannedTransfer, RebalanceParams } from '../../shared/domain/rebalance.ts';
import { planTransfers } from '../../shared/domain/rebalance.ts';
import type { EscrowKind, JsonValue, MeshEvent } from '../../shared/domain/types.ts';
import { BASE_WALL } from './factories.ts';

/** The account written: the same id as a plain account of `mesh-sim.ts`, on purpose. @example `escrowState(ESCROW_SIM_ACCOUNT, events)` */
export const ESCROW_SIM_ACCOUNT = 'acct-a';
/** Regions of the simulation (the first 3 or all 4). @example `ESCROW_SIM_REGIONS.slice(0, 3)` */
export const ESCROW_SIM_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1'] as const;
/** The fold of the simulation: 1-second spending windows, so scenarios cross several. @example `escrowState(a, es, SIM_FOLD)` */
export const SIM_FOLD = escrowFold({ spendWindowMs: 1000 });
/** Band used by the simulated rebalancer. @example `planTransfers(s, r, { regions, ...SIM_BAND })` */
export const SIM_BAND = { bandPercent: 5, minBand: 3 } as const;

/**
 * How a region checks a debit. `honest`: its own provable rights from its events
 * (`spendableRights` when its view has a gap). `snapshot`: `provableRights` of its replay alone,
 * as the service does on the store's snapshot (no events, no gap detection). `spends-balance`:
 * the whole balance, i.e. it may spend rights other regions hold (broken). `ignores-gaps`: the
 * rights of its replay even when its view has a gap (broken, subtly).
 *
 * @example
 * ```ts
 * runEscrowScenario(s, { checking: 'spends-balance' });
 * ```
 */
export type Checking = 'honest' | 'snapshot' | 'spends-balance' | 'ignores-gaps';

/** A rebalancing policy, so a broken one can be plugged in. @example `const p: Planner = planTransfers` */
export type Planner = (state: EscrowState, region: string, params: RebalanceParams) => PlannedTransfer[];

/** One step of a scenario (regions and links are indices, taken modulo the region count). @example `{ t: 'withdraw', r: 1, share: 80, ask: true }` */
export type EscrowOp =
  | { readonly t: 'open'; readonly r: number }
  | { readonly t: 'deposit'; readonly r: number; readonly amount: number }
  /** `share` percent of what the region believes it may spend; above 100 it is refused (409). `ask`: then request rights. */
  | { readonly t: 'withdraw'; readonly r: number; readonly share: number; readonly ask: boolean }
  | { readonly t: 'transfer'; readonly r: number; readonly to: number; readonly share: number }
  | { readonly t: 'request'; readonly r: number; readonly want: number }
  | { readonly t: 'rebalance'; readonly r: number }
  /** A withdrawal of a fixed amount (refused when not covered; then asks for rights). */
  | { readonly t: 'spend'; readonly r: number; readonly amount: number }
  /** What the scheduler does in a region: update its request from its spending, then rebalance. */
  | { readonly t: 'schedule'; readonly r: number }
  /**
   * Delivers the subset picked by `mask` of `from`'s events, if the link from → to is up: of its
   * own events only (`own`, as the replicator sends), or of everything it knows (as repair pulls).
   */
  | { readonly t: 'sync'; readonly from: number; readonly to: number; readonly mask: number; readonly own: boolean }
  /** Link i → j (i ≠ j, in row order) is up iff its bit in `mask` is set. */
  | { readonly t: 'partition'; readonly mask: number }
  | { readonly t: 'heal' }
  | { readonly t: 'clock'; readonly r: number; readonly delta: number }
  /** Real time passes on every region (crosses spending windows). */
  | { readonly t: 'wait'; readonly ms: number };

/** Region count, initial skews and the steps. @example `runEscrowScenario({ regions: 3, skews: [0, 0, 0], ops })` */
export interface EscrowScenario {
  readonly regions: number;
  readonly skews: readonly number[];
  readonly ops: readonly EscrowOp[];
}

const idx = fc.nat({ max: ESCROW_SIM_REGIONS.length - 1 });

/** Writes only: deposits, withdrawals (some refused), transfers, requests, opens. @example `fc.sample(escrowWriteArb, 3)` */
export const escrowWriteArb: fc.Arbitrary<EscrowOp> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ t: fc.constant('open' as const), r: idx }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('deposit' as const), r: idx, amount: fc.integer({ min: 1, max: 200 }) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('withdraw' as const), r: idx, share: fc.integer({ min: 20, max: 130 }), ask: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('transfer' as const), r: idx, to: idx, share: fc.integer({ min: 10, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('request' as const), r: idx, want: fc.integer({ min: 0, max: 300 }) }) },
);

/** Delivery, partitions and time. @example `fc.sample(escrowNetArb, 3)` */
export const escrowNetArb: fc.Arbitrary<EscrowOp> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('sync' as const), from: idx, to: idx, mask: fc.noBias(fc.nat()), own: fc.nat({ max: 3 }).map((n) => n > 0) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('partition' as const), mask: fc.noBias(fc.nat({ max: 4095 })) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'heal' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('clock' as const), r: idx, delta: fc.integer({ min: -3000, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 2500 }) }) },
);

/** Any step, rebalancing included. @example `fc.sample(escrowOpArb, 3)` */
export const escrowOpArb: fc.Arbitrary<EscrowOp> = fc.oneof(
  { weight: 15, arbitrary: escrowWriteArb },
  { weight: 12, arbitrary: escrowNetArb },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('rebalance' as const), r: idx }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('schedule' as const), r: idx }) },
);

const skewsArb = fc.array(fc.integer({ min: -2000, max: 2000 }), { minLength: 4, maxLength: 4 });

/** Up to 45 arbitrary steps over 3 or 4 regions. @example `fc.sample(randomScenarioArb, 1)` */
export const randomScenarioArb: fc.Arbitrary<EscrowScenario> = fc.record({
  regions: fc.constantFrom(3, 4),
  skews: skewsArb,
  ops: fc.array(escrowOpArb, { minLength: 1, maxLength: 45, size: 'max' }),
});

/**
 * A relay through a gap, then arbitrary steps: region s, holding k deposits, spends part of its
 * rights (z) and hands some of the rest to r (t); r, with a deposit of its own, receives t and
 * some of s's deposits but not z, spends, then receives z and maybe more deposits, and spends
 * again. Rare in purely random steps, this is the history that punishes a region trusting a
 * replay with gaps (see `escrow-spendable.ts`). @example `fc.sample(relayScenarioArb, 1)`
 */
export const relayScenarioArb: fc.Arbitrary<EscrowScenario> = fc
  .record({
    regions: fc.constantFrom(3, 4),
    skews: skewsArb,
    s: idx,
    hop: fc.integer({ min: 1, max: 3 }),
    deposits: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 3 }),
    own: fc.integer({ min: 1, max: 100 }),
    spend: fc.integer({ min: 30, max: 70 }),
    send: fc.integer({ min: 50, max: 100 }),
    x: fc.integer({ min: 30, max: 100 }),
    delivered: fc.array(fc.nat({ max: 7 }), { minLength: 2, maxLength: 2 }),
    after: fc.array(escrowOpArb, { maxLength: 15 }),
  })
  .map(({ regions, skews, s, hop, deposits, own, spend, send, x, delivered, after }) => {
    const from = s % regions;
    const to = (from + hop) % regions;
    const k = deposits.length;
    // Bits over s's own events in write order: deposits 0..k-1, z at k, t at k + 1.
    const deps = (m: number) => m & ((1 << k) - 1);
    // A mask ≡ 0 (mod 5) means "deliver everything" to `sync`: bit 20 (no event) avoids that.
    const nonTotal = (m: number) => (m % 5 === 0 ? m | (1 << 20) : m);
    const ops: EscrowOp[] = [
      ...deposits.map((amount) => ({ t: 'deposit' as const, r: from, amount })),
      { t: 'withdraw', r: from, share: spend, ask: false },
      { t: 'transfer', r: from, to, share: send },
      { t: 'deposit', r: to, amount: own },
      { t: 'sync', from, to, mask: nonTotal((1 << (k + 1)) | deps(delivered[0] as number)), own: true },
      // All it believes it holds, so a transfer that bounces later leaves the withdrawal uncovered.
      { t: 'withdraw', r: to, share: 100, ask: false },
      { t: 'sync', from, to, mask: nonTotal((1 << k) | deps(delivered[1] as number)), own: true },
      { t: 'withdraw', r: to, share: x, ask: false },
      ...after,
    ];
    return { regions, skews, ops };
  });

/** The scenarios of the properties: mostly arbitrary steps, a quarter relays through a gap. @example `fc.property(escrowScenarioArb, (s) => …)` */
export const escrowScenarioArb: fc.Arbitrary<EscrowScenario> = fc.oneof({ weight: 3, arbitrary: randomScenarioArb }, { weight: 1, arbitrary: relayScenarioArb });

/** Options of a simulated mesh. @example `new EscrowMesh(3, [0, 0, 0], { checking: 'ignores-gaps' })` */
export interface EscrowMeshOptions {
  readonly checking?: Checking;
  readonly planner?: Planner;
}

interface SimRegion {
  readonly name: string;
  wall: number;
  readonly clock: HybridClock;
  readonly known: Map<string, MeshEvent>;
  /** The replay, the provable rights and the gap flag of `known`, dropped whenever it grows. */
  cache?: EscrowState;
  spendable?: bigint;
  gap?: boolean;
}

/** A debit a region accepted, and whether its view had a gap then. @example `mesh.accepted.get(id)?.gap` */
export interface Acceptance {
  readonly region: string;
  readonly gap: boolean;
}

/**
 * The simulated mesh. Deterministic: the same steps give the same events.
 *
 * @example
 * ```ts
 * const mesh = new EscrowMesh(3, [0, 0, 0]);
 * mesh.run([{ t: 'deposit', r: 0, amount: 100 }, { t: 'rebalance', r: 0 }]);
 * mesh.universe(); // the deposit and two transfers
 * ```
 */
export class EscrowMesh {
  readonly names: readonly string[];
  /** Every debit (withdrawal or transfer) a region's check accepted. */
  readonly accepted = new Map<string, Acceptance>();
  /** Withdrawals refused for lack of rights. */
  readonly refusals: { readonly region: string; readonly amount: number }[] = [];
  /** Transfers issued by the rebalancer, in order. */
  readonly rebalanced: MeshEvent[] = [];
  private readonly regions: SimRegion[];
  private readonly all = new Map<string, MeshEvent>();
  private up: boolean[][];
  private readonly checking: Checking;
  private readonly planner: Planner;

  constructor(n: number, skews: readonly number[], options: EscrowMeshOptions = {}) {
    this.names = ESCROW_SIM_REGIONS.slice(0, n);
    this.regions = this.names.map((name, i) => {
      const r: SimRegion = { name, wall: BASE_WALL + (skews[i] ?? 0), clock: new HybridClock({ now: () => r.wall }), known: new Map() };
      return r;
    });
    this.up = this.names.map(() => this.names.map(() => true));
    this.checking = options.checking ?? 'honest';
    this.planner = options.planner ?? planTransfers;
  }

  /** Runs the steps in order. @example `mesh.run(scenario.ops)` */
  run(ops: readonly EscrowOp[]): this {
    for (const op of ops) this.apply(op);
    return this;
  }

  /** One step. @example `mesh.apply({ t: 'heal' })` */
  apply(op: EscrowOp): void {
    // Real time passes between steps on every region.
    for (const r of this.regions) r.wall += 7;
    switch (op.t) {
      case 'open':
        this.write(this.at(op.r), 'escrow-open', null);
        break;
      case 'deposit':
        this.write(this.at(op.r), 'escrow-deposit', op.amount);
        break;
      case 'withdraw':
        this.withdraw(this.at(op.r), op.share, op.ask);
        break;
      case 'transfer': {
        const r = this.at(op.r);
        const to = this.at(op.to);
        if (to === r) break;
        const amount = Math.ceil((Math.max(Number(this.believed(r)), 1) * op.share) / 100);
        if (!this.debitAllowed(r, amount)) break;
        this.debit(r, 'escrow-transfer', this.checks() ? checkEscrowTransfer(this.state(r), r.name, to.name, amount, this.spendable(r)) : { to: to.name, amount });
        break;
      }
      case 'request':
        this.write(this.at(op.r), 'escrow-request', { want: op.want });
        break;
      case 'rebalance':
        this.rebalance(op.r);
        break;
      case 'spend':
        this.withdraw(this.at(op.r), op.amount, true, true);
        break;
      case 'schedule': {
        const r = this.at(op.r);
        const want = nextWant(this.state(r), r.name, r.wall, SIM_BAND);
        if (want !== undefined) this.write(r, 'escrow-request', { want });
        this.rebalance(op.r);
        break;
      }
      case 'sync':
        this.sync(op.from, op.to, op.mask, op.own);
        break;
      case 'partition': {
        let bit = 0;
        this.up = this.names.map((_a, i) => this.names.map((_b, j) => (i === j ? true : ((op.mask >>> bit++ % 31) & 1) === 1)));
        break;
      }
      case 'heal':
        this.up = this.names.map(() => this.names.map(() => true));
        break;
      case 'clock':
        this.at(op.r).wall += op.delta;
        break;
      case 'wait':
        for (const r of this.regions) r.wall += op.ms;
        break;
    }
  }

  /** Region i runs the rebalancer on its view and issues the planned transfers; returns them. @example `mesh.rebalance(0)` */
  rebalance(i: number): MeshEvent[] {
    const r = this.at(i);
    const me = this.regions.indexOf(r);
    const reachable = this.names.filter((_n, j) => j !== me && (this.up[me] as boolean[])[j]);
    const plan = this.planner(this.state(r), r.name, { regions: this.names, reachable, spendable: this.spendable(r), ...SIM_BAND });
    const out: MeshEvent[] = [];
    for (const p of plan) {
      // A plan must always pass the region's own check: a refusal here is a bug in the planner.
      const payload = checkEscrowTransfer(this.state(r), r.name, p.to, p.amount, this.spendable(r));
      const e = this.debit(r, 'escrow-transfer', payload);
      this.rebalanced.push(e);
      out.push(e);
    }
    return out;
  }

  /** Delivers `from`'s events (its own only, with `own`) picked by `mask` to `to`, over an up link. @example `mesh.sync(0, 1, 0xffff, true)` */
  sync(from: number, to: number, mask: number, own = false): void {
    const [a, b] = [this.at(from), this.at(to)];
    if (a === b || !(this.up[this.regions.indexOf(a)] as boolean[])[this.regions.indexOf(b)]) return;
    let i = 0;
    for (const e of a.known.values()) {
      if (own && e.origin !== a.name) continue;
      if (((mask >>> i % 31) & 1) === 1 || mask % 5 === 0) this.receive(b, e);
      i++;
    }
  }

  /** Every up link delivers everything its sender knows. @example `mesh.syncUpLinks()` */
  syncUpLinks(): void {
    this.regions.forEach((a, i) => this.regions.forEach((b, j) => {
      if (i !== j && (this.up[i] as boolean[])[j]) for (const e of a.known.values()) this.receive(b, e);
    }));
  }

  /** Heals every link and delivers everything everywhere. @example `mesh.fullSync()` */
  fullSync(): void {
    this.apply({ t: 'heal' });
    for (const r of this.regions) for (const e of this.all.values()) this.receive(r, e);
  }

  /** Every event any region wrote, in creation order. @example `mesh.universe()` */
  universe(): MeshEvent[] {
    return [...this.all.values()];
  }

  /** What region i knows. @example `mesh.known(1)` */
  known(i: number): MeshEvent[] {
    return [...this.at(i).known.values()];
  }

  /** Region i's replayed state (its whole view, gaps included). @example `mesh.stateOf(0).balance` */
  stateOf(i: number): EscrowState {
    return this.state(this.at(i));
  }

  /** Whether link i → j is up. @example `mesh.linkUp(0, 1)` */
  linkUp(i: number, j: number): boolean {
    return (this.up[i] as boolean[])[j] as boolean;
  }

  /** A withdrawal of `share` percent of what the region believes it holds, or of exactly `share` when `fixed`. */
  private withdraw(r: SimRegion, share: number, ask: boolean, fixed = false): void {
    const amount = fixed ? share : Math.ceil((Math.max(Number(this.believed(r)), 1) * share) / 100);
    if (this.debitAllowed(r, amount)) {
      this.debit(r, 'escrow-withdraw', this.checks() ? checkEscrowWithdraw(this.state(r), r.name, amount, this.spendable(r)) : amount);
      return;
    }
    this.refusals.push({ region: r.name, amount });
    if (!ask) return;
    const want = nextWant(this.state(r), r.name, r.wall, { refused: amount, ...SIM_BAND });
    if (want !== undefined) this.write(r, 'escrow-request', { want });
  }

  /** What the region takes as its spendable rights under its checking mode. */
  private believed(r: SimRegion): bigint {
    if (this.checking === 'spends-balance') return BigInt(this.state(r).balance);
    return this.spendable(r) ?? rightsOf(this.state(r), r.name);
  }

  /** Whether regions run the real checks (`checkEscrowWithdraw`/`checkEscrowTransfer`). */
  private checks(): boolean {
    return this.checking === 'honest' || this.checking === 'snapshot';
  }

  private debitAllowed(r: SimRegion, amount: number): boolean {
    if (!this.checks()) return this.believed(r) >= BigInt(amount);
    try {
      checkEscrowWithdraw(this.state(r), r.name, amount, this.spendable(r));
      return true;
    } catch (e) {
      if (e instanceof InsufficientRightsError) return false;
      throw e;
    }
  }

  private debit(r: SimRegion, kind: 'escrow-withdraw' | 'escrow-transfer', payload: JsonValue): MeshEvent {
    r.gap ??= hasGap(r.known.values());
    const gap = r.gap;
    const e = this.write(r, kind, payload);
    this.accepted.set(e.id, { region: r.name, gap });
    return e;
  }

  private spendable(r: SimRegion): bigint | undefined {
    if (this.checking === 'ignores-gaps') return undefined;
    if (this.checking === 'snapshot') return (r.spendable ??= provableRights(this.state(r), r.name));
    // Without a gap it is the replay's rights (a property checks that): skip the second replay.
    r.gap ??= hasGap(r.known.values());
    r.spendable ??= r.gap ? spendableRights(ESCROW_SIM_ACCOUNT, r.known.values(), r.name, SIM_FOLD) : rightsOf(this.state(r), r.name);
    return r.spendable;
  }

  private state(r: SimRegion): EscrowState {
    r.cache ??= escrowState(ESCROW_SIM_ACCOUNT, r.known.values(), SIM_FOLD);
    return r.cache;
  }

  private write(r: SimRegion, kind: EscrowKind, payload: JsonValue): MeshEvent {
    const heads = computeHeads(r.known.values());
    const e = createEvent({ kind, key: ESCROW_SIM_ACCOUNT, payload, hlc: r.clock.tick(heads.map((h) => h.hlc)), origin: r.name, parents: heads.map((h) => h.id) });
    this.receive(r, e);
    this.all.set(e.id, e);
    return e;
  }

  private receive(r: SimRegion, e: MeshEvent): void {
    if (r.known.has(e.id)) return;
    r.known.set(e.id, e);
    r.clock.observe(e.hlc);
    r.cache = r.spendable = r.gap = undefined;
  }

  private at(i: number): SimRegion {
    return this.regions[i % this.regions.length] as SimRegion;
  }
}

/** Runs a scenario on a fresh mesh. @example `const mesh = runEscrowScenario(s)` */
export function runEscrowScenario(s: EscrowScenario, options: EscrowMeshOptions = {}): EscrowMesh {
  return new EscrowMesh(s.regions, s.skews, options).run(s.ops);
}
