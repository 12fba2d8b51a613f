import type { ActionRule, PromotionPolicy } from '../../../core/src/domain/promotionPolicy.ts';
import type { Action, Severity } from '../../../core/src/domain/vocabularies.ts';
import type { ConfidenceParts, ExecutionPlan, SentinelReport } from '../controlTypes.ts';
import { checkGuardrails, failedGuardrails, guardrailReason } from '../guardrails.ts';

export interface PlannerInput {
  report: SentinelReport;
  policy: PromotionPolicy;
  now: Date;
  currentRows: number;
  minSamples: number;
  /** Start times of earlier retrains, from the audit log. */
  retrainTimes: readonly Date[];
  /** An earlier Production version a rollback could restore. */
  previousProductionVersion: number | null;
}

interface ChosenRule {
  policyRule: string;
  rule: ActionRule;
}

/** Which policy key decides this incident. */
export function chooseRule(report: SentinelReport, policy: PromotionPolicy, previousProductionVersion: number | null): ChosenRule {
  switch (report.incident_type) {
    case 'none':
      return { policyRule: 'drift_policy.on_none', rule: policy.drift_policy.on_none };
    case 'data_drift': {
      const key: `on_${Severity}` = `on_${report.severity}`;
      return { policyRule: `drift_policy.${key}`, rule: policy.drift_policy[key] };
    }
    case 'concept_drift':
      if (report.rule === 'model_below_quality_gate' && policy.performance_policy.rollback_when_previous_is_better && previousProductionVersion !== null) {
        return { policyRule: 'performance_policy.rollback_when_previous_is_better', rule: { action: 'rollback', confidence: 1 } };
      }
      return { policyRule: 'performance_policy.on_regression', rule: policy.performance_policy.on_regression };
    case 'shock':
      return { policyRule: 'shock_policy.on_shock', rule: policy.shock_policy.on_shock };
    case 'data_quality':
      return { policyRule: 'data_quality_policy.on_issue', rule: policy.data_quality_policy?.on_issue ?? { action: 'escalate', if_approved: 'noop' } };
  }
}

/**
 * How far the decisive figure is past its threshold: 0.5 exactly at it, 1 at 1.5x (or
 * beyond). A rule without a decisive figure, or a threshold of 0, counts as 1.
 */
export function evidenceMargin(report: SentinelReport): number {
  const decisive = report.evidence.find((item) => item.decisive);
  if (!decisive || typeof decisive.value !== 'number' || typeof decisive.threshold !== 'number' || decisive.threshold === 0) return 1;
  const ratio = decisive.direction === 'below' ? decisive.threshold / Math.max(decisive.value, 1e-9) : decisive.value / decisive.threshold;
  return Math.max(0, Math.min(1, 0.5 + (ratio - 1)));
}

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
  const chosen = chooseRule(report, policy, input.previousProductionVersion);
  const action = chosen.rule.action;
  const parts = confidenceParts(report, chosen.rule, input.currentRows, input.minSamples);
  const value = Math.min(parts.rule, parts.evidence_margin, parts.data_sufficiency);
  const reasons = [`${report.incident_type} (${report.severity}) by rule ${report.rule}: ${chosen.policyRule} says ${action}`];

  const guardrails = checkGuardrails(action, policy.guardrails, now, input.retrainTimes);
  const failed = failedGuardrails(guardrails);
  const listedForApproval = policy.autonomy.require_approval_for.includes(action);
  const belowConfidence = CHANGES_WHAT_SERVES[action] && value < policy.autonomy.min_confidence;
  const requiresApproval = listedForApproval || belowConfidence;
  if (listedForApproval) reasons.push(`autonomy.require_approval_for lists ${action}`);
  if (belowConfidence) reasons.push(`confidence ${value.toFixed(3)} < autonomy.min_confidence ${policy.autonomy.min_confidence}`);
  reasons.push(...failed.map(guardrailReason));

  const status: ExecutionPlan['status'] = failed.length > 0 ? 'skipped' : requiresApproval ? 'pending_approval' : 'ready';
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
    status: failed.length > 0 ? 'skipped' : 'ready',
    reasons: [why, ...failed.map(guardrailReason)],
  };
}
