import { describe, expect, it } from 'vitest';
import type { LinOp } from '../../../jepsen/checkers/wgl.ts';
import { boundInfoWrites } from '../../../jepsen/checkers/info-writes.ts';

const op = (id: number, f: 'read' | 'write', value: string, call: number, ret: number, open = false): LinOp => ({ id, f, value, call, ret, open });

describe('boundInfoWrites', () => {
  it('drops an info write nobody read and bounds one that was read by the first read of its value, renumbering the rest', () => {
    // Prepare: info writes of 1 (read at [11, 12] and [30, 31]) and of 5 (never read).
    const ops = [op(0, 'write', '1', 10, Infinity, true), op(1, 'write', '5', 10, Infinity, true), op(2, 'read', '1', 30, 31), op(3, 'read', '1', 11, 12)];
    // Act
    const { ops: out, from } = boundInfoWrites(ops);
    // Assess
    expect(from).toEqual([0, 2, 3]);
    expect(out.map((o) => [o.id, o.value, o.ret, o.open])).toEqual([[0, '1', 12, true], [1, '1', 31, false], [2, '1', 12, false]]);
  });

  it('never bounds an info write of nil by a read of nil, which may have read the initial value', () => {
    const ops = [op(0, 'read', 'null', 0, 5), op(1, 'write', 'null', 20, Infinity, true)];
    expect(boundInfoWrites(ops).ops[1]?.ret).toBe(Infinity);
  });

  it('leaves an info write open when another write has the same value (the read may have seen either)', () => {
    const ops = [op(0, 'write', '7', 0, 5), op(1, 'write', '7', 10, Infinity, true), op(2, 'read', '7', 20, 21)];
    expect(boundInfoWrites(ops).ops[1]?.ret).toBe(Infinity);
  });
});
