import type { SchemaProblem } from '../infrastructure/jsonSchema.ts';
import { sha256Hex } from '../infrastructure/fileHash.ts';
import { loadYamlWithSchema, parseYamlWithSchema, readFileBytes } from '../infrastructure/yamlFile.ts';
import policySchema from '../../../../policies/promotion.schema.json' with { type: 'json' };
import type { StatTestName } from './stattests/statTestRegistry.ts';
import { DEFAULT_PATHS } from './defaultPaths.ts';
import type { Action, ColumnType, ModelChoice, NotificationEvent, NotificationFormat, PromotionTarget, ReferenceMode, RetrainData, SelectionMetric, StaleApprovalHandling, Weekday } from './vocabularies.ts';
import { compileContractSchema } from './vocabularySchema.ts';

export interface ActionRule { action: Action; confidence?: number; if_approved?: Action }

export interface ColumnDriftRule {
  stattest?: StatTestName;
  threshold?: number;
  type?: ColumnType;
  exclude?: boolean;
}

export interface BlackoutWindow {
  name: string;
  start: string;
  end: string;
  timezone: string;
  weekdays?: Weekday[];
}

/** A webhook told about decisions (notifications.targets[]): what it wants to hear, in which body, signed with which variable's key. */
export interface NotificationTarget {
  name: string;
  url: string;
  events: NotificationEvent[];
  format: NotificationFormat;
  /** The environment variable holding the signing key: the key itself never sits in the policy file. */
  secret_env: string;
  timeout_ms?: number;
  retries?: number;
}

/** policies/promotion.yaml as written: validated against policies/promotion.schema.json, optional keys may be absent. */
export interface PolicyFile {
  version: 1;
  quality_gates: { min_auc: number; min_average_precision: number };
  drift_policy: {
    drift_share: number;
    min_samples: number;
    severity_thresholds: { high: number; medium: number };
    stattest?: StatTestName;
    stattest_threshold?: number;
    columns?: Record<string, ColumnDriftRule>;
    on_none: ActionRule;
    on_low: ActionRule;
    on_medium: ActionRule;
    on_high: ActionRule;
  };
  performance_policy: {
    labels_required: boolean;
    max_auc_drop: number;
    max_average_precision_drop: number;
    on_regression: ActionRule;
    rollback_when_previous_is_better?: boolean;
    rollback_margin?: number;
    bad_model_min_auc?: number;
    label_window_days?: number;
    max_estimated_auc_drop?: number;
    on_estimated_drop?: ActionRule;
  };
  shock_policy: { volume_ratio: number; hour_profile_distance: number; on_shock: ActionRule; retrain_includes_shock?: boolean };
  data_quality_policy?: { max_missing_share?: number; max_unseen_category_share?: number; on_issue?: ActionRule };
  release_policy: {
    promote_if_quality_gates_pass: boolean;
    promote_stage: PromotionTarget;
    champion_challenger: { holdout_share: number; max_auc_drop_vs_champion: number; max_average_precision_drop_vs_champion: number };
  };
  autonomy: { min_confidence: number; require_approval_for: Action[]; approval_ttl_hours?: number; on_stale_approval?: StaleApprovalHandling };
  guardrails: { cooldown_minutes: number; max_retrains_per_day: number; blackout_windows: BlackoutWindow[] };
  reference?: { mode: ReferenceMode; path?: string };
  notifications?: { targets: NotificationTarget[] };
  retrain: { data: RetrainData; model: ModelChoice; seed: number; selection_metric: SelectionMetric; min_labeled_rows: number };
}

/** The policy every stage reads: the file with its optional keys filled in, so a default is written in one place. */
export interface PromotionPolicy extends Omit<PolicyFile, 'performance_policy' | 'shock_policy' | 'autonomy' | 'reference' | 'notifications'> {
  /** max_estimated_auc_drop is null when the file leaves it out: the estimated-drop rule is off. */
  performance_policy: Required<Omit<PolicyFile['performance_policy'], 'max_estimated_auc_drop'>> & { max_estimated_auc_drop: number | null };
  shock_policy: Required<PolicyFile['shock_policy']>;
  autonomy: Required<PolicyFile['autonomy']>;
  reference: Required<NonNullable<PolicyFile['reference']>>;
  /** No section: no targets, so an older policy sends nothing. */
  notifications: { targets: Required<NotificationTarget>[] };
}

/** The optional keys' defaults: what the system did before each key existed. */
export const POLICY_DEFAULTS = {
  rollback_when_previous_is_better: false,
  rollback_margin: 0.01,
  bad_model_min_auc: 0.82,
  label_window_days: 14,
  max_estimated_auc_drop: null,
  on_estimated_drop: { action: 'escalate', confidence: 0.9 },
  retrain_includes_shock: false,
  approval_ttl_hours: 24,
  on_stale_approval: 'refuse',
  reference: { mode: 'training_data', path: DEFAULT_PATHS.reference },
  notification_timeout_ms: 5000,
  notification_retries: 3,
} as const satisfies Record<string, unknown>;

export function withDefaults(file: PolicyFile): PromotionPolicy {
  const performance = file.performance_policy;
  return {
    ...file,
    performance_policy: {
      ...performance,
      rollback_when_previous_is_better: performance.rollback_when_previous_is_better ?? POLICY_DEFAULTS.rollback_when_previous_is_better,
      rollback_margin: performance.rollback_margin ?? POLICY_DEFAULTS.rollback_margin,
      bad_model_min_auc: performance.bad_model_min_auc ?? POLICY_DEFAULTS.bad_model_min_auc,
      label_window_days: performance.label_window_days ?? POLICY_DEFAULTS.label_window_days,
      max_estimated_auc_drop: performance.max_estimated_auc_drop ?? POLICY_DEFAULTS.max_estimated_auc_drop,
      on_estimated_drop: performance.on_estimated_drop ?? POLICY_DEFAULTS.on_estimated_drop,
    },
    shock_policy: { ...file.shock_policy, retrain_includes_shock: file.shock_policy.retrain_includes_shock ?? POLICY_DEFAULTS.retrain_includes_shock },
    autonomy: {
      ...file.autonomy,
      approval_ttl_hours: file.autonomy.approval_ttl_hours ?? POLICY_DEFAULTS.approval_ttl_hours,
      on_stale_approval: file.autonomy.on_stale_approval ?? POLICY_DEFAULTS.on_stale_approval,
    },
    reference: { mode: file.reference?.mode ?? POLICY_DEFAULTS.reference.mode, path: file.reference?.path ?? POLICY_DEFAULTS.reference.path },
    notifications: {
      targets: (file.notifications?.targets ?? []).map((target) => ({
        ...target,
        timeout_ms: target.timeout_ms ?? POLICY_DEFAULTS.notification_timeout_ms,
        retries: target.retries ?? POLICY_DEFAULTS.notification_retries,
      })),
    },
  };
}

const validatePolicy = compileContractSchema<PolicyFile>(policySchema);

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** What the schema cannot say; each problem names its path so the loader can give the line. */
export function checkPolicyConsistency(policy: PolicyFile): SchemaProblem | undefined {
  const { severity_thresholds: severity } = policy.drift_policy;
  if (severity.medium > severity.high) return { pathKeys: ['drift_policy', 'severity_thresholds', 'medium'], message: `must be <= high (${severity.high})` };
  for (const [index, window] of policy.guardrails.blackout_windows.entries()) {
    const path = ['guardrails', 'blackout_windows', index];
    if (!isValidTimeZone(window.timezone)) return { pathKeys: [...path, 'timezone'], message: `unknown time zone "${window.timezone}"` };
    const daily = CLOCK_TIME.test(window.start);
    if (daily !== CLOCK_TIME.test(window.end)) return { pathKeys: [...path, 'end'], message: 'start and end must both be HH:MM (daily) or both local date-times' };
    if (!daily) {
      for (const key of ['start', 'end'] as const) {
        if (!LOCAL_DATE_TIME.test(window[key]) || Number.isNaN(Date.parse(`${window[key]}Z`))) return { pathKeys: [...path, key], message: `"${window[key]}" is neither HH:MM nor a local date-time like 2026-12-24T00:00` };
      }
      if (window.start >= window.end) return { pathKeys: [...path, 'end'], message: 'must be after start' };
    } else if (window.weekdays === undefined && window.start === window.end) {
      return { pathKeys: [...path, 'end'], message: 'must differ from start' };
    }
  }
  return checkNotificationTargets(policy.notifications?.targets ?? []);
}

/** A name is how a delivery and a failed line say which target they were for: two targets with one name could not be told apart. */
function checkNotificationTargets(targets: readonly NotificationTarget[]): SchemaProblem | undefined {
  const firstWithName = new Map<string, number>();
  for (const [index, target] of targets.entries()) {
    const path = ['notifications', 'targets', index];
    const earlier = firstWithName.get(target.name);
    if (earlier !== undefined) return { pathKeys: [...path, 'name'], message: `"${target.name}" is already the name of notifications.targets[${earlier}]; each target needs its own name` };
    firstWithName.set(target.name, index);
    if (!URL.canParse(target.url)) return { pathKeys: [...path, 'url'], message: `"${target.url}" is not a URL` };
    // fetch refuses a URL with credentials in it; each delivery would fail and be retried for nothing.
    const url = new URL(target.url);
    if (url.username !== '' || url.password !== '') return { pathKeys: [...path, 'url'], message: 'must not hold a user name or password (sign with secret_env; put a token in the path or query)' };
  }
  return undefined;
}

export function parsePolicy(text: string, source: string): PromotionPolicy {
  return withDefaults(parseYamlWithSchema(text, source, validatePolicy, checkPolicyConsistency));
}

export function loadPolicy(path: string): PromotionPolicy {
  return withDefaults(loadYamlWithSchema(path, validatePolicy, checkPolicyConsistency));
}

/** The policy and the sha256 of the very text it was parsed from (read once: an edit in between cannot split them). */
export function loadPolicyWithHash(path: string): { policy: PromotionPolicy; sha256: string } {
  const bytes = readFileBytes(path);
  return { policy: parsePolicy(bytes.toString('utf8'), path), sha256: sha256Hex(bytes) };
}
