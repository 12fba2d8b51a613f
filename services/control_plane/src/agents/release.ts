import { errorMessage } from '../../../core/src/infrastructure/errors.ts';
import type { PromotionPolicy } from '../../../core/src/domain/promotionPolicy.ts';
import type { Action, PromotionTarget } from '../../../core/src/domain/vocabularies.ts';
import type { ExecutionPlan, GateResult, ModelEvaluation, ReleaseOutcome, ReleaseResult } from '../controlTypes.ts';
import { failedGuardrails, guardrailReason } from '../guardrails.ts';

/** What the release agent can do to the world; the runner supplies the real thing, tests a fake. */
export interface ReleaseEffects {
  productionVersion(): number | null;
  /** The version a rollback would restore (by the registry history), or null. */
  rollbackCandidate(): number | null;
  /** Split the labelled current rows: a held-out slice for evaluation and the rest for training. */
  holdoutSplit(): { holdoutRows: number[]; trainRows: number[] };
  /** Train on the given current rows (plus reference, by policy) and register the challenger: stage None, tagged role=challenger, while it is evaluated. */
  trainChallenger(trainRows: number[]): number;
  /** A model's quality on the given current rows (labels never seen by a challenger). */
  evaluate(version: number, rows: number[] | 'all'): ModelEvaluation;
  promote(version: number, stage: PromotionTarget): void;
  /** Set aside a challenger the gates blocked (stage Archived), so no blocked version lingers as a candidate. */
  archiveChallenger(version: number, failedGates: readonly string[]): void;
  rollback(): { from: number; to: number };
  /** A pending approval for the plan, or the one already pending for the same incident on the same inputs. */
  createApproval(plan: ExecutionPlan): { id: string; existing: boolean };
}

export interface ReleaseContext {
  plan: ExecutionPlan;
  policy: PromotionPolicy;
  now: Date;
  /** Set when a human approved a pending plan: run this action instead of asking again. */
  approved?: { approvalId: string; action: Action };
}

function gate(name: string, passed: boolean, value: number | boolean | null, threshold: number | boolean | null, detail: string): GateResult {
  return { name, passed, value, threshold, detail };
}

/** Absolute gates (the policy's minimums) and relative ones (not worse than the champion by more than the tolerance). */
export function challengerGates(challenger: ModelEvaluation, champion: ModelEvaluation | null, policy: PromotionPolicy): GateResult[] {
  const { min_auc: minAuc, min_average_precision: minAp } = policy.quality_gates;
  const tolerance = policy.release_policy.champion_challenger;
  const gates = [
    gate('quality_gates.min_auc', (challenger.roc_auc ?? -Infinity) >= minAuc, challenger.roc_auc, minAuc, `challenger ROC AUC on the held-out slice must be >= ${minAuc}`),
    gate('quality_gates.min_average_precision', (challenger.average_precision ?? -Infinity) >= minAp, challenger.average_precision, minAp, `challenger average precision must be >= ${minAp}`),
  ];
  if (champion) {
    const aucFloor = champion.roc_auc === null ? null : champion.roc_auc - tolerance.max_auc_drop_vs_champion;
    const apFloor = champion.average_precision === null ? null : champion.average_precision - tolerance.max_average_precision_drop_vs_champion;
    gates.push(
      gate('champion_challenger.max_auc_drop_vs_champion', aucFloor === null || (challenger.roc_auc ?? -Infinity) >= aucFloor, challenger.roc_auc, aucFloor, `challenger ROC AUC >= champion v${champion.version} (${champion.roc_auc?.toFixed(4)}) - ${tolerance.max_auc_drop_vs_champion}, same slice`),
      gate('champion_challenger.max_average_precision_drop_vs_champion', apFloor === null || (challenger.average_precision ?? -Infinity) >= apFloor, challenger.average_precision, apFloor, `challenger average precision >= champion v${champion.version} (${champion.average_precision?.toFixed(4)}) - ${tolerance.max_average_precision_drop_vs_champion}`),
    );
  }
  gates.push(gate('release_policy.promote_if_quality_gates_pass', policy.release_policy.promote_if_quality_gates_pass, policy.release_policy.promote_if_quality_gates_pass, true, 'the policy must allow promotion at all'));
  return gates;
}

/** A rollback goes ahead only if the previous version ranks current labels better than the champion does. */
export function rollbackGates(previous: ModelEvaluation, champion: ModelEvaluation): GateResult[] {
  const better = (previous.roc_auc ?? -Infinity) > (champion.roc_auc ?? -Infinity);
  return [gate('rollback.previous_is_better', better, previous.roc_auc, champion.roc_auc, `previous v${previous.version} ROC AUC on current labels must beat champion v${champion.version}`)];
}

function result(context: ReleaseContext, action: Action, outcome: ReleaseOutcome, fields: Partial<ReleaseResult> & { champion_version_before: number | null; champion_version_after: number | null }): ReleaseResult {
  return {
    run_id: context.plan.run_id,
    created_at: context.now.toISOString(),
    action,
    outcome,
    challenger_version: null,
    gates: [],
    evaluation: { holdout_rows: null, champion: null, challenger: null, previous: null },
    approval_id: context.approved?.approvalId ?? null,
    reasons: [],
    ...fields,
  };
}

type Unchanged = { champion_version_before: number | null; champion_version_after: number | null };

/** What a handler is given: the context, the effects, the champion before, and a place to note a challenger if one is made before a failure. */
interface Carrying {
  context: ReleaseContext;
  effects: ReleaseEffects;
  action: Action;
  championBefore: number | null;
  unchanged: Unchanged;
  progress: { challengerVersion: number | null };
}

function nothingToDo({ context, action, unchanged }: Carrying): ReleaseResult {
  return result(context, action, 'no_action', { ...unchanged, reasons: ['nothing to do'] });
}

function keepWatching({ context, action, unchanged }: Carrying): ReleaseResult {
  return result(context, action, 'no_action', { ...unchanged, reasons: ['keep watching: nothing changes'] });
}

/** Only if the previous version ranks current labels better than the champion does. */
function rollBack({ context, effects, action, championBefore, unchanged }: Carrying): ReleaseResult {
  const candidate = effects.rollbackCandidate();
  if (championBefore === null || candidate === null) return result(context, action, 'blocked', { ...unchanged, reasons: ['no earlier Production version to roll back to'] });
  const champion = effects.evaluate(championBefore, 'all');
  const previous = effects.evaluate(candidate, 'all');
  const gates = rollbackGates(previous, champion);
  const evaluation = { holdout_rows: champion.rows, champion, challenger: null, previous };
  if (!gates.every((check) => check.passed)) return result(context, action, 'blocked', { ...unchanged, gates, evaluation, reasons: ['the previous version is not better on current labels: champion kept'] });
  const moved = effects.rollback();
  return result(context, action, 'rolled_back', { champion_version_before: moved.from, champion_version_after: moved.to, gates, evaluation, reasons: [`v${moved.to} restored to Production, v${moved.from} archived`] });
}

/**
 * Challenger registered (stage None) -> both models on the same held-out slice -> gates ->
 * promoted to release_policy.promote_stage, or blocked and archived with the champion
 * untouched. Promoted to Staging, the outcome is still `promoted`, and the champion (the
 * Production version) is unchanged: champion_version_after is the one before.
 */
function retrainAndEvaluate({ context, effects, action, championBefore, unchanged, progress }: Carrying): ReleaseResult {
  const { policy } = context;
  const { holdoutRows, trainRows } = effects.holdoutSplit();
  const challengerVersion = effects.trainChallenger(trainRows);
  progress.challengerVersion = challengerVersion;
  const challenger = effects.evaluate(challengerVersion, holdoutRows);
  const champion = championBefore === null ? null : effects.evaluate(championBefore, holdoutRows);
  const gates = challengerGates(challenger, champion, policy);
  const evaluation = { holdout_rows: holdoutRows.length, champion, challenger, previous: null };
  const failedGates = gates.filter((check) => !check.passed);
  if (failedGates.length > 0) {
    effects.archiveChallenger(challengerVersion, failedGates.map((check) => check.name));
    const reasons = [...failedGates.map((check) => `gate ${check.name} failed: ${check.detail}`), `challenger v${challengerVersion} archived; the champion is unchanged`];
    return result(context, action, 'blocked', { ...unchanged, challenger_version: challengerVersion, gates, evaluation, reasons });
  }
  const stage = policy.release_policy.promote_stage;
  effects.promote(challengerVersion, stage);
  const where = stage === 'Production'
    ? `challenger v${challengerVersion} passed every gate and was promoted to Production`
    : `challenger v${challengerVersion} passed every gate and was promoted to ${stage}; Production unchanged (${championBefore === null ? 'no version serves' : `v${championBefore} still serves`}; release_policy.promote_stage: ${stage})`;
  return result(context, action, 'promoted', {
    champion_version_before: championBefore,
    champion_version_after: stage === 'Production' ? challengerVersion : championBefore,
    challenger_version: challengerVersion,
    gates,
    evaluation,
    reasons: [where],
  });
}

/** How each action is carried out: a new action is a compile error here until it has a handler. */
const CARRY_OUT: Record<Action, (carrying: Carrying) => ReleaseResult> = {
  noop: nothingToDo,
  monitor: keepWatching,
  // An escalation reaches this point only once a human has approved it, and an approved escalation asks for nothing more.
  escalate: nothingToDo,
  rollback: rollBack,
  retrain_and_evaluate: retrainAndEvaluate,
};

/**
 * Release: carries out a plan. A plan a guardrail holds back is deferred (the next run
 * re-evaluates it); one that needs a human becomes a pending approval (or joins the one
 * already pending for the same incident); anything else runs its action's handler. Any
 * error -> failed, with the champion still serving.
 */
export function runRelease(context: ReleaseContext, effects: ReleaseEffects): ReleaseResult {
  const { plan } = context;
  const championBefore = effects.productionVersion();
  const unchanged = { champion_version_before: championBefore, champion_version_after: championBefore };
  const action = context.approved?.action ?? plan.action;

  if (!context.approved) {
    if (plan.status === 'deferred') return result(context, action, 'deferred', { ...unchanged, reasons: [...failedGuardrails(plan.guardrails).map(guardrailReason), 'deferred: the next run carries it out if the incident still holds then'] });
    if (plan.status === 'pending_approval') {
      const approval = effects.createApproval(plan);
      const waiting = approval.existing ? `already waiting for a human on this incident: ${approval.id} (no second approval)` : 'waiting for a human';
      return result(context, action, 'pending_approval', { ...unchanged, approval_id: approval.id, reasons: [`${waiting}: npm run --silent approvals -- approve ${approval.id} (would run ${plan.approval_action ?? 'noop'})`] });
    }
  }
  const progress = { challengerVersion: null as number | null };
  try {
    return CARRY_OUT[action]({ context, effects, action, championBefore, unchanged, progress });
  } catch (error) {
    return result(context, action, 'failed', { ...unchanged, challenger_version: progress.challengerVersion, reasons: [`failed: ${errorMessage(error)}; champion untouched`] });
  }
}
