import type { LogisticRegressionParams, SerializedLogisticRegression } from './logisticRegressionModel.ts';
import type { RandomForestParams, SerializedRandomForest } from './randomForestModel.ts';

export type ModelKind = 'lr' | 'rf';

export type SerializedClassifier = SerializedLogisticRegression | SerializedRandomForest;
export type ClassifierParams = LogisticRegressionParams | RandomForestParams;

/** What every model behind the registry offers: probabilities of fraud, and a JSON form. */
export interface ProbabilisticClassifier {
  readonly kind: ModelKind;
  predictProbabilities(matrix: number[][]): number[];
  toJSON(): SerializedClassifier;
}
