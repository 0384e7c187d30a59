import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClockSkewError, ValidationError } from '../../../../shared/domain/errors.ts';
import {
  checkClockOffset,
  clockAhead,
  compareHlc,
  DEFAULT_MAX_CLOCK_OFFSET_MS,
  formatHlc,
  HLC_PATTERN,
  HybridClock,
  isHlc,
  MAX_HLC_COUNTER,
  MAX_HLC_WALL,
  parseHlc,
  ZERO_HLC,
} from '../../../../shared/domain/hlc.ts';
import { hlcArb, hlcPartsArb } from '../../../support/arbitraries.ts';
import { BASE_WALL, ManualClock, scriptedClock } from '../../../support/factories.ts';
import { RUNS, SLOW } from '../../../support/property-runs.ts';

describe('hlc format', () => {
  it('formats fixed width: 18-digit wall, dash, 5-digit counter (known answer)', () => {
    // Act / Assess
    expect(formatHlc({ wall: 1_732_600_000_000, counter: 7 })).toBe('000001732600000000-00007');
    expect(formatHlc({ wall: 0, counter: 0 })).toBe(ZERO_HLC);
    expect(formatHlc({ wall: MAX_HLC_WALL, counter: MAX_HLC_COUNTER })).toBe('009007199254740991-99999');
    expect(HLC_PATTERN.test('000001732600000000-00007')).toBe(true);
  });

  it('parses what it formats and refuses malformed stamps', () => {
    // Act / Assess
    expect(parseHlc('000001732600000000-00007')).toEqual({ wall: 1_732_600_000_000, counter: 7 });
    for (const bad of ['', '1732600000000', '000001732600000000.00007', '00001732600000000-00007', '000001732600000000-0007', ' 000001732600000000-00007', '999999999999999999-00000']) {
      expect(() => parseHlc(bad), bad).toThrow(ValidationError);
      expect(isHlc(bad), bad).toBe(false);
    }
    expect(() => parseHlc(42 as unknown as string)).toThrow(ValidationError);
    expect(isHlc(42)).toBe(false);
  });

  it('refuses parts out of range', () => {
    // Act / Assess
    expect(() => formatHlc({ wall: -1, counter: 0 })).toThrow(/wall/);
    expect(() => formatHlc({ wall: 1.5, counter: 0 })).toThrow(/wall/);
    expect(() => formatHlc({ wall: MAX_HLC_WALL + 1, counter: 0 })).toThrow(/wall/);
    expect(() => formatHlc({ wall: 1, counter: MAX_HLC_COUNTER + 1 })).toThrow(/counter/);
    expect(() => formatHlc({ wall: 1, counter: -1 })).toThrow(/counter/);
  });

  it('property: parse and format round-trip, and string order equals numeric order', () => {
    fc.assert(
      fc.property(hlcPartsArb, hlcPartsArb, (a, b) => {
        // Act
        const sa = formatHlc(a);
        const sb = formatHlc(b);

        // Assess
        expect(parseHlc(sa)).toEqual(a);
        expect(isHlc(sa)).toBe(true);
        const numeric = a.wall !== b.wall ? Math.sign(a.wall - b.wall) : Math.sign(a.counter - b.counter);
        expect(compareHlc(sa, sb)).toBe(numeric);
      }),
      RUNS,
    );
  }, SLOW);
});

describe('HybridClock', () => {
  it('follows the wall clock when it moves forward', () => {
    // Prepare
    const wall = new ManualClock(1000);
    const clock = new HybridClock(wall);

    // Act
    const a = clock.tick();
    wall.advance(5);
    const b = clock.tick();

    // Assess
    expect(a).toBe('000000000000001000-00000');
    expect(b).toBe('000000000000001005-00000');
    expect(clock.peek()).toBe(b);
  });

  it('counts within a millisecond and when the wall clock jumps backwards', () => {
    // Prepare
    const clock = new HybridClock(scriptedClock([1000, 1000, 400]));

    // Act
    const stamps = [clock.tick(), clock.tick(), clock.tick()];

    // Assess
    expect(stamps).toEqual(['000000000000001000-00000', '000000000000001000-00001', '000000000000001000-00002']);
  });

  it('ticks above the parents it is given and above observed stamps, even far ahead', () => {
    // Prepare
    const clock = new HybridClock({ now: () => 1000 });
    const parent = '000000000000009000-00004';

    // Act
    const child = clock.tick([parent, '000000000000000001-00000']);
    clock.observe('000000000000020000-00000');
    clock.observe('000000000000000005-00000'); // older: ignored
    const next = clock.tick();

    // Assess
    expect(child).toBe('000000000000009000-00005');
    expect(next).toBe('000000000000020000-00001');
  });

  it('carries a full counter into the wall part', () => {
    // Prepare
    const clock = new HybridClock({ now: () => 50 });

    // Act
    const s = clock.tick([formatHlc({ wall: 60, counter: MAX_HLC_COUNTER })]);

    // Assess
    expect(s).toBe('000000000000000061-00000');
  });

  it('survives a broken wall clock (NaN, negative, beyond range)', () => {
    // Prepare
    const clock = new HybridClock(scriptedClock([Number.NaN, -5, 2.7, Number.POSITIVE_INFINITY, 1e300]));

    // Act
    const stamps = [clock.tick(), clock.tick(), clock.tick(), clock.tick(), clock.tick()];

    // Assess
    expect(stamps).toEqual([
      '000000000000000000-00001',
      '000000000000000000-00002',
      '000000000000000002-00000',
      '000000000000000002-00001',
      formatHlc({ wall: MAX_HLC_WALL, counter: 0 }),
    ]);
    expect(() => new HybridClock({ now: () => 0 }).tick([formatHlc({ wall: MAX_HLC_WALL, counter: MAX_HLC_COUNTER })])).toThrow(/exhausted/);
  });

  it('refuses malformed stamps in observe and tick', () => {
    // Prepare
    const clock = new HybridClock({ now: () => 1 });

    // Act / Assess
    expect(() => clock.observe('nope')).toThrow(ValidationError);
    expect(() => clock.tick(['nope'])).toThrow(ValidationError);
  });

  type ClockOp = { t: 'tick'; after: string[]; wall: number } | { t: 'observe'; stamp: string; wall: number };
  const wallArb = fc.oneof(
    fc.integer({ min: 0, max: 4_000_000_000_000 }),
    fc.integer({ min: -1000, max: 1000 }),
    fc.constantFrom(Number.NaN, -1, 0, 1.5, Number.POSITIVE_INFINITY),
  );
  const nearOverflowArb = fc.integer({ min: 0, max: 2000 }).map((w) => formatHlc({ wall: w, counter: MAX_HLC_COUNTER - (w % 3) }));
  const stampArb = fc.oneof(hlcArb, nearOverflowArb);
  const clockOpArb: fc.Arbitrary<ClockOp> = fc.oneof(
    fc.record({ t: fc.constant('tick' as const), after: fc.array(stampArb, { maxLength: 3 }), wall: wallArb }),
    fc.record({ t: fc.constant('observe' as const), stamp: stampArb, wall: wallArb }),
  );

  it('property: monotonic under arbitrary wall-clock sequences, parents and observations', () => {
    fc.assert(
      fc.property(fc.array(clockOpArb, { minLength: 1, maxLength: 60 }), (ops) => {
        // Prepare
        let wall = 0;
        const clock = new HybridClock({ now: () => wall });
        let highest = ZERO_HLC;
        let lastIssued = ZERO_HLC;

        for (const op of ops) {
          wall = op.wall;
          if (op.t === 'observe') {
            const now = Number.isFinite(wall) && wall >= 0 ? Math.min(Math.floor(wall), Number.MAX_SAFE_INTEGER) : 0;
            if (parseHlc(op.stamp).wall - now > DEFAULT_MAX_CLOCK_OFFSET_MS) {
              // Act / Assess: too far ahead of the wall clock: refused, and not recorded.
              expect(() => clock.observe(op.stamp)).toThrow(ClockSkewError);
              continue;
            }
            // Act
            clock.observe(op.stamp);
            if (op.stamp > highest) highest = op.stamp;
          } else {
            // Act
            const s = clock.tick(op.after);

            // Assess: above everything issued, observed, and every parent given.
            expect(isHlc(s)).toBe(true);
            expect(s > highest).toBe(true);
            expect(s > lastIssued).toBe(true);
            for (const a of op.after) expect(s > a).toBe(true);
            // Never further ahead than needed: the wall part is the real time or just past the floor.
            const floor = [highest, ...op.after].reduce((m, x) => (x > m ? x : m));
            const fw = parseHlc(floor);
            const p = parseHlc(s);
            const now = Number.isFinite(wall) && wall >= 0 ? Math.floor(wall) : 0;
            expect(p.wall).toBe(now > fw.wall ? now : fw.counter === MAX_HLC_COUNTER ? fw.wall + 1 : fw.wall);
            highest = s;
            lastIssued = s;
          }
        }
      }),
      RUNS,
    );
  }, SLOW);
});

describe('the bound on clock offset', () => {
  it('refuses a stamp at the largest wall isHlc accepts: the clock is not exhausted and keeps ticking', () => {
    // Prepare: the event, wall part near 2^53.
    const clock = new HybridClock({ now: () => BASE_WALL });
    const exhausting = formatHlc({ wall: MAX_HLC_WALL, counter: MAX_HLC_COUNTER });

    // Act
    const refused = (() => {
      try {
        clock.observe(exhausting);
        return undefined;
      } catch (e) {
        return e;
      }
    })();

    // Assess
    expect(refused).toBeInstanceOf(ClockSkewError);
    expect(refused).toMatchObject({ code: 'clock-skew', status: 400 });
    expect(clock.peek()).toBe(ZERO_HLC);
    expect(parseHlc(clock.tick()).wall).toBe(BASE_WALL);
  });

  it('refuses a stamp a year ahead, accepts one within the bound (known answers)', () => {
    const clock = new HybridClock({ now: () => BASE_WALL });
    expect(() => clock.observe(formatHlc({ wall: BASE_WALL + 365 * 86_400_000, counter: 0 }))).toThrow(/ahead of this region's clock/);
    clock.observe(formatHlc({ wall: BASE_WALL + DEFAULT_MAX_CLOCK_OFFSET_MS, counter: 3 }));
    expect(clock.tick()).toBe(formatHlc({ wall: BASE_WALL + DEFAULT_MAX_CLOCK_OFFSET_MS, counter: 4 }));
    expect(clockAhead(formatHlc({ wall: 5_000, counter: 0 }), 1_000)).toBe(4_000);
    expect(clockAhead(formatHlc({ wall: 5_000, counter: 0 }), 9_000)).toBe(0);
    expect(() => checkClockOffset(formatHlc({ wall: 1_001, counter: 0 }), 1_000, 0)).toThrow(ClockSkewError);
  });

  it('property: whatever it observes, a clock on a sane wall clock never exhausts and stays within the bound', () => {
    const anyStampArb = fc.oneof(hlcArb, fc.constant(formatHlc({ wall: MAX_HLC_WALL, counter: MAX_HLC_COUNTER })), fc.integer({ min: 0, max: MAX_HLC_WALL }).map((wall) => formatHlc({ wall, counter: MAX_HLC_COUNTER })));
    fc.assert(
      fc.property(fc.array(anyStampArb, { maxLength: 40 }), fc.integer({ min: 0, max: 4_000_000_000_000 }), (stamps, now) => {
        // Prepare
        const clock = new HybridClock({ now: () => now });

        // Act
        for (const s of stamps) {
          try {
            clock.observe(s);
          } catch (e) {
            expect(e).toBeInstanceOf(ClockSkewError);
          }
        }
        const issued = Array.from({ length: 3 }, () => clock.tick());

        // Assess
        for (const s of issued) expect(parseHlc(s).wall).toBeLessThanOrEqual(now + DEFAULT_MAX_CLOCK_OFFSET_MS + 1);
      }),
      RUNS,
    );
  }, SLOW);
});
