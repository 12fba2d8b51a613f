import type { ColumnPair, ScoreKind } from './columnPair.ts';

export interface StatTestResult {
  score: number;
  drifted: boolean;
}

/**
 * One statistical test, self-describing as Evidently's are: its name, the column types
 * it accepts, its default threshold and what its score means. Generic over the pair it
 * accepts, so a numerical-only test reads its sorted samples without a cast.
 */
export interface StatTest<Name extends string = string, Pair extends ColumnPair = ColumnPair> {
  name: Name;
  displayName: string;
  columnTypes: readonly Pair['type'][];
  defaultThreshold: number;
  scoreKind: ScoreKind;
  run(pair: Pair, threshold: number): StatTestResult;
}
