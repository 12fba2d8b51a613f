import type { ProbabilisticClassifier, SerializedClassifier } from './classifier.ts';
import { LogisticRegressionClassifier } from './logisticRegressionModel.ts';
import type { FrozenPreprocessing, RowSource, TransformResult } from './preprocessing.ts';
import { transformRows } from './preprocessing.ts';
import { RandomForestModel } from './randomForestModel.ts';

export const ARTIFACT_FORMAT_VERSION = 1;

/** Everything needed to score a row: frozen preprocessing, the model and its threshold. */
export interface ModelArtifact {
  format_version: number;
  model_type: SerializedClassifier['kind'];
  label_column: string;
  preprocessing: FrozenPreprocessing;
  /** Fraud when probability >= this; the F1-best threshold on validation. */
  decision_threshold: number;
  model: SerializedClassifier;
}

export function loadClassifier(serialized: SerializedClassifier): ProbabilisticClassifier {
  return serialized.kind === 'lr' ? LogisticRegressionClassifier.load(serialized) : RandomForestModel.load(serialized);
}

export interface Scored extends Omit<TransformResult, 'matrix'> {
  probabilities: number[];
}

export interface Predictor {
  artifact: ModelArtifact;
  score(source: RowSource, rows?: number[]): Scored;
}

export function createPredictor(artifact: ModelArtifact): Predictor {
  const classifier = loadClassifier(artifact.model);
  return {
    artifact,
    score(source, rows) {
      const { matrix, ...signals } = transformRows(artifact.preprocessing, source, rows);
      return { probabilities: classifier.predictProbabilities(matrix), ...signals };
    },
  };
}

/** Artifacts are JSON with sorted keys, so identical models are identical bytes. */
export function serializeArtifact(artifact: ModelArtifact): string {
  return `${JSON.stringify(artifact)}\n`;
}
