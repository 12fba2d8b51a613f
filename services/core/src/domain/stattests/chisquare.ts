import { lazyRequire } from '../../infrastructure/lazyRequire.ts';
import { valueCounts } from './columnPair.ts';
import type { StatTest } from './statTest.ts';

// Loaded at the first chi-square test: every stage imports the test registry for the tests' names, and
// @stdlib's many small files cost a tenth of a second at start-up.
const gammainc = lazyRequire<typeof import('@stdlib/math-base-special-gammainc')>('@stdlib/math-base-special-gammainc', import.meta.url);

/** Chi-square survival function, accurate for tiny p (upper regularized gamma). */
export function chiSquareSurvival(statistic: number, degreesOfFreedom: number): number {
  if (statistic === Infinity) return 0;
  if (degreesOfFreedom <= 0) return Number.NaN;
  return gammainc()(statistic / 2, degreesOfFreedom / 2, true, true);
}

/**
 * Evidently's chi-square test: current counts against reference counts scaled by
 * n_current / n_reference, over the union of values (scipy.stats.chisquare).
 */
export const chiSquareStatTest: StatTest<'chisquare'> = {
  name: 'chisquare',
  displayName: 'chi-square p_value',
  columnTypes: ['numerical', 'categorical'],
  allowedColumnTypes: ['categorical'],
  defaultThreshold: 0.05,
  scoreKind: 'p_value',
  isDrift: (score, threshold) => score < threshold,
  run(pair, threshold) {
    const counts = valueCounts(pair);
    const scale = counts.currentTotal / counts.referenceTotal;
    let statistic = 0;
    for (let index = 0; index < counts.referenceCounts.length; index += 1) {
      const expected = (counts.referenceCounts[index] as number) * scale;
      const observed = counts.currentCounts[index] as number;
      statistic += (observed - expected) ** 2 / expected;
    }
    const pValue = chiSquareSurvival(statistic, counts.referenceCounts.length - 1);
    return { score: pValue, drifted: chiSquareStatTest.isDrift(pValue, threshold) };
  },
};
