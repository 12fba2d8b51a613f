import type { ColumnPair, ColumnType } from './columnPair.ts';

export type StatTestName = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi';

export interface StatTestResult {
  score: number;
  drifted: boolean;
}

/** One statistical test, self-describing as Evidently's are. */
export interface StatTest {
  name: StatTestName;
  displayName: string;
  columnTypes: readonly ColumnType[];
  defaultThreshold: number;
  /** What the score is: a p-value (drift when small) or a distance (drift when large). */
  scoreKind: 'p_value' | 'distance';
  run(pair: ColumnPair, threshold: number): StatTestResult;
}
