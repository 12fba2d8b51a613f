import { existsSync } from 'node:fs';
import { loadPolicy } from '../../core/src/domain/promotionPolicy.ts';
import type { AlertHandling, AlertStatus } from '../../core/src/domain/vocabularies.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { faultPoint } from '../../core/src/infrastructure/faultPoint.ts';
import { alertEntry, asksForRun, judgeAlerts, triggerOf, type AlertmanagerPayload, type AlertVerdict } from './alertTriggers.ts';
import type { ControlOptions } from './controlOptions.ts';
import { appendRunAudit, decideOnInputs, loadInputsOrRefuse, openControlRun, refusingOnError, withControlLock, type ControlOutcome } from './controlRun.ts';

/** What became of one alert, as the API answers Alertmanager. */
export interface HandledAlert {
  alertname: string;
  fingerprint: string;
  status: AlertStatus;
  handling: AlertHandling;
  reason: string;
  /** The control run that answers the alert (this delivery's, or the earlier one of a duplicate); null when none does. */
  run_id: string | null;
}

export interface AlertsHandled {
  alerts: HandledAlert[];
  /** The control run the delivery started, when one of its alerts was acted on. */
  outcome?: ControlOutcome;
}

function handled(verdict: AlertVerdict): HandledAlert {
  const { alert } = verdict;
  return { alertname: alert.labels.alertname, fingerprint: alert.fingerprint, status: alert.status, handling: verdict.handling, reason: verdict.reason, run_id: verdict.claimedBy };
}

function assertSummaryExists(summaryPath: string): void {
  if (!existsSync(summaryPath)) throw new UserError(`no monitoring summary at ${summaryPath} yet: run the monitor before an alert can be acted on; nothing was done`, 'not_found');
}

/**
 * One Alertmanager delivery, under the control lock: every alert is recorded in the audit
 * log with what became of it, and the firing alerts that ask for a run and were not
 * answered within the cooldown start one control run on the latest summary. Their claim
 * (`acted`) is written after the run's inputs are known good and before the sentinel
 * decides, and the dedupe reads claims under the same lock, so two deliveries (or two API
 * processes) cannot both act. A refused run (no summary, a bad policy) claims nothing:
 * its refusal names the alert, and a later delivery tries again.
 */
export function runForAlerts(options: ControlOptions, payload: AlertmanagerPayload): AlertsHandled {
  return withControlLock(options, `alerts from ${payload.receiver ?? 'alertmanager'}`, () => {
    const records = openControlRun(options);
    const asking = payload.alerts.find(asksForRun);
    // Only a delivery that may run needs the policy (its cooldown); a bad policy then refuses as a run would.
    const cooldownMinutes = asking === undefined ? 0 : refusingOnError({ ...options, trigger: triggerOf(asking) }, () => loadPolicy(options.policyPath)).guardrails.cooldown_minutes;
    const verdicts = judgeAlerts(payload.alerts, records, options.now, cooldownMinutes, options.runId);
    const entryOf = (verdict: AlertVerdict) => alertEntry(options.now, options.runId, payload, verdict);
    const acting = verdicts.filter((verdict) => verdict.handling === 'acted');
    const first = acting[0];
    const others = verdicts.filter((verdict) => verdict.handling !== 'acted');
    const written = others.length === 0 ? [] : appendRunAudit(options, others.map(entryOf)).records;
    if (first === undefined) return { alerts: verdicts.map(handled) };

    const runOptions: ControlOptions = { ...options, trigger: triggerOf(first.alert) };
    const inputs = loadInputsOrRefuse(runOptions, () => assertSummaryExists(options.summaryPath));
    const { records: claims } = appendRunAudit(runOptions, acting.map(entryOf));
    faultPoint('after_alert_claim');
    const outcome = decideOnInputs(runOptions, [...records, ...written, ...claims], inputs);
    return { alerts: verdicts.map(handled), outcome };
  });
}
