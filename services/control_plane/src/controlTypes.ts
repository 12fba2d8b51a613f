import type { Action, EvidenceDirection, GuardrailName, IncidentType, PlanStatus, ReleaseOutcome, Severity } from '../../core/src/domain/vocabularies.ts';
import type { ClassificationReport } from '../../training/src/index.ts';
import type { RootCause } from './agents/rootCause.ts';

export type { IncidentType, ReleaseOutcome } from '../../core/src/domain/vocabularies.ts';

/** A figure that led to a decision, with the threshold it was compared to. */
export interface Evidence {
  name: string;
  value: number | string | boolean | null;
  threshold?: number | string;
  source: string;
  /** The figure whose distance past its threshold is the evidence margin of the decision. */
  decisive?: boolean;
  /** How the figure breaches its threshold. */
  direction?: EvidenceDirection;
}

/** What an incident rule finds. */
export interface Incident {
  incident_type: IncidentType;
  severity: Severity;
  /** The incident rule that fired (or "no_incident"). */
  rule: string;
  explanation: string;
  evidence: Evidence[];
}

/** shared/events/sentinel_report.json */
export interface SentinelReport extends Incident {
  run_id: string;
  created_at: string;
  /** What the summary could not speak for, and verdicts the current policy changed. */
  caveats: string[];
  monitoring_summary: { path: string; sha256: string; status: string; generated_at: string; model_version: number | null; reference_sha256: string; policy_sha256: string | null };
  production_version: number | null;
  /** What moved, where the model lost quality, and similar past incidents (agents/rootCause.ts); null for no incident. */
  root_cause: RootCause | null;
}

export interface GuardrailCheck {
  name: GuardrailName;
  passed: boolean;
  detail: string;
}

export interface ConfidenceParts {
  /** The policy rule's own confidence (default 1). */
  rule: number;
  /** How far past its threshold the deciding figure is: 0.5 at the threshold, 1 at 1.5x (see planner.ts evidenceMargin). */
  evidence_margin: number;
  /** Current rows relative to twice min_samples, capped at 1. */
  data_sufficiency: number;
}

/** shared/events/execution_plan.json */
export interface ExecutionPlan {
  run_id: string;
  created_at: string;
  incident_type: IncidentType;
  severity: Severity;
  action: Action;
  /** The policy key that chose the action, e.g. "drift_policy.on_medium". */
  policy_rule: string;
  confidence: { value: number; parts: ConfidenceParts; min_confidence: number };
  requires_approval: boolean;
  /** What runs if a human approves (only with requires_approval). */
  approval_action: Action | null;
  guardrails: GuardrailCheck[];
  status: PlanStatus;
  reasons: string[];
  /** The serving and the earlier Production version on current labels, when a regression made the planner compare them. */
  rollback_comparison: RollbackComparison | null;
}

/** Both versions scored on all current labels: whether the earlier one is better by more than the policy's margin. */
export interface RollbackComparison {
  champion: ModelEvaluation;
  previous: ModelEvaluation;
  margin: number;
  previous_is_better: boolean;
}

export interface GateResult {
  name: string;
  passed: boolean;
  value: number | boolean | null;
  threshold: number | boolean | null;
  detail: string;
}

/** A model's ranking quality on a slice of current labels (the figures the release gates compare). */
export interface ModelEvaluation extends Pick<ClassificationReport, 'rows' | 'positives' | 'roc_auc' | 'average_precision'> {
  version: number;
}

/** shared/events/release_result.json */
export interface ReleaseResult {
  run_id: string;
  created_at: string;
  action: Action;
  outcome: ReleaseOutcome;
  champion_version_before: number | null;
  champion_version_after: number | null;
  challenger_version: number | null;
  gates: GateResult[];
  evaluation: { holdout_rows: number | null; champion: ModelEvaluation | null; challenger: ModelEvaluation | null; previous: ModelEvaluation | null };
  approval_id: string | null;
  reasons: string[];
  /**
   * Added after the decision was written and audited, only when DRIFTWATCH_LLM_URL names a
   * language model (narrator.ts): an explanation of the fields above, never part of the
   * decision. Absent when the narrator is off.
   */
  narrative?:
    | { status: 'written'; text: string; model: string; endpoint_host: string; written_at: string }
    | { status: 'unavailable'; reason: string; written_at: string };
}
