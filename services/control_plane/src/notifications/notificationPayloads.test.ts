import { describe, expect, it } from 'vitest';
import { notifiedDecision } from '../../../../tests/helpers/notifiedDecisions.ts';
import { NOTIFICATION_EVENTS, RELEASE_OUTCOMES } from '../../../core/src/domain/vocabularies.ts';
import { notificationEventOf, OUTCOME_NOTIFICATIONS } from './notificationEvents.ts';
import { jsonNotification, notificationBody, notificationSummary, slackNotification } from './notificationPayloads.ts';

describe('which release outcome is which notification', () => {
  it('every outcome but no_action is one notification event, and every event is some outcome\'s', () => {
    expect(RELEASE_OUTCOMES.map((outcome) => [outcome, notificationEventOf(outcome)])).toEqual([
      ['promoted', 'promoted'], ['blocked', 'blocked'], ['rolled_back', 'rolled_back'], ['pending_approval', 'escalation'],
      ['deferred', 'guardrail_skip'], ['failed', 'failed'], ['no_action', null],
    ]);
    expect(new Set(Object.values(OUTCOME_NOTIFICATIONS).filter((event) => event !== null))).toEqual(new Set(NOTIFICATION_EVENTS));
  });
});

describe('the json body', () => {
  it('carries the decision a receiver routes on: run, window, incident, action, rule, outcome, versions and the reasons as written', () => {
    const decision = { ...notifiedDecision('promoted'), windowId: 'window-2026-11-22' };
    expect(jsonNotification('promoted', decision)).toEqual({
      event: 'promoted',
      summary: 'DriftWatch: promoted v2 (was v1) after data_drift (high); run run-2026-11-23',
      run_id: 'run-2026-11-23',
      window_id: 'window-2026-11-22',
      time: '2026-11-23T12:00:00.000Z',
      incident_type: 'data_drift',
      severity: 'high',
      incident_rule: 'dataset_drift_high',
      action: 'retrain_and_evaluate',
      policy_rule: 'drift_policy.on_high',
      confidence: 0.93,
      outcome: 'promoted',
      reasons: decision.release.reasons,
      champion_version_before: 1,
      champion_version_after: 2,
      challenger_version: 2,
      approval_id: null,
      failed_guardrails: [],
    });
  });

  it('a run the control command started has no window; a guardrail skip names the guardrail', () => {
    const body = jsonNotification('guardrail_skip', notifiedDecision('deferred'));
    expect(body).toMatchObject({ window_id: null, outcome: 'deferred', failed_guardrails: ['cooldown'] });
    expect(body.summary).toBe('DriftWatch: retrain_and_evaluate held back by cooldown; v1 still serves after data_drift (high); run run-2026-11-23');
  });

  it('the one-line summary says what happened to which model for every event', () => {
    const lines = {
      escalation: notificationSummary('escalation', notifiedDecision('pending_approval')),
      blocked: notificationSummary('blocked', notifiedDecision('blocked')),
      rolled_back: notificationSummary('rolled_back', notifiedDecision('rolled_back', { action: 'rollback', champion_version_before: 3, champion_version_after: 2 })),
      failed: notificationSummary('failed', notifiedDecision('failed')),
    };
    expect(lines.escalation).toMatch(/^DriftWatch: retrain_and_evaluate waits for a human \(approval apr-run-2026-11-23\); v1 still serves/);
    expect(lines.blocked).toMatch(/^DriftWatch: challenger v2 blocked by the release gates; v1 still serves/);
    expect(lines.rolled_back).toMatch(/^DriftWatch: rolled back from v3 to v2 after data_drift \(high\)/);
    expect(lines.failed).toMatch(/^DriftWatch: retrain_and_evaluate failed; v1 still serves/);
    for (const line of Object.values(lines)) expect(line).not.toContain('\n');
  });
});

describe('the slack body', () => {
  it('is an incoming-webhook message: the summary as text, then blocks with the reasons and the rule', () => {
    const message = slackNotification('promoted', notifiedDecision('promoted'));
    expect(message.text).toBe(notificationSummary('promoted', notifiedDecision('promoted')));
    expect(message.blocks.map((block) => block.type)).toEqual(['section', 'section', 'context']);
    expect(JSON.stringify(message.blocks[2])).toContain('drift_policy.on_high');
  });

  it('shows a reason\'s <, > and & as text, never as Slack markup (a link or a mention)', () => {
    const [, reasons] = slackNotification('promoted', notifiedDecision('promoted')).blocks;
    expect(reasons).toMatchObject({ text: { text: expect.stringContaining('&lt;on holdout&gt; &amp; more') } });
  });

  it('keeps a section under Slack\'s 3000 characters however many reasons there are', () => {
    const many = notifiedDecision('blocked', { reasons: Array.from({ length: 200 }, (_, index) => `gate ${index} failed by a long margin`) });
    for (const block of slackNotification('blocked', many).blocks) {
      if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
  });
});

describe('the bytes sent', () => {
  it('are the format\'s body as JSON, the same for the same decision', () => {
    const decision = notifiedDecision('failed');
    expect(JSON.parse(notificationBody('json', 'failed', decision))).toEqual(jsonNotification('failed', decision));
    expect(JSON.parse(notificationBody('slack', 'failed', decision))).toEqual(slackNotification('failed', decision));
    expect(notificationBody('json', 'failed', decision)).toBe(notificationBody('json', 'failed', notifiedDecision('failed')));
  });
});
