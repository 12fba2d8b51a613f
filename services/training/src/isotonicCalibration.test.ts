import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibratedProbabilities, fitIsotonicCalibration } from './isotonicCalibration.ts';

interface Fixture { name: string; scores: number[]; labels: number[]; thresholds: number[]; values: number[]; queries: number[]; predictions: number[] }
const fixtures = JSON.parse(readFileSync(new URL('../../../tests/fixtures/isotonic_fixtures.json', import.meta.url), 'utf8')) as { cases: Fixture[] };

describe('isotonic calibration', () => {
  for (const fixture of fixtures.cases) {
    it(`reproduces scikit-learn's IsotonicRegression(out_of_bounds='clip'): ${fixture.name}`, () => {
      const calibration = fitIsotonicCalibration(fixture.scores, fixture.labels);
      expect(calibration.scores).toEqual(fixture.thresholds);
      calibration.probabilities.forEach((value, index) => expect(value).toBeCloseTo(fixture.values[index] as number, 12));
      const predicted = calibratedProbabilities(calibration, fixture.queries);
      fixture.predictions.forEach((value, index) => expect(predicted[index]).toBeCloseTo(value, 12));
      expect(calibration.rows).toBe(fixture.scores.length);
      expect(calibration.positives).toBe(fixture.labels.reduce((sum, label) => sum + label, 0));
    });
  }

  it('never decreases in score, and stays within the observed label rates', () => {
    const calibration = fitIsotonicCalibration([0.9, 0.1, 0.5, 0.4, 0.8, 0.2], [0, 0, 1, 0, 1, 1]);
    const curve = calibratedProbabilities(calibration, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    for (let index = 1; index < curve.length; index += 1) expect(curve[index]).toBeGreaterThanOrEqual(curve[index - 1] as number);
    expect(Math.min(...curve)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...curve)).toBeLessThanOrEqual(1);
  });

  it('a single distinct score calibrates every score to the base rate', () => {
    const calibration = fitIsotonicCalibration([0.3, 0.3, 0.3, 0.3], [1, 0, 0, 0]);
    expect(Array.from(calibratedProbabilities(calibration, [0, 0.3, 1]))).toEqual([0.25, 0.25, 0.25]);
  });
});
