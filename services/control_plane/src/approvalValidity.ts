import type { Approval, ApprovalIncident, DecisionInputs } from './approvalsStore.ts';

/** Whether a pending approval has waited past its expiry. */
export function hasExpired(approval: Pick<Approval, 'status' | 'expires_at'>, now: Date): boolean {
  return approval.status === 'pending' && Date.parse(approval.expires_at) <= now.getTime();
}

function short(sha256: string): string {
  return sha256.slice(0, 12);
}

/**
 * What changed since an approval was asked for: the data, the reference, the serving
 * model, the policy, or the incident the current data shows. A human said yes to an
 * action for those; under other ones, the yes does not carry over. (A re-run monitor on
 * the same data writes a new summary, which alone changes nothing.)
 */
export function changesSince(approval: Pick<Approval, 'inputs' | 'incident'>, now: { inputs: DecisionInputs; incident: ApprovalIncident }): string[] {
  const [was, is] = [approval.inputs, now.inputs];
  const changes: string[] = [];
  if (was.current_sha256 !== is.current_sha256) changes.push(`the current data changed (sha256 ${short(was.current_sha256)} -> ${short(is.current_sha256)})`);
  if (was.reference_sha256 !== is.reference_sha256) changes.push(`the reference changed (sha256 ${short(was.reference_sha256)} -> ${short(is.reference_sha256)})`);
  if (was.production_version !== is.production_version) changes.push(`the serving model changed (v${was.production_version ?? 'none'} -> v${is.production_version ?? 'none'})`);
  if (was.policy_sha256 !== is.policy_sha256) changes.push(`the policy changed (sha256 ${short(was.policy_sha256)} -> ${short(is.policy_sha256)})`);
  const [a, b] = [approval.incident, now.incident];
  if (a.type !== b.type || a.severity !== b.severity || a.rule !== b.rule) changes.push(`the incident is now ${b.type}/${b.severity} (${b.rule}), it was ${a.type}/${a.severity} (${a.rule})`);
  return changes;
}

/** Under on_stale_approval: replan, the approved action may still run on current inputs, but only for the same kind of incident. */
export function replanAllowed(approval: Pick<Approval, 'incident'>, incidentNow: ApprovalIncident): boolean {
  return approval.incident.type === incidentNow.type && incidentNow.type !== 'none';
}
