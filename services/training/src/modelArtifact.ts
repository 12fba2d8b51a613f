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
import { DEFAULT_DATASET, loadDatasetSpec, type DatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import type { IsotonicCalibration } from './isotonicCalibration.ts';

/**
 * 2: the dataset spec travels with the model, and missing values are imputed with frozen medians and modes.
 * 3: the scores' isotonic calibration on validation travels with it too (performance estimated without labels).
 */
export const ARTIFACT_FORMAT_VERSION = 3;

/** Formats this code still reads: a format 1 or 2 artifact scores as before, without a calibration. */
const READABLE_FORMATS: readonly number[] = [1, 2, ARTIFACT_FORMAT_VERSION];

/** Everything needed to score a row: frozen preprocessing, the model and its threshold. */
export interface ModelArtifact {
  format_version: number;
  model_type: SerializedClassifier['kind'];
  label_column: string;
  /** The dataset spec the model was trained on: the API's request schema and every stage's columns come from it. */
  dataset: { name: string; sha256: string; spec: DatasetSpec };
  preprocessing: FrozenPreprocessing;
  /** Fraud when probability >= this; the F1-best threshold on validation. */
  decision_threshold: number;
  model: SerializedClassifier;
  /** The scores' isotonic calibration on the validation split; absent in artifacts before format 3. */
  calibration?: IsotonicCalibration;
}

export function loadClassifier(serialized: SerializedClassifier): ProbabilisticClassifier<SerializedClassifier> {
  if (serialized.kind === 'lr') return LogisticRegressionClassifier.load(serialized);
  // Forests written before the histogram forest held an ml-random-forest model (`forest`, `bin_edges`), not `trees`.
  if (!Array.isArray((serialized as Partial<SerializedRandomForest>).trees)) throw new UserError('the random forest in this artifact is in an older format (ml-random-forest); retrain it to score with it');
  return RandomForestModel.load(serialized);
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

/**
 * A registered version's artifact, read as a model of ours: refused unless it is in a
 * format this code reads. Format 1 predates dataset specs and could only be trained on
 * the fraud columns: it is read with the fraud spec.
 */
export function loadRegisteredArtifact(registry: Pick<ModelRegistry, 'loadArtifact'>, version: number): ModelArtifact {
  const artifact = registry.loadArtifact(version) as Partial<ModelArtifact> | null;
  const readable = artifact !== null && typeof artifact === 'object' && READABLE_FORMATS.includes(artifact.format_version as number);
  if (!readable || !(MODEL_KINDS as readonly unknown[]).includes(artifact.model_type)) {
    throw new UserError(`v${version}: the artifact is not a DriftWatch model of format ${READABLE_FORMATS.join(', ')}; it cannot be loaded`);
  }
  if (artifact.format_version === 1) {
    const fraud = loadDatasetSpec(DEFAULT_DATASET);
    return { ...artifact, dataset: { name: fraud.spec.name, sha256: fraud.sha256, spec: fraud.spec } } as ModelArtifact;
  }
  return artifact as ModelArtifact;
}
