/**
 * Classification metrics as scikit-learn defines them. Pure functions over arrays;
 * a metric that is undefined on the data (one class only) is NaN, never a guess.
 */

import type { ClassificationReport, ConfusionMatrix, ReliabilityBin } from '../../core/src/domain/modelEvaluation.ts';

export type Labels = ArrayLike<number>;
export type Scores = ArrayLike<number>;

export type { ClassificationReport, ConfusionMatrix, ReliabilityBin };

function assertSameLength(labels: Labels, scores: Scores): void {
  if (labels.length !== scores.length) throw new Error(`labels (${labels.length}) and scores (${scores.length}) differ in length`);
}

/** Indices sorted by score, descending; ties keep index order (stable). */
function orderByScoreDescending(scores: Scores): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, index) => index);
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  return order;
}

function countPositives(labels: Labels): number {
  let positives = 0;
  for (let index = 0; index < labels.length; index += 1) if (labels[index] === 1) positives += 1;
  return positives;
}

/**
 * Walk the scores from highest to lowest, one group of tied scores at a time, reporting
 * the running true positives and rows seen after each group (one threshold per group).
 */
function forEachThreshold(labels: Labels, scores: Scores, visit: (score: number, truePositives: number, seen: number) => void): void {
  const order = orderByScoreDescending(scores);
  let truePositives = 0;
  let index = 0;
  while (index < order.length) {
    const score = scores[order[index] as number] as number;
    while (index < order.length && scores[order[index] as number] === score) {
      if (labels[order[index] as number] === 1) truePositives += 1;
      index += 1;
    }
    visit(score, truePositives, index);
  }
}

/** ROC AUC as the Mann-Whitney statistic: ranks with ties averaged. */
export function rocAuc(labels: Labels, scores: Scores): number {
  assertSameLength(labels, scores);
  const order = orderByScoreDescending(scores);
  const positives = countPositives(labels);
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  // Walk from the lowest score; each tie group gets the average of its ranks.
  let rankSumOfPositives = 0;
  let position = order.length;
  while (position > 0) {
    let groupStart = position - 1;
    const score = scores[order[groupStart] as number] as number;
    while (groupStart > 0 && scores[order[groupStart - 1] as number] === score) groupStart -= 1;
    const lowRank = order.length - position + 1;
    const highRank = order.length - groupStart;
    const averageRank = (lowRank + highRank) / 2;
    for (let k = groupStart; k < position; k += 1) if (labels[order[k] as number] === 1) rankSumOfPositives += averageRank;
    position = groupStart;
  }
  return (rankSumOfPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision, scikit-learn's definition: sum over distinct thresholds of
 * (R_n - R_{n-1}) * P_n, with no interpolation.
 */
export function averagePrecision(labels: Labels, scores: Scores): number {
  assertSameLength(labels, scores);
  const positives = countPositives(labels);
  if (positives === 0) return Number.NaN;
  let previousRecall = 0;
  let sum = 0;
  forEachThreshold(labels, scores, (_score, truePositives, seen) => {
    const recall = truePositives / positives;
    sum += (recall - previousRecall) * (truePositives / seen);
    previousRecall = recall;
  });
  return sum;
}

export function confusionMatrix(labels: Labels, scores: Scores, threshold: number): ConfusionMatrix {
  assertSameLength(labels, scores);
  const matrix: ConfusionMatrix = { true_positives: 0, false_positives: 0, true_negatives: 0, false_negatives: 0 };
  for (let index = 0; index < labels.length; index += 1) {
    const predictedPositive = (scores[index] as number) >= threshold;
    if (labels[index] === 1) {
      if (predictedPositive) matrix.true_positives += 1; else matrix.false_negatives += 1;
    } else if (predictedPositive) matrix.false_positives += 1; else matrix.true_negatives += 1;
  }
  return matrix;
}

export interface ThresholdMetrics { precision: number; recall: number; f1: number }

/** Precision, recall and F1 of "score >= threshold"; 0 where a ratio is 0/0 (sklearn's zero_division=0). */
export function precisionRecallF1(labels: Labels, scores: Scores, threshold: number): ThresholdMetrics {
  const { true_positives: tp, false_positives: fp, false_negatives: fn } = confusionMatrix(labels, scores, threshold);
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

export function brierScore(labels: Labels, scores: Scores): number {
  assertSameLength(labels, scores);
  let sum = 0;
  for (let index = 0; index < labels.length; index += 1) sum += ((scores[index] as number) - (labels[index] as number)) ** 2;
  return sum / labels.length;
}

/** Mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15]. */
export function logLoss(labels: Labels, scores: Scores): number {
  assertSameLength(labels, scores);
  const epsilon = 1e-15;
  let sum = 0;
  for (let index = 0; index < labels.length; index += 1) {
    const probability = Math.min(1 - epsilon, Math.max(epsilon, scores[index] as number));
    sum -= labels[index] === 1 ? Math.log(probability) : Math.log(1 - probability);
  }
  return sum / labels.length;
}

/** The threshold among the observed scores that maximises F1 (the lowest such, for recall). */
export function bestF1Threshold(labels: Labels, scores: Scores): number {
  const positives = countPositives(labels);
  let bestF1 = -1;
  let bestThreshold = 0.5;
  forEachThreshold(labels, scores, (score, truePositives, seen) => {
    const f1 = positives === 0 ? 0 : (2 * truePositives) / (seen + positives);
    if (f1 > bestF1) {
      bestF1 = f1;
      bestThreshold = score;
    }
  });
  return bestThreshold;
}

const RELIABILITY_BINS = 10;

/**
 * The reliability table: rows, mean predicted probability and observed fraud rate in
 * 10 equal-width probability bins. Bins are closed on the right, as scikit-learn's
 * `calibration_curve(strategy="uniform")` (a score of exactly 0.1 is in the first bin);
 * unlike it, empty bins are kept (with nulls) so every table has the same 10 rows.
 */
export function reliabilityTable(labels: Labels, scores: Scores): ReliabilityBin[] {
  assertSameLength(labels, scores);
  const rows = new Array<number>(RELIABILITY_BINS).fill(0);
  const predicted = new Array<number>(RELIABILITY_BINS).fill(0);
  const observed = new Array<number>(RELIABILITY_BINS).fill(0);
  for (let index = 0; index < labels.length; index += 1) {
    const score = scores[index] as number;
    // The number of inner edges below the score; the edges are numpy's linspace(0, 1, 11), i·0.1, bit for bit.
    let bin = 0;
    while (bin < RELIABILITY_BINS - 1 && (bin + 1) * (1 / RELIABILITY_BINS) < score) bin += 1;
    rows[bin] = (rows[bin] as number) + 1;
    predicted[bin] = (predicted[bin] as number) + score;
    if (labels[index] === 1) observed[bin] = (observed[bin] as number) + 1;
  }
  return rows.map((count, bin) => ({
    lower: bin / RELIABILITY_BINS,
    upper: (bin + 1) / RELIABILITY_BINS,
    rows: count,
    mean_predicted: count === 0 ? null : (predicted[bin] as number) / count,
    observed_rate: count === 0 ? null : (observed[bin] as number) / count,
  }));
}

/** JSON has no NaN: an undefined metric is written as null. */
function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export function classificationReport(labels: Labels, scores: Scores, threshold: number): ClassificationReport {
  return {
    rows: labels.length,
    positives: countPositives(labels),
    roc_auc: finiteOrNull(rocAuc(labels, scores)),
    average_precision: finiteOrNull(averagePrecision(labels, scores)),
    ...precisionRecallF1(labels, scores, threshold),
    brier: brierScore(labels, scores),
    log_loss: logLoss(labels, scores),
    threshold,
    confusion_matrix: confusionMatrix(labels, scores, threshold),
    reliability: reliabilityTable(labels, scores),
  };
}
