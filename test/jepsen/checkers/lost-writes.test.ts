import { describe, expect, it } from 'vitest';
import { checkLostWrites } from '../../../jepsen/checkers/lost-writes.ts';
import { HistoryBuilder } from '../support/history-builder.ts';
import { ev, finalReads, regionFinal } from '../support/final-factory.ts';

const history = new HistoryBuilder()
  .invoke(0, 'write', 'k0', 1, 0, { region: 'us-east-1' }).ok(0, 1, 5, { eventId: 'e1' })
  .invoke(1, 'write', 'k0', 2, 1, { region: 'eu-west-1' }).ok(1, 2, 6, { eventId: 'e2' })
  .invoke(0, 'write', 'k0', 3, 7).info(0, 9) // unknown outcome: need not be anywhere
  .invoke(1, 'write', 'k0', 4, 8).fail(1, 10) // refused: need not be anywhere
  .build();
const both = { histories: { k0: [ev('e1', 'set', 1, '1'), ev('e2', 'set', 2, '2', 'eu-west-1')] } };

describe('checkLostWrites', () => {
  it('is valid when every acknowledged write is in every region', () => {
    // Act
    const v = checkLostWrites(history, finalReads(regionFinal('us-east-1', both), regionFinal('eu-west-1', both)));
    // Assess
    expect(v.valid).toBe(true);
    expect(v.details.acknowledged).toBe(2);
  });

  it('accepts a write found by id when the history listing lacks it', () => {
    const v = checkLostWrites(history, finalReads(regionFinal('us-east-1', { histories: { k0: [ev('e1', 'set', 1, '1')] }, found: { e2: true } })));
    expect(v.valid).toBe(true);
  });

  it('is invalid when an acknowledged write is missing from one region, naming it', () => {
    // Prepare
    const final = finalReads(regionFinal('us-east-1', both), regionFinal('eu-west-1', { histories: { k0: [ev('e2', 'set', 2, '2', 'eu-west-1')] } }));
    // Act
    const v = checkLostWrites(history, final);
    // Assess
    expect(v.valid).toBe(false);
    expect(v.details.lost).toEqual([{ eventId: 'e1', key: 'k0', f: 'write', acknowledgedBy: 'us-east-1', missingIn: 'eu-west-1', index: 1 }]);
  });

  it('is unknown when a region could not be read', () => {
    const v = checkLostWrites(history, finalReads(regionFinal('us-east-1', both), regionFinal('eu-west-1', { error: 'connection refused' })));
    expect(v.valid).toBe('unknown');
  });
});
