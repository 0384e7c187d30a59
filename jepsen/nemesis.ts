/**
 * The nemesis: a schedule of link faults applied through the admin API
 * (`PUT /admin/links/{from}/{to} {"enabled": bool}`), each recorded in the history as an `info`
 * op of process `'nemesis'` (`f: 'start'` when a fault begins, `f: 'stop'` when it heals).
 *
 * Faults (a link `from → to` carries events accepted in `from` into `to`):
 * - `isolate` — one region loses every link in and out;
 * - `split` — the regions are cut into two halves that cannot hear each other;
 * - `one-way` — a single direction is cut: `to` stops hearing `from`, `from` still hears `to`;
 * - `flap` — the links between two regions go down and up every few hundred ms.
 *
 * A request to disable a link goes to the region at the link's receiving end (`to`), which owns
 * the delivery of that link in AWS (its inbound queue's event source mapping); the local cloud
 * accepts it there too.
 *
 * @example
 * ```ts
 * import { planFaults, runNemesis } from './nemesis.ts';
 * const faults = planFaults(['us-east-1', 'eu-west-1', 'ap-southeast-2'], 'partition', 5);
 * await runNemesis({ endpoints, recorder, faults, startMs: 2000, faultMs: 3000, gapMs: 1000, untilMs: 20_000 });
 * ```
 */
import type { Recorder } from './recorder.ts';
import type { JepsenClient } from './client.ts';

export type FaultKind = 'isolate' | 'split' | 'one-way' | 'flap';

/** `partition` rotates through every kind; `none` injects nothing; `membership` adds and retires a region (nemesis-membership.ts). */
export type NemesisMode = 'partition' | 'none' | 'membership' | FaultKind;

/**
 * Every accepted `--nemesis` value.
 *
 * @example
 * ```ts
 * NEMESIS_MODES.includes('flap'); // true
 * ```
 */
export const NEMESIS_MODES: readonly NemesisMode[] = ['partition', 'none', 'isolate', 'split', 'one-way', 'flap', 'membership'];

export interface Fault {
  readonly kind: FaultKind;
  /** E.g. `isolate us-east-1`, `split [us-east-1] | [eu-west-1 ap-southeast-2]`. */
  readonly description: string;
  /** Links cut for the whole fault (for `flap`, the links that go up and down). */
  readonly links: ReadonlyArray<readonly [string, string]>;
}

/** A nemesis window as the report shades it: from the `start` op to the `stop` op (ns). */
export interface NemesisWindow {
  readonly description: string;
  /** A link fault, or a region joining or leaving (`membership`). */
  readonly kind: FaultKind | 'membership';
  readonly start: number;
  readonly end: number;
}

const pairs = (a: readonly string[], b: readonly string[]): Array<readonly [string, string]> =>
  a.flatMap((x) => b.filter((y) => y !== x).flatMap((y) => [[x, y] as const, [y, x] as const]));

/**
 * The i-th fault of a kind, rotating through regions so a long run hits each of them.
 *
 * @example
 * ```ts
 * fault(['a', 'b', 'c'], 'one-way', 0); // { kind: 'one-way', description: 'cut a → b', links: [['a', 'b']] }
 * ```
 */
export function fault(regions: readonly string[], kind: FaultKind, i: number): Fault {
  const n = regions.length;
  const r = (k: number): string => regions[((k % n) + n) % n] as string;
  switch (kind) {
    case 'isolate': {
      const lone = r(i);
      return { kind, description: `isolate ${lone}`, links: pairs([lone], regions) };
    }
    case 'split': {
      // Rotate, then cut in the middle: with 3 regions, one pair against one region.
      const rotated = regions.map((_, k) => r(k + i + 1));
      const left = rotated.slice(0, Math.ceil(n / 2));
      const right = rotated.slice(Math.ceil(n / 2));
      return { kind, description: `split [${left.join(' ')}] | [${right.join(' ')}]`, links: left.flatMap((x) => right.flatMap((y) => [[x, y] as const, [y, x] as const])) };
    }
    case 'one-way':
      return { kind, description: `cut ${r(i)} → ${r(i + 1)}`, links: [[r(i), r(i + 1)]] };
    case 'flap': {
      // Another pair than the one-way cut of the same round, when there are enough regions.
      const other = r(i + (n > 2 ? 2 : 1));
      return { kind, description: `flap ${r(i)} ⇄ ${other}`, links: [[r(i), other], [other, r(i)]] };
    }
  }
}

/**
 * A schedule of `count` faults for a mode (`none` → empty).
 *
 * @example
 * ```ts
 * planFaults(['a', 'b', 'c'], 'partition', 4).map((f) => f.kind); // ['isolate', 'split', 'one-way', 'flap']
 * ```
 */
export function planFaults(regions: readonly string[], mode: NemesisMode, count: number): Fault[] {
  if (mode === 'none' || mode === 'membership' || regions.length < 2) return [];
  const kinds: FaultKind[] = mode === 'partition' ? ['isolate', 'split', 'one-way', 'flap'] : [mode];
  return Array.from({ length: count }, (_, i) => fault(regions, kinds[i % kinds.length] as FaultKind, Math.floor(i / kinds.length) + i));
}

export interface NemesisOptions {
  /** One client per region (its `mesh` client sends the admin requests). */
  readonly endpoints: readonly JepsenClient[];
  readonly recorder: Recorder;
  readonly faults: readonly Fault[];
  /** ms after the recorder's start when the first fault begins. */
  readonly startMs: number;
  readonly faultMs: number;
  readonly gapMs: number;
  /** No fault begins after this (ms since start); every link is healed by the end. */
  readonly untilMs: number;
  /** Period of a flap (ms, default 400). */
  readonly flapMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Turn links on or off through the receiving region's admin route, with retries: a heal must not
 * be lost to one slow request.
 *
 * @example
 * ```ts
 * await setLinks(endpoints, [['us-east-1', 'eu-west-1']], false);
 * ```
 */
export async function setLinks(endpoints: readonly JepsenClient[], links: ReadonlyArray<readonly [string, string]>, enabled: boolean): Promise<string[]> {
  const errors: string[] = [];
  await Promise.all(links.map(async ([from, to]) => {
    const via = endpoints.find((e) => e.region === to) ?? endpoints[0];
    if (via === undefined) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await via.mesh.setLink(from, to, enabled);
        return;
      } catch (e) {
        if (attempt >= 5) { errors.push(`${from} → ${to}: ${(e as Error).message}`); return; }
        await sleep(200 * attempt);
      }
    }
  }));
  return errors;
}

/**
 * Run the schedule, then enable every link of the mesh. Resolves with the fault windows.
 *
 * @example
 * ```ts
 * const windows = await runNemesis(options); // [{ description: 'isolate us-east-1', start, end }, …]
 * ```
 */
export async function runNemesis(options: NemesisOptions): Promise<NemesisWindow[]> {
  const { recorder, endpoints } = options;
  const nowMs = (): number => recorder.elapsed() / 1e6;
  const windows: NemesisWindow[] = [];
  await sleep(options.startMs - nowMs());
  for (const f of options.faults) {
    if (nowMs() + options.faultMs > options.untilMs) break;
    recorder.invoke({ process: 'nemesis', f: 'start', value: f.description });
    const started = recorder.elapsed();
    const errors = await setLinks(endpoints, f.links, false);
    recorder.complete('info', { process: 'nemesis', f: 'start', value: f.description, ...(errors.length ? { error: errors.join('; ') } : {}) });
    const endAt = nowMs() + options.faultMs;
    if (f.kind === 'flap') {
      let up = false;
      while (nowMs() + (options.flapMs ?? 400) / 2 < endAt) {
        await sleep((options.flapMs ?? 400) / 2);
        up = !up;
        await setLinks(endpoints, f.links, up);
      }
    }
    await sleep(endAt - nowMs());
    recorder.invoke({ process: 'nemesis', f: 'stop', value: f.description });
    const healErrors = await setLinks(endpoints, f.links, true);
    recorder.complete('info', { process: 'nemesis', f: 'stop', value: f.description, ...(healErrors.length ? { error: healErrors.join('; ') } : {}) });
    windows.push({ description: f.description, kind: f.kind, start: started, end: recorder.elapsed() });
    await sleep(options.gapMs);
  }
  await healAll(endpoints);
  return windows;
}

/**
 * Enable every link between the given regions (the final heal; also safe to call on a healthy mesh).
 *
 * @example
 * ```ts
 * await healAll(endpoints);
 * ```
 */
export async function healAll(endpoints: readonly JepsenClient[]): Promise<string[]> {
  const regions = endpoints.map((e) => e.region);
  return setLinks(endpoints, regions.flatMap((from) => regions.filter((to) => to !== from).map((to) => [from, to] as const)), true);
}

/**
 * Nemesis windows from a recorded history (pairs of `start` and `stop` info ops).
 *
 * @example
 * ```ts
 * nemesisWindows(history); // [{ description: 'isolate us-east-1', kind: 'isolate', start: 2.1e9, end: 5.2e9 }]
 * ```
 */
export function nemesisWindows(history: ReadonlyArray<{ process: unknown; type: string; f: string; value: unknown; time: number }>, endOfRun = Infinity): NemesisWindow[] {
  const open = new Map<string, number>();
  const out: NemesisWindow[] = [];
  for (const op of history) {
    if (op.process !== 'nemesis' || op.type !== 'invoke') continue;
    const d = String(op.value);
    if (op.f === 'start') open.set(d, op.time);
    else if (open.has(d)) {
      out.push({ description: d, kind: kindOf(d), start: open.get(d) as number, end: op.time });
      open.delete(d);
    }
  }
  for (const [d, start] of open) out.push({ description: d, kind: kindOf(d), start, end: endOfRun });
  return out.sort((a, b) => a.start - b.start);
}

function kindOf(description: string): FaultKind | 'membership' {
  if (/^(add|retire) region /.test(description)) return 'membership';
  return description.startsWith('isolate') ? 'isolate' : description.startsWith('split') ? 'split' : description.startsWith('flap') ? 'flap' : 'one-way';
}
