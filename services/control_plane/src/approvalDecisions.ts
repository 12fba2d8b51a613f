import { UserError } from '../../core/src/infrastructure/errors.ts';
import { loadApproval, saveApproval, type Approval } from './approvalsStore.ts';
import { appendAudit } from './auditLog.ts';
import type { ControlOptions } from './controlOptions.ts';
import { runHumanAction, withControlLock, type ControlOutcome } from './controlRun.ts';
import { auditPath } from './eventsStore.ts';

function pending(options: ControlOptions, id: string): Approval {
  const approval = loadApproval(options.approvalsDirectory, id);
  if (approval.status !== 'pending') throw new UserError(`${id} is already ${approval.status}`, 'conflict');
  return approval;
}

/** A human's no: the pending action is dropped, and that is audited. */
export function rejectApproval(options: ControlOptions, id: string, reason: string | undefined): Approval {
  if (!reason) throw new UserError('reject needs a reason: --reason "..." (command) or {"reason": "..."} (API)');
  return withControlLock(options, `reject ${id}`, () => {
    const approval = pending(options, id);
    const decided: Approval = { ...approval, status: 'rejected', reason, decided_at: options.now.toISOString(), decided_by: options.actor };
    saveApproval(options.approvalsDirectory, decided);
    appendAudit(auditPath(options.eventsDirectory), [{ time: options.now.toISOString(), run_id: approval.run_id, kind: 'approval', decision: 'rejected', detail: { approval_id: id, by: options.actor, reason } }]);
    return decided;
  });
}

/** A human's yes: the pending action runs now (guardrails re-checked), then the approval records which run did it. */
export function approveApproval(options: ControlOptions, id: string, reason: string | undefined): { approval: Approval; outcome: ControlOutcome } {
  const approval = pending(options, id);
  const outcome = runHumanAction(options, { kind: 'approval', approval });
  const decided: Approval = { ...approval, status: 'approved', reason: reason ?? null, decided_at: options.now.toISOString(), decided_by: options.actor, executed_run_id: outcome.release.run_id };
  saveApproval(options.approvalsDirectory, decided);
  return { approval: decided, outcome };
}
