/** The control plane's public interface: other stages (the API) import from here only. */
export { approveApproval, rejectApproval } from './approvalDecisions.ts';
export { listApprovals, type Approval } from './approvalsStore.ts';
export { controlOptionsAt, type ControlLocations, type ControlOptions } from './controlOptions.ts';
export { runHumanAction, type ControlOutcome } from './controlRun.ts';
export { eventPath } from './eventsStore.ts';
