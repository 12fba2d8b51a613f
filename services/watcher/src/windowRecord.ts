import type { MonitoringSummary } from '../../monitoring/src/index.ts';
import type { ControlOutcome } from '../../control_plane/src/index.ts';
import type { WindowRecord } from './windowTypes.ts';

/** What a window needs recorded besides its decision. */
export interface WindowFacts {
  window: string;
  day: number | null;
  startMs: number;
  endMs: number;
  rows: number;
  labelledRows: number;
}

/** One window's line: what was judged, what was decided, and what came of it. Pure. */
export function windowRecord(facts: WindowFacts, summary: MonitoringSummary, control: ControlOutcome, runId: string): WindowRecord {
  const { sentinel, plan, release } = control;
  return {
    ...undecidedRecord(facts, runId),
    drift_share: summary.status === 'ok' ? summary.share_of_drifted_columns : null,
    drifted_columns: Object.entries(summary.drift_by_columns).filter(([, drift]) => drift.drift_detected).map(([column]) => column),
    severity: summary.severity,
    incident: sentinel.incident_type,
    action: plan.action,
    outcome: release.outcome,
    guardrail_skips: plan.guardrails.filter((check) => !check.passed).map((check) => check.name),
    confidence: plan.confidence.value,
    serving_version: release.champion_version_before,
    serving_version_after: release.champion_version_after,
    known_auc: summary.performance?.current.roc_auc ?? null,
    estimated_auc: summary.estimated_performance?.current.roc_auc ?? null,
    approval: release.approval_id === null ? null : { id: release.approval_id, answer: 'waiting', answered_in: null, outcome: null },
  };
}

/** A window that was not decided (its run was refused, or its reports are gone): its facts, and nulls for the rest. */
export function undecidedRecord(facts: WindowFacts, runId: string | null): WindowRecord {
  return {
    window: facts.window,
    day: facts.day,
    start: new Date(facts.startMs).toISOString(),
    end: new Date(facts.endMs).toISOString(),
    rows: facts.rows,
    labelled_rows: facts.labelledRows,
    drift_share: null,
    drifted_columns: [],
    severity: null,
    incident: null,
    action: null,
    outcome: null,
    guardrail_skips: [],
    confidence: null,
    serving_version: null,
    serving_version_after: null,
    hindsight_auc: null,
    known_auc: null,
    estimated_auc: null,
    estimate_check: null,
    approval: null,
    run_id: runId,
  };
}
