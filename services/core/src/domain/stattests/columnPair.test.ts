import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { numericalPair, referenceUniqueCount, uniqueCount, valueCounts } from './columnPair.ts';

describe('distinct values of a numerical pair', () => {
  it('are counted without valueCounts\' arrays, and agree with them: both sides together, and the reference alone', () => {
    const random = seedrandom('distinct');
    for (const draw of [() => Math.round(random() * 10), () => random(), () => Math.round(random() * 3) - 1.5]) {
      const pair = numericalPair(Float64Array.from({ length: 3000 }, draw).sort(), Float64Array.from({ length: 2000 }, draw).sort());
      const counts = valueCounts(pair);
      expect(uniqueCount(pair)).toBe(counts.referenceCounts.length);
      expect(referenceUniqueCount(pair)).toBe(counts.referenceCounts.filter((count) => count > 0).length);
    }
    const edges = numericalPair(Float64Array.of(-0, 0, 1), new Float64Array(0));
    expect([uniqueCount(edges), referenceUniqueCount(edges)]).toEqual([valueCounts(edges).referenceCounts.length, 2]);
  });

  it('stop past a limit: the count is exact up to it, and one more beyond', () => {
    const pair = numericalPair(Float64Array.of(1, 2, 2, 3, 5, 8), Float64Array.of(0, 2, 13, 21));
    expect([0, 3, 7, 8, 9, 100].map((atMost) => uniqueCount(pair, atMost))).toEqual([1, 4, 8, 8, 8, 8]);
    expect([0, 3, 4, 5, 100].map((atMost) => referenceUniqueCount(pair, atMost))).toEqual([1, 4, 5, 5, 5]);
  });

  it('end when a side ends, whatever values the other holds past it', () => {
    expect(uniqueCount({ ...numericalPair(Float64Array.of(1), Float64Array.of(2)), current: Float64Array.of(2, Infinity) })).toBe(3);
  });
});
