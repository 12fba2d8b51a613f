/** Training's public interface: other stages import from here only. */
export { scoreTable } from './batchScoring.ts';
export { classificationReport, rocAuc, type ClassificationReport } from './metrics.ts';
export { createPredictor, loadRegisteredArtifact, type ModelArtifact, type Predictor } from './modelArtifact.ts';
export { recordRowSource, type RowSource } from './preprocessing.ts';
export { DEFAULT_TRAINING, registrationRecord, trainModels, type TrainingResult, type TrainingOptions } from './trainModels.ts';
export { stratifiedSplit } from './stratifiedSplit.ts';
export { calibratedProbabilities, type IsotonicCalibration } from './isotonicCalibration.ts';
