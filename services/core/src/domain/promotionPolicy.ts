import type { SchemaProblem } from '../infrastructure/jsonSchema.ts';
import { loadYamlWithSchema, parseYamlWithSchema } from '../infrastructure/yamlFile.ts';
import policySchema from '../../../../policies/promotion.schema.json' with { type: 'json' };
import type { StatTestName } from './stattests/statTestRegistry.ts';
import type { Action, ColumnType, ModelChoice, PromotionTarget, RetrainData, SelectionMetric, Weekday } from './vocabularies.ts';
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

/** policies/promotion.yaml, as validated against policies/promotion.schema.json. */
export interface PromotionPolicy {
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
  };
  shock_policy: { volume_ratio: number; hour_profile_distance: number; on_shock: ActionRule };
  data_quality_policy?: { max_missing_share?: number; max_unseen_category_share?: number; on_issue?: ActionRule };
  release_policy: {
    promote_if_quality_gates_pass: boolean;
    promote_stage: PromotionTarget;
    champion_challenger: { holdout_share: number; max_auc_drop_vs_champion: number; max_average_precision_drop_vs_champion: number };
  };
  autonomy: { min_confidence: number; require_approval_for: Action[] };
  guardrails: { cooldown_minutes: number; max_retrains_per_day: number; blackout_windows: BlackoutWindow[] };
  retrain: { data: RetrainData; model: ModelChoice; seed: number; selection_metric: SelectionMetric; min_labeled_rows: number };
}

const validatePolicy = compileContractSchema<PromotionPolicy>(policySchema);

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
export function checkPolicyConsistency(policy: PromotionPolicy): SchemaProblem | undefined {
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
  return undefined;
}

export function parsePolicy(text: string, source: string): PromotionPolicy {
  return parseYamlWithSchema(text, source, validatePolicy, checkPolicyConsistency);
}

export function loadPolicy(path: string): PromotionPolicy {
  return loadYamlWithSchema(path, validatePolicy, checkPolicyConsistency);
}
