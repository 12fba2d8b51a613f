import type { AuditRecord, ExecutionPlan, ReleaseResult, SentinelReport } from '../../../control_plane/src/index.ts';

/** One decision as incident → plan → outcome, with the reasons and evidence a reader checks it by. */
export interface DecisionView {
  run_id: string;
  time: string;
  /** The window a watcher or replay decided, or what started the run (an alert), when the audit says so. */
  window_id: string | null;
  trigger: unknown;
  incident: { type: string; severity: string; rule: string; explanation: string; evidence: SentinelReport['evidence'] } | null;
  plan: { action: string; policy_rule: string; status: string; confidence: number; reasons: string[]; guardrails: ExecutionPlan['guardrails'] } | null;
  outcome: { outcome: string; reasons: string[]; champion_version_before: number | null; champion_version_after: number | null; challenger_version: number | null; approval_id: string | null; gates: ReleaseResult['gates'] } | null;
  /** The run's files are gone or unreadable: only the audit's line is shown. */
  from_audit_only: boolean;
}

export type RecordedRun = { sentinel?: SentinelReport; plan?: ExecutionPlan; release?: ReleaseResult };

/**
 * The runs that decided something, newest first: each run's release line in the audit log
 * (a run that ended in a refusal or never released is not a decision), joined with the
 * run's recorded reports for their reasons and evidence.
 */
export function decisionsView(records: readonly AuditRecord[], recorded: (runId: string) => RecordedRun, limit: number): DecisionView[] {
  const releases = records.filter((record) => record.kind === 'release');
  const seen = new Set<string>();
  const views: DecisionView[] = [];
  for (let index = releases.length - 1; index >= 0 && views.length < limit; index -= 1) {
    const record = releases[index] as AuditRecord;
    if (seen.has(record.run_id)) continue;
    seen.add(record.run_id);
    views.push(decisionOf(record, recorded(record.run_id)));
  }
  return views;
}

function decisionOf(record: AuditRecord, run: RecordedRun): DecisionView {
  const { sentinel, plan, release } = run;
  const detail = record.detail;
  return {
    run_id: record.run_id,
    time: record.time,
    window_id: typeof detail.window_id === 'string' ? detail.window_id : null,
    trigger: detail.trigger ?? null,
    incident: sentinel ? { type: sentinel.incident_type, severity: sentinel.severity, rule: sentinel.rule, explanation: sentinel.explanation, evidence: sentinel.evidence } : null,
    plan: plan ? { action: plan.action, policy_rule: plan.policy_rule, status: plan.status, confidence: plan.confidence.value, reasons: plan.reasons, guardrails: plan.guardrails } : null,
    outcome: release
      ? { outcome: release.outcome, reasons: release.reasons, champion_version_before: release.champion_version_before, champion_version_after: release.champion_version_after, challenger_version: release.challenger_version, approval_id: release.approval_id, gates: release.gates }
      : { outcome: record.decision, reasons: [], champion_version_before: null, champion_version_after: null, challenger_version: null, approval_id: null, gates: [] },
    from_audit_only: !sentinel || !plan || !release,
  };
}
