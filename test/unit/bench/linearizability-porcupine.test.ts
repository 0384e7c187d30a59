import { describe, expect, it } from 'vitest';
import { porcupineCheck, toPorcupineOperations } from '../../../bench/linearizability-porcupine.ts';
import { generateRegisterHistory } from '../../../bench/linearizability.ts';
import { checkLinearizable } from '../../../jepsen/checkers/linearizable.ts';
import { HistoryBuilder, staleRead } from '../../jepsen/support/history-builder.ts';

// The benchmark's Porcupine-style reference must decide what the project's checker decides, or
// comparing their speed would compare different answers.
describe('porcupineCheck (the Porcupine-style reference port)', () => {
  it('decides the textbook cases', () => {
    // Prepare
    const ok = new HistoryBuilder().invoke(0, 'write', 'x', 1, 0).ok(0, 1, 10).invoke(1, 'read', 'x', null, 20).ok(1, 1, 30).build();
    const infoSeen = new HistoryBuilder().invoke(0, 'write', 'x', 1, 0).info(0, 10).invoke(1, 'read', 'x', null, 50).ok(1, 1, 60).build();
    // Act / Assess
    expect([porcupineCheck(toPorcupineOperations(ok)), porcupineCheck(toPorcupineOperations(staleRead())), porcupineCheck(toPorcupineOperations(infoSeen))])
      .toEqual([true, false, true]);
  });

  it('agrees with checkLinearizable on 300 generated histories, both verdicts well represented', () => {
    const counts = { valid: 0, invalid: 0 };
    for (let seed = 1; seed <= 300; seed++) {
      // Prepare: small multi-key histories, some writes of unknown outcome, half with a stale read.
      const history = generateRegisterHistory({ operations: 40, keys: 2, clients: 4, seed, infoRate: 0.1, ...(seed % 2 === 0 ? { staleReadAt: 0.6 } : {}) });
      // Act
      const expected = checkLinearizable(history).valid;
      const got = porcupineCheck(toPorcupineOperations(history));
      // Assess
      expect([seed, got]).toEqual([seed, expected]);
      counts[got ? 'valid' : 'invalid']++;
    }
    expect(Math.min(counts.valid, counts.invalid)).toBeGreaterThan(100);
  });
});
