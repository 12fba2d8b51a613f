import type { NotificationEvent, ReleaseOutcome } from '../../../core/src/domain/vocabularies.ts';

/**
 * Which notification a release outcome is, declared once: a new outcome is a compile error
 * here until someone decides whether it is worth telling anyone. no_action (noop, monitor)
 * happens every quiet window, so it sends nothing.
 */
export const OUTCOME_NOTIFICATIONS: Record<ReleaseOutcome, NotificationEvent | null> = {
  promoted: 'promoted',
  blocked: 'blocked',
  rolled_back: 'rolled_back',
  failed: 'failed',
  deferred: 'guardrail_skip',
  pending_approval: 'escalation',
  no_action: null,
};

export function notificationEventOf(outcome: ReleaseOutcome): NotificationEvent | null {
  return OUTCOME_NOTIFICATIONS[outcome];
}
