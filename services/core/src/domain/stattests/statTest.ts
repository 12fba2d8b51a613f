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
  /** The column types run() computes on. */
  columnTypes: readonly Pair['type'][];
  /**
   * Evidently's allowed_feature_types: the column types a policy may name this test for
   * (drift_policy.stattest or drift_policy.columns.<col>.stattest). Evidently's own
   * default choice also runs chisquare and z on numerical columns of at most five
   * values, which is why a test may compute on more types than it allows.
   */
  allowedColumnTypes: readonly Pair['type'][];
  defaultThreshold: number;
  scoreKind: ScoreKind;
  /** The verdict from a score, as run() gives it: lets a recorded score be judged again under a new threshold. */
  isDrift(score: number, threshold: number): boolean;
  run(pair: Pair, threshold: number): StatTestResult;
}
