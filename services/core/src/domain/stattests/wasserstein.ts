import type { NumericalPair } from './columnPair.ts';
import type { StatTest } from './statTest.ts';

/** scipy.stats.wasserstein_distance: the area between the two empirical CDFs. */
export function wassersteinDistance(reference: Float64Array, current: Float64Array): number {
  const n1 = reference.length;
  const n2 = current.length;
  let i = 0;
  let j = 0;
  let previous = Math.min(reference[0] as number, current[0] as number);
  let distance = 0;
  while (i < n1 || j < n2) {
    const value = Math.min(i < n1 ? (reference[i] as number) : Infinity, j < n2 ? (current[j] as number) : Infinity);
    // The CDFs are constant on [previous, value): they count the values below `value`.
    distance += Math.abs(i / n1 - j / n2) * (value - previous);
    while (i < n1 && reference[i] === value) i += 1;
    while (j < n2 && current[j] === value) j += 1;
    previous = value;
  }
  return distance;
}

/**
 * numpy's std (ddof 0), summed in order. Indexed loops: over a Float64Array, for...of
 * took 5 ms a 356k-value column where these take 1.2 ms (the sums are the same, bit for bit).
 */
export function populationStd(values: Float64Array): number {
  const length = values.length;
  let mean = 0;
  for (let index = 0; index < length; index += 1) mean += values[index] as number;
  mean /= length;
  let squares = 0;
  for (let index = 0; index < length; index += 1) {
    const deviation = (values[index] as number) - mean;
    squares += deviation * deviation;
  }
  return Math.sqrt(squares / length);
}

/** Evidently's normed Wasserstein: distance / max(std of reference, 0.001); drift when >= threshold. */
export const wassersteinStatTest: StatTest<'wasserstein', NumericalPair> = {
  name: 'wasserstein',
  displayName: 'Wasserstein distance (normed)',
  columnTypes: ['numerical'],
  allowedColumnTypes: ['numerical'],
  defaultThreshold: 0.1,
  scoreKind: 'distance',
  isDrift: (score, threshold) => score >= threshold,
  run(pair, threshold) {
    const norm = Math.max(populationStd(pair.reference), 0.001);
    const score = wassersteinDistance(pair.reference, pair.current) / norm;
    return { score, drifted: wassersteinStatTest.isDrift(score, threshold) };
  },
};
