import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { classificationReport } from '../../training/src/index.ts';
import { estimatedMetrics, estimatePerformance, expectedConfusion, expectedRocAuc, referenceEstimates, calibrationTable } from './estimatedPerformance.ts';

/** A calibration that is the identity on [0, 1]: the scores are already probabilities. */
const identity = { method: 'isotonic' as const, fitted_on: 'validation' as const, rows: 2, positives: 1, scores: [0, 1], probabilities: [0, 1] };

describe('CBPE: performance expected from calibrated scores', () => {
  it('the expected confusion matrix adds each row\'s probability to the cells of its prediction', () => {
    const cells = expectedConfusion([0.9, 0.6, 0.2], [0.8, 0.5, 0.1], 0.5);
    expect(cells.true_positive).toBeCloseTo(1.3, 12);
    expect(cells.false_positive).toBeCloseTo(0.7, 12);
    expect(cells.false_negative).toBeCloseTo(0.1, 12);
    expect(cells.true_negative).toBeCloseTo(0.9, 12);
  });

  it('with certain probabilities (0 or 1) the expected AUC is the realised AUC, ties counted half', () => {
    const scores = [0.9, 0.8, 0.8, 0.7, 0.4, 0.4, 0.4, 0.1];
    const labels = [1, 0, 1, 1, 0, 1, 0, 0];
    expect(expectedRocAuc(scores, labels)).toBeCloseTo(classificationReport(labels, scores, 0.5).roc_auc as number, 12);
  });

  it('is the mean of the realised AUC over labels drawn from the calibrated probabilities', () => {
    const rng = seedrandom.alea('cbpe-monte-carlo');
    const scores = Array.from({ length: 400 }, () => rng());
    const probabilities = scores.map((score) => score ** 3);
    let sum = 0;
    const draws = 400;
    for (let draw = 0; draw < draws; draw += 1) {
      const labels = probabilities.map((probability) => (rng() < probability ? 1 : 0));
      sum += classificationReport(labels, scores, 0.5).roc_auc as number;
    }
    expect(expectedRocAuc(scores, probabilities)).toBeCloseTo(sum / draws, 2);
  });

  it('precision, recall and F1 follow from the expected cells, and are null where undefined', () => {
    const metrics = estimatedMetrics([0.9, 0.1], [1, 0], 0.5);
    expect(metrics).toMatchObject({ rows: 2, roc_auc: 1, precision: 1, recall: 1, f1: 1 });
    expect(estimatedMetrics([0.9, 0.8], [0, 0], 0.5)).toMatchObject({ roc_auc: null, recall: null, precision: 0 });
  });

  it('the band comes from reference chunks, scaled to the window: a window like the reference is inside, a shifted one outside', () => {
    const rng = seedrandom.alea('cbpe-band');
    const reference = Array.from({ length: 5000 }, () => rng());
    const estimates = referenceEstimates(identity, reference, 0.5);
    expect(estimates.chunks).toHaveLength(10);
    expect(estimates.chunkRows).toBe(500);
    const alike = estimatePerformance({ source: 'model v1', threshold: 0.5, calibration: identity, reference: estimates, currentScores: Array.from({ length: 2000 }, () => rng()) });
    expect(alike.band?.roc_auc).not.toBeNull();
    expect(alike.outside_band.roc_auc).toBe(false);
    // Scores bunched in the middle: the model is unsure about every row, and its expected AUC falls.
    const unsure = estimatePerformance({ source: 'model v1', threshold: 0.5, calibration: identity, reference: estimates, currentScores: Array.from({ length: 2000 }, () => 0.4 + 0.2 * rng()) });
    expect(unsure.delta.roc_auc as number).toBeLessThan(-0.2);
    expect(unsure.outside_band.roc_auc).toBe(true);
    // A window of fewer rows gets a wider band.
    const small = estimatePerformance({ source: 'model v1', threshold: 0.5, calibration: identity, reference: estimates, currentScores: Array.from({ length: 200 }, () => rng()) });
    expect((small.band?.roc_auc?.std as number)).toBeCloseTo((alike.band?.roc_auc?.std as number) * Math.sqrt(10), 10);
  });

  it('no band from a reference too small for two chunks', () => {
    const estimates = referenceEstimates(identity, [0.1, 0.9, 0.5], 0.5);
    expect(estimatePerformance({ source: 'm', threshold: 0.5, calibration: identity, reference: estimates, currentScores: [0.2, 0.8] }).band).toBeNull();
  });

  it('the calibration table keeps both ends and at most 25 points', () => {
    const many = { scores: Array.from({ length: 100 }, (_, index) => index / 99), probabilities: Array.from({ length: 100 }, (_, index) => index / 99) };
    const table = calibrationTable(many);
    expect(table).toHaveLength(25);
    expect(table[0]).toEqual({ score: 0, probability: 0 });
    expect(table[24]).toEqual({ score: 1, probability: 1 });
  });

  it('a NaN score gives no estimate, and returns (it once walked its tie group for ever)', () => {
    expect(expectedRocAuc([0.9, Number.NaN, 0.2], [0.8, Number.NaN, 0.1])).toBeNull();
    expect(expectedRocAuc([0.9, Number.NaN, 0.2], [0.8, 0.5, 0.1])).not.toBeUndefined();
  });
});
