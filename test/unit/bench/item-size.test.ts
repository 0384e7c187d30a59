import { describe, expect, it } from 'vitest';
import { itemSize, tableWriteUnits, valueSize } from '../../../bench/item-size.ts';

describe('itemSize', () => {
  it('adds every attribute name and value in UTF-8 bytes', () => {
    // Act + Assess
    expect(itemSize({ pk: { S: 'abc' } })).toBe(2 + 3);
    expect(itemSize({ 'ü': { S: 'é' } })).toBe(2 + 2);
    expect(itemSize({})).toBe(0);
  });

  it('sizes numbers by significant digits, booleans and nulls as one byte, lists and maps with their overhead', () => {
    // Act + Assess
    expect(valueSize({ N: '42' })).toBe(2);
    expect(valueSize({ N: '-1234.5000' })).toBe(4); // 5 significant digits
    expect(valueSize({ N: '0.001' })).toBe(2);
    expect(valueSize({ BOOL: false })).toBe(1);
    expect(valueSize({ NULL: true })).toBe(1);
    expect(valueSize({ L: [{ S: 'ab' }, { BOOL: true }] })).toBe(3 + (1 + 2) + (1 + 1));
    expect(valueSize({ M: { k: { S: 'v' } } })).toBe(3 + 1 + 1 + 1);
    expect(valueSize({ SS: ['a', 'bc'] })).toBe(3);
  });
});

describe('tableWriteUnits', () => {
  it('bills one unit per KB, rounded up, at least one, and twice that in a transaction', () => {
    // Prepare
    const small = { pk: { S: 'k' } };
    const kb = { pk: { S: 'x'.repeat(1022) } }; // 2 + 1022 = 1024 bytes
    const over = { pk: { S: 'x'.repeat(1023) } }; // 1025 bytes

    // Act + Assess
    expect(tableWriteUnits(small, false)).toBe(1);
    expect(tableWriteUnits(kb, false)).toBe(1);
    expect(tableWriteUnits(over, false)).toBe(2);
    expect(tableWriteUnits(small, true)).toBe(2);
    expect(tableWriteUnits(over, true)).toBe(4);
  });
});
