/**
 * Session guarantees (Terry et al., "Session Guarantees for Weakly Consistent Replicated Data",
 * 1994), checked per client session (a worker) and per key on a register history:
 *
 * - **read-your-writes**: a read reflects every earlier acknowledged write of its session to the
 *   key — each such write is one of the heads read, or an ancestor of one;
 * - **monotonic reads**: a read reflects everything the session's previous read of the key did;
 * - **monotonic writes**: an acknowledged write follows the session's previous acknowledged write
 *   of the key — the earlier one is an ancestor of the later (through `parents`), so the later wins
 *   in every region whatever order they arrive in;
 * - **writes-follow-reads**: an acknowledged write follows every head the session's earlier reads
 *   of the key returned (causal order through `parents`).
 *
 * "Reflects" is exact, not a guess from values: the heads a read returned and their ancestry in
 * the run's event DAG ({@link EventDag}). Only `ok` operations take part: a `fail` stored nothing,
 * and an `info` write may or may not exist. Per key, because that is where the mesh keeps causal
 * order (a write's parents are its key's heads); across keys it promises none.
 *
 * A session that used one region is *bound*, one that used several is *switching*; the verdict
 * says which sessions it judged (the claims differ: see `claims.ts`).
 *
 * @example
 * ```ts
 * import { checkSessionGuarantees } from './session-guarantees.ts';
 * const [ryw, mr, mw, wfr] = checkSessionGuarantees(history, final);
 * ryw.valid; // true for bound clients: each region's table only grows
 * ```
 */
import type { EventStamp, Op, Operation } from '../history.ts';
import { pairOperations } from '../history.ts';
import type { FinalReads } from '../final-state.ts';
import type { Verdict, Validity } from './verdict.ts';
import type { Reach } from './event-dag.ts';
import { EventDag } from './event-dag.ts';

/** The four guarantees, as checker names. */
export type SessionGuarantee = 'read-your-writes' | 'monotonic-reads' | 'monotonic-writes' | 'writes-follow-reads';

/**
 * Every session guarantee, in report order.
 *
 * @example
 * ```ts
 * SESSION_GUARANTEES[0]; // 'read-your-writes'
 * ```
 */
export const SESSION_GUARANTEES: readonly SessionGuarantee[] = ['read-your-writes', 'monotonic-reads', 'monotonic-writes', 'writes-follow-reads'];

/** Which sessions a verdict judged: all bound to one region, all switching, or both kinds. */
export type SessionMode = 'bound' | 'switching' | 'mixed';

/** One operation of a violation, as the report prints it. */
export interface SessionOpRef {
  /** History index of the invocation. */
  readonly index: number;
  readonly f: 'read' | 'write';
  readonly region: string | undefined;
  /** The value written or read. */
  readonly value: unknown;
  /** ns since start: invocation, completion. */
  readonly start: number;
  readonly end: number;
}

export interface SessionViolation {
  readonly session: number;
  readonly key: string;
  /** The earlier operation, whose effect the later one does not reflect or follow. */
  readonly earlier: SessionOpRef;
  readonly later: SessionOpRef;
  /** The event ids the later operation should have reflected or followed, and did not. */
  readonly missing: readonly string[];
  /** One sentence. */
  readonly why: string;
}

export interface SessionDetails {
  readonly mode: SessionMode;
  readonly sessions: number;
  readonly boundSessions: number;
  readonly switchingSessions: number;
  /** Ordered pairs of operations checked. */
  readonly checks: number;
  readonly violations: number;
  /** Violations by sessions bound to one region (the ones the mesh promises these guarantees to). */
  readonly boundViolations: number;
  /** Sessions with at least one violation. */
  readonly violatingSessions: number;
  /** Checks the event DAG could not decide (an ancestor nobody recorded), or reads without recorded heads. */
  readonly undecided: number;
  /** The first few violations found, session by session. */
  readonly examples: readonly SessionViolation[];
}

const MAX_EXAMPLES = 5;

interface Tally {
  checks: number;
  violations: number;
  boundViolations: number;
  undecided: number;
  readonly sessions: Set<number>;
  readonly examples: SessionViolation[];
}

const seconds = (ns: number): string => `${(ns / 1e9).toFixed(3)} s`;
const short = (id: string): string => `${id.slice(0, 10)}…`;

function ref(o: Operation): SessionOpRef {
  const f = o.f as 'read' | 'write';
  return { index: o.invoke.index, f, region: o.invoke.region, value: f === 'write' ? o.invoke.value : (o.complete as Op).value ?? null, start: o.start, end: o.end };
}

function describe(r: SessionOpRef, key: string): string {
  const what = r.f === 'write' ? `wrote ${JSON.stringify(r.value)} to ${key}` : `read ${key} (got ${JSON.stringify(r.value)})`;
  return `${what} in ${r.region ?? '?'} at ${seconds(r.start)}`;
}

/**
 * Check the four session guarantees over a register history (see the module doc). `final` adds
 * the events every region listed at the end to the DAG, so no ancestry is left unknown.
 *
 * @example
 * ```ts
 * checkSessionGuarantees(history).map((v) => `${v.checker} ${v.valid}`);
 * ```
 */
export function checkSessionGuarantees(history: readonly Op[], final?: FinalReads): Array<Verdict<SessionDetails>> {
  const dag = EventDag.fromRun(history, final);
  const tallies = new Map<SessionGuarantee, Tally>(SESSION_GUARANTEES.map((g) => [g, { checks: 0, violations: 0, boundViolations: 0, undecided: 0, sessions: new Set(), examples: [] }]));
  const bySession = new Map<number, Operation[]>();
  for (const o of pairOperations(history)) {
    if (typeof o.process !== 'number' || o.key === undefined || (o.f !== 'read' && o.f !== 'write')) continue;
    const s = o.invoke.session ?? o.process;
    let list = bySession.get(s);
    if (list === undefined) bySession.set(s, (list = []));
    list.push(o);
  }

  // Whether the session being walked used one region (set per session, below).
  let isBound = false;
  const judge = (g: SessionGuarantee, session: number, key: string, reach: Reach, earlier: Operation, later: Operation, missing: string, why: () => string): void => {
    const t = tallies.get(g) as Tally;
    t.checks++;
    if (reach === 'unknown') t.undecided++;
    if (reach !== false) return;
    t.violations++;
    if (isBound) t.boundViolations++;
    t.sessions.add(session);
    const last = t.examples.at(-1);
    // One example per pair of operations, the missing ids gathered.
    if (last !== undefined && last.later.index === later.invoke.index && last.earlier.index === earlier.invoke.index) {
      t.examples[t.examples.length - 1] = { ...last, missing: [...last.missing, missing] };
    } else if (t.examples.length < MAX_EXAMPLES) {
      t.examples.push({ session, key, earlier: ref(earlier), later: ref(later), missing: [missing], why: why() });
    }
  };

  let bound = 0;
  for (const [session, ops] of bySession) {
    isBound = new Set(ops.map((o) => o.invoke.region)).size <= 1;
    if (isBound) bound++;
    const keys = new Map<string, KeyState>();
    for (const o of ops) {
      if (o.outcome !== 'ok') continue;
      const key = o.key as string;
      let k = keys.get(key);
      if (k === undefined) keys.set(key, (k = { ownWrites: [], lastRead: undefined, seen: [], lastWrite: undefined }));
      const done = o.complete as Op;
      if (o.f === 'read') {
        if (done.heads === undefined) {
          for (const g of ['read-your-writes', 'monotonic-reads'] as const) (tallies.get(g) as Tally).undecided++;
          continue;
        }
        const heads = done.heads.map((h) => h.id);
        const later = ref(o);
        for (const w of k.ownWrites) {
          judge('read-your-writes', session, key, dag.reaches(heads, w.event.id), w.op, o, w.event.id, () =>
            `Session ${session} ${describe(ref(w.op), key)} (acknowledged, event ${short(w.event.id)}), then ${describe(later, key)}: its own write is neither one of the heads that read returned nor an ancestor of one.`);
        }
        if (k.lastRead !== undefined) {
          const prev = k.lastRead;
          for (const h of prev.heads) {
            judge('monotonic-reads', session, key, dag.reaches(heads, h), prev.op, o, h, () =>
              `Session ${session} ${describe(ref(prev.op), key)}, reflecting event ${short(h)}, then ${describe(later, key)} from a state without it: the session's view of ${key} lost an event it had already seen.`);
          }
        }
        k.lastRead = { op: o, heads };
        const seen = k.seen;
        k.seen = frontier(dag, seen.map((x) => x.id).concat(heads)).map((id) => ({ id, op: seen.find((x) => x.id === id)?.op ?? o }));
      } else {
        const event = done.event;
        if (event === undefined) continue;
        const later = ref(o);
        if (k.lastWrite !== undefined) {
          const prev = k.lastWrite;
          judge('monotonic-writes', session, key, dag.reaches(event.parents, prev.event.id), prev.op, o, prev.event.id, () =>
            `Session ${session} ${describe(ref(prev.op), key)} (event ${short(prev.event.id)}), then ${describe(later, key)}, whose parents do not lead back to it: the two writes are concurrent, so the later one is not sure to win over the earlier, and the two show as a conflict.`);
        }
        for (const s of k.seen) {
          judge('writes-follow-reads', session, key, dag.reaches(event.parents, s.id), s.op, o, s.id, () =>
            `Session ${session} ${describe(ref(s.op), key)}, reflecting event ${short(s.id)}, then ${describe(later, key)}, whose parents do not lead back to that event: the write does not follow what the session had read.`);
        }
        k.lastWrite = { op: o, event };
        const own = frontier(dag, [...k.ownWrites.map((w) => w.event.id), event.id]);
        k.ownWrites = [...k.ownWrites, { op: o, event }].filter((w) => own.includes(w.event.id));
      }
    }
  }

  const switching = bySession.size - bound;
  const mode: SessionMode = switching === 0 ? 'bound' : bound === 0 ? 'switching' : 'mixed';
  return SESSION_GUARANTEES.map((g) => verdict(g, tallies.get(g) as Tally, { mode, sessions: bySession.size, bound, switching }));
}

interface KeyState {
  /** The session's acknowledged writes of the key that no later one of them descends from. */
  ownWrites: Array<{ op: Operation; event: EventStamp }>;
  lastRead: { op: Operation; heads: string[] } | undefined;
  /** The heads the session's reads returned that no other of them descends from, with the read that saw each. */
  seen: Array<{ id: string; op: Operation }>;
  lastWrite: { op: Operation; event: EventStamp } | undefined;
}

/** The ids among `ids` that are not ancestors of another one: the same set of events, reflected. */
function frontier(dag: EventDag, ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  return unique.filter((id) => !unique.some((other) => other !== id && dag.reaches([other], id) === true));
}

const WHAT: Readonly<Record<SessionGuarantee, string>> = {
  'read-your-writes': 'read reflected every earlier acknowledged write of its session to the key',
  'monotonic-reads': 'read reflected everything the session\'s previous read of the key had',
  'monotonic-writes': 'acknowledged write descends from the session\'s previous acknowledged write of the key',
  'writes-follow-reads': 'acknowledged write descends from every head the session\'s earlier reads of the key returned',
};

function verdict(g: SessionGuarantee, t: Tally, s: { mode: SessionMode; sessions: number; bound: number; switching: number }): Verdict<SessionDetails> {
  const details: SessionDetails = {
    mode: s.mode, sessions: s.sessions, boundSessions: s.bound, switchingSessions: s.switching,
    checks: t.checks, violations: t.violations, boundViolations: t.boundViolations, violatingSessions: t.sessions.size, undecided: t.undecided, examples: t.examples,
  };
  const who = s.mode === 'bound' ? `${s.sessions} sessions, each bound to one region` : s.mode === 'switching'
    ? `${s.sessions} sessions, each switching regions between operations` : `${s.sessions} sessions (${s.bound} bound to one region, ${s.switching} switching)`;
  let valid: Validity;
  let explanation: string;
  if (t.violations > 0) {
    valid = false;
    explanation = `Violated ${t.violations} times in ${t.sessions.size} of ${who} (${t.checks} checks). E.g. ${(t.examples[0] as SessionViolation).why}`;
  } else if (t.undecided > 0) {
    valid = 'unknown';
    explanation = `Undecided: no violation in ${t.checks - t.undecided} decided checks over ${who}, but ${t.undecided} could not be decided (heads or ancestry not recorded).`;
  } else if (t.checks === 0) {
    // Vacuously true, as lost-writes is with no acknowledged write: say so rather than "undecided".
    valid = true;
    explanation = `Held vacuously for ${who}: no session had a pair of acknowledged operations on one key that this guarantee relates (too few operations).`;
  } else {
    valid = true;
    explanation = `Held for all ${who}: in ${t.checks} checks, each ${WHAT[g]}.`;
  }
  return { checker: g, valid, explanation, details };
}
