import LogisticRegressionTwoClasses from 'ml-logistic-regression/src/logreg_2classes.js';
import { Matrix } from 'ml-matrix';
import type { ProbabilisticClassifier } from './classifier.ts';

export interface LogisticRegressionParams {
  /** Gradient steps. 600 at step 4/n matches the IRLS weights to 3 decimals on our data. */
  num_steps: number;
  /** Divided by the training rows: the library's gradient is a sum, not a mean. */
  step_size: number;
}

export const DEFAULT_LOGISTIC_REGRESSION: LogisticRegressionParams = { num_steps: 600, step_size: 4 };

export interface SerializedLogisticRegression {
  kind: 'lr';
  params: LogisticRegressionParams;
  /** weights[0] is the intercept, then one per feature. */
  weights: number[];
}

/**
 * The training matrix never changes, but the trainer transposes it on every gradient step,
 * copying the whole data set each time (about a fifth of the time at 50k rows): transpose
 * it once. The trainer only reads the transpose, so the weights are bit-identical.
 */
class FixedFeatures extends Matrix {
  private transposed: Matrix | undefined;

  override transpose(): Matrix {
    this.transposed ??= super.transpose();
    return this.transposed;
  }
}

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

export class LogisticRegressionClassifier implements ProbabilisticClassifier<SerializedLogisticRegression> {
  readonly kind = 'lr' as const;

  constructor(private readonly params: LogisticRegressionParams, private readonly weights: number[]) {}

  /**
   * ml-logistic-regression has no intercept (we add a column of ones) and no
   * probability method; we keep its weights and score with our own dot product, so a
   * reloaded artifact gives bit-identical probabilities.
   */
  static train(matrix: number[][], labels: number[], params: LogisticRegressionParams = DEFAULT_LOGISTIC_REGRESSION): LogisticRegressionClassifier {
    const withIntercept = new FixedFeatures(matrix.map((row) => [1, ...row]));
    // The package's LogisticRegression trains one two-class model per class, i.e. the same
    // model twice for 0/1 labels; its two-class trainer alone gives the identical weights in half the time.
    const model = new LogisticRegressionTwoClasses({ numSteps: params.num_steps, learningRate: params.step_size / matrix.length });
    model.train(withIntercept, Matrix.columnVector(labels));
    return new LogisticRegressionClassifier(params, model.weights.to1DArray());
  }

  static load(serialized: SerializedLogisticRegression): LogisticRegressionClassifier {
    return new LogisticRegressionClassifier(serialized.params, serialized.weights);
  }

  predictProbabilities(matrix: number[][]): number[] {
    return matrix.map((row) => {
      let logit = this.weights[0] as number;
      for (let index = 0; index < row.length; index += 1) logit += (this.weights[index + 1] as number) * (row[index] as number);
      return sigmoid(logit);
    });
  }

  toJSON(): SerializedLogisticRegression {
    return { kind: 'lr', params: this.params, weights: this.weights };
  }
}
