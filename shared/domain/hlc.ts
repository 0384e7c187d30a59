/**
 * Hybrid logical clock. A stamp is the fixed-width string
 *
 *     WWWWWWWWWWWWWWWWWW-CCCCC      e.g. 000001732600000000-00000
 *
 * — 18 zero-padded decimal digits of wall-clock milliseconds since the epoch, a `-`, and a
 * 5-digit counter. Fixed width makes lexicographic order equal numeric order, so stamps sort as
 * plain strings in DynamoDB sort keys and in `eventSortKey`.
 *
 * Why a hybrid clock: stamps stay close to real time (useful to people reading a history), yet a
 * stamp issued after seeing another is always greater, even when this region's wall clock is
 * behind or jumps backwards. That is what makes "a write that has seen another wins over it" hold
 * in the last-writer-wins order. When more than 99 999 stamps are needed within one millisecond
 * the counter overflows into the wall part (the clock runs slightly ahead rather than repeating).
 *
 * @example
 * ```ts
 * import { HybridClock } from './hlc.ts';
 * const clock = new HybridClock({ now: () => Date.now() });
 * const a = clock.tick();
 * const b = clock.tick([a]); // b > a
 * ```
 */
import { ClockSkewError, ValidationError } from './errors.ts';

/**
 * Source of wall-clock milliseconds. Injected so the domain never reads the system clock itself
 * and tests can drive skew and backwards jumps.
 *
 * @example
 * ```ts
 * const fixed: WallClock = { now: () => 1_732_600_000_000 };
 * ```
 */
export interface WallClock {
  now(): number;
}

/**
 * A parsed stamp.
 *
 * @example
 * ```ts
 * const p: HlcParts = { wall: 1_732_600_000_000, counter: 3 };
 * ```
 */
export interface HlcParts {
  readonly wall: number;
  readonly counter: number;
}

/** Digits of the wall part: room for any safe-integer millisecond count. */
export const HLC_WALL_DIGITS = 18;
/** Digits of the counter part. */
export const HLC_COUNTER_DIGITS = 5;
/** Largest counter; one more carries into the wall part. */
export const MAX_HLC_COUNTER = 10 ** HLC_COUNTER_DIGITS - 1;
/** Largest wall value: beyond it a JS number would no longer be exact. */
export const MAX_HLC_WALL = Number.MAX_SAFE_INTEGER;

/**
 * Shape of a stamp. Note it admits wall values above {@link MAX_HLC_WALL}; {@link isHlc} and
 * {@link parseHlc} refuse those.
 *
 * @example
 * ```ts
 * HLC_PATTERN.test('000001732600000000-00000'); // true
 * ```
 */
export const HLC_PATTERN = /^\d{18}-\d{5}$/;

/**
 * The smallest stamp: below every real one.
 *
 * @example
 * ```ts
 * ZERO_HLC < formatHlc({ wall: 1, counter: 0 }); // true
 * ```
 */
export const ZERO_HLC = '000000000000000000-00000';

/**
 * Formats parts as a stamp. Throws `ValidationError('invalid-event')` on out-of-range parts.
 *
 * @example
 * ```ts
 * formatHlc({ wall: 1_732_600_000_000, counter: 7 }); // '000001732600000000-00007'
 * ```
 */
export function formatHlc(parts: HlcParts): string {
  const { wall, counter } = parts;
  if (!Number.isSafeInteger(wall) || wall < 0) throw new ValidationError('invalid-event', `hlc: wall must be a non-negative safe integer, got ${wall}`);
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_HLC_COUNTER) {
    throw new ValidationError('invalid-event', `hlc: counter must be an integer in 0..${MAX_HLC_COUNTER}, got ${counter}`);
  }
  return `${String(wall).padStart(HLC_WALL_DIGITS, '0')}-${String(counter).padStart(HLC_COUNTER_DIGITS, '0')}`;
}

/**
 * Parses a stamp. Throws `ValidationError('invalid-event')` when it is malformed.
 *
 * @example
 * ```ts
 * parseHlc('000001732600000000-00007'); // { wall: 1732600000000, counter: 7 }
 * ```
 */
export function parseHlc(s: string): HlcParts {
  if (typeof s !== 'string' || !HLC_PATTERN.test(s)) {
    throw new ValidationError('invalid-event', `hlc: must look like 000001732600000000-00000 (18-digit ms, '-', 5-digit counter), got ${JSON.stringify(s)}`);
  }
  const wall = Number(s.slice(0, HLC_WALL_DIGITS));
  const counter = Number(s.slice(HLC_WALL_DIGITS + 1));
  if (wall > MAX_HLC_WALL) throw new ValidationError('invalid-event', `hlc: wall part exceeds ${MAX_HLC_WALL}`);
  return { wall, counter };
}

/**
 * True when `s` is a well-formed stamp (pattern and range).
 *
 * @example
 * ```ts
 * isHlc('000001732600000000-00000'); // true
 * isHlc('1732600000000');            // false
 * ```
 */
export function isHlc(s: unknown): s is string {
  return typeof s === 'string' && HLC_PATTERN.test(s) && Number(s.slice(0, HLC_WALL_DIGITS)) <= MAX_HLC_WALL;
}

/**
 * Orders stamps; plain string comparison is exact because the format is fixed width.
 *
 * @example
 * ```ts
 * compareHlc('000000000000000001-00000', '000000000000000000-00009'); // 1
 * ```
 */
export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The next stamp after `p`: counter + 1, carrying into the wall part on overflow. */
function successor(p: HlcParts): HlcParts {
  if (p.counter < MAX_HLC_COUNTER) return { wall: p.wall, counter: p.counter + 1 };
  if (p.wall >= MAX_HLC_WALL) throw new ValidationError('invalid-event', 'hlc: clock exhausted (wall at its maximum)');
  return { wall: p.wall + 1, counter: 0 };
}

function greater(a: HlcParts, b: HlcParts): boolean {
  return a.wall > b.wall || (a.wall === b.wall && a.counter > b.counter);
}

/**
 * How far ahead of a region's wall clock an event's stamp may be before the region refuses it
 * (5 minutes). Production hybrid-clock systems bound the offset they accept (CockroachDB's
 * `--max-offset`); here the bound is a fuse, not a correctness condition: it keeps one bad clock
 * or one forged stamp from dragging every region's clock ahead, or from exhausting it. Five
 * minutes is far above the skew of NTP-synchronised hosts (Lambda's Amazon Time Sync keeps
 * well under a millisecond), the same tolerance Kerberos uses by default, and small enough that a
 * refused event that was only slightly ahead gets in on a retry (the queue redelivers it; repair
 * pulls it again) once the receiver's clock has caught up.
 *
 * @example
 * ```ts
 * DEFAULT_MAX_CLOCK_OFFSET_MS; // 300000
 * ```
 */
export const DEFAULT_MAX_CLOCK_OFFSET_MS = 5 * 60_000;

/**
 * Milliseconds by which `stamp`'s wall part is ahead of `nowMs` (0 when not ahead). Throws
 * `ValidationError` on a malformed stamp.
 *
 * @example
 * ```ts
 * clockAhead('000000000000005000-00000', 1000); // 4000
 * ```
 */
export function clockAhead(stamp: string, nowMs: number): number {
  return Math.max(0, parseHlc(stamp).wall - Math.floor(nowMs));
}

/**
 * Refuses a stamp more than `maxOffsetMs` ahead of `nowMs` with {@link ClockSkewError}; the
 * check every path that takes an event from elsewhere makes before storing it or observing it.
 *
 * @example
 * ```ts
 * checkClockOffset(event.hlc, Date.now(), DEFAULT_MAX_CLOCK_OFFSET_MS);
 * ```
 */
export function checkClockOffset(stamp: string, nowMs: number, maxOffsetMs: number = DEFAULT_MAX_CLOCK_OFFSET_MS): void {
  const ahead = clockAhead(stamp, nowMs);
  if (ahead > maxOffsetMs) {
    throw new ClockSkewError(`hlc: ${stamp} is ${ahead} ms ahead of this region's clock, more than the ${maxOffsetMs} ms allowed`, ahead);
  }
}

/**
 * A region's clock. `tick(after)` issues a stamp strictly greater than every stamp this clock
 * issued or observed and than every stamp in `after` (a write's parents), whatever the wall
 * clock does. `observe(stamp)` folds in a stamp seen from elsewhere (e.g. on ingest) so the next
 * local write orders after it.
 *
 * @example
 * ```ts
 * const clock = new HybridClock({ now: () => 1000 });
 * clock.observe('000000000000005000-00000'); // a peer ahead of us
 * clock.tick();                              // '000000000000005000-00001'
 * ```
 */
export class HybridClock {
  private readonly clock: WallClock;
  private readonly maxOffsetMs: number;
  /** Greatest stamp issued or observed so far. */
  private last: HlcParts = { wall: 0, counter: 0 };

  /** `maxOffsetMs`: `observe` refuses stamps further ahead of the wall clock than this. */
  constructor(clock: WallClock, maxOffsetMs: number = DEFAULT_MAX_CLOCK_OFFSET_MS) {
    this.clock = clock;
    this.maxOffsetMs = maxOffsetMs;
  }

  /**
   * Issues a new stamp greater than everything seen and than each stamp in `after`.
   *
   * @example
   * ```ts
   * const s = clock.tick(parents.map((p) => p.hlc));
   * ```
   */
  tick(after: readonly string[] = []): string {
    let floor = this.last;
    for (const s of after) {
      const p = parseHlc(s);
      if (greater(p, floor)) floor = p;
    }
    const now = this.wallNow();
    const next = now > floor.wall ? { wall: now, counter: 0 } : successor(floor);
    this.last = next;
    return formatHlc(next);
  }

  /**
   * Records a stamp seen elsewhere; later ticks order after it. Throws on a malformed stamp, and
   * {@link ClockSkewError} (recording nothing) on one too far ahead of the wall clock: no input
   * can drag this clock further than the bound, nor exhaust it.
   *
   * @example
   * ```ts
   * clock.observe(incoming.hlc);
   * ```
   */
  observe(stamp: string): void {
    const p = parseHlc(stamp);
    checkClockOffset(stamp, this.wallNow(), this.maxOffsetMs);
    if (greater(p, this.last)) this.last = p;
  }

  /**
   * The greatest stamp issued or observed so far ({@link ZERO_HLC} initially).
   *
   * @example
   * ```ts
   * clock.peek(); // '000000000000000000-00000' on a fresh clock
   * ```
   */
  peek(): string {
    return formatHlc(this.last);
  }

  /** Wall time clamped into the representable range: a broken clock must not break stamping. */
  private wallNow(): number {
    const raw = this.clock.now();
    if (!Number.isFinite(raw) || raw < 0) return 0;
    return Math.min(Math.floor(raw), MAX_HLC_WALL);
  }
}
