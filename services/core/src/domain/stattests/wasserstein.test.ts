import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { distinctValues, numericalPair, valueCounts } from './columnPair.ts';
import { wassersteinDistance } from './wasserstein.ts';

/**
 * The distance as first written: one term per distinct value, in order, the CDFs counted
 * from each value's runs (distinctValues and valueCounts, the merge the tests share).
 */
function runWiseDistance(reference: Float64Array, current: Float64Array): number {
  const pair = numericalPair({ sorted: reference, allIntegral: false, hadMissing: false, missingCount: 0 }, { sorted: current, allIntegral: false, hadMissing: false, missingCount: 0 });
  const counts = valueCounts(pair);
  let i = 0;
  let j = 0;
  let previous = Math.min(reference[0] as number, current[0] as number);
  let distance = 0;
  distinctValues(pair).forEach((value, index) => {
    distance += Math.abs(i / reference.length - j / current.length) * (value - previous);
    i += counts.referenceCounts[index] as number;
    j += counts.currentCounts[index] as number;
    previous = value;
  });
  return distance;
}

function sample(random: () => number, length: number, decimals: number, shift: number): Float64Array {
  const values = new Float64Array(length);
  for (let index = 0; index < length; index += 1) {
    // Box-Muller, rounded: few decimals make the ties that real columns have.
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    values[index] = Math.round((normal + shift) * 10 ** decimals) / 10 ** decimals;
  }
  return values.sort();
}

describe('wassersteinDistance', () => {
  it('equals the run-wise sum bit for bit, ties, signed zeros and one side ending first included', () => {
    const random = seedrandom('wasserstein');
    const cases: [Float64Array, Float64Array][] = [
      [Float64Array.of(0), Float64Array.of(0)],
      [Float64Array.of(1), Float64Array.of(2)],
      [Float64Array.of(-0, 0, 0, 1), Float64Array.of(0, -0, 2)],
      [Float64Array.of(1, 1, 1, 1), Float64Array.of(1, 2, 2, 3, 3, 3)],
      // Disjoint: one side is used up long before the other.
      [Float64Array.of(-3, -2, -1), Float64Array.of(5, 6, 7, 8)],
      [Float64Array.of(5, 6, 7, 8), Float64Array.of(-3, -2, -1)],
    ];
    for (let round = 0; round < 300; round += 1) {
      const decimals = Math.floor(random() * 4);
      const shift = random() < 0.3 ? 0 : random() * 2 - 1;
      cases.push([sample(random, 1 + Math.floor(random() * 400), decimals, 0), sample(random, 1 + Math.floor(random() * 400), decimals, shift)]);
    }
    cases.push([sample(random, 200_000, 2, 0), sample(random, 150_000, 2, 0.1)]);
    for (const [reference, current] of cases) {
      expect(Object.is(wassersteinDistance(reference, current), runWiseDistance(reference, current))).toBe(true);
    }
  });
});
