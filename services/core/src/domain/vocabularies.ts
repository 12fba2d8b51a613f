/**
 * Every word the stages exchange in their files, declared once. The TypeScript unions
 * derive from these lists, and the JSON Schemas refer to them through the vocabulary
 * schema built from them (vocabularySchema.ts), so a word added here is accepted
 * everywhere at once. The drift tests' names derive from their own registry
 * (stattests/statTestRegistry.ts).
 */

/** What the planner can propose and the release agent carries out. */
export const ACTIONS = ['noop', 'monitor', 'retrain_and_evaluate', 'rollback', 'escalate'] as const;
export type Action = (typeof ACTIONS)[number];

export const SEVERITIES = ['none', 'low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What the sentinel says happened. */
export const INCIDENT_TYPES = ['none', 'data_drift', 'concept_drift', 'shock', 'data_quality'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** How a release ended. */
export const RELEASE_OUTCOMES = ['promoted', 'blocked', 'rolled_back', 'pending_approval', 'skipped', 'failed', 'no_action'] as const;
export type ReleaseOutcome = (typeof RELEASE_OUTCOMES)[number];

/** ready: release executes it; pending_approval: waits for a human; skipped: a guardrail stopped it. */
export const PLAN_STATUSES = ['ready', 'pending_approval', 'skipped'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const GUARDRAIL_NAMES = ['blackout_window', 'cooldown', 'retrain_budget'] as const;
export type GuardrailName = (typeof GUARDRAIL_NAMES)[number];

/**
 * The kinds of line in the audit log. An intent is written (and flushed) before a run's
 * first effect; its outcome closes it, or the next run's reconciliation does.
 */
export const AUDIT_KINDS = ['sentinel', 'plan', 'release', 'refusal', 'approval', 'manual', 'intent', 'outcome'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** A registered version's stage; None until it is promoted. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

/** The stages a version can be promoted to. */
export const PROMOTION_TARGETS = ['Staging', 'Production'] as const satisfies readonly Stage[];
export type PromotionTarget = (typeof PROMOTION_TARGETS)[number];

export const REGISTRY_OPERATIONS = ['register', 'promote', 'rollback'] as const;
export type RegistryOperation = (typeof REGISTRY_OPERATIONS)[number];

export const MODEL_KINDS = ['lr', 'rf'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** What training may be asked for: one kind, or both with the better kept. */
export const MODEL_CHOICES = [...MODEL_KINDS, 'auto'] as const;
export type ModelChoice = (typeof MODEL_CHOICES)[number];

export const SELECTION_METRICS = ['roc_auc', 'average_precision'] as const;
export type SelectionMetric = (typeof SELECTION_METRICS)[number];

/** What a challenger trains on (always minus the held-out slice). */
export const RETRAIN_DATA = ['current', 'reference_and_current'] as const;
export type RetrainData = (typeof RETRAIN_DATA)[number];

export const COLUMN_TYPES = ['numerical', 'categorical'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** What a drift score is: a p-value (drift when small) or a distance (drift when large). */
export const SCORE_KINDS = ['p_value', 'distance'] as const;
export type ScoreKind = (typeof SCORE_KINDS)[number];

export const MONITORING_STATUSES = ['ok', 'insufficient_data'] as const;
export type MonitoringStatus = (typeof MONITORING_STATUSES)[number];

/** How a figure breaches its threshold. */
export const EVIDENCE_DIRECTIONS = ['above', 'below'] as const;
export type EvidenceDirection = (typeof EVIDENCE_DIRECTIONS)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
