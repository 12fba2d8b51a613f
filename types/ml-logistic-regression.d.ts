// ml-logistic-regression 2.0.0 ships no type declarations; this covers what we use.
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  interface TwoClassModel {
    weights: Matrix;
    testScores(features: Matrix): number[];
    toJSON(): { numSteps: number; learningRate: number; weights: Matrix };
  }

  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    classifiers: TwoClassModel[];
    numberClasses: number;
    train(features: Matrix, target: Matrix): void;
    predict(features: Matrix): number[];
    toJSON(): unknown;
    static load(model: unknown): LogisticRegression;
  }
}

// The package's two-class trainer (its ESM source is published under src/): the wrapper above
// trains one of these per class, so for 0/1 labels it trains the same model twice.
declare module 'ml-logistic-regression/src/logreg_2classes.js' {
  import type { Matrix } from 'ml-matrix';

  export default class LogisticRegressionTwoClasses {
    constructor(options?: { numSteps?: number; learningRate?: number });
    weights: Matrix;
    train(features: Matrix, target: Matrix): void;
    testScores(features: Matrix): number[];
  }
}
