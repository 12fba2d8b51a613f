import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { averagePrecision, bestF1Threshold, brierScore, classificationReport, confusionMatrix, logLoss, precisionRecallF1, reliabilityTable, rocAuc } from './metrics.ts';

// Values computed by hand (and matching scikit-learn's documented examples).
describe('ROC AUC', () => {
  it('is the share of positive-negative pairs ranked correctly (sklearn docs example: 0.75)', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
  });
  it('counts a tie between a positive and a negative as half', () => {
    // pairs: (0.5 vs 0.5) tie = 0.5, (0.5 vs 0.2) = 1, (0.9 vs 0.5) = 1, (0.9 vs 0.2) = 1 -> 3.5 / 4
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.2])).toBeCloseTo(0.875, 12);
  });
  it('is 1 for a perfect ranking, 0 for a reversed one, NaN with one class', () => {
    expect(rocAuc([0, 1], [0.2, 0.8])).toBe(1);
    expect(rocAuc([0, 1], [0.8, 0.2])).toBe(0);
    expect(rocAuc([1, 1], [0.2, 0.8])).toBeNaN();
  });
});

describe('average precision', () => {
  it('matches the sklearn docs example (0.8333...)', () => {
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.8333333333333333, 12);
  });
  it('treats tied scores as one threshold', () => {
    // one threshold holding both rows: recall 1, precision 1/2 -> 0.5
    expect(averagePrecision([1, 0], [0.5, 0.5])).toBeCloseTo(0.5, 12);
  });
  it('is NaN with no positives', () => {
    expect(averagePrecision([0, 0], [0.1, 0.2])).toBeNaN();
  });
});

describe('threshold metrics', () => {
  const labels = [1, 1, 0, 0, 1];
  const scores = [0.9, 0.4, 0.6, 0.1, 0.7];
  it('counts the confusion matrix at score >= threshold', () => {
    expect(confusionMatrix(labels, scores, 0.5)).toEqual({ true_positives: 2, false_positives: 1, true_negatives: 1, false_negatives: 1 });
  });
  it('gives precision 2/3, recall 2/3, F1 2/3', () => {
    const result = precisionRecallF1(labels, scores, 0.5);
    expect(result.precision).toBeCloseTo(2 / 3, 12);
    expect(result.recall).toBeCloseTo(2 / 3, 12);
    expect(result.f1).toBeCloseTo(2 / 3, 12);
  });
  it('gives 0 (not NaN) when nothing is predicted positive', () => {
    expect(precisionRecallF1(labels, scores, 0.95)).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
  it('finds the threshold with the best F1', () => {
    // at 0.4: tp 3, fp 1 -> F1 = 6/7, the best of all cut points
    expect(bestF1Threshold(labels, scores)).toBe(0.4);
  });
});

describe('probability metrics', () => {
  it('Brier score is the mean squared error of the probability', () => {
    expect(brierScore([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3])).toBeCloseTo((0.01 + 0.01 + 0.04 + 0.09) / 4, 12);
  });
  it('log loss is the mean negative log-likelihood (sklearn docs example: 0.21616)', () => {
    expect(logLoss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.35])).toBeCloseTo(0.21616187468057912, 10);
  });
  it('log loss stays finite for a confident mistake', () => {
    expect(Number.isFinite(logLoss([1], [0]))).toBe(true);
  });
  it('a report writes an undefined AUC as null', () => {
    expect(classificationReport([0, 0], [0.1, 0.2], 0.5).roc_auc).toBeNull();
  });
});

describe('reliability table', () => {
  // scikit-learn 1.2.1's calibration_curve(strategy="uniform", n_bins=10): fixtures/compute_sklearn_reference.py.
  const reference = (JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/sklearn_reference.json'), 'utf8')) as {
    reliability: { labels: number[]; scores: number[]; non_empty_bins: number[]; observed_rate: number[]; mean_predicted: number[] };
  }).reliability;

  it("puts scores on a bin edge where scikit-learn's calibration_curve does, with its observed rates and mean predictions", () => {
    const table = reliabilityTable(reference.labels, reference.scores);
    const filled = table.flatMap((bin, index) => (bin.rows > 0 ? [index] : []));
    expect(filled).toEqual(reference.non_empty_bins);
    filled.forEach((bin, position) => {
      expect(table[bin]?.observed_rate).toBeCloseTo(reference.observed_rate[position] as number, 12);
      expect(table[bin]?.mean_predicted).toBeCloseTo(reference.mean_predicted[position] as number, 12);
    });
  });

  it('always has 10 equal-width bins; an empty bin has nulls, and the rows add up', () => {
    const table = reliabilityTable([0, 1, 1], [0.05, 0.55, 0.58]);
    expect(table.map((bin) => [bin.lower, bin.upper])).toEqual(Array.from({ length: 10 }, (_, bin) => [bin / 10, (bin + 1) / 10]));
    expect(table[5]).toEqual({ lower: 0.5, upper: 0.6, rows: 2, mean_predicted: (0.55 + 0.58) / 2, observed_rate: 1 });
    expect(table[3]).toEqual({ lower: 0.3, upper: 0.4, rows: 0, mean_predicted: null, observed_rate: null });
    expect(table.reduce((sum, bin) => sum + bin.rows, 0)).toBe(3);
  });

  it('is part of the classification report', () => {
    expect(classificationReport([0, 1], [0.2, 0.9], 0.5).reliability).toEqual(reliabilityTable([0, 1], [0.2, 0.9]));
  });
});
