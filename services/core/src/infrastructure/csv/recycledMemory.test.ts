import { describe, expect, it } from 'vitest';
import { parseCsvText } from './csvTable.ts';
import { RecycledMemory, ownedArray } from './recycledMemory.ts';

describe('arrays carved out of a file\'s bytes', () => {
  it('hands out arrays one after another in the bytes\' memory, then new ones once it is used up', () => {
    const bytes = Buffer.alloc(8 * 10 + 5);
    const memory = new RecycledMemory(bytes, 11);
    const first = memory.take(4);
    const second = memory.take(6);
    const third = memory.take(1);
    expect(first.buffer).toBe(bytes.buffer);
    expect(second.buffer).toBe(bytes.buffer);
    expect([first.byteOffset, second.byteOffset]).toEqual([0, 32]);
    // 85 bytes hold 10 doubles: the eleventh does not fit, so it is new.
    expect(third.buffer).not.toBe(bytes.buffer);
    first.fill(1);
    second.fill(2);
    expect([...first, ...second]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  });

  it('leaves bytes alone that the arrays wanted would not fill half of: a carved array keeps the whole buffer alive', () => {
    const bytes = Buffer.alloc(8 * 100);
    expect(new RecycledMemory(bytes, 49).take(49).buffer).not.toBe(bytes.buffer);
    expect(new RecycledMemory(bytes, 50).take(50).buffer).toBe(bytes.buffer);
  });

  it('leaves bytes that are a slice of a larger buffer (Node\'s pool) alone', () => {
    const pooled = Buffer.from('a,b\n1,2\n');
    expect(pooled.byteLength).toBeLessThan(pooled.buffer.byteLength);
    const array = new RecycledMemory(pooled, 1).take(1);
    expect(array.buffer).not.toBe(pooled.buffer);
  });

  it('copies an array that shares its buffer before it is moved alone, and moves one that owns its buffer as it is', () => {
    const memory = new RecycledMemory(Buffer.alloc(64), 4);
    const shared = memory.take(3).fill(7);
    const copy = ownedArray(shared);
    expect(copy).not.toBe(shared);
    expect(copy.byteLength).toBe(copy.buffer.byteLength);
    expect([...copy]).toEqual([7, 7, 7]);
    const own = Float64Array.of(1, 2);
    expect(ownedArray(own)).toBe(own);
    expect(ownedArray(own.subarray(1))).not.toBe(own);
  });

  it('a table whose bytes were handed over says so rather than read the memory they became', () => {
    const table = parseCsvText('a,b\n1,x\n', 'handed.csv');
    table.releaseBytes();
    expect(() => table.recordText(0)).toThrow('internal: handed.csv: the table\'s bytes were handed over (releaseBytes); its text cannot be read');
    expect(() => table.categorical('a')).toThrow(/handed over/);
    expect(table.column('b').kind).toBe('categorical');
  });
});
