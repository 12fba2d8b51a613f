import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { numericalPair, referenceUniqueCount, runEnd, uniqueCount, valueCounts } from './columnPair.ts';

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
    expect([-1, 0, 3, 7, 8, 9, 100].map((atMost) => uniqueCount(pair, atMost))).toEqual([0, 1, 4, 8, 8, 8, 8]);
    expect([-1, 0, 3, 4, 5, 100].map((atMost) => referenceUniqueCount(pair, atMost))).toEqual([0, 1, 4, 5, 5, 5]);
  });

  it('count long runs by galloping as value by value would, -0 and 0 as one value', () => {
    const random = seedrandom('runs');
    for (let round = 0; round < 200; round += 1) {
      const values = [-0, 0, 1, 2.5, 3, 1e9];
      const draw = (length: number) => Float64Array.from({ length }, () => values[Math.floor(random() ** (1 + (round % 5)) * values.length)] as number).sort();
      const pair = numericalPair(draw(Math.floor(random() * 3000)), draw(1 + Math.floor(random() * 3000)));
      // One value at a time: the count of each distinct value, both sides merged (Map keys hold -0 as 0).
      const expected = new Map<number, [number, number]>();
      pair.reference.forEach((value) => { const counts = expected.get(value) ?? [0, 0]; counts[0] += 1; expected.set(value, counts); });
      pair.current.forEach((value) => { const counts = expected.get(value) ?? [0, 0]; counts[1] += 1; expected.set(value, counts); });
      const ordered = [...expected].sort((a, b) => a[0] - b[0]);
      const counts = valueCounts(pair);
      expect([...counts.referenceCounts]).toEqual(ordered.map(([, [reference]]) => reference));
      expect([...counts.currentCounts]).toEqual(ordered.map(([, [, current]]) => current));
      expect(uniqueCount(pair)).toBe(ordered.length);
      expect(referenceUniqueCount(pair)).toBe(ordered.filter(([, [reference]]) => reference > 0).length);
      expect(runEnd(pair.reference, 0, pair.reference[0] as number)).toBe(pair.reference.findIndex((value) => value !== pair.reference[0]) < 0 ? pair.reference.length : pair.reference.findIndex((value) => value !== pair.reference[0]));
    }
  });

  it('refuse a NaN left in a sample rather than loop for ever', () => {
    // Built past numericalPair, which cleans its samples.
    const pair = { ...numericalPair(Float64Array.of(1), Float64Array.of(1)), reference: Float64Array.of(1, Number.NaN), current: Float64Array.of(Number.NaN) };
    expect(() => uniqueCount(pair)).toThrow('internal: a NaN in a sorted sample');
    expect(() => valueCounts(pair)).toThrow('internal: a NaN in a sorted sample');
    expect(() => referenceUniqueCount(pair)).toThrow('internal: a NaN in a sorted sample');
  });

  it('end when a side ends, whatever values the other holds past it', () => {
    expect(uniqueCount({ ...numericalPair(Float64Array.of(1), Float64Array.of(2)), current: Float64Array.of(2, Infinity) })).toBe(3);
  });
});
