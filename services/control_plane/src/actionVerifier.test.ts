import { describe, expect, it } from 'vitest';
import { loadPolicy, type PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import type { HistoryEntry } from '../../registry/src/index.ts';
import { verifyActions, type RecordedRun } from './actionVerifier.ts';
import type { AuditRecord } from './auditChain.ts';
import type { ExecutionPlan, ReleaseResult } from './controlTypes.ts';

/*
 * The independent verifier on recorded runs: a clean history passes, and each planted
 * violation (a promotion with a failed gate, a retrain in a blackout, an escalation acted
 * on with no approval, an effect not written down first, a cooldown broken) is caught.
 */

const POLICY = loadPolicy('policies/promotion.yaml');
let seq = 0;
const audit = (time: string, runId: string, kind: AuditRecord['kind'], decision: string, detail: Record<string, unknown> = {}): AuditRecord =>
  ({ seq: (seq += 1), time, run_id: runId, kind, decision, detail, prev_hash: '', hash: '' });
const move = (time: string, runId: string, version: number, from: HistoryEntry['from'], to: HistoryEntry['to'], operation: HistoryEntry['operation'], effect = 'retrain'): HistoryEntry =>
  ({ time, version, from, to, actor: 'test', reason: 'test', run_id: runId, operation, operation_id: `${runId}-${version}-${to}`, operation_size: 1, idempotency_key: `${runId}:${effect}` });

function plan(runId: string, overrides: Partial<ExecutionPlan> = {}): ExecutionPlan {
  return {
    run_id: runId, created_at: '', incident_type: 'data_drift', severity: 'medium', action: 'retrain_and_evaluate', policy_rule: 'drift_policy.on_medium',
    confidence: { value: 0.85, parts: { rule: 0.85, evidence_margin: 1, data_sufficiency: 1 }, min_confidence: 0.8 }, requires_approval: false, approval_action: null,
    guardrails: [], status: 'ready', reasons: [], rollback_comparison: null, ...overrides,
  };
}

function release(runId: string, passed = true): ReleaseResult {
  return {
    run_id: runId, created_at: '', action: 'retrain_and_evaluate', outcome: 'promoted', challenger_version: 2, approval_id: null, reasons: [], champion_version_before: 1, champion_version_after: 2,
    gates: [{ name: 'quality_gates.min_auc', passed, value: passed ? 0.86 : 0.8, threshold: 0.82, detail: '' }],
    evaluation: { holdout_rows: 600, champion: { version: 1, rows: 600, positives: 30, roc_auc: 0.84, average_precision: 0.5 }, challenger: { version: 2, rows: 600, positives: 30, roc_auc: passed ? 0.86 : 0.8, average_precision: 0.5 }, previous: null },
  } as ReleaseResult;
}

/** One autonomous retrain that trained v2 and promoted it, as the control plane records it. */
function retrainRun(runId: string, at: string, runPlan = plan(runId), runRelease = release(runId)) {
  return {
    audit: [audit(at, runId, 'intent', 'retrain_and_evaluate', { key: `${runId}:retrain`, effect: 'retrain' }), audit(at, runId, 'plan', runPlan.action), audit(at, runId, 'outcome', 'promoted', { key: `${runId}:retrain`, started: true })],
    history: [move(at, runId, 2, null, 'None', 'register'), move(at, runId, 1, 'Production', 'Archived', 'promote'), move(at, runId, 2, 'None', 'Production', 'promote')],
    runs: { [runId]: { plan: runPlan, release: runRelease } } as Record<string, RecordedRun>,
  };
}

function verify(parts: ReturnType<typeof retrainRun>[], policy: PromotionPolicy = POLICY) {
  const runs = Object.assign({}, ...parts.map((part) => part.runs)) as Record<string, RecordedRun>;
  return verifyActions({ audit: parts.flatMap((part) => part.audit), history: parts.flatMap((part) => part.history), policy, run: (runId) => runs[runId] ?? {} });
}

const rules = (report: ReturnType<typeof verify>) => report.violations.map((violation) => violation.rule);

describe('the independent action verifier', () => {
  it('passes a retrain the policy allowed, and counts it', () => {
    const report = verify([retrainRun('r1', '2026-11-02T10:00:00.000Z')]);
    expect(report).toMatchObject({ actions_checked: 1, unauthorized_actions: 0, violations: [] });
  });

  it('catches a promotion with a failed gate', () => {
    expect(rules(verify([retrainRun('r1', '2026-11-02T10:00:00.000Z', plan('r1'), release('r1', false))]))).toEqual(['release_gates', 'quality_gates.min_auc', 'release_policy.champion_challenger.max_auc_drop_vs_champion']);
  });

  it('catches a retrain started inside a blackout window', () => {
    const policy: PromotionPolicy = { ...POLICY, guardrails: { ...POLICY.guardrails, blackout_windows: [{ name: 'year-end freeze', start: '2026-12-24T00:00', end: '2027-01-02T00:00', timezone: 'Europe/Paris' }] } };
    expect(rules(verify([retrainRun('r1', '2026-12-24T10:00:00.000Z')], policy))).toEqual(['guardrails.blackout_windows']);
    // 23:30 UTC on the 23rd is already the 24th in Paris.
    expect(rules(verify([retrainRun('r1', '2026-12-23T23:30:00.000Z')], policy))).toEqual(['guardrails.blackout_windows']);
    expect(rules(verify([retrainRun('r1', '2026-12-23T22:30:00.000Z')], policy))).toEqual([]);
  });

  it('catches an escalation acted on without an approval', () => {
    const escalation = plan('r1', { action: 'escalate', requires_approval: true, status: 'pending_approval', confidence: { value: 0.9, parts: { rule: 0.9, evidence_margin: 1, data_sufficiency: 1 }, min_confidence: 0.8 } });
    expect(rules(verify([retrainRun('r1', '2026-11-02T10:00:00.000Z', escalation)]))).toEqual(['plan_matches', 'autonomy.require_approval_for']);
  });

  it('catches a low-confidence action nobody approved, and passes it once a human approved it first', () => {
    const unsure = plan('r1', { confidence: { value: 0.6, parts: { rule: 0.6, evidence_margin: 1, data_sufficiency: 1 }, min_confidence: 0.8 }, requires_approval: true });
    expect(rules(verify([retrainRun('r1', '2026-11-02T10:00:00.000Z', unsure)]))).toEqual(['autonomy.min_confidence']);
    const approvedRun = retrainRun('r2', '2026-11-02T10:00:00.000Z', unsure);
    approvedRun.audit.unshift(audit('2026-11-02T10:00:00.000Z', 'r2', 'approval', 'approved:retrain_and_evaluate', { approval_id: 'apr-r1' }));
    expect(rules(verify([approvedRun]))).toEqual([]);
  });

  it('catches registry moves with no intent written before them', () => {
    const run = retrainRun('r1', '2026-11-02T10:00:00.000Z');
    run.audit = run.audit.filter((record) => record.kind !== 'intent');
    expect(rules(verify([run]))).toEqual(['written_down_first']);
  });

  it('catches a second retrain inside the cooldown, and one over the daily budget', () => {
    expect(rules(verify([retrainRun('r1', '2026-11-02T10:00:00.000Z'), retrainRun('r2', '2026-11-02T10:30:00.000Z')]))).toEqual(['guardrails.cooldown_minutes']);
    const day = ['02:00', '04:00', '06:00', '08:00'].map((clock, index) => retrainRun(`d${index}`, `2026-11-03T${clock}:00.000Z`));
    expect(rules(verify(day))).toEqual(['guardrails.max_retrains_per_day']);
  });

  it('catches a rollback without the previous version proven better', () => {
    const runId = 'rb';
    const part = {
      audit: [audit('2026-11-02T10:00:00.000Z', runId, 'intent', 'rollback', { key: `${runId}:rollback`, effect: 'rollback' })],
      history: [move('2026-11-02T10:00:00.000Z', runId, 2, 'Production', 'Archived', 'rollback', 'rollback'), move('2026-11-02T10:00:00.000Z', runId, 1, 'Archived', 'Production', 'rollback', 'rollback')],
      runs: { [runId]: { plan: plan(runId, { action: 'rollback' }), release: { ...release(runId), action: 'rollback', gates: [] } } } as Record<string, RecordedRun>,
    };
    expect(rules(verify([part]))).toEqual(['rollback.previous_is_better']);
  });

  it('counts stage moves made by hand apart: they are not the policy\'s actions', () => {
    const byHand: HistoryEntry = { time: '2026-11-02T09:00:00.000Z', version: 1, from: 'None', to: 'Production', actor: 'cli', reason: 'initial', run_id: null, operation: 'promote', operation_id: 'x', operation_size: 1 };
    const report = verifyActions({ audit: [], history: [byHand], policy: POLICY, run: () => ({}) });
    expect(report).toMatchObject({ actions_checked: 0, moves_outside_control_plane: 1, unauthorized_actions: 0 });
  });
});

describe('what the first version of the verifier missed (found by a review)', () => {
  it('a promotion whose challenger trails the champion\'s average precision beyond the margin (recorded gates all "passed")', () => {
    const r = release('r1');
    r.evaluation.champion = { ...(r.evaluation.champion as NonNullable<typeof r.evaluation.champion>), average_precision: 0.6 };
    r.evaluation.challenger = { ...(r.evaluation.challenger as NonNullable<typeof r.evaluation.challenger>), average_precision: 0.3 }; // drop 0.30 > max 0.02
    expect(rules(verify([retrainRun('r1', '2026-11-02T10:00:00.000Z', plan('r1'), r)]))).toContain('release_policy.champion_challenger.max_average_precision_drop_vs_champion');
  });

  it('a Staging promotion (release_policy.promote_stage: Staging) with a failed gate', () => {
    const policy: PromotionPolicy = { ...POLICY, release_policy: { ...POLICY.release_policy, promote_stage: 'Staging' } };
    const run = retrainRun('r1', '2026-11-02T10:00:00.000Z', plan('r1'), release('r1', false));
    run.history = [move('2026-11-02T10:00:00.000Z', 'r1', 2, null, 'None', 'register'), move('2026-11-02T10:00:00.000Z', 'r1', 2, 'None', 'Staging', 'promote')];
    expect(rules(verify([run], policy))).toContain('release_gates');
  });

  it('a retrain started before an earlier-recorded one (clock set back): the guardrails count it as recent, the verifier does not', () => {
    // r1 is recorded first (seq 1..3) at 10:30; r2 is recorded after it, with its clock at 10:00 (--now in the past).
    expect(rules(verify([retrainRun('r1', '2026-11-02T10:30:00.000Z'), retrainRun('r2', '2026-11-02T10:00:00.000Z')]))).toContain('guardrails.cooldown_minutes');
  });

  it('a rollback whose recorded gate says passed but whose own evaluation shows the previous version worse', () => {
    const runId = 'rb';
    const evaluation = { holdout_rows: 600, champion: { version: 2, rows: 600, positives: 30, roc_auc: 0.9, average_precision: 0.5 }, challenger: null, previous: { version: 1, rows: 600, positives: 30, roc_auc: 0.7, average_precision: 0.2 } };
    const part = {
      audit: [audit('2026-11-02T10:00:00.000Z', runId, 'intent', 'rollback', { key: `${runId}:rollback`, effect: 'rollback' })],
      history: [move('2026-11-02T10:00:00.000Z', runId, 2, 'Production', 'Archived', 'rollback', 'rollback'), move('2026-11-02T10:00:00.000Z', runId, 1, 'Archived', 'Production', 'rollback', 'rollback')],
      runs: { [runId]: { plan: plan(runId, { action: 'rollback' }), release: { ...release(runId), action: 'rollback', evaluation, gates: [{ name: 'rollback.previous_is_better', passed: true, value: 0.7, threshold: 0.9, detail: '' }] } } } as Record<string, RecordedRun>,
    };
    expect(rules(verify([part]))).toContain('performance_policy.rollback_margin');
  });

  it('an intent written after the moves it claims to announce', () => {
    const run = retrainRun('r1', '2026-11-02T10:00:00.000Z');
    run.history = run.history.map((entry) => ({ ...entry, time: '2026-11-02T09:00:00.000Z', audit_head: { records: 0, last_hash: '0'.repeat(64) } }));
    expect(rules(verify([run]))).toContain('written_down_first');
  });
});
