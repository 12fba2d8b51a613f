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

/**
 * What the sentinel says happened. concept_drift: the model ranks current labels worse
 * than reference ones (the world moved); bad_model: it is poor on both (the model is).
 */
export const INCIDENT_TYPES = ['none', 'data_drift', 'concept_drift', 'bad_model', 'shock', 'data_quality'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** How a release ended. deferred: a guardrail held the action back; the next run re-evaluates it. */
export const RELEASE_OUTCOMES = ['promoted', 'blocked', 'rolled_back', 'pending_approval', 'deferred', 'failed', 'no_action'] as const;
export type ReleaseOutcome = (typeof RELEASE_OUTCOMES)[number];

/** ready: release executes it; pending_approval: waits for a human; deferred: a guardrail holds it back for now. */
export const PLAN_STATUSES = ['ready', 'pending_approval', 'deferred'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const GUARDRAIL_NAMES = ['blackout_window', 'cooldown', 'retrain_budget'] as const;
export type GuardrailName = (typeof GUARDRAIL_NAMES)[number];

/**
 * The kinds of line in the audit log. An intent is written (and flushed) before a run's
 * first effect; its outcome closes it, or the next run's reconciliation does.
 */
export const AUDIT_KINDS = ['sentinel', 'plan', 'release', 'refusal', 'approval', 'manual', 'intent', 'outcome', 'deferral', 'alert'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/**
 * What became of an alert Alertmanager sent (one audit line of kind alert each).
 * acted: a firing alert started a control run; duplicate: its fingerprint already started
 * one within the cooldown; resolved: recorded, never acted on; ignored: not an alert
 * DriftWatch acts on (recorded so a reader sees it arrived).
 */
export const ALERT_HANDLING = ['acted', 'duplicate', 'resolved', 'ignored'] as const;
export type AlertHandling = (typeof ALERT_HANDLING)[number];

/** An alert's state in Alertmanager's webhook (its word, kept as it sends it). */
export const ALERT_STATUSES = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * What a notification target can ask to hear about. escalation: an action waits for a
 * human; guardrail_skip: a guardrail deferred the action (release outcome deferred).
 */
export const NOTIFICATION_EVENTS = ['escalation', 'promoted', 'blocked', 'rolled_back', 'failed', 'guardrail_skip'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** The body a notification target receives: Slack's incoming-webhook payload, or DriftWatch's own JSON. */
export const NOTIFICATION_FORMATS = ['slack', 'json'] as const;
export type NotificationFormat = (typeof NOTIFICATION_FORMATS)[number];

/**
 * expired: nobody decided within autonomy.approval_ttl_hours; stale: approved after the
 * data, the serving model or the policy it was made for had changed, and refused for it.
 */
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'stale'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** A registered version's stage; None until it is promoted. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

/** The stages a version can be promoted to. */
export const PROMOTION_TARGETS = ['Staging', 'Production'] as const satisfies readonly Stage[];
export type PromotionTarget = (typeof PROMOTION_TARGETS)[number];

/**
 * What moved a version, one word per line of the registry's history. archive: a version
 * that is not in Production set aside (a challenger the release gates blocked).
 */
export const REGISTRY_OPERATIONS = ['register', 'promote', 'rollback', 'archive'] as const;
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

/**
 * Why a column got its drift test: drift_policy.columns.<col>.stattest (column_rule),
 * drift_policy.stattest (policy), or Evidently's default choice for the column (default).
 */
export const STATTEST_CHOICES = ['column_rule', 'policy', 'default'] as const;
export type StatTestChoice = (typeof STATTEST_CHOICES)[number];

/** How a figure breaches its threshold. */
export const EVIDENCE_DIRECTIONS = ['above', 'below'] as const;
export type EvidenceDirection = (typeof EVIDENCE_DIRECTIONS)[number];

/** Which way a feature moved between reference and current (its median or p90, or a category's share). */
export const MOVE_DIRECTIONS = ['up', 'down', 'flat'] as const;
export type MoveDirection = (typeof MOVE_DIRECTIONS)[number];

/**
 * How a column's chart groups its values. equal_width: Sturges bins as Evidently's
 * histograms; log: bins equal on a log scale, for a skewed positive column; quantile:
 * bins holding a tenth of the reference each, for a skewed column with zeros or
 * negatives; values / binary / categories: the share of each value.
 */
export const CHART_BINNINGS = ['equal_width', 'log', 'quantile', 'values', 'binary', 'categories'] as const;
export type ChartBinning = (typeof CHART_BINNINGS)[number];

/** How a feature's rows are cut into segments for performance: by category, or by bins at the reference's quantiles. */
export const SEGMENT_BASES = ['category', 'reference_quantiles'] as const;
export type SegmentBasis = (typeof SEGMENT_BASES)[number];

/** How a later run settles an action a guardrail deferred: it runs now, it is deferred again, or the incident no longer calls for it. */
export const DEFERRAL_SETTLEMENTS = ['resumed', 'deferred_again', 'dropped'] as const;
export type DeferralSettlement = (typeof DEFERRAL_SETTLEMENTS)[number];

/** What an approval made under other inputs does when approved: refused, or re-planned under the current ones. */
export const STALE_APPROVAL_HANDLING = ['refuse', 'replan'] as const;
export type StaleApprovalHandling = (typeof STALE_APPROVAL_HANDLING)[number];

/** What the monitor compares current data with: the serving model's training data, or one fixed file. */
export const REFERENCE_MODES = ['training_data', 'fixed'] as const;
export type ReferenceMode = (typeof REFERENCE_MODES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A dataset spec's feature types: integer is numerical to every stage but the API's request schema. */
export const FEATURE_TYPES = ['numerical', 'integer', 'categorical'] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];

/** What training, scoring and the API do with an empty feature value (dataset spec key missing). */
export const MISSING_HANDLING = ['impute', 'refuse'] as const;
export type MissingHandling = (typeof MISSING_HANDLING)[number];

/** How a replay's approvals rule answered an approval (closed: expired or stale by then, so nothing ran). */
export const APPROVAL_ANSWERS = ['approved', 'rejected', 'closed', 'waiting'] as const;
export type ApprovalAnswer = (typeof APPROVAL_ANSWERS)[number];
