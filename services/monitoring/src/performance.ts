import { classificationReport, type ClassificationReport } from '../../training/src/index.ts';

export interface CalibrationSummary {
  mean_predicted: number;
  observed_rate: number;
  /** Expected calibration error over 10 equal-width probability bins. */
  expected_calibration_error: number;
}

export interface SidePerformance extends Pick<ClassificationReport, 'rows' | 'positives' | 'roc_auc' | 'average_precision' | 'f1' | 'brier'> {
  calibration: CalibrationSummary;
}

export interface PerformanceSummary {
  source: string;
  threshold: number;
  reference: SidePerformance;
  current: SidePerformance;
  /** current - reference (null where either side is undefined). */
  delta: { roc_auc: number | null; average_precision: number | null; f1: number; brier: number };
}

const CALIBRATION_BINS = 10;

export function calibration(labels: ArrayLike<number>, scores: ArrayLike<number>): CalibrationSummary {
  const count = new Array<number>(CALIBRATION_BINS).fill(0);
  const predicted = new Array<number>(CALIBRATION_BINS).fill(0);
  const observed = new Array<number>(CALIBRATION_BINS).fill(0);
  let totalPredicted = 0;
  let totalObserved = 0;
  for (let index = 0; index < labels.length; index += 1) {
    const score = scores[index] as number;
    const bin = Math.min(CALIBRATION_BINS - 1, Math.floor(score * CALIBRATION_BINS));
    count[bin] = (count[bin] as number) + 1;
    predicted[bin] = (predicted[bin] as number) + score;
    observed[bin] = (observed[bin] as number) + (labels[index] as number);
    totalPredicted += score;
    totalObserved += labels[index] as number;
  }
  let error = 0;
  for (let bin = 0; bin < CALIBRATION_BINS; bin += 1) {
    if (count[bin] === 0) continue;
    error += Math.abs((predicted[bin] as number) - (observed[bin] as number)) / labels.length;
  }
  return { mean_predicted: totalPredicted / labels.length, observed_rate: totalObserved / labels.length, expected_calibration_error: error };
}

export function sidePerformance(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): SidePerformance {
  const { rows, positives, roc_auc: rocAuc, average_precision: averagePrecision, f1, brier } = classificationReport(labels, scores, threshold);
  return { rows, positives, roc_auc: rocAuc, average_precision: averagePrecision, f1, brier, calibration: calibration(labels, scores) };
}

function difference(current: number | null, reference: number | null): number | null {
  return current === null || reference === null ? null : current - reference;
}

/** The model's quality on current vs reference labels: concept drift shows here when features do not move. */
export function performanceSummary(input: { source: string; threshold: number; referenceLabels: ArrayLike<number>; referenceScores: ArrayLike<number>; currentLabels: ArrayLike<number>; currentScores: ArrayLike<number> }): PerformanceSummary {
  const reference = sidePerformance(input.referenceLabels, input.referenceScores, input.threshold);
  const current = sidePerformance(input.currentLabels, input.currentScores, input.threshold);
  return {
    source: input.source,
    threshold: input.threshold,
    reference,
    current,
    delta: {
      roc_auc: difference(current.roc_auc, reference.roc_auc),
      average_precision: difference(current.average_precision, reference.average_precision),
      f1: current.f1 - reference.f1,
      brier: current.brier - reference.brier,
    },
  };
}
