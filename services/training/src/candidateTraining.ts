import seedrandom from 'seedrandom';
import type { ModelKind, ProbabilisticClassifier } from './classifier.ts';
import { DEFAULT_LOGISTIC_REGRESSION, LogisticRegressionClassifier } from './logisticRegressionModel.ts';
import type { ClassifierParams, SerializedClassifier } from './modelArtifact.ts';
import { DEFAULT_RANDOM_FOREST, RandomForestModel } from './randomForestModel.ts';
import { positiveEnrichedSubsample } from './stratifiedSplit.ts';

/** One candidate model fitted on the training rows of an encoded matrix. */
export function trainCandidate(kind: ModelKind, matrix: number[][], labels: number[], trainRows: number[], seed: number): { classifier: ProbabilisticClassifier<SerializedClassifier>; params: ClassifierParams; rows: number } {
  if (kind === 'lr') {
    return { classifier: LogisticRegressionClassifier.train(trainRows.map((row) => matrix[row] as number[]), trainRows.map((row) => labels[row] as number)), params: DEFAULT_LOGISTIC_REGRESSION, rows: trainRows.length };
  }
  const params = { ...DEFAULT_RANDOM_FOREST, seed };
  const subsample = positiveEnrichedSubsample(trainRows, labels, params.max_rows, params.max_positive_share, seedrandom.alea(`${seed}:rf-rows`));
  return {
    classifier: RandomForestModel.train(subsample.map((row) => matrix[row] as number[]), subsample.map((row) => labels[row] as number), params),
    params,
    rows: subsample.length,
  };
}
