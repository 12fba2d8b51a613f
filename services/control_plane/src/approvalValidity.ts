import type { StaleApprovalHandling } from '../../core/src/domain/vocabularies.ts';
import type { Approval, ApprovalIncident, ApprovalRequest, DecisionInputs } from './approvalsStore.ts';
import type { ExecutionPlan } from './controlTypes.ts';

/** Whether a pending approval has waited past its expiry. */
export function hasExpired(approval: Pick<Approval, 'status' | 'expires_at'>, now: Date): boolean {
  return approval.status === 'pending' && Date.parse(approval.expires_at) <= now.getTime();
}

function short(sha256: string): string {
  return sha256.slice(0, 12);
}

/** What a decision is asked about: an incident on given inputs. */
export interface DecisionBasis {
  inputs: DecisionInputs;
  incident: ApprovalIncident;
}

/**
 * What changed since an approval was asked for: the data, the reference, the serving
 * model, the policy, or the incident the current data shows. A human said yes to an
 * action for those; under other ones, the yes does not carry over. (A re-run monitor on
 * the same data writes a new summary, which alone changes nothing.)
 */
export function changesSince(approval: Pick<Approval, 'inputs' | 'incident' | 'approval_action'>, now: DecisionBasis): string[] {
  const [was, is] = [approval.inputs, now.inputs];
  const changes: string[] = [];
  if (was === null) changes.push('the approval was made before approvals recorded their inputs, so none can be shown to hold');
  else {
    if (was.current_sha256 !== is.current_sha256) changes.push(`the current data changed (sha256 ${short(was.current_sha256)} -> ${short(is.current_sha256)})`);
    if (was.reference_sha256 !== is.reference_sha256) changes.push(`the reference changed (sha256 ${short(was.reference_sha256)} -> ${short(is.reference_sha256)})`);
    if (was.production_version !== is.production_version) changes.push(`the serving model changed (v${was.production_version ?? 'none'} -> v${is.production_version ?? 'none'})`);
    if (was.policy_sha256 !== is.policy_sha256) changes.push(`the policy changed (sha256 ${short(was.policy_sha256)} -> ${short(is.policy_sha256)})`);
    if (approval.approval_action === 'rollback' && was.rollback_target !== is.rollback_target) changes.push(`a rollback would now restore v${is.rollback_target ?? 'none'}, it was v${was.rollback_target ?? 'none'}`);
  }
  const [a, b] = [approval.incident, now.incident];
  if (a.type !== b.type || a.severity !== b.severity || a.rule !== b.rule) changes.push(`the incident is now ${b.type}/${b.severity} (${b.rule}), it was ${a.type}/${a.severity} (${a.rule})`);
  return changes;
}

/** Whether a pending approval already asks what a new plan would ask: the same action for the same incident on the same inputs. */
export function asksTheSame(approval: Pick<Approval, 'status' | 'expires_at' | 'incident' | 'inputs' | 'approval_action'>, request: Omit<ApprovalRequest, 'ttlHours'>, now: Date): boolean {
  return approval.status === 'pending' && !hasExpired(approval, now)
    && approval.approval_action === (request.plan.approval_action ?? 'noop')
    && changesSince(approval, request).length === 0;
}

/** What approving does: run the approved action as asked, run it on the current inputs, or refuse and close the approval. */
export type ApprovalVerdict =
  | { verdict: 'as_asked' }
  | { verdict: 'replan'; changes: string[] }
  | { verdict: 'expired'; reason: string }
  | { verdict: 'stale'; reason: string };

/**
 * Whether a human's yes still holds now. Past its expiry: expired. Asked under other
 * inputs: stale, unless autonomy.on_stale_approval is replan and a plan made now, on the
 * current inputs, is for the same kind of incident and calls for the approved action
 * itself (as its action, or as what it would ask a human to approve): then the action
 * runs on the current inputs. The human approved one action for one incident; replanning
 * never turns that yes into another action.
 */
export function judgeApproval(approval: Approval, now: Date, current: DecisionBasis, handling: StaleApprovalHandling, planNow: Pick<ExecutionPlan, 'incident_type' | 'action' | 'approval_action'>): ApprovalVerdict {
  if (hasExpired(approval, now)) return { verdict: 'expired', reason: `nobody decided before ${approval.expires_at} (autonomy.approval_ttl_hours)` };
  const changes = changesSince(approval, current);
  if (changes.length === 0) return { verdict: 'as_asked' };
  const sameQuestion = planNow.incident_type === approval.incident.type && (planNow.action === approval.approval_action || planNow.approval_action === approval.approval_action);
  if (handling === 'replan' && approval.inputs !== null && sameQuestion) return { verdict: 'replan', changes };
  const replanNote = handling === 'replan' ? `; a plan made now is ${planNow.incident_type} -> ${planNow.action}, not ${approval.approval_action} for ${approval.incident.type}` : '';
  return { verdict: 'stale', reason: `asked for ${approval.incident.type}/${approval.incident.severity} on other inputs: ${changes.join('; ')}${replanNote}` };
}
