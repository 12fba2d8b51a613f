import type { ActionRule, PromotionPolicy } from '../../../core/src/domain/promotionPolicy.ts';
import type { Action, Severity } from '../../../core/src/domain/vocabularies.ts';
import type { ConfidenceParts, ExecutionPlan, RollbackComparison, SentinelReport } from '../controlTypes.ts';
import { stillCalledFor, type OpenDeferral } from '../deferrals.ts';
import { checkGuardrails, failedGuardrails, guardrailReason } from '../guardrails.ts';
import { ESTIMATED_DROP_RULE } from './incidentRules.ts';

export interface PlannerInput {
  report: SentinelReport;
  policy: PromotionPolicy;
  now: Date;
  currentRows: number;
  minSamples: number;
  /** Start times of earlier retrains, from the audit log. */
  retrainTimes: readonly Date[];
  /** The serving and the earlier Production version on current labels (regressions only, when a rollback is possible). */
  rollbackComparison: RollbackComparison | null;
  /** Actions earlier runs deferred that no run has settled. */
  openDeferrals: readonly OpenDeferral[];
}

interface ChosenRule {
  policyRule: string;
  rule: ActionRule;
}

/**
 * Whether a regression calls for a rollback: the policy asks for it and an earlier
 * Production version ranks current labels better than the serving one by more than the
 * margin. Asked for concept drift and a bad model alike: the model that regressed may
 * be the one just promoted.
 */
export function compareForRollback(champion: RollbackComparison['champion'], previous: RollbackComparison['previous'], margin: number): RollbackComparison {
  const better = champion.roc_auc !== null && previous.roc_auc !== null && previous.roc_auc - champion.roc_auc > margin;
  return { champion, previous, margin, previous_is_better: better };
}

function regressionRule(policy: PromotionPolicy, comparison: RollbackComparison | null): ChosenRule {
  if (policy.performance_policy.rollback_when_previous_is_better && comparison?.previous_is_better) {
    return { policyRule: 'performance_policy.rollback_when_previous_is_better', rule: { action: 'rollback', confidence: 1 } };
  }
  return { policyRule: 'performance_policy.on_regression', rule: policy.performance_policy.on_regression };
}

/** Which policy key decides this incident. */
export function chooseRule(report: SentinelReport, policy: PromotionPolicy, comparison: RollbackComparison | null): ChosenRule {
  switch (report.incident_type) {
    case 'none':
      return { policyRule: 'drift_policy.on_none', rule: policy.drift_policy.on_none };
    case 'data_drift': {
      if (report.rule === ESTIMATED_DROP_RULE) return { policyRule: 'performance_policy.on_estimated_drop', rule: policy.performance_policy.on_estimated_drop };
      const key: `on_${Severity}` = `on_${report.severity}`;
      return { policyRule: `drift_policy.${key}`, rule: policy.drift_policy[key] };
    }
    case 'concept_drift':
    case 'bad_model':
      return regressionRule(policy, comparison);
    case 'shock':
      return { policyRule: 'shock_policy.on_shock', rule: policy.shock_policy.on_shock };
    case 'data_quality':
      return { policyRule: 'data_quality_policy.on_issue', rule: policy.data_quality_policy?.on_issue ?? { action: 'escalate', if_approved: 'noop' } };
  }
}

/**
 * How far the decisive figure v is past its threshold t: 0.5 + (v/t - 1) for a figure
 * that breaches by rising (t/v for one that breaches by falling), clamped to [0, 1]: 0.5
 * exactly at the threshold, 1 at 1.5x or beyond. Each incident type measures from one
 * threshold whatever its severity (data drift: the lowest severity threshold), so more
 * evidence never means less confidence. A rule without a decisive figure, or a
 * threshold of 0, counts as 1.
 */
export function evidenceMargin(report: SentinelReport): number {
  const decisive = report.evidence.find((item) => item.decisive);
  if (!decisive || typeof decisive.value !== 'number' || typeof decisive.threshold !== 'number' || decisive.threshold === 0) return 1;
  const ratio = decisive.direction === 'below' ? decisive.threshold / Math.max(decisive.value, 1e-9) : decisive.value / decisive.threshold;
  return Math.max(0, Math.min(1, 0.5 + (ratio - 1)));
}

/**
 * The plan's confidence is the weakest of: the policy rule's own confidence, the
 * evidence margin, and data sufficiency, min(1, rows / (2 x min_samples)): at
 * min_samples the data is only just enough to judge (0.5), at twice it, enough (1).
 */
export function confidenceParts(report: SentinelReport, rule: ActionRule, currentRows: number, minSamples: number): ConfidenceParts {
  return {
    rule: rule.confidence ?? 1,
    evidence_margin: evidenceMargin(report),
    data_sufficiency: Math.min(1, currentRows / (2 * minSamples)),
  };
}

/** Whether an action changes what serves: only those wait for a human when confidence is low. */
const CHANGES_WHAT_SERVES: Record<Action, boolean> = {
  noop: false,
  monitor: false,
  escalate: false,
  retrain_and_evaluate: true,
  rollback: true,
};

/**
 * Planner: the policy's action for the incident, its confidence (the weakest of its
 * parts), whether a human must approve it, and every guardrail with its result. It
 * proposes; the guardrails and the policy decide.
 */
export function runPlanner(input: PlannerInput): ExecutionPlan {
  const { report, policy, now } = input;
  const comparison = input.rollbackComparison;
  const chosen = chooseRule(report, policy, comparison);
  const action = chosen.rule.action;
  const parts = confidenceParts(report, chosen.rule, input.currentRows, input.minSamples);
  const value = Math.min(parts.rule, parts.evidence_margin, parts.data_sufficiency);
  const reasons = [`${report.incident_type} (${report.severity}) by rule ${report.rule}: ${chosen.policyRule} says ${action}`];
  if (comparison) {
    const auc = (figure: number | null) => (figure === null ? 'n/a' : figure.toFixed(3));
    reasons.push(`earlier Production v${comparison.previous.version} ROC AUC ${auc(comparison.previous.roc_auc)} vs serving v${comparison.champion.version} ${auc(comparison.champion.roc_auc)} on current labels: ${comparison.previous_is_better ? 'better' : 'not better'} by more than rollback_margin ${comparison.margin}`);
  }

  for (const deferral of input.openDeferrals) {
    if (stillCalledFor(deferral, { action, incident_type: report.incident_type })) reasons.push(`the ${action} run ${deferral.run_id} deferred (${deferral.time}) is still called for`);
  }

  const guardrails = checkGuardrails(action, policy.guardrails, now, input.retrainTimes);
  const failed = failedGuardrails(guardrails);
  // An escalation is a question to a human by definition: it waits whatever require_approval_for lists.
  const escalation = action === 'escalate';
  const listedForApproval = policy.autonomy.require_approval_for.includes(action);
  const belowConfidence = CHANGES_WHAT_SERVES[action] && value < policy.autonomy.min_confidence;
  const requiresApproval = escalation || listedForApproval || belowConfidence;
  if (escalation) reasons.push('escalate asks a human: it always waits for approval');
  else if (listedForApproval) reasons.push(`autonomy.require_approval_for lists ${action}`);
  if (belowConfidence) reasons.push(`confidence ${value.toFixed(3)} < autonomy.min_confidence ${policy.autonomy.min_confidence}`);
  reasons.push(...failed.map(guardrailReason));

  const status: ExecutionPlan['status'] = failed.length > 0 ? 'deferred' : requiresApproval ? 'pending_approval' : 'ready';
  return {
    run_id: report.run_id,
    created_at: now.toISOString(),
    incident_type: report.incident_type,
    severity: report.severity,
    action,
    policy_rule: chosen.policyRule,
    confidence: { value, parts, min_confidence: policy.autonomy.min_confidence },
    requires_approval: requiresApproval,
    approval_action: requiresApproval ? (chosen.rule.if_approved ?? (action === 'escalate' ? 'noop' : action)) : null,
    guardrails,
    status,
    reasons,
    rollback_comparison: comparison,
  };
}

/** Where a human-initiated action comes from: a pending approval, or a direct request (POST /action). */
export type HumanOrigin =
  | { kind: 'approval'; approvalId: string; fromRun: string; plan: ExecutionPlan; action: Action }
  | { kind: 'manual'; action: Extract<Action, 'retrain_and_evaluate' | 'rollback'> };

export interface HumanPlanInput extends PlannerInput {
  origin: HumanOrigin;
  actor: string;
  runId: string;
}

/**
 * The plan for a human's decision, run now: the approved (or requested) action with the
 * guardrails checked at this moment. An approval keeps the incident and rule it was made
 * for; a direct request is planned against the current incident. It never asks for
 * approval again: the human is the approval.
 */
export function planHumanAction(input: HumanPlanInput): ExecutionPlan {
  const { origin, policy, now } = input;
  const basePlan = origin.kind === 'approval' ? origin.plan : runPlanner(input);
  const guardrails = checkGuardrails(origin.action, policy.guardrails, now, input.retrainTimes);
  const failed = failedGuardrails(guardrails);
  const why = origin.kind === 'approval'
    ? `approved by ${input.actor} (${origin.approvalId}, from run ${origin.fromRun})`
    : `requested by ${input.actor} (POST /action ${origin.action})`;
  return {
    ...basePlan,
    run_id: input.runId,
    created_at: now.toISOString(),
    action: origin.action,
    policy_rule: origin.kind === 'approval' ? basePlan.policy_rule : 'human request',
    requires_approval: false,
    approval_action: null,
    guardrails,
    status: failed.length > 0 ? 'deferred' : 'ready',
    reasons: [why, ...failed.map(guardrailReason)],
  };
}
