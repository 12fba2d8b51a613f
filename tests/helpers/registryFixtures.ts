import { ARTIFACT_FORMAT_VERSION, type ModelArtifact } from '../../services/training/src/modelArtifact.ts';
import { loadDatasetSpec } from '../../services/core/src/domain/datasetSpec.ts';
import { registerVersion, type RegisterInput } from '../../services/registry/src/registryStore.ts';
import type { MoveContext, VersionMetadata } from '../../services/registry/src/registryTypes.ts';

/** A tiny logistic-regression artifact with chosen weights: registry tests need no training. */
export function tinyArtifact(weight: number): ModelArtifact {
  const fraud = loadDatasetSpec('fraud');
  return {
    format_version: ARTIFACT_FORMAT_VERSION,
    model_type: 'lr',
    label_column: 'is_fraud',
    dataset: { name: fraud.spec.name, sha256: fraud.sha256, spec: fraud.spec },
    preprocessing: { numerical: [{ name: 'transaction_amount', transform: 'identity', mean: 0, std: 1 }], categorical: [], feature_names: ['transaction_amount'] },
    decision_threshold: 0.5,
    model: { kind: 'lr', params: { num_steps: 1, step_size: 1 }, weights: [0, weight] },
  };
}

export function tinyRegisterInput(weight: number): RegisterInput {
  return {
    artifact: tinyArtifact(weight),
    metadata: {
      model_type: 'lr',
      metrics: { validation: { rows: 10, positives: 2, roc_auc: 0.9, average_precision: 0.5, precision: 0.5, recall: 0.5, f1: 0.5, brier: 0.1, log_loss: 0.3, threshold: 0.5, confusion_matrix: { true_positives: 1, false_positives: 1, true_negatives: 7, false_negatives: 1 } } },
      training_data: { path: 'fixture.csv', sha256: '0'.repeat(64), rows: 10 },
      seed: 1,
      params: {},
      run_id: null,
    },
  };
}

export function contextAt(iso: string, reason = 'test'): MoveContext {
  return { actor: 'test', reason, runId: 'run-test', now: new Date(iso) };
}

export function registerTiny(directory: string, weight: number, iso: string): VersionMetadata {
  return registerVersion(directory, tinyRegisterInput(weight), contextAt(iso));
}
