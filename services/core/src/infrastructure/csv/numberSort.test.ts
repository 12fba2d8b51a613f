import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { extremesOf, smallestScale, sortFiniteNumbers } from './numberSort.ts';

/** Element by element with Object.is, so -0 and 0 differ (expect's toEqual would let them pass). */
function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const first = actual.findIndex((value, index) => !Object.is(value, expected[index]));
  expect(first, `first difference at ${first}: ${actual[first]} vs ${expected[first]}`).toBe(-1);
}

describe('sorting a column of finite numbers', () => {
  const random = seedrandom('number sort');
  const draw = (length: number, value: () => number) => Float64Array.from({ length }, value);
  const cases: Record<string, Float64Array> = {
    'five decimals, normal-like (the wide case)': draw(5000, () => Number(((random() + random() + random() - 1.5) * 2).toFixed(5))),
    'cents up to 10,000 (amounts)': draw(5000, () => Number((random() * 10_000).toFixed(2))),
    'five decimals over three times as many keys as values (counted, mostly one value a key)': draw(5000, () => Number(((random() - 0.5) * 0.15).toFixed(5))),
    'counted over more keys than the counts kept between columns (an array of its own)': draw(1_200_000, () => Number((random() * 45).toFixed(5))),
    'four decimals over 10^8 keys (three radix passes)': draw(5000, () => Number((random() * 10_000).toFixed(4))),
    'small integers (hours)': draw(5000, () => Math.floor(random() * 24)),
    'integers wider than 2^32 (ids)': draw(5000, () => Math.floor(random() * 2 ** 40) - 2 ** 39),
    'decimals of mixed lengths': draw(5000, () => Number((random() * 100).toFixed(Math.floor(random() * 7)))),
    'nine decimals': draw(5000, () => Number(random().toFixed(9))),
    'full doubles (no decimal scale)': draw(5000, () => random() * 1e3 - 500),
    'sums like 0.1 + 0.2': draw(5000, () => Math.floor(random() * 10) / 10 + 0.2),
    'negative zeros among zeros and decimals (fewer keys than values: counted)': draw(5000, () => { const pick = random(); return pick < 0.2 ? -0 : pick < 0.4 ? 0 : Number((pick - 0.7).toFixed(3)); }),
    'negative zeros among decimals of a wide range (radix passes)': draw(5000, () => { const pick = random(); return pick < 0.1 ? -0 : pick < 0.2 ? 0 : Number(((pick - 0.6) * 2000).toFixed(3)); }),
    'one value repeated': new Float64Array(5000).fill(-3.25),
    // The scale is guessed from the first 4096 values: more decimals after them must still sort exactly.
    'integers, then cents after the first 4096 (counted)': draw(6000, (() => { let index = 0; return () => (index++ < 4096 ? Math.floor(random() * 50) : Number((random() * 50).toFixed(2))); })()),
    'cents, then five decimals after the first 4096 (radix passes)': draw(6000, (() => { let index = 0; return () => (index++ < 4096 ? Number((random() * 1000).toFixed(2)) : Number((random() * 1000).toFixed(5))); })()),
    'decimals, then one full double at the end (built-in sort)': Float64Array.from({ length: 5000 }, (_, index) => (index === 4999 ? Math.PI : Number((index / 7).toFixed(3)))),
    'fewer values than the fast path is for': draw(100, () => Number((random() * 10).toFixed(1))),
    'extremes of the scaled range': Float64Array.from({ length: 2000 }, (_, index) => (index % 2 === 0 ? 2 ** 50 : -(2 ** 50)) + index),
  };
  for (const [name, values] of Object.entries(cases)) {
    it(`orders ${name} as Float64Array.prototype.sort does, bit for bit`, () => {
      const expected = values.slice().sort();
      const input = values.slice();
      const sorted = sortFiniteNumbers(input);
      expect(sorted).toBe(input);
      expectSameBits(sorted, expected);
    });
  }

  it('finds the decimal scale a column is written with, and none for values that are not short decimals', () => {
    expect(smallestScale(Float64Array.of(1, -2, 30))).toBe(0);
    expect(smallestScale(Float64Array.of(0.5, 1.25, -3.12345))).toBe(5);
    expect(smallestScale(Float64Array.of(0.1 + 0.2))).toBe(-1);
    expect(extremesOf(Float64Array.of(-0, 0, -0, 1.5)).negativeZeros).toBe(2);
  });
});
