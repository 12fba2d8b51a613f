/**
 * Performance estimated without labels, by confidence-based performance estimation
 * (CBPE, as NannyML): once the model's scores are calibrated, a row scored p is fraud
 * with probability p, so the confusion matrix, and the ROC curve, a window is expected
 * to have follow from its scores alone. It sees covariate shift (rows moving to where
 * the model is less sure) and is blind to concept drift: when the label rule moves, the
 * calibration no longer holds and the estimate cannot know.
 */
import { calibratedProbabilities, type IsotonicCalibration } from '../../training/src/index.ts';

/**
 * An isotonic curve fitted on fewer fraud rows than this is mostly noise (1,500 training
 * rows give about 15 in validation, and estimates off by 0.09): shown, not acted on.
 */
export const MIN_CALIBRATION_POSITIVES = 30;

/** The expected counts of each cell at the model's threshold (fractions of rows: a sum of probabilities). */
export interface ExpectedConfusion {
  true_positive: number;
  false_positive: number;
  false_negative: number;
  true_negative: number;
}

export interface EstimatedMetrics {
  rows: number;
  /** Null where undefined: no row expected fraud, or none expected legitimate. */
  roc_auc: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  confusion: ExpectedConfusion;
}

/** Where the estimate on the reference falls chunk by chunk, scaled to the window's size: what estimation noise alone does. */
export interface EstimateBand {
  lower: number;
  upper: number;
  /** The chunks' standard deviation, scaled from the chunk's rows to the window's (the spread shrinks as 1/sqrt(rows)). */
  std: number;
}

export interface EstimatedPerformance {
  method: 'cbpe';
  source: string;
  threshold: number;
  calibration: Omit<IsotonicCalibration, 'scores' | 'probabilities'> & { points: number; table: { score: number; probability: number }[] };
  reference: EstimatedMetrics;
  current: EstimatedMetrics;
  /** From reference chunks; null when the reference has too few rows for two chunks. */
  band: { chunks: number; chunk_rows: number; sigmas: number; roc_auc: EstimateBand | null; f1: EstimateBand | null } | null;
  /** Current estimate minus the reference estimate. */
  delta: { roc_auc: number | null; f1: number | null };
  /** Whether the current estimate is outside the band (null without a band or a value). */
  outside_band: { roc_auc: boolean | null; f1: boolean | null };
}

/** The expected confusion matrix: a row predicted fraud adds its probability to TP and the rest to FP, and so on. */
export function expectedConfusion(scores: ArrayLike<number>, probabilities: ArrayLike<number>, threshold: number): ExpectedConfusion {
  const cells = { true_positive: 0, false_positive: 0, false_negative: 0, true_negative: 0 };
  for (let index = 0; index < scores.length; index += 1) {
    const probability = probabilities[index] as number;
    if ((scores[index] as number) >= threshold) {
      cells.true_positive += probability;
      cells.false_positive += 1 - probability;
    } else {
      cells.false_negative += probability;
      cells.true_negative += 1 - probability;
    }
  }
  return cells;
}

/**
 * The expected ROC AUC: walking the rows from the highest score down, each group of
 * tied scores moves the expected true-positive rate by its probabilities and the
 * false-positive rate by their complements; the area under that curve (trapezoids, so
 * ties count half as in the realised AUC). The rows are ordered by the model's own
 * scores, which is the order its realised AUC is measured in; the calibrated ones order
 * them the same but flatten steps into ties.
 */
export function expectedRocAuc(scores: ArrayLike<number>, probabilities: ArrayLike<number>): number | null {
  let positives = 0;
  for (let index = 0; index < probabilities.length; index += 1) positives += probabilities[index] as number;
  const negatives = scores.length - positives;
  // A NaN score has a NaN probability: no estimate (rather than a sort and a tie walk NaN would break).
  if (!(positives > 0) || !(negatives > 0)) return null;
  const order = Int32Array.from({ length: scores.length }, (_, index) => index);
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  let truePositives = 0;
  let area = 0;
  let index = 0;
  while (index < order.length) {
    const score = scores[order[index] as number] as number;
    let groupPositives = 0;
    let groupRows = 0;
    // At least one row per group, so the walk always moves on.
    do {
      groupPositives += probabilities[order[index] as number] as number;
      groupRows += 1;
      index += 1;
    } while (index < order.length && scores[order[index] as number] === score);
    const groupNegatives = groupRows - groupPositives;
    // Each expected negative of the group is outranked by the positives above it, and half of the group's own.
    area += groupNegatives * (truePositives + groupPositives / 2);
    truePositives += groupPositives;
  }
  return Math.min(1, Math.max(0, area / (positives * negatives)));
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** The metrics expected on rows from their scores and calibrated probabilities. */
export function estimatedMetrics(scores: ArrayLike<number>, probabilities: ArrayLike<number>, threshold: number): EstimatedMetrics {
  const confusion = expectedConfusion(scores, probabilities, threshold);
  const { true_positive: tp, false_positive: fp, false_negative: fn } = confusion;
  return {
    rows: scores.length,
    roc_auc: expectedRocAuc(scores, probabilities),
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    confusion,
  };
}

/** The band is mean ± this many standard deviations, NannyML's default alert band. */
export const BAND_SIGMAS = 3;
/** At most this many reference chunks, and none smaller than MIN_CHUNK_ROWS. */
const MAX_CHUNKS = 10;
const MIN_CHUNK_ROWS = 100;

function standardDeviation(values: readonly number[]): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
}

function bandAround(centre: number | null, chunkValues: readonly (number | null)[], scale: number): EstimateBand | null {
  const values = chunkValues.filter((value): value is number => value !== null);
  if (centre === null || values.length < 2) return null;
  const std = standardDeviation(values) * scale;
  return { lower: Math.max(0, centre - BAND_SIGMAS * std), upper: Math.min(1, centre + BAND_SIGMAS * std), std };
}

function outside(value: number | null, band: EstimateBand | null): boolean | null {
  return value === null || band === null ? null : value < band.lower || value > band.upper;
}

/** What CBPE works out from the reference alone: kept per reference and model by the watcher. */
export interface ReferenceEstimates {
  probabilities: Float64Array;
  metrics: EstimatedMetrics;
  /** The reference cut into contiguous chunks, each estimated alone: how much the estimate moves with no change at all. */
  chunks: EstimatedMetrics[];
  chunkRows: number;
}

/** Chunks are as large as the reference allows (at most ten of at least MIN_CHUNK_ROWS rows). */
export function referenceEstimates(calibration: IsotonicCalibration, referenceScores: ArrayLike<number>, threshold: number): ReferenceEstimates {
  const probabilities = calibratedProbabilities(calibration, referenceScores);
  const count = Math.min(MAX_CHUNKS, Math.floor(referenceScores.length / MIN_CHUNK_ROWS));
  const chunkRows = count >= 2 ? Math.floor(referenceScores.length / count) : 0;
  const chunks = count >= 2
    ? Array.from({ length: count }, (_, chunk) => {
      const start = chunk * chunkRows;
      const slice = (values: ArrayLike<number>) => Array.prototype.slice.call(values, start, start + chunkRows) as number[];
      return estimatedMetrics(slice(referenceScores), slice(probabilities), threshold);
    })
    : [];
  return { probabilities, metrics: estimatedMetrics(referenceScores, probabilities, threshold), chunks, chunkRows };
}

/** The band around the reference estimate, from its chunks' spread scaled to the window's rows; null with fewer than two chunks. */
function bandFor(reference: ReferenceEstimates, currentRows: number): EstimatedPerformance['band'] {
  if (reference.chunks.length < 2 || currentRows === 0) return null;
  const scale = Math.sqrt(reference.chunkRows / currentRows);
  return {
    chunks: reference.chunks.length,
    chunk_rows: reference.chunkRows,
    sigmas: BAND_SIGMAS,
    roc_auc: bandAround(reference.metrics.roc_auc, reference.chunks.map((chunk) => chunk.roc_auc), scale),
    f1: bandAround(reference.metrics.f1, reference.chunks.map((chunk) => chunk.f1), scale),
  };
}

function difference(current: number | null, reference: number | null): number | null {
  return current === null || reference === null ? null : current - reference;
}

/** At most this many points of the calibration curve are shown: enough to read its shape. */
const CALIBRATION_TABLE_POINTS = 25;

/** The curve's points, thinned evenly (both ends kept) for the summary and the report. */
export function calibrationTable(calibration: Pick<IsotonicCalibration, 'scores' | 'probabilities'>): { score: number; probability: number }[] {
  const count = calibration.scores.length;
  const picked = count <= CALIBRATION_TABLE_POINTS
    ? Array.from({ length: count }, (_, index) => index)
    : Array.from({ length: CALIBRATION_TABLE_POINTS }, (_, index) => Math.round((index * (count - 1)) / (CALIBRATION_TABLE_POINTS - 1)));
  return picked.map((index) => ({ score: calibration.scores[index] as number, probability: calibration.probabilities[index] as number }));
}

/** CBPE on a window against the reference, both scored by the same calibrated model. Pure. */
export function estimatePerformance(input: {
  source: string;
  threshold: number;
  calibration: IsotonicCalibration;
  reference: ReferenceEstimates;
  currentScores: ArrayLike<number>;
}): EstimatedPerformance {
  const { calibration, threshold, reference } = input;
  const current = estimatedMetrics(input.currentScores, calibratedProbabilities(calibration, input.currentScores), threshold);
  const band = bandFor(reference, current.rows);
  return {
    method: 'cbpe',
    source: input.source,
    threshold,
    calibration: { method: calibration.method, fitted_on: calibration.fitted_on, rows: calibration.rows, positives: calibration.positives, points: calibration.scores.length, table: calibrationTable(calibration) },
    reference: reference.metrics,
    current,
    band,
    delta: { roc_auc: difference(current.roc_auc, reference.metrics.roc_auc), f1: difference(current.f1, reference.metrics.f1) },
    outside_band: { roc_auc: outside(current.roc_auc, band?.roc_auc ?? null), f1: outside(current.f1, band?.f1 ?? null) },
  };
}
