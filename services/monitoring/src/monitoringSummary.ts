import type { ColumnProgress } from './monitorProgress.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { ColumnTable } from '../../core/src/infrastructure/csv/columnTable.ts';
import type { DataTable } from '../../core/src/infrastructure/csv/dataTable.ts';
import { eventHours } from '../../core/src/domain/datasetColumns.ts';
import type { ColumnDriftRule } from '../../core/src/domain/promotionPolicy.ts';
import type { StatTestName } from '../../core/src/domain/stattests/statTestRegistry.ts';
import type { ColumnType, MonitoringStatus, Severity } from '../../core/src/domain/vocabularies.ts';
import { columnDrift, datasetDrift, type ColumnDrift, type DriftSettings } from './datasetDrift.ts';
import { dataQuality, type DataQuality } from './dataQuality.ts';
import { performanceSummary, type PerformanceSummary } from './performance.ts';
import { featureMoves, type FeatureMove } from './featureMoves.ts';
import { columnsToSegment, segmentPerformance, type SegmentPerformance } from './segmentPerformance.ts';
import { categoricalPair, countCategories, numericalPair, type ColumnPair } from '../../core/src/domain/stattests/columnPair.ts';
import { computeEachTime, type ReferenceMemo } from './referenceProfile.ts';
import type { SelectedColumns } from './columnSelection.ts';
import { volumeSummary, type VolumeSummary } from './volume.ts';
import { estimatePerformance, referenceEstimates, type EstimatedPerformance } from './estimatedPerformance.ts';
import type { IsotonicCalibration } from '../../training/src/index.ts';

export const SUMMARY_SCHEMA_VERSION = 1;

export interface FileIdentity { path: string; rows: number; sha256: string }

/** A dataset spec as a summary records it: the control plane reads the same spec, or refuses. */
export interface DatasetIdentity { name: string; sha256: string; source: string }

export interface PredictionDrift {
  source: string;
  stattest_name: string;
  stattest_threshold: number;
  drift_score: number;
  drift_detected: boolean;
}

/** shared/reports/monitoring_summary.json (schema: services/monitoring/schema/monitoring-summary.schema.json). */
export interface MonitoringSummary {
  schema_version: number;
  generated_at: string;
  run_id: string;
  status: MonitoringStatus;
  drift_by_columns: Record<string, ColumnDrift>;
  number_of_columns: number;
  number_of_drifted_columns: number;
  share_of_drifted_columns: number;
  dataset_drift: boolean | null;
  severity: Severity | null;
  drift_share: number;
  min_samples: number;
  data_quality: DataQuality;
  performance: PerformanceSummary | null;
  /**
   * The serving model's performance on the current rows estimated without labels (CBPE),
   * against its estimate on the reference. Null without a calibrated model's scores;
   * absent in summaries written before it was estimated.
   */
  estimated_performance?: EstimatedPerformance | null;
  prediction_drift: PredictionDrift | null;
  volume: VolumeSummary;
  model: { version: number | null; source: string } | null;
  columns: { features: string[]; excluded: string[] };
  reference: FileIdentity;
  current: FileIdentity;
  /**
   * Over time, labels arrive days after the rows: the label window's rows whose labels had
   * arrived, in a file of their own. Performance is computed on them, and a retrain trains
   * on them. Null or absent: the current file carries its own labels (or none).
   */
  labelled?: FileIdentity | null;
  policy: { path: string; sha256: string } | null;
  /** The dataset spec the columns came from; null for a CSV pair read without one. Absent in summaries made before specs. */
  dataset?: DatasetIdentity | null;
  /** Absent in summaries written before it was recorded. */
  drift_settings?: RecordedDriftSettings;
  /**
   * Which way each feature moved, by column (numerical: median and 90th percentile on each
   * side; categorical: the category whose share changed most); null for a column with no
   * values on a side. Empty without a verdict; absent in summaries written before it.
   */
  feature_moves?: Record<string, FeatureMove | null>;
  /**
   * The model's quality per segment (categories, reference-quantile bins of the most
   * drifted numerical features) on the labelled rows beside the reference: where quality
   * was lost. Null without labels; absent in summaries written before it.
   */
  segment_performance?: SegmentPerformance | null;
}

/** The drift settings a summary's verdicts were made under, as recorded in it. */
export interface RecordedDriftSettings {
  drift_share: number;
  min_samples: number;
  severity_thresholds: { high: number; medium: number };
  stattest: StatTestName | null;
  stattest_threshold: number | null;
  columns: Record<string, ColumnDriftRule>;
}

export function recordedDriftSettings(settings: DriftSettings, minSamples: number): RecordedDriftSettings {
  return {
    drift_share: settings.driftShare,
    min_samples: minSamples,
    severity_thresholds: settings.severityThresholds,
    stattest: settings.stattest ?? null,
    stattest_threshold: settings.stattestThreshold ?? null,
    columns: { ...settings.columns },
  };
}

/** Scores (and labels, for performance) of both tables, from a model or a prediction column. */
export interface ScoredSides {
  source: string;
  threshold: number;
  modelVersion: number | null;
  referenceScores: ArrayLike<number>;
  currentScores: ArrayLike<number>;
  /** The labelled rows' scores, when performance is judged on a labelled table of its own. */
  labelledScores?: ArrayLike<number>;
  /** The model's calibration (artifacts from format 3), for performance estimated without labels. */
  calibration?: IsotonicCalibration;
  /** Names these reference scores in the reference memo (one model, one reference), when they can be kept. */
  referenceKey?: string;
}

export interface AnalysisInput {
  reference: DataTable;
  current: DataTable;
  referenceIdentity: FileIdentity;
  currentIdentity: FileIdentity;
  /** The labelled rows performance is judged on, when they are not the current table (labels that arrived late). */
  labelled?: { table: DataTable; identity: FileIdentity };
  columns: SelectedColumns;
  drift: DriftSettings;
  minSamples: number;
  target?: string;
  /** The target's labels as 0/1 when a dataset spec says how they are spelled; without one the column must hold 0 and 1. */
  labels?: (table: DataTable) => Float64Array;
  /** The dataset's event time column: days and hours of day for the volume signals. */
  timeColumn?: string;
  /** The dataset spec the columns came from (recorded so the control plane reads the same one). */
  dataset?: DatasetIdentity | null;
  scores?: ScoredSides;
  runId: string;
  now: Date;
  policy: { path: string; sha256: string } | null;
  /** The features' pairs when the caller needs them too (each costs a sort of both samples); built here otherwise. */
  pairs?: ReadonlyMap<string, ColumnPair>;
  /** Keeps what is worked out from the reference alone for the next window against the same reference. */
  referenceMemo?: ReferenceMemo;
  /** What volume is judged against instead of the reference file (over time: the traffic before the window). */
  volumeBaseline?: VolumeBaseline;
  /** Told of each column tested (the monitor's progress on a terminal). */
  progress?: ColumnProgress;
}

/**
 * Rows, days and hours of day of the traffic a window's volume is compared with. A
 * retrained model's reference is a sample of labelled rows spread over weeks: as "normal
 * volume" it would make every later day look like a surge.
 */
export interface VolumeBaseline {
  rows: number;
  days: number;
  hours: Float64Array;
  description: string;
}

function numbersOf(table: DataTable, name: string) {
  const cleaned = table instanceof ColumnTable ? table.cleaned.get(name) : undefined;
  return cleaned ?? table.numerical(name).values;
}

function pairFor(name: string, type: ColumnType, reference: DataTable, current: DataTable, memo: ReferenceMemo): ColumnPair {
  // The reader keeps numerical columns cleaned and sorted with the table: a kept reference table is a kept profile.
  if (type === 'numerical') return numericalPair(numbersOf(reference, name), numbersOf(current, name));
  return categoricalPair(memo(`category-counts:${name}`, () => countCategories(reference.categorical(name))), current.categorical(name));
}

export function featurePairs(columns: SelectedColumns, reference: DataTable, current: DataTable, memo: ReferenceMemo = computeEachTime, progress?: ColumnProgress): Map<string, ColumnPair> {
  return new Map(columns.features.map((feature, index) => {
    const pair = pairFor(feature.name, feature.type, reference, current, memo);
    progress?.('prepared', index + 1, columns.features.length);
    return [feature.name, pair];
  }));
}

export function fileIdentity(path: string, table: DataTable): FileIdentity {
  return { path, rows: table.rowCount, sha256: table.sha256 as string };
}

/** Labels of a target column, refused unless every value is 0 or 1. */
export function binaryLabels(table: DataTable, column: string): Float64Array {
  const labels = table.column(column);
  if (labels.kind !== 'numerical') throw new UserError(`${table.source}: target column "${column}" must hold 0 or 1, found "${labels.categories[0] ?? ''}"`);
  labels.values.forEach((value, row) => {
    if (value !== 0 && value !== 1) throw new UserError(`${table.source}: row ${row + 2}: target column "${column}" must be 0 or 1, found ${Number.isNaN(value) ? 'an empty value' : value}`);
  });
  return labels.values;
}

function refuseAllEmpty(table: DataTable, name: string): void {
  const column = table.column(name);
  const empty = column.kind === 'numerical' ? column.values.every((value) => !Number.isFinite(value)) : column.codes.every((code) => code < 0);
  if (empty) throw new UserError(`${table.source}: column "${name}" has no values (all empty); exclude it with --exclude ${name}`);
}

/** Distinct UTC days of the event time column (read as "YYYY-MM-DD…" text). */
function distinctDays(table: DataTable, timeColumn: string | undefined): number | undefined {
  if (timeColumn === undefined || !table.hasColumn(timeColumn) || table.column(timeColumn).kind !== 'categorical') return undefined;
  const days = new Set<string>();
  for (const text of table.categorical(timeColumn).categories) if (/^\d{4}-\d{2}-\d{2}/.test(text)) days.add(text.slice(0, 10));
  return days.size > 0 ? days.size : undefined;
}

/** Everything the monitor concludes from two tables; pure apart from the tables already read. */
export function analyseTables(input: AnalysisInput): MonitoringSummary {
  const { reference, current, columns } = input;
  const memo = input.referenceMemo ?? computeEachTime;
  for (const feature of columns.features) {
    memo(`not-all-empty:${feature.name}`, () => refuseAllEmpty(reference, feature.name));
    refuseAllEmpty(current, feature.name);
  }
  const pairs = input.pairs ?? featurePairs(columns, reference, current, memo);
  const quality = dataQuality(
    columns.features.map((feature) => ({ ...feature, pair: pairs.get(feature.name) as ColumnPair })),
    { reference: reference.rowCount, current: current.rowCount },
    columns.extraInCurrent,
  );
  const baseline = input.volumeBaseline;
  const volume = {
    ...volumeSummary({
      referenceRows: baseline?.rows ?? reference.rowCount,
      currentRows: current.rowCount,
      referenceDays: baseline?.days ?? memo(`days:${input.timeColumn}`, () => distinctDays(reference, input.timeColumn)),
      currentDays: distinctDays(current, input.timeColumn),
      referenceHours: baseline?.hours ?? memo(`hours:${input.timeColumn}`, () => eventHours(reference, { time: input.timeColumn })),
      currentHours: eventHours(current, { time: input.timeColumn }),
    }),
    compared_with: baseline?.description ?? 'the reference',
  };

  const base = {
    schema_version: SUMMARY_SCHEMA_VERSION,
    generated_at: input.now.toISOString(),
    run_id: input.runId,
    drift_share: input.drift.driftShare,
    min_samples: input.minSamples,
    data_quality: quality,
    volume,
    model: input.scores ? { version: input.scores.modelVersion, source: input.scores.source } : null,
    columns: { features: columns.features.map((feature) => feature.name), excluded: columns.excluded },
    reference: input.referenceIdentity,
    current: input.currentIdentity,
    ...(input.labelled ? { labelled: input.labelled.identity } : {}),
    policy: input.policy,
    dataset: input.dataset ?? null,
    drift_settings: recordedDriftSettings(input.drift, input.minSamples),
  };

  if (current.rowCount < input.minSamples) {
    return {
      ...base,
      status: 'insufficient_data',
      drift_by_columns: {},
      feature_moves: {},
      segment_performance: null,
      number_of_columns: columns.features.length,
      number_of_drifted_columns: 0,
      share_of_drifted_columns: 0,
      dataset_drift: null,
      severity: null,
      performance: null,
      estimated_performance: null,
      prediction_drift: null,
    };
  }

  const results = columns.features.map((feature, index) => {
    const result = columnDrift(feature.name, pairs.get(feature.name) as ColumnPair, input.drift);
    input.progress?.('tested', index + 1, columns.features.length);
    return result;
  });
  const drift = datasetDrift(results, input.drift);

  let performance: PerformanceSummary | null = null;
  let segments: SegmentPerformance | null = null;
  let estimated: EstimatedPerformance | null = null;
  let predictionDrift: PredictionDrift | null = null;
  if (input.scores) {
    const { calibration, referenceScores, threshold, referenceKey } = input.scores;
    if (calibration) {
      const estimateReference = () => referenceEstimates(calibration, referenceScores, threshold);
      estimated = estimatePerformance({
        source: input.scores.source,
        threshold,
        calibration,
        reference: referenceKey === undefined ? estimateReference() : memo(`cbpe:${referenceKey}`, estimateReference),
        currentScores: input.scores.currentScores,
      });
    }
    const scorePair = numericalPair(input.scores.referenceScores, input.scores.currentScores);
    const scoreDrift = columnDrift('prediction', scorePair, { ...input.drift, columns: {} });
    predictionDrift = {
      source: input.scores.source,
      stattest_name: scoreDrift.stattest_name,
      stattest_threshold: scoreDrift.stattest_threshold,
      drift_score: scoreDrift.drift_score,
      drift_detected: scoreDrift.drift_detected,
    };
    const judged = input.labelled
      ? { table: input.labelled.table, scores: input.scores.labelledScores }
      : { table: current, scores: input.scores.currentScores };
    // Fewer labelled rows than min_samples say nothing about quality: judged no more than drift on as few rows.
    if (input.target && judged.scores !== undefined && judged.table.rowCount >= input.minSamples) {
      const labelsIn = (table: DataTable) => (input.labels ? input.labels(table) : binaryLabels(table, input.target as string));
      const referenceLabels = memo(`labels:${input.target}`, () => labelsIn(reference));
      const judgedLabels = labelsIn(judged.table);
      performance = performanceSummary({
        source: input.scores.source,
        threshold: input.scores.threshold,
        referenceLabels,
        referenceScores: input.scores.referenceScores,
        currentLabels: judgedLabels,
        currentScores: judged.scores,
      });
      // Segmented on the rows performance is judged on: over time the labelled table, not the window.
      segments = segmentPerformance({
        source: input.scores.source,
        threshold: input.scores.threshold,
        reference: { labels: referenceLabels, scores: input.scores.referenceScores },
        current: { labels: judgedLabels, scores: judged.scores },
        columns: columnsToSegment({
          drift: results,
          referenceSorted: (name) => { const pair = pairs.get(name); return pair?.type === 'numerical' ? pair.reference : undefined; },
          reference,
          judged: judged.table,
        }),
      });
    }
  }
  return { ...base, status: 'ok', ...drift, feature_moves: featureMoves(pairs, columns.features.map((feature) => feature.name)), segment_performance: segments, performance, estimated_performance: estimated, prediction_drift: predictionDrift };
}
