import { describe, expect, it } from 'vitest';
import LogisticRegressionTwoClasses from 'ml-logistic-regression/src/logreg_2classes.js';
import { Matrix } from 'ml-matrix';
import seedrandom from 'seedrandom';
import { LogisticRegressionClassifier } from './logisticRegressionModel.ts';

describe('LogisticRegressionClassifier', () => {
  const rng = seedrandom.alea('lr-test');
  const matrix = Array.from({ length: 400 }, () => [rng() * 2 - 1, rng() * 2 - 1, rng() < 0.5 ? 1 : 0]);
  const labels = matrix.map(([a, b, c]) => (rng() < 1 / (1 + Math.exp(-(2 * (a as number) - (b as number) + (c as number) - 1))) ? 1 : 0));

  it('trains the same weights as the package trainer on a plain matrix (transposing once changes nothing)', () => {
    const params = { num_steps: 200, step_size: 4 };
    const ours = LogisticRegressionClassifier.train(matrix, labels, params).toJSON().weights;
    const reference = new LogisticRegressionTwoClasses({ numSteps: params.num_steps, learningRate: params.step_size / matrix.length });
    reference.train(new Matrix(matrix.map((row) => [1, ...row])), Matrix.columnVector(labels));
    expect(ours).toEqual(reference.weights.to1DArray());
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
});
