import type { BlackoutWindow, PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import type { HistoryEntry } from '../../registry/src/index.ts';
import type { AuditRecord } from './auditChain.ts';
import type { ExecutionPlan, ReleaseResult } from './controlTypes.ts';

/*
 * An independent check that every action the control plane carried out was allowed at
 * its time. It re-reads what was recorded (the audit log, the registry's history, each
 * run's plan and release) and judges it against the policy with its own code: none of
 * the planner's, guardrails' or release agent's functions are used, so a bug in them
 * cannot vouch for itself. Pure: the caller reads the files.
 */

export interface RecordedRun {
  plan?: ExecutionPlan;
  release?: ReleaseResult;
}

export interface VerifierInput {
  audit: readonly AuditRecord[];
  history: readonly HistoryEntry[];
  policy: PromotionPolicy;
  run(runId: string): RecordedRun;
}

export interface Violation {
  run_id: string;
  /** When the action was started (its intent), or the move's time when no intent was written. */
  time: string;
  /** The registry moves the action made, e.g. "v2 None -> Production". */
  moves: string[];
  rule: string;
  detail: string;
}

export interface VerificationReport {
  /** Actions of the control plane found in the registry's history (one per write-ahead key). */
  actions_checked: number;
  /**
   * Actions whose run was cut short before it recorded its plan and release (a crash
   * settled by a later run): their guardrails and intent are checked, their gates and who
   * allowed them cannot be, and are listed here rather than called unauthorized.
   */
  unverifiable: { run_id: string; time: string; moves: string[]; detail: string }[];
  /** Registry moves made outside the control plane (the registry CLI, by hand): not the policy's to allow. */
  moves_outside_control_plane: number;
  unauthorized_actions: number;
  violations: Violation[];
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Wall-clock "YYYY-MM-DDTHH:MM:SS" and weekday in a time zone. */
function wallClock(at: Date, timeZone: string): { text: string; weekday: string } {
  const parts: Record<string, string> = {};
  for (const part of new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' }).formatToParts(at)) parts[part.type] = part.value;
  return { text: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`, weekday: (parts.weekday ?? '').slice(0, 3).toLowerCase() };
}

function blackoutAt(at: Date, windows: readonly BlackoutWindow[]): BlackoutWindow | undefined {
  return windows.find((window) => {
    const { text, weekday } = wallClock(at, window.timezone);
    if (window.weekdays !== undefined && !window.weekdays.includes(weekday as never)) return false;
    if (window.start.length === 5) {
      const clock = text.slice(11, 16);
      return window.start <= window.end ? window.start <= clock && clock < window.end : clock >= window.start || clock < window.end;
    }
    const padded = (value: string) => (value.length === 16 ? `${value}:00` : value);
    return padded(window.start) <= text && text < padded(window.end);
  });
}

function describeMove(entry: HistoryEntry): string {
  return `v${entry.version} ${entry.from ?? '(new)'} -> ${entry.to}`;
}

/** The executed action an effect belongs to: a retrain (train, promote or archive its challenger) or a rollback. */
function actionOfEffect(key: string): 'retrain_and_evaluate' | 'rollback' | undefined {
  if (key.endsWith(':retrain')) return 'retrain_and_evaluate';
  if (key.endsWith(':rollback')) return 'rollback';
  return undefined;
}

export function verifyActions(input: VerifierInput): VerificationReport {
  const { policy } = input;
  const intents = new Map(input.audit.filter((record) => record.kind === 'intent').map((record) => [String(record.detail.key), record]));
  const neverStarted = new Set(input.audit.filter((record) => record.kind === 'outcome' && record.detail.started === false).map((record) => String(record.detail.key)));
  const retrainStarts = [...intents.values()]
    .filter((record) => record.detail.effect === 'retrain' && !neverStarted.has(String(record.detail.key)))
    .map((record) => ({ seq: record.seq, at: Date.parse(record.time) }));

  const byKey = new Map<string, HistoryEntry[]>();
  let outside = 0;
  for (const entry of input.history) {
    if (entry.idempotency_key === undefined) {
      // Registering what someone trained is no action; moving a stage by hand is one, but not the policy's.
      if (entry.operation !== 'register') outside += 1;
      continue;
    }
    const group = byKey.get(entry.idempotency_key) ?? [];
    group.push(entry);
    byKey.set(entry.idempotency_key, group);
  }

  const violations: Violation[] = [];
  const unverifiable: VerificationReport['unverifiable'] = [];
  for (const [key, moves] of byKey) {
    const runId = key.slice(0, key.lastIndexOf(':'));
    const action = actionOfEffect(key);
    const intent = intents.get(key);
    const first = moves[0] as HistoryEntry;
    const time = intent?.time ?? first.time;
    const flag = (rule: string, detail: string) => violations.push({ run_id: runId, time, moves: moves.map(describeMove), rule, detail });
    if (action === undefined) {
      flag('known_effect', `the effect "${key}" is neither a retrain nor a rollback`);
      continue;
    }
    if (intent === undefined) {
      flag('written_down_first', 'registry moves with no intent in the audit log: the effect was not recorded before it was done');
      continue;
    }
    const started = Date.parse(intent.time);
    // A move that records where the audit log stood must come after its intent in the log.
    const early = moves.find((entry) => entry.audit_head !== undefined && entry.audit_head.records < intent.seq);
    if (early) flag('written_down_first', `${describeMove(early)} was made when the log held ${early.audit_head?.records} records; its intent is record ${intent.seq}`);

    const window = blackoutAt(new Date(started), policy.guardrails.blackout_windows);
    if (window) flag('guardrails.blackout_windows', `started inside blackout window "${window.name}" (${window.start}-${window.end} ${window.timezone})`);
    if (action === 'retrain_and_evaluate') {
      // Earlier means recorded earlier: a retrain recorded before this one with a later clock (the clock set back) is recent, not future.
      const earlier = retrainStarts.filter((other) => other.seq < intent.seq).map((other) => other.at);
      const last = earlier.length > 0 ? Math.max(...earlier) : undefined;
      if (last !== undefined && started - last < policy.guardrails.cooldown_minutes * MINUTE_MS) {
        flag('guardrails.cooldown_minutes', `started ${((started - last) / MINUTE_MS).toFixed(1)} min after the previous retrain; cooldown ${policy.guardrails.cooldown_minutes} min`);
      }
      const inDay = earlier.filter((at) => started - at < DAY_MS).length;
      if (inDay >= policy.guardrails.max_retrains_per_day) flag('guardrails.max_retrains_per_day', `${inDay} retrain(s) in the 24 h before; budget ${policy.guardrails.max_retrains_per_day}`);
    }

    const runRecords = input.audit.filter((record) => record.run_id === runId);
    const approved = runRecords.find((record) => record.kind === 'approval' && record.decision.startsWith('approved:'));
    const requested = runRecords.find((record) => record.kind === 'manual');
    const { plan, release } = input.run(runId);
    if (plan === undefined && release === undefined && !approved && !requested) {
      // Cut short after its effect; a human's approval is claimed right after the intent, so the intent says whether one was carried out.
      const detail = intent.detail.claimed_approval === true
        ? `cut short before its events were written; it carried out approval ${String(intent.detail.approval_id)}, its gates cannot be checked`
        : 'cut short before its plan and release were written (settled by a later run): who allowed it and its gates cannot be checked from the records';
      unverifiable.push({ run_id: runId, time, moves: moves.map(describeMove), detail });
      continue;
    }
    if (approved) {
      if (approved.decision !== `approved:${action}`) flag('approval_matches', `a human approved ${approved.decision.slice('approved:'.length)}, the run did ${action}`);
      if (Date.parse(approved.time) > started && intent.detail.claimed_approval !== true) flag('approval_first', 'the approval was recorded after the action started');
    } else if (requested) {
      if (requested.decision !== `requested:${action}`) flag('request_matches', `a human requested ${requested.decision.slice('requested:'.length)}, the run did ${action}`);
    } else if (plan === undefined) {
      flag('plan_recorded', 'no plan recorded for the run that acted');
    } else {
      // Autonomous: the policy let the system act without a human only on a confident, non-escalating plan.
      const { autonomy } = policy;
      if (plan.action !== action) flag('plan_matches', `the plan said ${plan.action}, the run did ${action}`);
      if (plan.action === 'escalate' || autonomy.require_approval_for.includes(action)) flag('autonomy.require_approval_for', `${plan.action === 'escalate' ? 'escalate' : action} needs a human, and none approved it`);
      if (plan.confidence.value < autonomy.min_confidence) flag('autonomy.min_confidence', `confidence ${plan.confidence.value} below ${autonomy.min_confidence}, and no human approved it`);
    }

    // Staging counts: a challenger placed there was released too, and the same gates hold.
    const promoted = moves.filter((move) => move.operation === 'promote' && (move.to === 'Production' || move.to === 'Staging'));
    if (action === 'retrain_and_evaluate' && promoted.length > 0) {
      if (release === undefined) flag('release_recorded', 'a challenger was promoted with no release result recorded');
      else {
        if (!policy.release_policy.promote_if_quality_gates_pass) flag('release_policy.promote_if_quality_gates_pass', 'the policy allows no promotion');
        const failed = release.gates.filter((gate) => !gate.passed);
        if (failed.length > 0) flag('release_gates', `promoted although ${failed.map((gate) => gate.name).join(', ')} failed`);
        const challenger = release.evaluation.challenger;
        if (challenger === null) flag('release_gates', 'promoted with no evaluation of the challenger');
        else {
          if ((challenger.roc_auc ?? -Infinity) < policy.quality_gates.min_auc) flag('quality_gates.min_auc', `challenger ROC AUC ${challenger.roc_auc} below ${policy.quality_gates.min_auc}`);
          if ((challenger.average_precision ?? -Infinity) < policy.quality_gates.min_average_precision) flag('quality_gates.min_average_precision', `challenger average precision ${challenger.average_precision} below ${policy.quality_gates.min_average_precision}`);
          const champion = release.evaluation.champion;
          const margin = policy.release_policy.champion_challenger.max_auc_drop_vs_champion;
          if (champion !== null && champion.roc_auc !== null && (challenger.roc_auc ?? -Infinity) < champion.roc_auc - margin) {
            flag('release_policy.champion_challenger.max_auc_drop_vs_champion', `challenger ROC AUC ${challenger.roc_auc} below champion ${champion.roc_auc} - ${margin}`);
          }
          const apMargin = policy.release_policy.champion_challenger.max_average_precision_drop_vs_champion;
          if (champion !== null && champion.average_precision !== null && (challenger.average_precision ?? -Infinity) < champion.average_precision - apMargin) {
            flag('release_policy.champion_challenger.max_average_precision_drop_vs_champion', `challenger average precision ${challenger.average_precision} below champion ${champion.average_precision} - ${apMargin}`);
          }
        }
      }
    }
    if (action === 'rollback' && moves.some((move) => move.to === 'Production')) {
      const gate = release?.gates.find((candidate) => candidate.name === 'rollback.previous_is_better');
      if (!gate?.passed) flag('rollback.previous_is_better', 'rolled back without the previous version proven better on current labels');
      const { previous, champion } = release?.evaluation ?? { previous: null, champion: null };
      const margin = policy.performance_policy.rollback_margin;
      if (gate?.passed && previous?.roc_auc != null && champion?.roc_auc != null && !(previous.roc_auc - champion.roc_auc > margin)) {
        flag('performance_policy.rollback_margin', `previous ROC AUC ${previous.roc_auc} does not beat the champion's ${champion.roc_auc} by more than ${margin}, though the gate says it passed`);
      }
    }
  }
  return { actions_checked: byKey.size, unverifiable, moves_outside_control_plane: outside, unauthorized_actions: violations.length, violations };
}
