import { lazyRequire } from '../../infrastructure/lazyRequire.ts';
import { valueCounts } from './columnPair.ts';
import type { StatTest } from './statTest.ts';

// Loaded at the first z-test: every stage imports the test registry for the tests' names, and
// @stdlib's many small files cost a tenth of a second at start-up.
const normalCdf = lazyRequire<typeof import('@stdlib/stats-base-dists-normal-cdf')>('@stdlib/stats-base-dists-normal-cdf', import.meta.url);

/**
 * Evidently's two-proportion z-test on a column with at most two values: the share of
 * one value in reference vs current, pooled variance, two-sided p = 2(1 - Phi(|z|)).
 * p = 1 when both sides hold the same single value.
 */
export const zStatTest: StatTest<'z'> = {
  name: 'z',
  displayName: 'Z-test p_value',
  columnTypes: ['numerical', 'categorical'],
  allowedColumnTypes: ['categorical'],
  defaultThreshold: 0.05,
  scoreKind: 'p_value',
  isDrift: (score, threshold) => score < threshold,
  run(pair, threshold) {
    const counts = valueCounts(pair);
    const referenceDistinct = counts.referenceCounts.filter((count) => count > 0).length;
    const currentDistinct = counts.currentCounts.filter((count) => count > 0).length;
    if (referenceDistinct === 1 && currentDistinct === 1 && counts.referenceCounts.length === 1) {
      return { score: 1, drifted: false };
    }
    // Share of rows that are not the first value, as Evidently codes them (0 = that value, 1 = other).
    const n1 = counts.referenceTotal;
    const n2 = counts.currentTotal;
    const p1 = (n1 - (counts.referenceCounts[0] as number)) / n1;
    const p2 = (n2 - (counts.currentCounts[0] as number)) / n2;
    const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
    const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
    const pValue = 2 * (1 - normalCdf()(Math.abs(z), 0, 1));
    return { score: pValue, drifted: zStatTest.isDrift(pValue, threshold) };
  },
};
