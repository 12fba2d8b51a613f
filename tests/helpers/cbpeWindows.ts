/**
 * CBPE's accuracy, measured as the issue asks: a model trained on the base scenario, then
 * windows whose features move (covariate shift: amounts, distances and merchant risk
 * shifted by a growing amount, the label rule unchanged) or whose label rule moves
 * (concept drift), each estimated from its scores alone and compared with its realised
 * ROC AUC. Shared by the test (tests/validation/cbpe.test.ts) and `make bench`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateDataset } from '../../generator/src/generateDataset.ts';
import { loadScenarioFile, scenarioPath, withOverrides } from '../../generator/src/scenarioConfig.ts';
import { DEFAULT_DATASET, loadDatasetSpec, textColumnsOf } from '../../services/core/src/domain/datasetSpec.ts';
import { labelsOf } from '../../services/core/src/domain/datasetColumns.ts';
import { readCsvTable } from '../../services/core/src/infrastructure/csv/csvFile.ts';
import { estimatePerformance, referenceEstimates, type EstimatedPerformance } from '../../services/monitoring/src/estimatedPerformance.ts';
import { classificationReport, DEFAULT_TRAINING, scoreTable, trainModels } from '../../services/training/src/index.ts';

export interface EstimatedWindow {
  name: string;
  estimate: EstimatedPerformance;
  realisedAuc: number;
  /** estimated - realised ROC AUC */
  error: number;
}

export interface CbpeRun {
  validationAuc: number | null;
  referenceRealisedAuc: number;
  windows: EstimatedWindow[];
  meanAbsoluteError: number;
  maxAbsoluteError: number;
}

export interface CbpeRunOptions {
  directory: string;
  model: 'lr' | 'rf';
  referenceRows: number;
  windows: number;
  windowRows: number;
  /** covariate: features move, the label rule stays; concept: the drift_concept label rule, features as base. */
  kind: 'covariate' | 'concept';
  /** Seeds the reference's data and the model's training (default 42); the windows are the same whatever it is. */
  referenceSeed?: number;
}

export async function estimateWindows(options: CbpeRunOptions): Promise<CbpeRun> {
  const dataset = loadDatasetSpec(DEFAULT_DATASET);
  const read = (path: string) => readCsvTable(path, { textColumns: textColumnsOf(dataset.spec) });
  const base = loadScenarioFile(scenarioPath('base'));
  const referenceSeed = options.referenceSeed ?? 42;
  const referencePath = join(options.directory, `reference-${options.referenceRows}-${referenceSeed}.csv`);
  await generateDataset(base, { rows: options.referenceRows, seed: referenceSeed, outPath: referencePath });
  const reference = read(referencePath);
  const trained = trainModels(reference, { ...DEFAULT_TRAINING, model: options.model, seed: referenceSeed, dataset });
  const { artifact } = trained;
  if (!artifact.calibration) throw new Error('the trained artifact has no calibration');
  const referenceScores = scoreTable(artifact, reference).probabilities;
  const referenceEstimate = referenceEstimates(artifact.calibration, referenceScores, artifact.decision_threshold);
  const concept = loadScenarioFile(scenarioPath('drift_concept'));
  const windows: EstimatedWindow[] = [];
  for (let index = 0; index < options.windows; index += 1) {
    // From no shift to the drift_feature scenario's and a little beyond.
    const step = index / Math.max(1, options.windows - 1);
    const config = options.kind === 'covariate'
      ? withOverrides(base, { features: { transaction_amount: { multiplier: 1 + step }, geo_distance_km: { multiplier: 1 + 1.2 * step }, merchant_risk_score: { shift: 0.12 * step } } }, `covariate shift ${step.toFixed(2)}`)
      : concept;
    const path = join(options.directory, `${options.kind}-${options.windowRows}-${index}.csv`);
    // The same windows for every reference seed: generated once.
    if (!existsSync(path)) await generateDataset(config, { rows: options.windowRows, seed: 1000 + index, outPath: path });
    const table = read(path);
    const scores = scoreTable(artifact, table).probabilities;
    const estimate = estimatePerformance({ source: `${options.model} on ${options.referenceRows} rows`, threshold: artifact.decision_threshold, calibration: artifact.calibration, reference: referenceEstimate, currentScores: scores });
    const realisedAuc = classificationReport(labelsOf(table, dataset.spec), scores, artifact.decision_threshold).roc_auc as number;
    windows.push({ name: `${options.kind} ${options.kind === 'covariate' ? step.toFixed(2) : index}`, estimate, realisedAuc, error: (estimate.current.roc_auc as number) - realisedAuc });
  }
  const absolute = windows.map((window) => Math.abs(window.error));
  const selected = trained.candidates.find((candidate) => candidate.model_type === trained.selected);
  return {
    validationAuc: selected?.validation.roc_auc ?? null,
    referenceRealisedAuc: classificationReport(labelsOf(reference, dataset.spec), referenceScores, artifact.decision_threshold).roc_auc as number,
    windows,
    meanAbsoluteError: absolute.reduce((sum, value) => sum + value, 0) / absolute.length,
    maxAbsoluteError: Math.max(...absolute),
  };
}
