import type { ColumnProgress } from './monitorProgress.ts';
import { existsSync } from 'node:fs';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { loadPolicyWithHash, type PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import type { ColumnPair } from '../../core/src/domain/stattests/columnPair.ts';
import { columnTypeRefusal, statTestByName } from '../../core/src/domain/stattests/statTestRegistry.ts';
import type { DataTable } from '../../core/src/infrastructure/csv/dataTable.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { labelsOf, refuseMissingValues, refuseNonIsoTimes } from '../../core/src/domain/datasetColumns.ts';
import { assertOwnOutput } from '../../core/src/infrastructure/jsonSchema.ts';
import { yamlLocation } from '../../core/src/infrastructure/yamlFile.ts';
import { columnHistogram, type ColumnHistogram } from './chartBinning.ts';
import { inferredTypeIn, selectColumns } from './columnSelection.ts';
import { driftSettings } from './datasetDrift.ts';
import { renderDriftReport } from './htmlReport.ts';
import { analyseTables, featurePairs, fileIdentity, type MonitoringSummary, type ScoredSides, type VolumeBaseline } from './monitoringSummary.ts';
import type { MonitorReadPlan } from './readPlan.ts';
import { computeEachTime, type ReferenceMemo } from './referenceProfile.ts';
import { validateMonitoringSummary, type DriftReportParts } from './reportsStore.ts';

/**
 * The drift section the monitor applies, and which policy file it came from (null:
 * Evidently's defaults); the whole loaded policy too, for the limits the report shows.
 */
export interface MonitorPolicy {
  drift: Pick<PromotionPolicy['drift_policy'], 'drift_share' | 'min_samples' | 'severity_thresholds' | 'stattest' | 'stattest_threshold' | 'columns'>;
  identity: { path: string; sha256: string } | null;
  loaded: PromotionPolicy | null;
}

/** Evidently's defaults, for users without a policy file. */
const EVIDENTLY_DEFAULTS: MonitorPolicy['drift'] = {
  drift_share: 0.5,
  min_samples: 200,
  severity_thresholds: { high: 0.5, medium: 0.2 },
  columns: {},
};

/** The named policy, else the default policy file when there is one, else Evidently's defaults. */
export function monitorPolicy(explicitPath: string | undefined): MonitorPolicy {
  const path = explicitPath ?? (existsSync(DEFAULT_PATHS.policy) ? DEFAULT_PATHS.policy : undefined);
  if (path === undefined) return { drift: EVIDENTLY_DEFAULTS, identity: null, loaded: null };
  const { policy, sha256 } = loadPolicyWithHash(path);
  return { drift: policy.drift_policy, identity: { path, sha256 }, loaded: policy };
}

/** The model's scores are a numerical column: a test for every column must allow it, as for the features. */
function refuseGlobalTestForScores(policy: MonitorPolicy, source: string): void {
  const global = policy.drift.stattest;
  if (global === undefined) return;
  const refusal = columnTypeRefusal(statTestByName(global), 'numerical', source, 'prediction drift runs drift_policy.stattest on them');
  if (refusal === undefined) return;
  throw new UserError(`${policy.identity ? yamlLocation(policy.identity.path, ['drift_policy', 'stattest']) : 'drift_policy.stattest'}: ${refusal}`);
}

export interface MonitorInput {
  reference: DataTable;
  current: DataTable;
  /** The paths the summary records for each side (a request's own names, for /inspect). */
  referencePath: string;
  currentPath: string;
  plan: MonitorReadPlan;
  policy: MonitorPolicy;
  numerical?: readonly string[];
  categorical?: readonly string[];
  exclude?: readonly string[];
  target?: string;
  /** A column holding a model score, present in both files. */
  prediction?: string;
  /** Score both tables with a registered model: "production" or a version. */
  model?: string;
  /**
   * Over time: the rows whose labels have arrived (the label window), with the dataset's
   * label. Performance is judged on them instead of the current table, which then needs
   * no label. Needs a dataset spec and a model.
   */
  labelled?: { table: DataTable; path: string };
  /** Keeps what is worked out from the reference alone for the next window (referenceProfile.ts). */
  referenceMemo?: ReferenceMemo;
  /** Over time: volume judged against the traffic before the window, not the reference file. */
  volumeBaseline?: VolumeBaseline;
  /** Told of each column prepared and tested (the command's progress on a terminal). */
  progress?: ColumnProgress;
  registryDirectory?: string;
  runId: string;
  now: Date;
}

/**
 * The model's scores are judged with the labels and columns of the spec it was trained
 * on: another spec (the label's values swapped, say) would make a good model look
 * inverted and a retrain learn the opposite.
 */
function refuseOtherDataset(read: MonitorReadPlan['dataset'], trained: { name: string; sha256: string }, version: number): void {
  if (read?.sha256 === trained.sha256) return;
  const given = read === undefined ? 'the files were read without a dataset spec' : `the files were read with ${read.source} (sha256 ${read.sha256.slice(0, 12)})`;
  throw new UserError(`v${version} was trained on dataset "${trained.name}" (spec sha256 ${trained.sha256.slice(0, 12)}), but ${given}; give --dataset with the model's spec`);
}

async function scoresFrom(input: MonitorInput): Promise<ScoredSides | undefined> {
  const { reference, current, prediction, model } = input;
  if (prediction && model) throw new UserError('give --prediction or --model, not both');
  if (prediction) {
    return { source: `column ${prediction}`, threshold: 0.5, modelVersion: null, referenceScores: reference.numerical(prediction).values, currentScores: current.numerical(prediction).values };
  }
  if (!model) return undefined;
  // Loaded only when asked for: the model libraries cost a good part of a second at start-up.
  const [{ ModelRegistry }, { loadRegisteredArtifact, scoreTable }] = await Promise.all([import('../../registry/src/index.ts'), import('../../training/src/index.ts')]);
  const registryDirectory = input.registryDirectory ?? DEFAULT_PATHS.registry;
  const registry = ModelRegistry.open(registryDirectory);
  const version = registry.resolve(model);
  const artifact = loadRegisteredArtifact(registry, version);
  refuseOtherDataset(input.plan.dataset, artifact.dataset, version);
  const memo = input.referenceMemo ?? computeEachTime;
  const referenceKey = `${registryDirectory}:v${version}`;
  return {
    source: `model v${version}`,
    threshold: artifact.decision_threshold,
    modelVersion: version,
    // A registered version's artifact never changes: its scores on one reference are scored once.
    referenceScores: memo(`scores:${referenceKey}`, () => scoreTable(artifact, reference).probabilities),
    referenceKey,
    ...(artifact.calibration ? { calibration: artifact.calibration } : {}),
    currentScores: scoreTable(artifact, current).probabilities,
    ...(input.labelled ? { labelledScores: scoreTable(artifact, input.labelled.table).probabilities } : {}),
  };
}

/**
 * The monitor from two tables to its outputs: the columns and their types, the scores
 * (from a model or a column), every figure of the summary, and the HTML report (rendered
 * only when asked for). The command line and /inspect both call this one function; where
 * the tables come from, and where the outputs go, is theirs.
 */
export async function monitorTables(input: MonitorInput): Promise<{ summary: MonitoringSummary; report: DriftReportParts }> {
  const { reference, current, plan, policy, prediction } = input;
  const spec = plan.dataset?.spec;
  const memo = input.referenceMemo ?? computeEachTime;
  const labelled = input.labelled;
  if (labelled && (spec === undefined || input.model === undefined)) throw new UserError('performance on labelled rows of their own needs a dataset spec and a model');
  if (spec) {
    const refuseOffSpec = (table: DataTable) => {
      refuseNonIsoTimes(table, spec);
      refuseMissingValues(table, spec);
    };
    memo('values-on-spec', () => refuseOffSpec(reference));
    refuseOffSpec(current);
    if (labelled) refuseOffSpec(labelled.table);
  }
  // A named dataset's label is read whenever both files have it: unlabelled current data is normal (labels come late).
  const target = input.target ?? (spec && labelled ? spec.target.column : undefined)
    ?? (plan.datasetNamed && spec && reference.hasColumn(spec.target.column) && current.hasColumn(spec.target.column) ? spec.target.column : undefined);
  const columns = selectColumns({
    referenceHeader: plan.columnsConsidered,
    currentHeader: current.header.filter((column) => plan.columnsConsidered.includes(column) || !plan.referenceHeader.includes(column)),
    referenceSource: input.referencePath,
    currentSource: input.currentPath,
    inferredType: inferredTypeIn(reference, current),
    numerical: input.numerical ?? [],
    categorical: input.categorical ?? [],
    exclude: input.exclude ?? [],
    defaultExcluded: plan.defaultExcluded,
    declaredTypes: plan.declaredTypes,
    // Labels judged on a table of their own are not the current window's to have.
    target: labelled ? undefined : target,
    prediction,
    policyColumns: policy.drift.columns ?? {},
    policyStattest: policy.drift.stattest,
    policyFile: policy.identity?.path,
    referenceFileHeader: plan.referenceHeader,
  });
  if (target) {
    reference.column(target);
    (labelled?.table ?? current).column(target);
  }
  const scores = await scoresFrom(input);
  if (scores) refuseGlobalTestForScores(policy, `the scores of ${scores.source}`);
  const pairs = featurePairs(columns, reference, current, memo, input.progress);
  const summary = analyseTables({
    pairs,
    reference,
    current,
    referenceIdentity: fileIdentity(input.referencePath, reference),
    currentIdentity: fileIdentity(input.currentPath, current),
    ...(labelled ? { labelled: { table: labelled.table, identity: fileIdentity(labelled.path, labelled.table) } } : {}),
    columns,
    drift: driftSettings(policy.drift),
    minSamples: policy.drift.min_samples,
    target,
    labels: spec && target === spec.target.column ? (table: DataTable) => labelsOf(table, spec) : undefined,
    timeColumn: spec?.time,
    dataset: plan.dataset ? { name: plan.dataset.spec.name, sha256: plan.dataset.sha256, source: plan.dataset.source } : null,
    scores,
    runId: input.runId,
    now: input.now,
    policy: policy.identity,
    referenceMemo: memo,
    ...(input.volumeBaseline ? { volumeBaseline: input.volumeBaseline } : {}),
    ...(input.progress ? { progress: input.progress } : {}),
  });
  assertOwnOutput(validateMonitoringSummary, summary, 'monitoring summary');
  let histograms: ColumnHistogram[] | undefined;
  const report: DriftReportParts = {
    // Binned once, on first use, for the report and for the charts file the dashboard reads.
    histograms: () => (histograms ??= columns.features.map((feature) => columnHistogram(feature.name, pairs.get(feature.name) as ColumnPair))),
    render: (summarySha256) => renderDriftReport({ summary, summarySha256, histograms: report.histograms(), policy: policy.loaded }),
  };
  return { summary, report };
}

/** The verdict in one line, for the command's output. */
export function verdictLine(summary: MonitoringSummary): string {
  const verdict = summary.status === 'insufficient_data'
    ? `insufficient data (${summary.current.rows} < min_samples ${summary.min_samples})`
    : `${summary.number_of_drifted_columns}/${summary.number_of_columns} columns drifted, dataset_drift=${summary.dataset_drift}, severity=${summary.severity}`;
  return `${verdict}${summary.performance ? `, roc_auc ${summary.performance.reference.roc_auc?.toFixed(3)} -> ${summary.performance.current.roc_auc?.toFixed(3)}` : ''}`;
}
