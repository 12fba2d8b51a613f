import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import type { DataTable } from '../../core/src/infrastructure/csv/dataTable.ts';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { sha256Hex } from '../../core/src/infrastructure/fileHash.ts';
import { assertOwnOutput, compileSchema } from '../../core/src/infrastructure/jsonSchema.ts';
import { finishParallelRead, type ParallelReadRequest, type WorkerRead } from '../../core/src/infrastructure/csv/parallelCsvRead.ts';
import { loadPolicy, type PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import summarySchema from '../schema/monitoring-summary.schema.json' with { type: 'json' };
import { inferredTypeIn, selectColumns } from './columnSelection.ts';
import { driftSettings } from './datasetDrift.ts';
import { columnHistogram, renderDriftReport } from './htmlReport.ts';
import { analyseTables, featurePairs, fileIdentity, type MonitoringSummary, type ScoredSides } from './monitoringSummary.ts';
import type { ColumnPair } from '../../core/src/domain/stattests/columnPair.ts';

export const SUMMARY_FILE = 'monitoring_summary.json';
export const REPORT_FILE = 'drift_report.html';

const validateSummary = compileSchema<MonitoringSummary>(summarySchema);

/** What the command line asked for, once parsed (cli.ts). */
export interface MonitorRequest {
  referencePath: string;
  currentPath: string;
  outDirectory: string;
  target?: string;
  prediction?: string;
  model?: string;
  registry: string;
  numerical: string[];
  categorical: string[];
  exclude: string[];
  policyPath?: string;
  runId: string;
  now: Date;
  referenceHeader: string[];
  columnsToRead: string[];
  defaultExcluded: readonly string[];
  currentRead: ParallelReadRequest;
}

/** Evidently's defaults, for users without a policy file. */
const EVIDENTLY_DEFAULTS: Pick<PromotionPolicy['drift_policy'], 'drift_share' | 'min_samples' | 'severity_thresholds' | 'columns'> = {
  drift_share: 0.5,
  min_samples: 200,
  severity_thresholds: { high: 0.5, medium: 0.2 },
  columns: {},
};

function loadDriftPolicy(explicitPath: string | undefined): { drift: PromotionPolicy['drift_policy'] | typeof EVIDENTLY_DEFAULTS; identity: { path: string; sha256: string } | null } {
  const path = explicitPath ?? (existsSync(DEFAULT_PATHS.policy) ? DEFAULT_PATHS.policy : undefined);
  if (path === undefined) return { drift: EVIDENTLY_DEFAULTS, identity: null };
  const policy = loadPolicy(path);
  return { drift: policy.drift_policy, identity: { path, sha256: sha256Hex(readFileSync(path)) } };
}

async function scoresFrom(options: { reference: DataTable; current: DataTable; prediction?: string; model?: string; registry: string }): Promise<ScoredSides | undefined> {
  if (options.prediction && options.model) throw new UserError('give --prediction or --model, not both');
  if (options.prediction) {
    const column = options.prediction;
    return { source: `column ${column}`, threshold: 0.5, modelVersion: null, referenceScores: options.reference.numerical(column).values, currentScores: options.current.numerical(column).values };
  }
  if (!options.model) return undefined;
  // Loaded only when asked for: the model libraries cost a good part of a second at start-up.
  const [{ ModelRegistry }, { scoreTable }] = await Promise.all([import('../../registry/src/index.ts'), import('../../training/src/index.ts')]);
  const registry = ModelRegistry.open(options.registry);
  const version = registry.resolve(options.model);
  const artifact = registry.loadArtifact(version);
  return {
    source: `model v${version}`,
    threshold: artifact.decision_threshold,
    modelVersion: version,
    referenceScores: scoreTable(artifact, options.reference).probabilities,
    currentScores: scoreTable(artifact, options.current).probabilities,
  };
}


/** Everything after the flags: policy, the current file here while the worker reads the reference, analysis, outputs. */
export async function runMonitor(request: MonitorRequest, referenceRead: WorkerRead): Promise<void> {
  const { referencePath, currentPath, outDirectory, target, prediction, numerical, categorical, exclude, now, runId, referenceHeader, columnsToRead, defaultExcluded } = request;
  let drift;
  let policyIdentity;
  try {
    ({ drift, identity: policyIdentity } = loadDriftPolicy(request.policyPath));
  } catch (error) {
    referenceRead.terminate();
    throw error;
  }
  const [reference, current] = await finishParallelRead(referenceRead, request.currentRead);

  const columns = selectColumns({
    referenceHeader: columnsToRead,
    currentHeader: current.header.filter((column) => columnsToRead.includes(column) || !referenceHeader.includes(column)),
    referenceSource: referencePath,
    currentSource: currentPath,
    inferredType: inferredTypeIn(reference, current),
    numerical,
    categorical,
    exclude,
    defaultExcluded,
    target,
    prediction,
    policyColumns: drift.columns ?? {},
  });
  if (target) {
    reference.column(target);
    current.column(target);
  }
  const scores = await scoresFrom({ reference, current, prediction, model: request.model, registry: request.registry });
  const pairs = featurePairs(columns, reference, current);
  const summary = analyseTables({
    pairs,
    reference,
    current,
    referenceIdentity: fileIdentity(referencePath, reference),
    currentIdentity: fileIdentity(currentPath, current),
    columns,
    drift: driftSettings(drift),
    minSamples: drift.min_samples,
    target,
    scores,
    runId,
    now,
    policy: policyIdentity,
  });
  assertOwnOutput(validateSummary, summary, 'monitoring summary');
  const histograms = columns.features.map((feature) => columnHistogram(feature.name, pairs.get(feature.name) as ColumnPair));
  const report = renderDriftReport(summary, histograms);
  // Both outputs are complete before either replaces its predecessor.
  writeJsonAtomic(join(outDirectory, SUMMARY_FILE), summary);
  writeFileAtomic(join(outDirectory, REPORT_FILE), report);

  const verdict = summary.status === 'insufficient_data'
    ? `insufficient data (${current.rowCount} < min_samples ${drift.min_samples})`
    : `${summary.number_of_drifted_columns}/${summary.number_of_columns} columns drifted, dataset_drift=${summary.dataset_drift}, severity=${summary.severity}`;
  process.stderr.write(`monitor: ${verdict}${summary.performance ? `, roc_auc ${summary.performance.reference.roc_auc?.toFixed(3)} -> ${summary.performance.current.roc_auc?.toFixed(3)}` : ''} -> ${join(outDirectory, SUMMARY_FILE)}, ${join(outDirectory, REPORT_FILE)}\n`);
}
