import seedrandom from 'seedrandom';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import type { CsvTable } from '../../core/src/infrastructure/csv/csvTable.ts';
import { categoricalFeatureNames, numericFeatureNames, type LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { refuseTableOffSpec } from '../../core/src/domain/datasetColumns.ts';
import type { ModelKind } from './classifier.ts';
import { bestF1Threshold, classificationReport, type ClassificationReport } from './metrics.ts';
import { datasetLineage } from './datasetLineage.ts';
import { ARTIFACT_FORMAT_VERSION, type ClassifierParams, type ModelArtifact } from './modelArtifact.ts';
import { fitPreprocessing, tableRowSource, transformRows } from './preprocessing.ts';
import { stratifiedSplit } from './stratifiedSplit.ts';
import { fitIsotonicCalibration } from './isotonicCalibration.ts';
import { trainCandidate } from './candidateTraining.ts';
import { MODEL_KINDS, type ModelChoice, type SelectionMetric } from '../../core/src/domain/vocabularies.ts';
import type { CandidateReport } from '../../core/src/domain/modelEvaluation.ts';

export type { ModelChoice, SelectionMetric } from '../../core/src/domain/vocabularies.ts';

export interface TrainingOptions {
  /** The dataset spec: which columns are the features and the label, and how missing values are handled. */
  dataset: LoadedDatasetSpec;
  model: ModelChoice;
  seed: number;
  selectionMetric: SelectionMetric;
  validationShare: number;
  minRows: number;
  /** Permute the labels (seeded) before training: a deliberately useless model, to rehearse rollbacks. */
  shuffleLabels?: boolean;
}

export const DEFAULT_TRAINING: Omit<TrainingOptions, 'seed' | 'dataset'> = {
  model: 'auto',
  selectionMetric: 'roc_auc',
  validationShare: 0.25,
  minRows: 200,
};

export type TrainedCandidate = CandidateReport<ClassifierParams>;

export interface TrainingResult {
  artifact: ModelArtifact;
  candidates: TrainedCandidate[];
  selected: ModelKind;
  selection_metric: SelectionMetric;
  split: { train_rows: number; validation_rows: number; validation_positives: number };
}

/** Refuse data a model cannot honestly be trained on, naming the file, the column and the row. */
export function checkTrainingData(table: CsvTable, dataset: LoadedDatasetSpec, minRows: number): number[] {
  const { spec } = dataset;
  const labels = Array.from(refuseTableOffSpec(table, dataset, { labels: 'required' }) as Float64Array);
  const positives = labels.reduce((sum, label) => sum + label, 0);
  if (table.rowCount < minRows) throw new UserError(`${table.source}: ${table.rowCount} rows, fewer than the minimum of ${minRows} for training`);
  if (positives === 0 || positives === table.rowCount) {
    throw new UserError(`${table.source}: column "${spec.target.column}" has one class only (all ${JSON.stringify(positives === 0 ? spec.target.negative : spec.target.positive)}); training needs both`);
  }
  // One row of a class goes to training or to validation, not both: a model nobody could validate is not registered.
  const rarest = Math.min(positives, table.rowCount - positives);
  if (rarest < 2) {
    throw new UserError(`${table.source}: column "${spec.target.column}" has ${rarest} row labelled ${JSON.stringify(rarest === positives ? spec.target.positive : spec.target.negative)}; training needs at least 2 of each label (one to validate on)`);
  }
  return labels;
}

function metricValue(report: ClassificationReport, metric: SelectionMetric): number {
  return report[metric] ?? Number.NEGATIVE_INFINITY;
}

/**
 * Split, fit preprocessing on the training part, train the candidates, evaluate each
 * on validation and keep the best by the selection metric (ties go to the simpler
 * logistic regression).
 */
export function trainModels(table: CsvTable, options: TrainingOptions): TrainingResult {
  const labels = checkTrainingData(table, options.dataset, options.minRows);
  if (options.shuffleLabels) {
    const rng = seedrandom.alea(`${options.seed}:shuffle-labels`);
    for (let index = labels.length - 1; index > 0; index -= 1) {
      const swap = Math.floor(rng() * (index + 1));
      [labels[index], labels[swap]] = [labels[swap] as number, labels[index] as number];
    }
  }
  const split = stratifiedSplit(labels, options.validationShare, seedrandom.alea(`${options.seed}:split`));
  const { spec } = options.dataset;
  const preprocessing = fitPreprocessing(table, split.train, numericFeatureNames(spec), categoricalFeatureNames(spec), spec.missing);
  const { matrix } = transformRows(preprocessing, tableRowSource(table, preprocessing));
  const validationLabels = split.validation.map((row) => labels[row] as number);
  const validationMatrix = split.validation.map((row) => matrix[row] as number[]);

  const kinds: ModelKind[] = options.model === 'auto' ? [...MODEL_KINDS] : [options.model];
  const trained = kinds.map((kind) => {
    const started = performance.now();
    const { classifier, params, rows } = trainCandidate(kind, matrix, labels, split.train, options.seed);
    const trainSeconds = (performance.now() - started) / 1000;
    const scores = classifier.predictProbabilities(validationMatrix);
    const threshold = bestF1Threshold(validationLabels, scores);
    const report: TrainedCandidate = { model_type: kind, params, train_rows: rows, train_seconds: Number(trainSeconds.toFixed(3)), validation: classificationReport(validationLabels, scores, threshold) };
    return { classifier, report, scores };
  });
  const best = trained.reduce((winner, candidate) =>
    metricValue(candidate.report.validation, options.selectionMetric) > metricValue(winner.report.validation, options.selectionMetric) ? candidate : winner);

  return {
    artifact: {
      format_version: ARTIFACT_FORMAT_VERSION,
      model_type: best.classifier.kind,
      label_column: spec.target.column,
      dataset: { name: spec.name, sha256: options.dataset.sha256, spec },
      preprocessing,
      decision_threshold: best.report.validation.threshold,
      model: best.classifier.toJSON(),
      // On the rows the model never saw: training rows would make its scores look surer than they are.
      calibration: fitIsotonicCalibration(best.scores, validationLabels),
    },
    candidates: trained.map((candidate) => candidate.report),
    selected: best.classifier.kind,
    selection_metric: options.selectionMetric,
    split: { train_rows: split.train.length, validation_rows: split.validation.length, validation_positives: validationLabels.reduce((sum, label) => sum + label, 0) },
  };
}

/**
 * What the registry records of a training run (its register input): the selected model,
 * every candidate's metrics, the data's lineage, and the parameters that made it.
 */
export function registrationRecord(result: TrainingResult, run: { dataPath: string; rows: number; seed: number; runId: string; params?: Record<string, unknown>; tags?: Record<string, string>; referenceData?: { path: string; rows: number } }) {
  const selected = result.candidates.find((candidate) => candidate.model_type === result.selected);
  if (!selected) throw new Error('training selected no candidate');
  return {
    artifact: result.artifact,
    metadata: {
      model_type: result.selected,
      decision_threshold: result.artifact.decision_threshold,
      selection_metric: result.selection_metric,
      metrics: { validation: selected.validation, candidates: result.candidates },
      dataset: { name: result.artifact.dataset.name, sha256: result.artifact.dataset.sha256 },
      training_data: datasetLineage(run.dataPath, run.rows),
      ...(run.referenceData ? { reference_data: datasetLineage(run.referenceData.path, run.referenceData.rows) } : {}),
      seed: run.seed,
      params: { ...selected.params, split: result.split, ...run.params },
      run_id: run.runId,
      ...(run.tags ? { tags: run.tags } : {}),
    },
  };
}
