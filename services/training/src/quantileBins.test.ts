import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { binColumns, binOf, quantileEdges, separatingThreshold } from './quantileBins.ts';

describe('quantile bins', () => {
  it('a threshold is the shortest decimal that separates two neighbouring values, near their midpoint', () => {
    expect(separatingThreshold(0.1234, 0.5678)).toBe(0.3);
    expect(separatingThreshold(1.23456, 1.23457)).toBe(1.234565);
    expect(separatingThreshold(1, 1 + Number.EPSILON)).toBe(1);
    expect(separatingThreshold(-0.3, 0.01)).toBe(-0.1);
  });

  it('with few distinct values, cuts between every neighbouring pair', () => {
    expect(quantileEdges(Float64Array.from([1, 0.5678, 0.1234, 0.5678]))).toEqual([0.3, 0.8]);
  });

  it('with many, at most maxBins bins of about equal counts; a value repeated on most rows keeps a bin of its own', () => {
    const rng = seedrandom.alea('bins');
    const values = Float64Array.from({ length: 10_000 }, () => (rng() < 0.6 ? 0 : rng() * 100));
    const edges = quantileEdges(values, 50);
    expect(edges.length).toBeLessThanOrEqual(49);
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const value of values) counts[binOf(edges, value)] = (counts[binOf(edges, value)] as number) + 1;
    expect(counts[0]).toBe(values.filter((value) => value === 0).length);
    expect(Math.max(...counts.slice(1))).toBeLessThan((2 * 10_000) / 50);
  });

  it('"bin <= b" is exactly "value <= edges[b]": a tree may keep the raw edge as its threshold', () => {
    const rng = seedrandom.alea('edges');
    const matrix = Array.from({ length: 800 }, () => [rng() * 2 - 1, Math.round(rng() * 20), rng() < 0.1 ? 1 : 0]);
    const { edges, codes } = binColumns(matrix, 32);
    let disagreements = 0;
    matrix.forEach((row, index) => row.forEach((value, feature) => {
      const code = (codes[feature] as Uint8Array)[index] as number;
      (edges[feature] as number[]).forEach((edge, bin) => { if ((value <= edge) !== (code <= bin)) disagreements += 1; });
    }));
    expect(edges.map((featureEdges) => featureEdges.length)).toEqual([31, 20, 1]);
    expect(disagreements).toBe(0);
  });
});
