/**
 * A Jepsen client: one worker's connection to one region. It performs an operation over HTTP with a
 * timeout and records it twice in the history — the invocation, then its completion:
 *
 * - `ok` — the region answered 2xx. A write records the stored event's id (for lost-writes) and its
 *   stamp and parents; a register read records the value (`null` for 404 "no event for this key
 *   here" or a delete), the winner and the heads it came from (for the session checkers); a bank
 *   read records the balance.
 * - `fail` — a 4xx refusal (e.g. 409 `insufficient-funds`), or a 503 `contended` (the region was
 *   too busy to try): the mesh stored nothing. After `contended` the client waits `Retry-After`
 *   before it resolves, so its worker's next operation honours it.
 * - `info` — a timeout, a dead connection or a 5xx: the outcome is unknown; the write may still
 *   take effect. As in Jepsen, the worker then continues as a new process (`process + concurrency`),
 *   because the old one may still have an operation in flight.
 *
 * @example
 * ```ts
 * import { JepsenClient } from './client.ts';
 * const c = new JepsenClient({ region: 'us-east-1', url: 'http://127.0.0.1:3001', timeoutMs: 2000 });
 * await c.perform(recorder, 0, { workload: 'register', f: 'write', key: 'k0', value: 17 });
 * ```
 */
import type { JsonValue } from '../shared/domain/types.ts';
import { MeshClient } from '../shared/client/mesh-client.ts';
import { MeshHttpError, MeshTimeoutError } from '../shared/client/errors.ts';
import type { RequestSigner } from '../shared/client/signer.ts';
import type { MeshEvent } from '../shared/domain/types.ts';
import type { EventStamp, Op, OpF } from './history.ts';
import type { Recorder } from './recorder.ts';
import type { WorkloadName } from './workloads/workload.ts';

/** What a workload asks a client to do. */
export interface Invocation {
  readonly workload: WorkloadName;
  readonly f: Extract<OpF, 'read' | 'write' | 'deposit' | 'withdraw'>;
  readonly key: string;
  /** Value to write, amount to move, `null` for reads. */
  readonly value: JsonValue;
}

export interface ClientOptions {
  readonly region: string;
  readonly url: string;
  /** Per-request timeout (ms): past it the operation is `info`. */
  readonly timeoutMs: number;
  /** Signs requests (SigV4 for deployed regions behind IAM auth). */
  readonly signer?: RequestSigner;
  /** The fetch to use (default: the global one); tests inject a fake region. */
  readonly fetch?: typeof fetch;
}

/**
 * One worker's client of one region.
 *
 * @example
 * ```ts
 * const c = new JepsenClient({ region: 'eu-west-1', url: 'http://127.0.0.1:3002', timeoutMs: 5000 });
 * c.mesh; // the underlying MeshClient, for admin and final reads
 * ```
 */
export class JepsenClient {
  readonly region: string;
  readonly mesh: MeshClient;

  constructor(options: ClientOptions) {
    this.region = options.region;
    this.mesh = new MeshClient({ baseUrl: options.url, timeoutMs: options.timeoutMs, ...(options.signer ? { signer: options.signer } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) });
  }

  /**
   * Perform one operation as `process` of client session `session` (default: the process),
   * recording invocation and completion; resolves with the completion op (whose `type` tells the
   * caller whether the process must be retired).
   *
   * @example
   * ```ts
   * const done = await client.perform(rec, 3, { workload: 'bank', f: 'withdraw', key: 'a0', value: 5 }, 3);
   * if (done.type === 'info') process += concurrency;
   * ```
   */
  async perform(recorder: Recorder, process: number, call: Invocation, session = process): Promise<Op> {
    const base = { process, session, f: call.f, key: call.key, region: this.region };
    recorder.invoke({ ...base, value: call.value });
    try {
      const outcome = await this.#call(call);
      return recorder.complete('ok', { ...base, ...outcome });
    } catch (e) {
      if (isContended(e)) {
        const done = recorder.complete('fail', { ...base, value: call.value, error: 'contended' });
        await sleep(retryAfterMs(e));
        return done;
      }
      if (e instanceof MeshHttpError && e.definite) return recorder.complete('fail', { ...base, value: call.value, error: e.code });
      const error = e instanceof MeshHttpError ? `http-${e.status}` : e instanceof MeshTimeoutError ? 'timeout' : 'unreachable';
      return recorder.complete('info', { ...base, value: call.f === 'read' ? null : call.value, error });
    }
  }

  async #call(call: Invocation): Promise<Pick<Op, 'value' | 'eventId' | 'event' | 'heads' | 'winner'>> {
    const written = (e: MeshEvent) => ({ value: call.value, eventId: e.id, event: stampOf(e) });
    switch (call.f) {
      case 'write':
        return written((await this.mesh.put(call.key, call.value)).event);
      case 'deposit':
        return written((await this.mesh.deposit(call.key, Number(call.value), modeOf(call))).event);
      case 'withdraw':
        return written((await this.mesh.withdraw(call.key, Number(call.value), modeOf(call))).event);
      case 'read':
        if (call.workload === 'bank') return { value: (await this.mesh.account(call.key)).balance };
        if (call.workload === 'escrow') return { value: (await this.mesh.escrowAccount(call.key)).balance };
        try {
          const view = await this.mesh.get(call.key);
          return { value: view.deleted ? null : view.value, winner: view.winner.id, heads: view.heads.map(stampOf) };
        } catch (e) {
          // This region holds no event for the key, so the register reads as empty.
          if (isNoEventHere(e)) return { value: null, heads: [] };
          throw e;
        }
    }
  }
}

/** An escrow workload names its accounts' mode on every write (see `workloads/bank.ts`). */
const modeOf = (call: Invocation): 'escrow' | undefined => (call.workload === 'escrow' ? 'escrow' : undefined);

const stampOf = (e: MeshEvent): EventStamp => ({ id: e.id, hlc: e.hlc, origin: e.origin, parents: e.parents });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** 503 `contended`: the region refused to try (nothing stored) and asks the client to come back later. */
function isContended(e: unknown): e is MeshHttpError {
  return e instanceof MeshHttpError && e.status === 503 && e.code === 'contended';
}

/** How long to wait after `contended`: the answer's Retry-After (capped at 30 s), else 1 s. */
function retryAfterMs(e: MeshHttpError): number {
  return e.retryAfterMs !== undefined && Number.isFinite(e.retryAfterMs) ? Math.min(Math.max(0, e.retryAfterMs), 30_000) : 1000;
}

/**
 * True for the 404 of a region that holds no event for the key asked about, as opposed to a 404
 * for a route the region lacks (`route-not-found`), which is an error like any other.
 *
 * @example
 * ```ts
 * const view = await mesh.get(key).catch((e: unknown) => { if (isNoEventHere(e)) return undefined; throw e; });
 * ```
 */
export function isNoEventHere(e: unknown): boolean {
  return e instanceof MeshHttpError && e.status === 404 && e.code !== 'route-not-found';
}
