import type { ModelKind } from './vocabularies.ts';

/*
 * The figures every stage reports about a model: training records them per candidate,
 * the registry keeps them with each version, the monitor and the release agent compute
 * them on current labels.
 */

export interface ConfusionMatrix {
  true_positives: number;
  false_positives: number;
  true_negatives: number;
  false_negatives: number;
}

/**
 * One of 10 equal-width probability bins ([0, 0.1], (0.1, 0.2], ... as scikit-learn's
 * `calibration_curve(strategy="uniform")`): how many rows the model put there, their
 * mean predicted probability and the share that were positive (null for an empty bin).
 * A calibrated model has mean_predicted ≈ observed_rate in every bin with rows.
 */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  rows: number;
  mean_predicted: number | null;
  observed_rate: number | null;
}

/** A model's quality on labelled rows at its decision threshold; a metric undefined on the data (one class only) is null. */
export interface ClassificationReport {
  rows: number;
  positives: number;
  roc_auc: number | null;
  average_precision: number | null;
  precision: number;
  recall: number;
  f1: number;
  brier: number;
  log_loss: number;
  threshold: number;
  confusion_matrix: ConfusionMatrix;
  /** 10 bins, always written by training's classificationReport; absent in the metadata of versions registered before it existed. */
  reliability?: ReliabilityBin[];
}

/** One model trained and evaluated during a training run. */
export interface CandidateReport<Params extends object = object> {
  model_type: ModelKind;
  params: Params;
  train_rows: number;
  train_seconds: number;
  validation: ClassificationReport;
}
