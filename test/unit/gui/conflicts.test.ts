import { describe, expect, it } from 'vitest';
import { conflictRows } from '../../../gui/src/conflicts.ts';
import { BASE_WALL, setEvent } from '../../support/factories.ts';

const a = setEvent('k', 'red', { wall: BASE_WALL });
const b = setEvent('k', 'blue', { wall: BASE_WALL + 10_000, origin: 'eu-west-1' });
const c = setEvent('k', 'green', { wall: BASE_WALL + 20_000, origin: 'ap-southeast-2' });

describe('conflictRows', () => {
  it('gathers every region\'s conflicting keys with its head count and every head, sorted by key', () => {
    const rows = conflictRows(
      [
        { region: 'us', ok: true, value: { conflicts: [{ key: 'k', heads: [a, b] }, { key: 'j', heads: [a, b, c] }] } },
        { region: 'eu', ok: true, value: { conflicts: [{ key: 'k', heads: [b, c, a] }] } },
        { region: 'ap', ok: false },
      ],
      BASE_WALL + 70_000,
    );
    expect(rows.map((r) => [r.key, r.counts, r.heads.map((h) => h.payload)])).toEqual([
      ['j', { us: 3 }, ['red', 'blue', 'green']],
      ['k', { us: 2, eu: 3 }, ['red', 'blue', 'green']],
    ]);
  });

  it('dates a conflict from the first region that saw it fork (`since`), else from the second concurrent head\'s clock', () => {
    const now = BASE_WALL + 70_000;
    expect(conflictRows([{ region: 'us', ok: true, value: { conflicts: [{ key: 'k', heads: [b, a] }] } }], now)[0]).toMatchObject({ ageMs: 60_000, ageFrom: 'heads' });
    const since = (region: string, at: number) => ({ region, ok: true, value: { conflicts: [{ key: 'k', heads: [a, b], since: at }] } });
    expect(conflictRows([since('us', now - 5_000), since('eu', now - 9_000)], now)[0]).toMatchObject({ ageMs: 9_000, ageFrom: 'api' });
    expect(conflictRows([{ region: 'us', ok: true, value: { conflicts: [{ key: 'k', heads: [a.id, b.id] }] } }], now)[0]).toMatchObject({ heads: [], ageMs: undefined, ageFrom: undefined });
  });
});

describe('conflictRows with listings that carry only the newest heads', () => {
  it('counts a region\'s heads by its headCount, not by the heads the listing carries', () => {
    const rows = conflictRows([{ region: 'us', ok: true, value: { conflicts: [{ key: 'k', heads: [b, c], headCount: 140 }], next: 'cursor' } }], BASE_WALL);
    expect(rows[0]?.counts).toEqual({ us: 140 });
  });
});
