import type { CandidateReport, ClassificationReport } from '../../core/src/domain/modelEvaluation.ts';
import type { ModelKind, RegistryOperation, Stage } from '../../core/src/domain/vocabularies.ts';

export type { Stage } from '../../core/src/domain/vocabularies.ts';

export interface HistoryEntry {
  time: string;
  version: number;
  from: Stage | null;
  to: Stage;
  actor: string;
  reason: string;
  run_id: string | null;
  operation: RegistryOperation;
  operation_id: string;
  operation_size: number;
  /** The write-ahead intent this move carries out (control runs): reconciling a crashed run finds its effects by it. */
  idempotency_key?: string;
  /** Where the audit log stood when the move was made: a copy of its head that outlives a cut or deleted log. */
  audit_head?: { records: number; last_hash: string };
}

export interface VersionMetadata {
  version: number;
  created_at: string;
  model_type: ModelKind;
  artifact_sha256: string;
  decision_threshold?: number;
  selection_metric?: string;
  metrics: { validation: ClassificationReport; candidates?: CandidateReport[] };
  training_data: { path: string; sha256: string; rows: number; scenario?: string | null; data_seed?: number | null };
  /** The data the version was built from, when more than its training rows (a challenger's held-out slice): its reference while it serves. */
  reference_data?: VersionMetadata['training_data'];
  /** The dataset spec trained on; absent for versions registered before specs existed (the fraud columns). */
  dataset?: { name: string; sha256: string };
  seed: number;
  params: Record<string, unknown>;
  parent_version: number | null;
  run_id: string | null;
  tags?: Record<string, string>;
}

/** One move a registry operation will make; the store stamps time, actor and ids. */
export interface StageMove {
  version: number;
  from: Stage | null;
  to: Stage;
}

export interface MoveContext {
  actor: string;
  reason: string;
  runId: string | null;
  now: Date;
  idempotencyKey?: string;
  auditHead?: { records: number; last_hash: string };
}
