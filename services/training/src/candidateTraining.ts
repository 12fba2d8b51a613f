import type { ModelKind, ProbabilisticClassifier } from './classifier.ts';
import { DEFAULT_LOGISTIC_REGRESSION, LogisticRegressionClassifier } from './logisticRegressionModel.ts';
import type { ClassifierParams, SerializedClassifier } from './modelArtifact.ts';
import { DEFAULT_RANDOM_FOREST, RandomForestModel } from './randomForestModel.ts';

/**
 * One candidate model fitted on the training rows of an encoded matrix. Both models see
 * every training row: the forest's histogram trees no longer need a subsample (the old
 * positive-enriched 500 rows also skewed its probabilities towards fraud).
 */
export function trainCandidate(kind: ModelKind, matrix: number[][], labels: number[], trainRows: number[], seed: number): { classifier: ProbabilisticClassifier<SerializedClassifier>; params: ClassifierParams; rows: number } {
  const features = trainRows.map((row) => matrix[row] as number[]);
  const targets = trainRows.map((row) => labels[row] as number);
  if (kind === 'lr') {
    return { classifier: LogisticRegressionClassifier.train(features, targets, DEFAULT_LOGISTIC_REGRESSION), params: DEFAULT_LOGISTIC_REGRESSION, rows: trainRows.length };
  }
  const params = { ...DEFAULT_RANDOM_FOREST, seed };
  return { classifier: RandomForestModel.train(features, targets, params), params, rows: trainRows.length };
}
