import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import LogisticRegressionTwoClasses from 'ml-logistic-regression/src/logreg_2classes.js';
import { Matrix } from 'ml-matrix';
import seedrandom from 'seedrandom';
import { DEFAULT_LOGISTIC_REGRESSION, LogisticRegressionClassifier } from './logisticRegressionModel.ts';

interface SklearnReference {
  logistic_regression: { matrix: number[][]; labels: number[]; weights: number[]; probabilities: number[] };
}
const sklearn = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/sklearn_reference.json'), 'utf8')) as SklearnReference;

describe('LogisticRegressionClassifier', () => {
  const rng = seedrandom.alea('lr-test');
  const matrix = Array.from({ length: 300 }, () => [rng() * 2 - 1, rng() * 2 - 1, rng() < 0.5 ? 1 : 0]);
  const labels = matrix.map(([a, b, c]) => (rng() < 1 / (1 + Math.exp(-(2 * (a as number) - (b as number) + (c as number) - 1))) ? 1 : 0));

  it('without a penalty, reaches the weights ml-logistic-regression converges to (its gradient descent run to the end)', () => {
    const unpenalised = LogisticRegressionClassifier.train(matrix, labels, { ...DEFAULT_LOGISTIC_REGRESSION, c: 1e12, tolerance: 1e-12 });
    // 2,000 steps at 4/n: the package's weights stop changing (checked against 20,000 steps).
    const reference = new LogisticRegressionTwoClasses({ numSteps: 2000, learningRate: 4 / matrix.length });
    const withIntercept = new Matrix(matrix.map((row) => [1, ...row]));
    reference.train(withIntercept, Matrix.columnVector(labels));
    const ours = unpenalised.toJSON().weights;
    reference.weights.to1DArray().forEach((weight, index) => expect(ours[index]).toBeCloseTo(weight, 9));
    const theirProbabilities = reference.testScores(withIntercept);
    unpenalised.predictProbabilities(matrix).forEach((probability, index) => expect(probability).toBeCloseTo(theirProbabilities[index] as number, 9));
  });

  it("with the defaults, minimises scikit-learn's LogisticRegression() objective (C = 1, intercept not penalised)", () => {
    const { matrix: features, labels: targets, weights, probabilities } = sklearn.logistic_regression;
    const model = LogisticRegressionClassifier.train(features, targets);
    model.toJSON().weights.forEach((weight, index) => expect(weight).toBeCloseTo(weights[index] as number, 6));
    model.predictProbabilities(features).forEach((probability, index) => expect(probability).toBeCloseTo(probabilities[index] as number, 7));
  });

  it('recovers the signs of the generating rule and scores with the intercept', () => {
    const model = LogisticRegressionClassifier.train(matrix, labels);
    const [intercept, a, b, c] = model.toJSON().weights as [number, number, number, number];
    expect(intercept).toBeLessThan(0);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeLessThan(0);
    expect(c).toBeGreaterThan(0);
    const [probability] = model.predictProbabilities([[0, 0, 0]]);
    expect(probability).toBeCloseTo(1 / (1 + Math.exp(-intercept)), 12);
  });

  it('the same rows give byte-identical JSON, and a reloaded model the same probabilities', () => {
    const first = JSON.stringify(LogisticRegressionClassifier.train(matrix, labels).toJSON());
    expect(JSON.stringify(LogisticRegressionClassifier.train(matrix, labels).toJSON())).toBe(first);
    const reloaded = LogisticRegressionClassifier.load(JSON.parse(first));
    expect(reloaded.predictProbabilities(matrix)).toEqual(LogisticRegressionClassifier.train(matrix, labels).predictProbabilities(matrix));
  });

  it('copes with perfectly separable rows (the penalty keeps the weights finite)', () => {
    const separable = Array.from({ length: 50 }, (_, row) => [row < 25 ? -1 - row / 50 : 1 + row / 50]);
    const model = LogisticRegressionClassifier.train(separable, separable.map(([value]) => ((value as number) > 0 ? 1 : 0)));
    const [low, high] = model.predictProbabilities([[-1], [1]]) as [number, number];
    expect(model.toJSON().weights.every(Number.isFinite)).toBe(true);
    expect(low).toBeLessThan(0.2);
    expect(high).toBeGreaterThan(0.8);
  });
});
