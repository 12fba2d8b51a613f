import type { ExecutionPlan, ReleaseResult, SentinelReport } from '../../services/control_plane/src/controlTypes.ts';
import type { ReleaseOutcome } from '../../services/core/src/domain/vocabularies.ts';

/**
 * A decision as notifications read it. Only the fields a notification shows are filled in
 * the sentinel report and the plan (as the narrator's tests do); the release result is whole.
 */
export function notifiedDecision(outcome: ReleaseOutcome, change: Partial<ReleaseResult> = {}) {
  const runId = 'run-2026-11-23';
  const sentinel = { run_id: runId, incident_type: 'data_drift', severity: 'high', rule: 'dataset_drift_high' } as unknown as SentinelReport;
  const plan = {
    run_id: runId,
    action: 'retrain_and_evaluate',
    policy_rule: 'drift_policy.on_high',
    confidence: { value: 0.93, parts: { rule: 0.95, evidence_margin: 1, data_sufficiency: 1 }, min_confidence: 0.8 },
    guardrails: [{ name: 'cooldown', passed: outcome !== 'deferred', detail: 'last retrain 20 minutes ago' }, { name: 'blackout_window', passed: true, detail: 'none' }],
  } as unknown as ExecutionPlan;
  const release: ReleaseResult = {
    run_id: runId,
    created_at: '2026-11-23T12:00:00.000Z',
    action: 'retrain_and_evaluate',
    outcome,
    champion_version_before: 1,
    champion_version_after: outcome === 'promoted' ? 2 : 1,
    challenger_version: outcome === 'promoted' || outcome === 'blocked' ? 2 : null,
    gates: [],
    evaluation: { holdout_rows: null, champion: null, challenger: null, previous: null },
    approval_id: outcome === 'pending_approval' ? `apr-${runId}` : null,
    reasons: ['share of drifted columns 0.62 >= 0.5 (drift_policy.severity_thresholds.high)', 'challenger v2: roc_auc 0.91 vs champion 0.88 <on holdout> & more'],
    ...change,
  };
  return { sentinel, plan, release };
}
