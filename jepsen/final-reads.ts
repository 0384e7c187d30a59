/**
 * Final reads: after the heal and the quiet period, ask every region for everything the checkers
 * compare. Registers: `GET /kv/{key}` and `GET /kv/{key}/history`. Accounts: `GET /accounts/{id}`
 * and the account's statement, `GET /accounts/{id}/history` (its deposits and withdrawals).
 *
 * The rounds repeat until the regions agree or `settleMs` passes: a mesh is convergent if it
 * agrees eventually, and the report says how long "eventually" took.
 *
 * @example
 * ```ts
 * import { readFinalStates } from './final-reads.ts';
 * const final = await readFinalStates({ clients, workload: 'register', keys, recorder, settleMs: 30_000 });
 * ```
 */
import type { MeshEvent } from '../shared/domain/types.ts';
import { MeshHttpError } from '../shared/client/errors.ts';
import type { JepsenClient } from './client.ts';
import { isNoEventHere } from './client.ts';
import type { FinalAccount, FinalEvent, FinalReads, FinalRegister, RegionFinal } from './final-state.ts';
import { listedIds } from './final-state.ts';
import type { Recorder } from './recorder.ts';
import type { Op } from './history.ts';
import type { WorkloadName } from './workloads/workload.ts';
import { checkConvergence } from './checkers/convergence.ts';

export interface FinalReadOptions {
  readonly clients: readonly JepsenClient[];
  readonly workload: WorkloadName;
  readonly keys: readonly string[];
  readonly recorder: Recorder;
  /** Keep re-reading this long (ms) while regions disagree (default 30 000). */
  readonly settleMs?: number;
  /** Pause between rounds (ms, default 1000). */
  readonly roundMs?: number;
}

const toFinalEvent = (e: MeshEvent): FinalEvent => ({ id: e.id, kind: e.kind, payload: e.payload, hlc: e.hlc, origin: e.origin, parents: e.parents });

async function readRegister(c: JepsenClient, key: string): Promise<{ reg: FinalRegister; events: FinalEvent[] }> {
  let reg: FinalRegister;
  try {
    const v = await c.mesh.get(key);
    reg = { found: true, value: v.value, deleted: v.deleted, heads: v.heads.map((h) => h.id).sort(), winner: v.winner.id };
  } catch (e) {
    if (!isNoEventHere(e)) throw e;
    reg = { found: false, value: null, deleted: false, heads: [] };
  }
  let events: FinalEvent[] = [];
  try {
    events = (await c.mesh.history(key)).events.map((h) => toFinalEvent(h.event));
  } catch (e) {
    if (!isNoEventHere(e)) throw e;
  }
  return { reg, events };
}

/** An escrow account's final state: its bounced debits (none, if escrow holds) and its statement; `reversed` is the checker's to find. */
async function readEscrowAccount(c: JepsenClient, id: string): Promise<{ acct: FinalAccount; events: FinalEvent[] }> {
  const [a, statement] = await Promise.all([c.mesh.escrowAccount(id), c.mesh.escrowHistory(id)]);
  // As for plain accounts, the whole bounced set comes from the statement (the answer lists the newest only).
  const amountOf = (p: unknown): number => (typeof p === 'number' ? p : Number((p as { amount?: unknown } | null)?.amount));
  const acct: FinalAccount = {
    balance: a.balance,
    bounced: statement.events.filter((l) => l.outcome === 'bounced').map((l) => ({ id: l.event.id, amount: amountOf(l.event.payload) })).sort((x, y) => (x.id < y.id ? -1 : 1)),
    reversed: [],
    bouncedCount: a.bouncedCount,
    deposited: a.deposited,
    withdrawn: a.withdrawn,
  };
  return { acct, events: statement.events.map((l) => toFinalEvent(l.event)) };
}

async function readAccount(c: JepsenClient, id: string): Promise<{ acct: FinalAccount; events: FinalEvent[] }> {
  const [a, statement] = await Promise.all([c.mesh.account(id), c.mesh.accountHistory(id)]);
  // The account answer lists only the newest bounces (with their count); the statement marks every
  // line applied or bounced, and reversed, so the sets are taken from it, whole.
  const bouncedLines = statement.events.filter((l) => l.outcome === 'bounced');
  const acct: FinalAccount = {
    balance: a.balance,
    bounced: bouncedLines.map((l) => ({ id: l.event.id, amount: Number(l.event.payload) })).sort((x, y) => (x.id < y.id ? -1 : 1)),
    reversed: statement.events.filter((l) => l.reversed).map((l) => l.event.id).sort(),
    ...(a.bouncedCount !== undefined ? { bouncedCount: a.bouncedCount } : {}),
    ...(a.deposited !== undefined ? { deposited: a.deposited } : {}),
    ...(a.withdrawn !== undefined ? { withdrawn: a.withdrawn } : {}),
  };
  return { acct, events: statement.events.map((l) => toFinalEvent(l.event)) };
}

async function readRegion(c: JepsenClient, o: FinalReadOptions): Promise<RegionFinal> {
  const time = o.recorder.elapsed();
  const registers: Record<string, FinalRegister> = {};
  const accounts: Record<string, FinalAccount> = {};
  const histories: Record<string, FinalEvent[]> = {};
  try {
    for (const key of o.keys) {
      if (o.workload === 'register') {
        const { reg, events } = await readRegister(c, key);
        registers[key] = reg;
        histories[key] = events;
      } else {
        const { acct, events } = o.workload === 'escrow' ? await readEscrowAccount(c, key) : await readAccount(c, key);
        accounts[key] = acct;
        histories[key] = events;
      }
    }
    return { region: c.region, time, registers, histories, accounts, found: {} };
  } catch (e) {
    return { region: c.region, time, error: (e as Error).message, registers, histories, accounts, found: {} };
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Read every region, repeating while they disagree, up to `settleMs`.
 *
 * @example
 * ```ts
 * const final = await readFinalStates(options);
 * final.attempts; // 1 when the regions already agreed after the quiet period
 * ```
 */
export async function readFinalStates(o: FinalReadOptions): Promise<FinalReads> {
  const started = performance.now();
  const settleMs = o.settleMs ?? 30_000;
  for (let attempts = 1; ; attempts++) {
    const regions = await Promise.all(o.clients.map((c) => readRegion(c, o)));
    const final = { regions, attempts, settledMs: performance.now() - started };
    if (checkConvergence(final).valid === true || performance.now() - started > settleMs) return final;
    await sleep(o.roundMs ?? 1000);
  }
}

/**
 * Before any write is called lost, look up by id (`GET /events/{id}`) each acknowledged event a
 * region's listing lacks, and record the answer in `found`: a listing that missed an event must
 * not pass for a lost write. At most `limit` lookups per region.
 *
 * @example
 * ```ts
 * const confirmed = await confirmMissing(final, history, clients);
 * checkLostWrites(history, confirmed);
 * ```
 */
export async function confirmMissing(final: FinalReads, history: readonly Op[], clients: readonly JepsenClient[], limit = 500): Promise<FinalReads> {
  const acked = history.filter((o) => o.type === 'ok' && o.eventId !== undefined).map((o) => o.eventId as string);
  const regions = await Promise.all(final.regions.map(async (r): Promise<RegionFinal> => {
    const client = clients.find((c) => c.region === r.region);
    if (r.error !== undefined || client === undefined) return r;
    const listed = listedIds(r);
    const missing = acked.filter((id) => !listed.has(id)).slice(0, limit);
    if (missing.length === 0) return r;
    const found: Record<string, boolean> = { ...r.found };
    for (const id of missing) {
      try {
        await client.mesh.event(id);
        found[id] = true;
      } catch (e) {
        if (e instanceof MeshHttpError && e.status === 404) found[id] = false;
        else return { ...r, found, error: `looking up ${id}: ${(e as Error).message}` };
      }
    }
    return { ...r, found };
  }));
  return { ...final, regions };
}
