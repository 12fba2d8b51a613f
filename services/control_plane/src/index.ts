/** The control plane's public interface: other stages (the API) import from here only. */
export { approveApproval, rejectApproval } from './approvalDecisions.ts';
export { listApprovals, loadApproval, type Approval } from './approvalsStore.ts';
export { verifyActions, type VerificationReport } from './actionVerifier.ts';
export { readVerifiedAudit } from './auditLog.ts';
export type { AuditRecord } from './auditChain.ts';
export { auditKeyFromEnvironment, controlOptionsAt, DEFAULT_LOCK_TIMEOUT_SECONDS, type ControlLocations, type ControlOptions } from './controlOptions.ts';
export { mirroredPositions, runControl, runHumanAction, type ControlOutcome } from './controlRun.ts';
export { eventPath, readRecordedRun } from './eventsStore.ts';
