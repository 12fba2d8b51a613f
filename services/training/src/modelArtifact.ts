import type { ProbabilisticClassifier } from './classifier.ts';
import { LogisticRegressionClassifier, type LogisticRegressionParams, type SerializedLogisticRegression } from './logisticRegressionModel.ts';
import type { FrozenPreprocessing, RowSource, TransformResult } from './preprocessing.ts';
import { transformRows } from './preprocessing.ts';
import { RandomForestModel, type RandomForestParams, type SerializedRandomForest } from './randomForestModel.ts';

/** The model kinds an artifact can hold, in their JSON form, and the parameters that made them. */
export type SerializedClassifier = SerializedLogisticRegression | SerializedRandomForest;
export type ClassifierParams = LogisticRegressionParams | RandomForestParams;
import { MODEL_KINDS } from '../../core/src/domain/vocabularies.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import type { ModelRegistry } from '../../registry/src/index.ts';

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

export function loadClassifier(serialized: SerializedClassifier): ProbabilisticClassifier<SerializedClassifier> {
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

/** A registered version's artifact, read as a model of ours: refused unless it is in the format this code writes. */
export function loadRegisteredArtifact(registry: Pick<ModelRegistry, 'loadArtifact'>, version: number): ModelArtifact {
  const artifact = registry.loadArtifact(version) as Partial<ModelArtifact> | null;
  if (artifact === null || typeof artifact !== 'object' || artifact.format_version !== ARTIFACT_FORMAT_VERSION || !(MODEL_KINDS as readonly unknown[]).includes(artifact.model_type)) {
    throw new UserError(`v${version}: the artifact is not a DriftWatch model of format ${ARTIFACT_FORMAT_VERSION}; it cannot be loaded`);
  }
  return artifact as ModelArtifact;
}
