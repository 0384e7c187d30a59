import { describe, expect, it } from 'vitest';
import { mergeTrails } from '../../../gui/src/trail.ts';
import { receipt, setEvent } from '../../support/factories.ts';

const root = setEvent('k', 1, { origin: 'us' });
const child = setEvent('k', 2, { origin: 'eu', parents: [root, 'f'.repeat(64)] });

describe('mergeTrails', () => {
  it('joins every region\'s receipts per event, with each hop\'s lag behind the origin\'s receipt', () => {
    // Act
    const nodes = mergeTrails([
      { region: 'us', ok: true, value: { event: child, receipt: receipt(child, 'us', 1300), parents: [], region: 'us', trail: [{ event: root, receipts: [receipt(root, 'us', 1000)], missingParents: [], lags: {} }, { event: child, receipts: [receipt(child, 'us', 1300)], missingParents: [], lags: {} }] } },
      { region: 'eu', ok: true, value: { event: child, receipt: receipt(child, 'eu', 1000), parents: [], region: 'eu', trail: [{ event: root, receipts: [receipt(root, 'eu', 1040)], missingParents: [], lags: {} }, { event: child, receipts: [receipt(child, 'eu', 1000)], missingParents: [], lags: {} }] } },
      { region: 'ap', ok: false },
    ]);

    // Assess
    expect(nodes.map((n) => n.event.id)).toEqual([root.id, child.id]);
    expect(nodes[0]?.receipts['eu']?.lagMs).toBe(40);
    expect(nodes[1]?.receipts['us']?.lagMs).toBe(300);
    expect(nodes[1]?.receipts['eu']?.lagMs).toBe(0);
    expect(nodes[1]?.missingParents).toEqual(['f'.repeat(64)]);
  });

  it('uses the event and its receipt when a region answers no trail', () => {
    const nodes = mergeTrails([{ region: 'us', ok: true, value: { event: root, receipt: receipt(root, 'us', 5), region: 'us' } }]);
    expect(nodes).toEqual([{ event: root, receipts: { us: { ...receipt(root, 'us', 5), lagMs: 0 } }, missingParents: [] }]);
  });
});
