import type { ColumnDriftRule, PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import type { ColumnPair } from '../../core/src/domain/stattests/columnPair.ts';
import { defaultStatTest, runStatTest, statTestByName, type StatTestName } from '../../core/src/domain/stattests/statTestRegistry.ts';
import type { ColumnType, ScoreKind, Severity, StatTestChoice } from '../../core/src/domain/vocabularies.ts';

export interface ColumnDrift {
  column_name: string;
  column_type: ColumnType;
  stattest_name: StatTestName;
  /** Which setting chose the test: a column rule, the policy's test for all columns, or Evidently's default. */
  stattest_chosen_by: StatTestChoice;
  stattest_threshold: number;
  drift_score: number;
  drift_detected: boolean;
  score_kind: ScoreKind;
  reference_rows: number;
  current_rows: number;
}

export interface DriftSettings {
  driftShare: number;
  severityThresholds: { high: number; medium: number };
  stattest?: StatTestName;
  stattestThreshold?: number;
  columns: Readonly<Record<string, ColumnDriftRule>>;
}

/** The policy's drift section (or Evidently's defaults, which name no test) as the analysis reads it. */
export function driftSettings(drift: Pick<PromotionPolicy['drift_policy'], 'drift_share' | 'severity_thresholds' | 'stattest' | 'stattest_threshold' | 'columns'>): DriftSettings {
  return { driftShare: drift.drift_share, severityThresholds: drift.severity_thresholds, stattest: drift.stattest, stattestThreshold: drift.stattest_threshold, columns: drift.columns ?? {} };
}

/** Which setting names a column's test, as Evidently resolves it: the column's own rule, then the test for all columns, else its default. */
export function statTestChoice(name: string, settings: Pick<DriftSettings, 'stattest' | 'columns'>): StatTestChoice {
  if (settings.columns[name]?.stattest !== undefined) return 'column_rule';
  return settings.stattest !== undefined ? 'policy' : 'default';
}

/** Evidently's per-column drift: the column's test (policy first, else Evidently's default) at its threshold. */
export function columnDrift(name: string, pair: ColumnPair, settings: DriftSettings): ColumnDrift {
  const rule = settings.columns[name];
  const chosenBy = statTestChoice(name, settings);
  const chosen = rule?.stattest ?? settings.stattest;
  const test = chosen ? statTestByName(chosen) : defaultStatTest(pair);
  const threshold = rule?.threshold ?? settings.stattestThreshold ?? test.defaultThreshold;
  const { score, drifted } = runStatTest(test, pair, threshold, name, chosenBy !== 'default');
  return {
    column_name: name,
    column_type: pair.type,
    stattest_name: test.name,
    stattest_chosen_by: chosenBy,
    stattest_threshold: threshold,
    drift_score: score,
    drift_detected: drifted,
    score_kind: test.scoreKind,
    reference_rows: pair.type === 'numerical' ? pair.reference.length : pair.referenceCounts.reduce((sum, count) => sum + count, 0),
    current_rows: pair.type === 'numerical' ? pair.current.length : pair.currentCounts.reduce((sum, count) => sum + count, 0),
  };
}

/** share >= high -> high, >= medium -> medium, > 0 -> low, else none. */
export function severityFromShare(share: number, thresholds: { high: number; medium: number }): Severity {
  if (share >= thresholds.high && share > 0) return 'high';
  if (share >= thresholds.medium && share > 0) return 'medium';
  if (share > 0) return 'low';
  return 'none';
}

export interface DatasetDrift {
  drift_by_columns: Record<string, ColumnDrift>;
  number_of_columns: number;
  number_of_drifted_columns: number;
  share_of_drifted_columns: number;
  dataset_drift: boolean;
  severity: Severity;
}

export function datasetDrift(results: ColumnDrift[], settings: DriftSettings): DatasetDrift {
  const drifted = results.filter((result) => result.drift_detected).length;
  const share = results.length === 0 ? 0 : drifted / results.length;
  return {
    drift_by_columns: Object.fromEntries(results.map((result) => [result.column_name, result])),
    number_of_columns: results.length,
    number_of_drifted_columns: drifted,
    share_of_drifted_columns: share,
    dataset_drift: share >= settings.driftShare,
    severity: severityFromShare(share, settings.severityThresholds),
  };
}

/** How strongly a column drifted, comparable across tests (>= 1 means past its threshold): for sorting reports. */
export function driftStrength(result: ColumnDrift): number {
  if (result.score_kind === 'distance') return result.stattest_threshold === 0 ? Infinity : result.drift_score / result.stattest_threshold;
  return result.drift_score === 0 ? Infinity : result.stattest_threshold / result.drift_score;
}
