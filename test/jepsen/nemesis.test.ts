import { describe, expect, it } from 'vitest';
import { fault, nemesisWindows, planFaults } from '../../jepsen/nemesis.ts';
import { HistoryBuilder } from './support/history-builder.ts';

const R = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

describe('planFaults', () => {
  it('rotates through every kind for the partition mode, and nothing for none', () => {
    expect(planFaults(R, 'partition', 5).map((f) => f.kind)).toEqual(['isolate', 'split', 'one-way', 'flap', 'isolate']);
    expect(planFaults(R, 'none', 5)).toEqual([]);
    expect(planFaults(R, 'flap', 2).map((f) => f.kind)).toEqual(['flap', 'flap']);
  });

  it('isolate cuts every link in and out of one region', () => {
    const f = fault(R, 'isolate', 0);
    expect(f.description).toBe('isolate us-east-1');
    expect(f.links).toHaveLength(4);
    expect(f.links.every(([a, b]) => a === 'us-east-1' || b === 'us-east-1')).toBe(true);
  });

  it('split cuts every link between two halves and none inside a half', () => {
    const f = fault([...R, 'sa-east-1'], 'split', 0);
    expect(f.links).toHaveLength(8);
    expect(f.description).toMatch(/^split \[.+ .+\] \| \[.+ .+\]$/);
  });

  it('one-way cuts a single direction', () => {
    expect(fault(R, 'one-way', 1)).toEqual({ kind: 'one-way', description: 'cut eu-west-1 → ap-southeast-2', links: [['eu-west-1', 'ap-southeast-2']] });
  });
});

describe('nemesisWindows', () => {
  it('pairs start and stop ops; an unhealed fault lasts to the end', () => {
    // Prepare
    const h = new HistoryBuilder().nemesis('start', 'isolate us-east-1', 10).nemesis('start', 'isolate us-east-1', 11)
      .nemesis('stop', 'isolate us-east-1', 50).nemesis('stop', 'isolate us-east-1', 51).build();
    h[0] = { ...h[0]!, type: 'invoke' };
    h[2] = { ...h[2]!, type: 'invoke' };
    h.push({ index: 4, type: 'invoke', process: 'nemesis', f: 'start', value: 'cut a → b', time: 60e6 });
    // Act
    const w = nemesisWindows(h, 99e6);
    // Assess
    expect(w).toEqual([
      { description: 'isolate us-east-1', kind: 'isolate', start: 10e6, end: 50e6 },
      { description: 'cut a → b', kind: 'one-way', start: 60e6, end: 99e6 },
    ]);
  });
});

describe('fault with two regions', () => {
  it('never cuts a region from itself', () => {
    for (const kind of ['isolate', 'split', 'one-way', 'flap'] as const) {
      for (let i = 0; i < 4; i++) expect(fault(['a', 'b'], kind, i).links.every(([x, y]) => x !== y)).toBe(true);
    }
  });
});
