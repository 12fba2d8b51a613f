import { describe, expect, it } from 'vitest';
import { batchDueMs, batchRanges, dayWallMs, labelsDueMs, parseSpeed } from './trafficSchedule.ts';

describe('the traffic player\'s schedule', () => {
  it('reads --speed as a multiple of real time, or max; anything else is refused naming the flag', () => {
    expect(parseSpeed('43200')).toEqual({ kind: 'times', factor: 43200 });
    expect(parseSpeed('max')).toEqual({ kind: 'max' });
    for (const bad of ['0', '-5', 'fast', '1e9', '']) expect(() => parseSpeed(bad)).toThrow(/^--speed: /);
  });

  it('a simulated day takes 86400000 / speed wall milliseconds (2 s at 43200); max does not wait', () => {
    expect(dayWallMs({ kind: 'times', factor: 43200 })).toBe(2000);
    expect(dayWallMs({ kind: 'max' })).toBe(0);
  });

  it('cuts a day into batches of at most the size, every row once, in order', () => {
    expect(batchRanges(5, 2)).toEqual([{ start: 0, end: 2 }, { start: 2, end: 4 }, { start: 4, end: 5 }]);
    expect(batchRanges(0, 250)).toEqual([]);
  });

  it('spreads a day\'s batches evenly over its wall time, and drops its labels once the day has been played', () => {
    expect([0, 1, 2, 3].map((batch) => batchDueMs(2, batch, 4, 2000))).toEqual([4000, 4500, 5000, 5500]);
    expect(labelsDueMs(2, 2000)).toBe(6000);
    expect(batchDueMs(5, 0, 1, 0)).toBe(0);
  });
});
