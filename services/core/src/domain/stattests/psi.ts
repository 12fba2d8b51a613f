import { binnedShares } from './binning.ts';
import type { StatTest } from './statTest.ts';

/** Evidently's population stability index over its bins, empty bins filled; drift when >= threshold. */
export const psiStatTest: StatTest<'psi'> = {
  name: 'psi',
  displayName: 'PSI',
  columnTypes: ['numerical', 'categorical'],
  allowedColumnTypes: ['numerical', 'categorical'],
  defaultThreshold: 0.1,
  scoreKind: 'distance',
  isDrift: (score, threshold) => score >= threshold,
  run(pair, threshold) {
    const shares = binnedShares(pair, true);
    let score = 0;
    for (let index = 0; index < shares.reference.length; index += 1) {
      const reference = shares.reference[index] as number;
      const current = shares.current[index] as number;
      score += (reference - current) * Math.log(reference / current);
    }
    return { score, drifted: psiStatTest.isDrift(score, threshold) };
  },
};
