/** The control plane's public interface: other stages (the API) import from here only. */
export { approveApproval, rejectApproval } from './approvalDecisions.ts';
export { listApprovals, type Approval } from './approvalsStore.ts';
export { runHumanAction, type ControlOptions, type ControlOutcome } from './controlRun.ts';
