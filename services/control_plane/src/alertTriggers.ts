import type { AlertHandling, AlertStatus } from '../../core/src/domain/vocabularies.ts';
import { compileContractSchema } from '../../core/src/domain/vocabularySchema.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { formatPath } from '../../core/src/infrastructure/jsonSchema.ts';
import alertmanagerWebhookSchema from '../schema/alertmanager-webhook.schema.json' with { type: 'json' };
import type { AuditEntry, AuditRecord } from './auditChain.ts';
import type { RunTrigger } from './controlOptions.ts';

/*
 * What DriftWatch does with the alerts Alertmanager sends (POST /alerts), as pure
 * functions: the payload's shape, which alert names start a control run, and, from the
 * audit log, which firing alerts a run has already answered within the cooldown. The
 * runner (alertRun.ts) reads and writes the files, under the control lock.
 */

export interface AlertmanagerAlert {
  status: AlertStatus;
  labels: { alertname: string; [label: string]: string };
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
  fingerprint: string;
}

/** Alertmanager's webhook payload, version 4: what DriftWatch reads of it. */
export interface AlertmanagerPayload {
  version: '4';
  groupKey?: string;
  receiver?: string;
  status?: AlertStatus;
  alerts: AlertmanagerAlert[];
}

const validatePayload = compileContractSchema<AlertmanagerPayload>(alertmanagerWebhookSchema);

/** The body of POST /alerts, or a user error naming the first field that is wrong (`alerts[2].fingerprint: must be string`). */
export function parseAlertmanagerPayload(body: unknown): AlertmanagerPayload {
  const first = validatePayload.problems(body)[0];
  if (first === undefined) return body as AlertmanagerPayload;
  const where = first.pathKeys.length === 0 ? 'body' : formatPath(first.pathKeys);
  throw new UserError(`${where}: ${first.message} (Alertmanager's webhook payload, version 4)`);
}

/**
 * What a firing alert asks of DriftWatch. control_run: a control run on the latest
 * monitoring summary, where the policy decides as in any run (the alert only says when
 * to look, never what to do); ignore: recorded with the reason, nothing run.
 */
export type AlertResponse =
  | { act: 'control_run'; why: string }
  | { act: 'ignore'; reason: string };

/**
 * Every rule of infra/prometheus/alerts.yml, once (a test holds the two equal, so a new
 * rule cannot be ignored by omission). Only drift is the control plane's to answer: the
 * serving alerts are problems of the process, not of the model, and a retrain or a
 * rollback chosen from a drift summary would not fix them.
 */
export const ALERT_RESPONSES = {
  DriftWatchDatasetDrift: { act: 'control_run', why: 'the latest monitoring run found dataset drift: the control plane decides from that summary' },
  DriftWatchHighErrorRate: { act: 'ignore', reason: '/predict fails with server errors: a serving fault (see the API log), which no retrain or rollback fixes' },
  DriftWatchHighLatencyP99: { act: 'ignore', reason: '/predict is slow: a capacity or serving problem, which no retrain or rollback fixes' },
  DriftWatchNoModel: { act: 'ignore', reason: 'the API serves no Production model (or is not scraped): promote a version or fix the scrape; a control run decides about a serving model' },
} as const satisfies Record<string, AlertResponse>;

export type DriftWatchAlertName = keyof typeof ALERT_RESPONSES;

export function responseTo(alertname: string): AlertResponse | undefined {
  return Object.hasOwn(ALERT_RESPONSES, alertname) ? ALERT_RESPONSES[alertname as DriftWatchAlertName] : undefined;
}

/** Whether an alert, as it arrived, would start a control run (before its fingerprint is looked up). */
export function asksForRun(alert: AlertmanagerAlert): boolean {
  return alert.status === 'firing' && responseTo(alert.labels.alertname)?.act === 'control_run';
}

/** What became of one alert of a delivery. `claimedBy`: the run that answers it (this delivery's, or an earlier one for a duplicate). */
export interface AlertVerdict {
  alert: AlertmanagerAlert;
  handling: AlertHandling;
  reason: string;
  claimedBy: string | null;
}

type ClaimRecord = Pick<AuditRecord, 'time' | 'run_id' | 'kind' | 'decision' | 'detail'>;

const MINUTE_MS = 60_000;

/**
 * The fingerprints a run has answered within the cooldown, with that run. An `acted`
 * record claims its fingerprint only once its run decided (its sentinel record) or began
 * an effect (an intent not settled as never started): a run that died between the claim
 * and its decision answered nothing, and the alert delivered again is acted on again.
 */
export function claimedFingerprints(history: readonly ClaimRecord[], now: Date, cooldownMinutes: number): Map<string, string> {
  const neverStarted = new Set(history.filter((record) => record.kind === 'outcome' && record.detail.started === false).map((record) => String(record.detail.key)));
  const answered = new Set(history
    .filter((record) => record.kind === 'sentinel' || (record.kind === 'intent' && !neverStarted.has(String(record.detail.key))))
    .map((record) => record.run_id));
  const claims = new Map<string, string>();
  for (const record of history) {
    if (record.kind !== 'alert' || record.decision !== 'acted' || typeof record.detail.fingerprint !== 'string') continue;
    // A record timed after now (a clock set back) is as recent as can be: it still claims.
    if (now.getTime() - Date.parse(record.time) >= cooldownMinutes * MINUTE_MS || !answered.has(record.run_id)) continue;
    claims.set(record.detail.fingerprint, record.run_id);
  }
  return claims;
}

/**
 * Each alert of a delivery, judged in order. Firing alerts that ask for a run and are not
 * claimed share one run (`runId`): they would all be decided from the same latest summary,
 * and each claims its own fingerprint, so a later delivery of any of them is a duplicate.
 */
export function judgeAlerts(alerts: readonly AlertmanagerAlert[], history: readonly ClaimRecord[], now: Date, cooldownMinutes: number, runId: string): AlertVerdict[] {
  const claims = claimedFingerprints(history, now, cooldownMinutes);
  return alerts.map((alert) => {
    const response = responseTo(alert.labels.alertname);
    if (alert.status === 'resolved') return { alert, handling: 'resolved', reason: 'resolved alerts are recorded, never acted on', claimedBy: null };
    if (response === undefined) return { alert, handling: 'ignored', reason: `${alert.labels.alertname} is not a DriftWatch alert (not in ALERT_RESPONSES, alertTriggers.ts)`, claimedBy: null };
    if (response.act === 'ignore') return { alert, handling: 'ignored', reason: response.reason, claimedBy: null };
    const claimedBy = claims.get(alert.fingerprint);
    if (claimedBy !== undefined) {
      const within = claimedBy === runId ? 'in this delivery' : `within guardrails.cooldown_minutes (${cooldownMinutes})`;
      return { alert, handling: 'duplicate', reason: `fingerprint ${alert.fingerprint} was answered by run ${claimedBy} ${within}`, claimedBy };
    }
    claims.set(alert.fingerprint, runId);
    return { alert, handling: 'acted', reason: response.why, claimedBy: runId };
  });
}

/** How an alert's records name the alert that started a run. */
export function triggerOf(alert: AlertmanagerAlert): RunTrigger {
  return { source: 'alertmanager', alertname: alert.labels.alertname, fingerprint: alert.fingerprint };
}

/** One audit line per alert: the alert as it arrived, and what became of it. */
export function alertEntry(now: Date, runId: string, payload: Pick<AlertmanagerPayload, 'receiver' | 'groupKey'>, verdict: AlertVerdict): AuditEntry {
  const { alert } = verdict;
  return {
    time: now.toISOString(),
    run_id: runId,
    kind: 'alert',
    decision: verdict.handling,
    detail: {
      source: 'alertmanager',
      alertname: alert.labels.alertname,
      fingerprint: alert.fingerprint,
      status: alert.status,
      starts_at: alert.startsAt,
      labels: alert.labels,
      receiver: payload.receiver ?? null,
      group_key: payload.groupKey ?? null,
      reason: verdict.reason,
      ...(verdict.handling === 'duplicate' ? { answered_by: verdict.claimedBy } : {}),
    },
  };
}
