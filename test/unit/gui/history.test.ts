import { describe, expect, it } from 'vitest';
import { mergeHistories } from '../../../gui/src/history.ts';
import { BASE_WALL, receipt, setEvent } from '../../support/factories.ts';

describe('mergeHistories', () => {
  it('lists every event any region holds once, in total order, with each holder\'s receipt', () => {
    const a = setEvent('k', 1);
    const b = setEvent('k', 2, { wall: BASE_WALL + 9, parents: [a] });
    const rows = mergeHistories([
      { region: 'us', events: [{ event: b, receipt: receipt(b, 'us', 5) }, { event: a, receipt: receipt(a, 'us', 1) }] },
      { region: 'eu', events: [{ event: a, receipt: receipt(a, 'eu', 2) }] },
    ]);
    expect(rows.map((r) => [r.event.id, Object.keys(r.receipts)])).toEqual([
      [a.id, ['us', 'eu']],
      [b.id, ['us']],
    ]);
    expect(rows[0]?.receipts['eu']?.receivedAt).toBe(2);
  });
});
