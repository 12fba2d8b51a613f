import type { Action, IncidentType, NotificationEvent, NotificationFormat, ReleaseOutcome, Severity } from '../../../core/src/domain/vocabularies.ts';
import type { ControlOutcome } from '../controlRun.ts';

/** What a notification tells: the decision as written, and the watcher's window when a window led to it. */
export interface NotifiedDecision extends Pick<ControlOutcome, 'sentinel' | 'plan' | 'release'> {
  windowId?: string | undefined;
}

/** The json format's body: the decision's figures a receiver routes on, flat, with the reasons as the events give them. */
export interface JsonNotification {
  event: NotificationEvent;
  summary: string;
  run_id: string;
  window_id: string | null;
  time: string;
  incident_type: IncidentType;
  severity: Severity;
  incident_rule: string;
  action: Action;
  policy_rule: string;
  confidence: number;
  outcome: ReleaseOutcome;
  reasons: string[];
  champion_version_before: number | null;
  champion_version_after: number | null;
  challenger_version: number | null;
  approval_id: string | null;
  failed_guardrails: string[];
}

/** Slack's incoming-webhook message: `text` is what notifications and old clients show, `blocks` the message itself. */
export interface SlackMessage {
  text: string;
  blocks: ({ type: 'section'; text: { type: 'mrkdwn'; text: string } } | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] })[];
}

const version = (number: number | null): string => (number === null ? 'no model' : `v${number}`);

function failedGuardrails(decision: NotifiedDecision): string[] {
  return decision.plan.guardrails.filter((check) => !check.passed).map((check) => check.name);
}

/** One line a person reads on a phone: what happened to which model, and why it matters now. */
const HEADLINES: Record<NotificationEvent, (decision: NotifiedDecision) => string> = {
  escalation: ({ plan, release }) => `${plan.action} waits for a human${release.approval_id === null ? '' : ` (approval ${release.approval_id})`}; ${version(release.champion_version_after)} still serves`,
  promoted: ({ release }) => `promoted ${version(release.champion_version_after)} (was ${version(release.champion_version_before)})`,
  blocked: ({ release }) => `challenger ${version(release.challenger_version)} blocked by the release gates; ${version(release.champion_version_after)} still serves`,
  rolled_back: ({ release }) => `rolled back from ${version(release.champion_version_before)} to ${version(release.champion_version_after)}`,
  failed: ({ release }) => `${release.action} failed; ${version(release.champion_version_after)} still serves`,
  guardrail_skip: (decision) => `${decision.plan.action} held back by ${failedGuardrails(decision).join(', ') || 'a guardrail'}; ${version(decision.release.champion_version_after)} still serves`,
};

export function notificationSummary(event: NotificationEvent, decision: NotifiedDecision): string {
  const { sentinel } = decision;
  const incident = sentinel.incident_type === 'none' ? 'no incident' : `${sentinel.incident_type} (${sentinel.severity})`;
  return `DriftWatch: ${HEADLINES[event](decision)} after ${incident}; run ${decision.release.run_id}`;
}

export function jsonNotification(event: NotificationEvent, decision: NotifiedDecision): JsonNotification {
  const { sentinel, plan, release } = decision;
  return {
    event,
    summary: notificationSummary(event, decision),
    run_id: release.run_id,
    window_id: decision.windowId ?? null,
    time: release.created_at,
    incident_type: sentinel.incident_type,
    severity: sentinel.severity,
    incident_rule: sentinel.rule,
    action: plan.action,
    policy_rule: plan.policy_rule,
    confidence: plan.confidence.value,
    outcome: release.outcome,
    reasons: release.reasons,
    champion_version_before: release.champion_version_before,
    champion_version_after: release.champion_version_after,
    challenger_version: release.challenger_version,
    approval_id: release.approval_id,
    failed_guardrails: failedGuardrails(decision),
  };
}

/** Slack refuses a section text over 3000 characters; the reasons are cut before that, the whole list stays in the events. */
const SLACK_SECTION_CHARACTERS = 3000;

function capped(text: string): string {
  return text.length <= SLACK_SECTION_CHARACTERS ? text : `${text.slice(0, SLACK_SECTION_CHARACTERS - 1)}…`;
}

/** Slack reads &, < and > as markup (links, mentions); the reasons are data, shown as written. */
function slackEscaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackNotification(event: NotificationEvent, decision: NotifiedDecision): SlackMessage {
  const { plan, release } = decision;
  const summary = notificationSummary(event, decision);
  const reasons = capped(release.reasons.map((reason) => `• ${slackEscaped(reason)}`).join('\n'));
  const context = [`run \`${release.run_id}\``, ...(decision.windowId === undefined ? [] : [`window \`${slackEscaped(decision.windowId)}\``]), `rule \`${plan.policy_rule}\``, `confidence ${plan.confidence.value.toFixed(2)}`, `outcome \`${release.outcome}\``];
  return {
    text: summary,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: capped(`*${slackEscaped(summary)}*`) } },
      ...(reasons === '' ? [] : [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: reasons } }]),
      { type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] },
    ],
  };
}

const BODIES: Record<NotificationFormat, (event: NotificationEvent, decision: NotifiedDecision) => unknown> = {
  json: jsonNotification,
  slack: slackNotification,
};

/** The exact bytes sent (and signed, and kept in a failed line for a resend). */
export function notificationBody(format: NotificationFormat, event: NotificationEvent, decision: NotifiedDecision): string {
  return JSON.stringify(BODIES[format](event, decision));
}
