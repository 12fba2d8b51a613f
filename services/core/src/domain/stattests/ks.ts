import type { NumericalPair } from './columnPair.ts';
import { kolmogorovSurvival } from './kolmogorovDistribution.ts';
import { exactTwoSidedPValue } from './ksTwoSampleExact.ts';
import type { StatTest } from './statTest.ts';

/** SciPy's ks_2samp(method='auto'): exact when both samples have at most this many rows. */
const MAX_EXACT_ROWS = 10_000;

/** The two-sided statistic: the largest gap between the two empirical CDFs. */
export function ksStatistic(reference: Float64Array, current: Float64Array): number {
  const n1 = reference.length;
  const n2 = current.length;
  let i = 0;
  let j = 0;
  let largest = -Infinity;
  let smallest = Infinity;
  while (i < n1 || j < n2) {
    const value = Math.min(i < n1 ? (reference[i] as number) : Infinity, j < n2 ? (current[j] as number) : Infinity);
    while (i < n1 && reference[i] === value) i += 1;
    while (j < n2 && current[j] === value) j += 1;
    const difference = i / n1 - j / n2;
    if (difference > largest) largest = difference;
    if (difference < smallest) smallest = difference;
  }
  const below = Math.min(1, Math.max(0, -smallest));
  return below > largest ? below : largest;
}

/** Two-sided p-value of scipy.stats.ks_2samp with its default method. */
export function ksPValue(reference: Float64Array, current: Float64Array): number {
  const n1 = reference.length;
  const n2 = current.length;
  const d = ksStatistic(reference, current);
  if (Math.max(n1, n2) <= MAX_EXACT_ROWS) {
    const exact = exactTwoSidedPValue(n1, n2, d);
    if (exact !== undefined) return Math.min(1, Math.max(0, exact));
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const effectiveSize = (m * n) / (m + n);
  return Math.min(1, Math.max(0, kolmogorovSurvival(Math.round(effectiveSize), d)));
}

export const ksStatTest: StatTest<'ks', NumericalPair> = {
  name: 'ks',
  displayName: 'K-S p_value',
  columnTypes: ['numerical'],
  allowedColumnTypes: ['numerical'],
  defaultThreshold: 0.05,
  scoreKind: 'p_value',
  isDrift: (score, threshold) => score <= threshold,
  run(pair, threshold) {
    const pValue = ksPValue(pair.reference, pair.current);
    return { score: pValue, drifted: ksStatTest.isDrift(pValue, threshold) };
  },
};
