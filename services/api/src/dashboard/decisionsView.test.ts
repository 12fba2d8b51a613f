import { describe, expect, it } from 'vitest';
import type { AuditRecord, ExecutionPlan, ReleaseResult, SentinelReport } from '../../../control_plane/src/index.ts';
import { decisionsView, type RecordedRun } from './decisionsView.ts';

let seq = 0;
function record(runId: string, kind: AuditRecord['kind'], decision: string, detail: Record<string, unknown> = {}): AuditRecord {
  seq += 1;
  return { seq, time: `2026-01-01T00:00:${String(seq).padStart(2, '0')}.000Z`, run_id: runId, kind, decision, detail, prev_hash: 'p'.repeat(64), hash: 'h'.repeat(64) };
}

function sentinel(runId: string): SentinelReport {
  return {
    run_id: runId, created_at: '2026-01-01T00:00:00.000Z', incident_type: 'data_drift', severity: 'medium', rule: 'drift_medium', explanation: `drift in ${runId}`,
    evidence: [{ name: 'share_of_drifted_columns', value: 0.4, threshold: 0.3, source: 'monitoring_summary.json', decisive: true, direction: 'above' }],
    caveats: [], monitoring_summary: { path: 'summary.json', sha256: 's'.repeat(64), status: 'ok', generated_at: '2026-01-01T00:00:00.000Z', model_version: 1, reference_sha256: 'r'.repeat(64), policy_sha256: null },
    production_version: 1, root_cause: null,
  };
}

function plan(runId: string): ExecutionPlan {
  return {
    run_id: runId, created_at: '2026-01-01T00:00:00.000Z', incident_type: 'data_drift', severity: 'medium', action: 'retrain_and_evaluate', policy_rule: 'drift_policy.on_medium',
    confidence: { value: 0.82, parts: { rule: 1, evidence_margin: 0.82, data_sufficiency: 1 }, min_confidence: 0.5 }, requires_approval: false, approval_action: null,
    guardrails: [{ name: 'cooldown', passed: true, detail: 'no action in the last 6 h' }], status: 'ready', reasons: [`retrain for ${runId}`], rollback_comparison: null,
  };
}

function release(runId: string): ReleaseResult {
  return {
    run_id: runId, created_at: '2026-01-01T00:00:00.000Z', action: 'retrain_and_evaluate', outcome: 'promoted', champion_version_before: 1, champion_version_after: 2, challenger_version: 2,
    gates: [{ name: 'min_auc', passed: true, value: 0.9, threshold: 0.7, detail: 'challenger AUC 0.9 >= 0.7' }],
    evaluation: { holdout_rows: 100, champion: null, challenger: null, previous: null }, approval_id: null, reasons: [`promoted in ${runId}`],
  };
}

const fullRun = (runId: string): RecordedRun => ({ sentinel: sentinel(runId), plan: plan(runId), release: release(runId) });
const everyRunRecorded = (runId: string): RecordedRun => fullRun(runId);

/** The lines a whole control run writes, release last but one. */
const run = (runId: string, outcome = 'promoted', detail: Record<string, unknown> = {}): AuditRecord[] => [
  record(runId, 'intent', 'retrain_and_evaluate'), record(runId, 'sentinel', 'data_drift'), record(runId, 'plan', 'retrain_and_evaluate'), record(runId, 'release', outcome, detail), record(runId, 'outcome', outcome),
];

describe('decisionsView: incident → plan → outcome, newest first', () => {
  it('lists the runs that released, newest first, joined with their recorded reports', () => {
    const views = decisionsView([...run('run-a'), ...run('run-b'), ...run('run-c')], everyRunRecorded, 20);
    expect(views.map((view) => view.run_id)).toEqual(['run-c', 'run-b', 'run-a']);
    expect(views[0]).toEqual({
      run_id: 'run-c',
      time: expect.any(String),
      window_id: null,
      trigger: null,
      incident: { type: 'data_drift', severity: 'medium', rule: 'drift_medium', explanation: 'drift in run-c', evidence: sentinel('run-c').evidence },
      plan: { action: 'retrain_and_evaluate', policy_rule: 'drift_policy.on_medium', status: 'ready', confidence: 0.82, reasons: ['retrain for run-c'], guardrails: plan('run-c').guardrails },
      outcome: { outcome: 'promoted', reasons: ['promoted in run-c'], champion_version_before: 1, champion_version_after: 2, challenger_version: 2, approval_id: null, gates: release('run-c').gates },
      from_audit_only: false,
    });
  });

  it('the time shown is the release line\'s', () => {
    const records = run('run-a');
    const [view] = decisionsView(records, everyRunRecorded, 20);
    expect(view?.time).toBe(records.find((line) => line.kind === 'release')?.time);
  });

  it('a run with two release lines is one decision, shown by its latest line', () => {
    const records = [...run('run-a'), record('run-a', 'release', 'blocked'), ...run('run-b')];
    const views = decisionsView(records, (runId) => ({ sentinel: sentinel(runId), plan: plan(runId) }), 20);
    expect(views.map((view) => [view.run_id, view.outcome?.outcome])).toEqual([['run-b', 'promoted'], ['run-a', 'blocked']]);
  });

  it('runs without a release line (a refusal, a run cut short, an approval or an alert) are not decisions', () => {
    const records = [
      record('run-refused', 'refusal', 'audit log broken'),
      record('run-cut', 'intent', 'retrain_and_evaluate'), record('run-cut', 'sentinel', 'data_drift'),
      record('approval-1', 'approval', 'approved'),
      record('alert-1', 'alert', 'acted'),
      ...run('run-a'),
    ];
    const asked: string[] = [];
    const views = decisionsView(records, (runId) => { asked.push(runId); return fullRun(runId); }, 20);
    expect(views.map((view) => view.run_id)).toEqual(['run-a']);
    expect(asked).toEqual(['run-a']);
  });

  it('a run whose files are missing shows the audit line only: from_audit_only, the audit\'s decision as the outcome', () => {
    const [view] = decisionsView(run('run-gone', 'blocked'), () => ({}), 20);
    expect(view).toMatchObject({ run_id: 'run-gone', incident: null, plan: null, from_audit_only: true });
    expect(view?.outcome).toEqual({ outcome: 'blocked', reasons: [], champion_version_before: null, champion_version_after: null, challenger_version: null, approval_id: null, gates: [] });
  });

  it('a run with some of its files is from_audit_only, with what it has', () => {
    const [view] = decisionsView(run('run-part'), (runId) => ({ sentinel: sentinel(runId), release: release(runId) }), 20);
    expect(view?.from_audit_only).toBe(true);
    expect(view?.incident?.type).toBe('data_drift');
    expect(view?.plan).toBeNull();
    expect(view?.outcome?.outcome).toBe('promoted');
  });

  it('limit keeps the newest runs, and only those runs\' files are read', () => {
    const asked: string[] = [];
    const records = [...run('run-a'), ...run('run-b'), ...run('run-c')];
    const views = decisionsView(records, (runId) => { asked.push(runId); return fullRun(runId); }, 2);
    expect(views.map((view) => view.run_id)).toEqual(['run-c', 'run-b']);
    expect(asked).toEqual(['run-c', 'run-b']);
    expect(decisionsView(records, everyRunRecorded, 1).map((view) => view.run_id)).toEqual(['run-c']);
  });

  it('window_id and trigger come from the release line\'s detail; a window_id that is not a string is null', () => {
    const trigger = { kind: 'alert', alertname: 'DriftWatchDataDrift', fingerprint: 'abc' };
    const records = [...run('run-window', 'promoted', { window_id: '2026-01-05', trigger }), ...run('run-odd', 'promoted', { window_id: 7 })];
    const views = decisionsView(records, everyRunRecorded, 20);
    expect(views.map((view) => [view.run_id, view.window_id, view.trigger])).toEqual([['run-odd', null, null], ['run-window', '2026-01-05', trigger]]);
  });

  it('an empty log has no decisions', () => {
    expect(decisionsView([], everyRunRecorded, 20)).toEqual([]);
  });
});
