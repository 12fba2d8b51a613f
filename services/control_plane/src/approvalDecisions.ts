import { UserError } from '../../core/src/infrastructure/errors.ts';
import { loadApproval, type Approval } from './approvalsStore.ts';
import type { ControlOptions } from './controlOptions.ts';
import { carryOutHumanDecision, closeApproval, openControlRun, withControlLock, type ControlOutcome } from './controlRun.ts';

/** Checked under the control lock, so of two deciders only the first finds it pending. */
function pending(options: ControlOptions, id: string): Approval {
  const approval = loadApproval(options.approvalsDirectory, id);
  if (approval.status !== 'pending') {
    const by = approval.decided_by ? ` by ${approval.decided_by}` : '';
    const at = approval.decided_at ? ` at ${approval.decided_at}` : '';
    const run = approval.executed_run_id ? ` (run ${approval.executed_run_id})` : '';
    throw new UserError(`${id} is already ${approval.status}${by}${at}${run}`, 'conflict');
  }
  return approval;
}

/** A human's no: the pending action is dropped, and that is audited. */
export function rejectApproval(options: ControlOptions, id: string, reason: string | undefined): Approval {
  if (!reason) throw new UserError('reject needs a reason: --reason "..." (command) or {"reason": "..."} (API)');
  return withControlLock(options, `reject ${id}`, () => {
    openControlRun(options);
    closeApproval(options, pending(options, id), 'rejected', reason);
    return loadApproval(options.approvalsDirectory, id);
  });
}

/**
 * A human's yes: checked and claimed under the control lock, then the pending action
 * runs now (guardrails re-checked); the approval records which run carried it out.
 * Exactly one of several concurrent approvers runs it; the others are told who did.
 */
export function approveApproval(options: ControlOptions, id: string, reason: string | undefined): { approval: Approval; outcome: ControlOutcome } {
  return withControlLock(options, `approval ${id}`, () => {
    const records = openControlRun(options);
    const approval = pending(options, id);
    const outcome = carryOutHumanDecision(options, { kind: 'approval', approval, reason: reason ?? null }, records);
    return { approval: loadApproval(options.approvalsDirectory, id), outcome };
  });
}
