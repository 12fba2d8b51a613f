/** The control plane's public interface: other stages (the API) import from here only. */
export { approveApproval, rejectApproval } from './approvalDecisions.ts';
export { runForAlerts, type AlertsHandled, type HandledAlert } from './alertRun.ts';
export { ALERT_RESPONSES, parseAlertmanagerPayload, type AlertmanagerPayload } from './alertTriggers.ts';
export { listApprovals, loadApproval, type Approval } from './approvalsStore.ts';
export { verifyActions, type VerificationReport } from './actionVerifier.ts';
export { AuditReader, inspectAudit, readVerifiedAudit } from './auditLog.ts';
export type { AuditRecord, AuditVerification, MirroredPosition } from './auditChain.ts';
export { auditKeyFromEnvironment, controlOptionsAt, DEFAULT_LOCK_TIMEOUT_SECONDS, type ControlLocations, type ControlOptions } from './controlOptions.ts';
export { mirroredPositions, runControl, runHumanAction, type ControlOutcome } from './controlRun.ts';
export { auditPath, eventPath, readRecordedRun } from './eventsStore.ts';
export { DECIDING_KINDS, WindowAlreadyDecided } from './windowDecisions.ts';
export type { ExecutionPlan, ReleaseResult, SentinelReport } from './controlTypes.ts';
export { NOTIFICATION_DRAIN_LIMIT_MS, NotificationDispatcher, type DispatcherSettings, type DispatchOptions } from './notifications/notificationDispatcher.ts';
export { notificationsFailedPath, type NotificationFailure } from './notifications/notificationFailures.ts';
export { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, verifySignature, type SignatureCheck } from './notifications/webhookSignature.ts';
