import { binnedShares } from './binning.ts';
import type { StatTest } from './statTest.ts';

function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** scipy.spatial.distance.jensenshannon (natural log): both vectors re-normalised first. */
export function jensenShannonDistance(p: Float64Array, q: Float64Array): number {
  let pTotal = 0;
  let qTotal = 0;
  for (const value of p) pTotal += value;
  for (const value of q) qTotal += value;
  let left = 0;
  let right = 0;
  for (let index = 0; index < p.length; index += 1) {
    const pi = (p[index] as number) / pTotal;
    const qi = (q[index] as number) / qTotal;
    const middle = (pi + qi) / 2;
    left += relativeEntropy(pi, middle);
    right += relativeEntropy(qi, middle);
  }
  return Math.sqrt((left + right) / 2);
}

export const jensenShannonStatTest: StatTest<'jensenshannon'> = {
  name: 'jensenshannon',
  displayName: 'Jensen-Shannon distance',
  columnTypes: ['numerical', 'categorical'],
  allowedColumnTypes: ['numerical', 'categorical'],
  defaultThreshold: 0.1,
  scoreKind: 'distance',
  isDrift: (score, threshold) => score >= threshold,
  run(pair, threshold) {
    const shares = binnedShares(pair, false);
    const score = jensenShannonDistance(shares.reference, shares.current);
    return { score, drifted: jensenShannonStatTest.isDrift(score, threshold) };
  },
};
