import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { categoricalPair, numericalPair } from '../../core/src/domain/stattests/columnPair.ts';
import { columnHistogram, logBinEdges, numericalBins, quantileBinEdges, skewness } from './chartBinning.ts';
import { valueShareChart } from './svgCharts.ts';

/** A seeded normal sample (Box-Muller). */
function normals(count: number, seed: string, mean = 0, sd = 1): number[] {
  const random = seedrandom(seed);
  return Array.from({ length: count }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

/** Amounts like the generator's: log-normal, the current one ×1.6. */
const amounts = normals(3000, 'reference', 4, 1).map(Math.exp);
const shiftedAmounts = normals(3000, 'current', 4, 1).map((value) => 1.6 * Math.exp(value));

describe('chart bins fit the column\'s shape', () => {
  it('a symmetric column keeps equal-width bins', () => {
    const pair = numericalPair(normals(2000, 'a', 50, 10), normals(2000, 'b', 52, 10));
    expect(numericalBins(pair).binning).toBe('equal_width');
    expect(columnHistogram('age', pair).caption).toBe('equal-width bins');
  });

  it('a skewed positive column (log-normal amounts) gets log-scaled bins, and the ×1.6 shift shows in them', () => {
    const pair = numericalPair(amounts, shiftedAmounts);
    expect(skewness(pair.reference)).toBeGreaterThan(1);
    const histogram = columnHistogram('transaction_amount', pair);
    expect(histogram.binning).toBe('log');
    expect(histogram.caption).toMatch(/^log-scaled bins \(skewed: skewness \d+\.\d\)$/);
    // Equal-width bins put nearly every row of both sides in the first bin or two; log bins spread them.
    expect(Math.max(...histogram.reference)).toBeLessThan(0.35);
    // The current side's median bin lies to the right of the reference's.
    const medianBin = (shares: number[]) => shares.findIndex((_, index) => shares.slice(0, index + 1).reduce((a, b) => a + b, 0) >= 0.5);
    expect(medianBin(histogram.current)).toBeGreaterThan(medianBin(histogram.reference));
  });

  it('a skewed column with zeros gets quantile bins holding about a tenth of the reference each', () => {
    const withZeros = [...Array.from({ length: 300 }, () => 0), ...amounts.slice(0, 2700)];
    const pair = numericalPair(withZeros, shiftedAmounts);
    const histogram = columnHistogram('tenure', pair);
    expect(histogram.binning).toBe('quantile');
    expect(histogram.caption).toMatch(/^quantile bins/);
    for (const share of histogram.reference) expect(share).toBeGreaterThan(0.05);
    expect(histogram.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(histogram.current.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('a column skewed to the left (a long tail of low values) gets quantile bins, not one bar holding nearly every row', () => {
    const leftSkewed = amounts.map((amount) => 10_000 - amount);
    const pair = numericalPair(leftSkewed, shiftedAmounts.map((amount) => 10_000 - amount));
    expect(skewness(pair.reference)).toBeLessThan(-1);
    const histogram = columnHistogram('balance', pair);
    expect(histogram.binning).toBe('quantile');
    expect(Math.max(...histogram.reference)).toBeLessThan(0.35);
  });

  it('log edges are geometric with exact ends; quantile edges widen to hold current and merge repeats', () => {
    expect(Array.from(logBinEdges(1, 1000, 3)).map((edge) => Number(edge.toPrecision(12)))).toEqual([1, 10, 100, 1000]);
    const reference = Float64Array.from([0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    expect(Array.from(quantileBinEdges(reference, -5, 50, 10)).map((edge) => Number(edge.toFixed(6)))).toEqual([-5, 0, 0.4, 1.3, 2.2, 3.1, 50]);
  });
});

describe('a binary column gets a two-value chart on a 0–100% axis', () => {
  it('a 0/1 numerical column: the share of each value, not one bin at 100% vs 100%', () => {
    const reference = Array.from({ length: 1000 }, (_, index) => (index < 50 ? 1 : 0));
    const current = Array.from({ length: 1000 }, (_, index) => (index < 300 ? 1 : 0));
    const histogram = columnHistogram('is_international', numericalPair(reference, current));
    expect(histogram).toMatchObject({ binning: 'binary', labels: ['0', '1'], reference: [0.95, 0.05], current: [0.7, 0.3] });
    const chart = valueShareChart(histogram);
    for (const label of ['5.0%', '30.0%', '95.0%', '70.0%', '100%', '50%', '0%']) expect(chart).toContain(`>${label}</text>`);
  });

  it('bars are drawn on the absolute scale: 15% is three times as tall as 5%', () => {
    const histogram = columnHistogram('flag', numericalPair([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const heights = [...valueShareChart(histogram).matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((match) => Number(match[1]));
    // reference 0, current 0, reference 1, current 1
    expect(heights[3]! / heights[2]!).toBeCloseTo(3, 1);
    expect(heights[0]! / heights[2]!).toBeCloseTo(19, 0);
  });

  it('a two-valued categorical column is charted the same way', () => {
    const encode = (values: string[]) => ({ categories: ['online', 'pos'], codes: values.map((value) => (value === 'online' ? 0 : 1)) });
    const histogram = columnHistogram('channel', categoricalPair(encode(['online', 'pos', 'pos', 'pos']), encode(['online', 'online', 'pos', 'pos'])));
    expect(histogram.binning).toBe('binary');
    expect(histogram.labels.sort()).toEqual(['online', 'pos']);
  });

  it('a few-valued numerical column gets one bar per value; many categories the top twelve', () => {
    expect(columnHistogram('rooms', numericalPair([1, 2, 3, 4, 2, 3], [1, 2, 3, 3, 4, 4])).binning).toBe('values');
    const names = Array.from({ length: 20 }, (_, index) => `c${index}`);
    const many = categoricalPair({ categories: names, codes: names.map((_, index) => index) }, { categories: names, codes: names.map((_, index) => index) });
    expect(columnHistogram('merchant', many)).toMatchObject({ binning: 'categories', caption: 'share of each category (top 12 of 20)' });
  });
});
