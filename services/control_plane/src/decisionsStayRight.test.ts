import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { parsePolicy, type PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { SEVERITIES, type Severity } from '../../core/src/domain/vocabularies.ts';
import { severityFromShare, type ColumnDrift, type MonitoringSummary } from '../../monitoring/src/index.ts';
import { compareForRollback, runPlanner } from './agents/planner.ts';
import { runSentinel, type Serving } from './agents/sentinel.ts';
import { changesSince, hasExpired, judgeApproval } from './approvalValidity.ts';
import { listApprovals, type Approval } from './approvalsStore.ts';
import type { AuditRecord } from './auditChain.ts';
import type { ExecutionPlan, ModelEvaluation, RollbackComparison } from './controlTypes.ts';
import { deferralEntries, openDeferrals, type OpenDeferral } from './deferrals.ts';
import { judgeUnderPolicy } from './summaryUnderPolicy.ts';
import { retrainTimes } from './writeAhead.ts';

/**
 * Issue 12: decisions that stay right when the policy, the registry or the data change
 * between steps. Each case is one of the numbered items, as a unit of the logic.
 */

const POLICY_TEXT = readFileSync('policies/promotion.yaml', 'utf8');
const POLICY = parsePolicy(POLICY_TEXT, 'promotion.yaml');
const POLICY_SHA = 'a'.repeat(64);
const NOW = new Date('2026-11-23T12:00:00Z');

function withPolicy(change: (policy: PromotionPolicy) => void): PromotionPolicy {
  const copy = structuredClone(POLICY);
  change(copy);
  return copy;
}

function column(name: string, score: number, drifted: boolean): ColumnDrift {
  return { column_name: name, column_type: 'numerical', stattest_name: 'wasserstein', stattest_threshold: 0.1, drift_score: score, drift_detected: drifted, score_kind: 'distance', reference_rows: 5000, current_rows: 5000, stattest_chosen_by: 'default' };
}

const NINE = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];

/** A summary of nine columns, the first `drifted` of them drifted, made under POLICY (sha POLICY_SHA). */
function summary(drifted: number, overrides: Partial<MonitoringSummary> = {}): MonitoringSummary {
  const columns = Object.fromEntries(NINE.map((name, index) => [name, index < drifted ? column(name, 0.3, true) : column(name, 0.02, false)]));
  const share = drifted / 9;
  const drift = POLICY.drift_policy;
  return {
    schema_version: 1, generated_at: NOW.toISOString(), run_id: 'm', status: 'ok', drift_by_columns: columns,
    number_of_columns: 9, number_of_drifted_columns: drifted, share_of_drifted_columns: share, dataset_drift: share >= 0.5, severity: severityFromShare(share, drift.severity_thresholds),
    drift_share: 0.5, min_samples: 200,
    data_quality: { columns: {}, columns_missing_in_current: [], extra_columns_in_current: [], max_missing_share: 0, max_unseen_category_share: 0, max_out_of_range_share: 0 },
    performance: null, prediction_drift: null,
    volume: { reference_rows: 5000, current_rows: 5000, row_ratio: 1, reference_days: 28, current_days: 28, reference_rows_per_day: 178, current_rows_per_day: 178, rows_per_day_ratio: 1, reference_hour_profile: null, current_hour_profile: null, hour_profile_distance: 0.03, surge_hours: [] },
    model: { version: 1, source: 'model v1' }, columns: { features: [...NINE], excluded: [] },
    reference: { path: 'r.csv', rows: 5000, sha256: 'r'.repeat(64) }, current: { path: 'c.csv', rows: 5000, sha256: 'c'.repeat(64) },
    policy: { path: 'promotion.yaml', sha256: POLICY_SHA },
    drift_settings: { drift_share: 0.5, min_samples: 200, severity_thresholds: { ...drift.severity_thresholds }, stattest: null, stattest_threshold: null, columns: {} },
    ...overrides,
  };
}

function performance(referenceAuc: number, currentAuc: number): MonitoringSummary['performance'] {
  const side = (auc: number) => ({ rows: 1000, positives: 50, roc_auc: auc, average_precision: 0.4, f1: 0.4, brier: 0.05, calibration: { mean_predicted: 0.05, observed_rate: 0.05, expected_calibration_error: 0.01 } });
  return { source: 'model v1', threshold: 0.3, reference: side(referenceAuc), current: side(currentAuc), delta: { roc_auc: currentAuc - referenceAuc, average_precision: 0, f1: 0, brier: 0 } };
}

const SERVING_V1: Serving = { version: 1, rollbackTarget: null, reference: { sha256: 'r'.repeat(64), description: 'the training data of v1' } };

/** The run's decision as the runner makes it: judged under the policy, then sentinel, then planner. */
function decide(input: MonitoringSummary, policy = POLICY, policySha = POLICY_SHA, extra: { serving?: Serving; comparison?: RollbackComparison | null; deferrals?: OpenDeferral[]; retrainTimes?: Date[] } = {}) {
  const judged = judgeUnderPolicy(input, 's.json', policy, policySha);
  const report = runSentinel({ runId: 'run-1', now: NOW, summary: judged.summary, summaryIdentity: { path: 's.json', sha256: 'x' }, rejudged: judged.rejudged, policy, serving: extra.serving ?? SERVING_V1 });
  const plan = runPlanner({ report, policy, now: NOW, currentRows: judged.summary.current.rows, minSamples: judged.summary.min_samples, retrainTimes: extra.retrainTimes ?? [], rollbackComparison: extra.comparison ?? null, openDeferrals: extra.deferrals ?? [] });
  return { report, plan };
}

function evaluation(version: number, auc: number): ModelEvaluation {
  return { version, rows: 3000, positives: 150, roc_auc: auc, average_precision: 0.3 };
}

describe('1. a summary made under another policy is judged again, or refused', () => {
  const edited = withPolicy((policy) => { policy.drift_policy.severity_thresholds = { high: 0.6, medium: 0.4 }; });
  it('new severity thresholds: severity from the summary\'s share under the new thresholds, said in the caveats', () => {
    const { report, plan } = decide(summary(3), edited, 'b'.repeat(64));
    expect(report).toMatchObject({ incident_type: 'data_drift', severity: 'low' });
    expect(report.caveats[0]).toMatch(/judged under the current policy.*severity medium -> low/);
    expect(plan.action).toBe('monitor');
  });
  it('a new threshold for a column: its verdict from its recorded score', () => {
    const stricter = withPolicy((policy) => { policy.drift_policy.columns = { a: { threshold: 0.5 } }; });
    const judged = judgeUnderPolicy(summary(3), 's.json', stricter, 'b'.repeat(64));
    expect(judged.summary.drift_by_columns.a).toMatchObject({ drift_detected: false, stattest_threshold: 0.5, stattest_chosen_by: 'default' });
    expect(judged.summary.number_of_drifted_columns).toBe(2);
  });
  it('what only the data can answer is refused with one line naming the policy it was made under', () => {
    const otherTest = withPolicy((policy) => { policy.drift_policy.columns = { a: { stattest: 'psi' } }; });
    expect(() => judgeUnderPolicy(summary(3), 's.json', otherTest, 'b'.repeat(64))).toThrow(/^s\.json: summary made under policy aaaaaaaaaaaa, the policy is now bbbbbbbbbbbb, and column "a" is now tested with psi.*; re-run the monitor$/);
    const lowered = withPolicy((policy) => { policy.drift_policy.min_samples = 100; });
    expect(() => judgeUnderPolicy(summary(0, { status: 'insufficient_data', current: { path: 'c.csv', rows: 150, sha256: 'c'.repeat(64) } }), 's.json', lowered, 'b'.repeat(64))).toThrow(/min_samples is now 100/);
  });
  it('a new min_samples is said even when the verdicts stand: it scales data sufficiency', () => {
    const more = withPolicy((policy) => { policy.drift_policy.min_samples = 2000; });
    expect(judgeUnderPolicy(summary(3), 's.json', more, 'b'.repeat(64)).rejudged).toEqual(['min_samples 200 -> 2000: data sufficiency min(1, 5000 / (2 x 2000))']);
  });
  it('the same policy: the summary as it is', () => {
    expect(judgeUnderPolicy(summary(3), 's.json', POLICY, POLICY_SHA).rejudged).toEqual([]);
  });
});

describe('2. a summary that judged another model than the serving one is not used for model quality', () => {
  it('scores of v2 while v1 serves: no bad-model incident, said in the caveats', () => {
    const judgedV2 = summary(0, { model: { version: 2, source: 'model v2' }, performance: performance(0.5, 0.5) });
    const { report, plan } = decide(judgedV2);
    expect(report.incident_type).toBe('none');
    expect(report.caveats.join(' ')).toMatch(/judged model v2, but v1 serves now: model-quality rules not applied/);
    expect(plan.action).toBe('noop');
  });
  it('the same scores while v2 serves: a bad model', () => {
    const judgedV2 = summary(0, { model: { version: 2, source: 'model v2' }, performance: performance(0.5, 0.5) });
    expect(decide(judgedV2, POLICY, POLICY_SHA, { serving: { version: 2, rollbackTarget: null, reference: SERVING_V1.reference } }).report.incident_type).toBe('bad_model');
  });
});

describe('3. approvals are good for the incident and inputs they were asked for', () => {
  const inputs = { summary_sha256: 's'.repeat(64), current_sha256: 'c'.repeat(64), reference_sha256: 'r'.repeat(64), policy_sha256: POLICY_SHA, production_version: 1, rollback_target: null };
  const incident = { type: 'shock' as const, severity: 'high' as const, rule: 'volume_spike', explanation: '' };
  it('expires after its time to live', () => {
    expect(hasExpired({ status: 'pending', expires_at: '2026-11-24T12:00:00.000Z' }, new Date('2026-11-24T12:00:00Z'))).toBe(true);
    expect(hasExpired({ status: 'pending', expires_at: '2026-11-24T12:00:00.000Z' }, new Date('2026-11-24T11:59:59Z'))).toBe(false);
  });
  it('new data and a changed incident are named; a re-run monitor on the same data is no change', () => {
    expect(changesSince({ inputs, incident, approval_action: 'retrain_and_evaluate' }, { inputs: { ...inputs, summary_sha256: 't'.repeat(64) }, incident })).toEqual([]);
    const changes = changesSince({ inputs, incident, approval_action: 'retrain_and_evaluate' }, { inputs: { ...inputs, current_sha256: 'd'.repeat(64) }, incident: { type: 'none', severity: 'none', rule: 'no_incident', explanation: '' } });
    expect(changes).toEqual([expect.stringMatching(/^the current data changed/), 'the incident is now none/none (no_incident), it was shock/high (volume_spike)']);
  });
});

describe('4. more evidence never means less confidence', () => {
  it('3 of 9 columns: medium, or high under high: 0.3, autonomous either way', () => {
    const highAtThird = withPolicy((policy) => { policy.drift_policy.severity_thresholds = { high: 0.3, medium: 0.2 }; });
    const medium = decide(summary(3)).plan;
    const high = decide(summary(3, { severity: 'high', drift_settings: { ...summary(3).drift_settings!, severity_thresholds: { high: 0.3, medium: 0.2 } } }), highAtThird).plan;
    expect(medium.confidence.value).toBe(0.85);
    expect(high.confidence.value).toBeGreaterThanOrEqual(medium.confidence.value);
    expect(high.status).toBe('ready');
  });
  it('property: over random thresholds, rules and shares, confidence never falls as the drifted share grows', () => {
    const random = seedrandom.alea('confidence-is-monotone');
    for (let trial = 0; trial < 300; trial += 1) {
      const medium = Math.round(random() * 50) / 100;
      const high = medium + Math.round(random() * (100 - medium * 100)) / 100;
      // The policy's own confidences grow with severity, as they should for the property to hold.
      const confidences = [random(), random(), random()].sort();
      const policy = withPolicy((edit) => {
        edit.drift_policy.severity_thresholds = { high, medium };
        edit.drift_policy.on_low = { action: 'retrain_and_evaluate', confidence: confidences[0] };
        edit.drift_policy.on_medium = { action: 'retrain_and_evaluate', confidence: confidences[1] };
        edit.drift_policy.on_high = { action: 'retrain_and_evaluate', confidence: confidences[2] };
      });
      let previous = -Infinity;
      for (let drifted = 1; drifted <= 9; drifted += 1) {
        const share = drifted / 9;
        const severity: Severity = severityFromShare(share, policy.drift_policy.severity_thresholds);
        const input = summary(drifted, { severity, drift_settings: { ...summary(0).drift_settings!, severity_thresholds: { high, medium } } });
        const { plan } = decide(input, policy);
        expect(SEVERITIES).toContain(plan.severity);
        expect(plan.confidence.value, `thresholds ${medium}/${high}, ${drifted}/9 drifted`).toBeGreaterThanOrEqual(previous);
        previous = plan.confidence.value;
      }
    }
  });
});

describe('5. a regression after a promotion rolls back when the earlier version is better', () => {
  const concept = summary(0, { model: { version: 2, source: 'model v2' }, performance: performance(0.86, 0.69) });
  const serving = { version: 2, rollbackTarget: null, reference: SERVING_V1.reference };
  it('v1 0.743 vs v2 0.689 on current labels: rollback', () => {
    const comparison = compareForRollback(evaluation(2, 0.689), evaluation(1, 0.743), POLICY.performance_policy.rollback_margin);
    const { report, plan } = decide(concept, POLICY, POLICY_SHA, { serving, comparison });
    expect(report.incident_type).toBe('concept_drift');
    expect(plan).toMatchObject({ action: 'rollback', policy_rule: 'performance_policy.rollback_when_previous_is_better', rollback_comparison: { previous_is_better: true } });
  });
  it('within the margin: retrain as on_regression says', () => {
    const comparison = compareForRollback(evaluation(2, 0.689), evaluation(1, 0.695), POLICY.performance_policy.rollback_margin);
    expect(decide(concept, POLICY, POLICY_SHA, { serving, comparison }).plan.action).toBe('retrain_and_evaluate');
  });
});

describe('6. an escalation waits for a human whatever require_approval_for lists, and keeps if_approved', () => {
  it('require_approval_for: [] with a shock: pending, would run retrain_and_evaluate', () => {
    const none = withPolicy((policy) => { policy.autonomy.require_approval_for = []; });
    const shock = summary(0, { volume: { ...summary(0).volume, rows_per_day_ratio: 39 } });
    expect(decide(shock, none).plan).toMatchObject({ action: 'escalate', status: 'pending_approval', requires_approval: true, approval_action: 'retrain_and_evaluate' });
  });
});

describe('7. the bad-model rule has its own threshold and its own incident type', () => {
  it('a release gate tightened to 0.99 leaves a drift incident a drift incident', () => {
    const strictGate = withPolicy((policy) => { policy.quality_gates.min_auc = 0.99; });
    expect(decide(summary(3, { performance: performance(0.9, 0.89) }), strictGate).report.incident_type).toBe('data_drift');
  });
  it('below bad_model_min_auc on both: bad_model, whose text matches its name', () => {
    const { report } = decide(summary(0, { performance: performance(0.6, 0.6) }));
    expect(report).toMatchObject({ incident_type: 'bad_model', rule: 'model_below_bad_model_min_auc' });
    expect(report.explanation).toMatch(/a bad model, not a changed world/);
  });
});

describe('9. drift from a reference the serving model was not trained on is not acted on', () => {
  it('a summary against the old reference after a promotion: no data-drift incident, said in the caveats', () => {
    const promoted: Serving = { version: 2, rollbackTarget: null, reference: { sha256: 'n'.repeat(64), description: 'the training data of v2' } };
    const { report, plan } = decide(summary(3, { model: { version: 2, source: 'model v2' } }), POLICY, POLICY_SHA, { serving: promoted });
    expect(report.incident_type).toBe('none');
    expect(report.caveats.join(' ')).toMatch(/the reference is now the training data of v2.*drift rules not applied/);
    expect(plan.action).toBe('noop');
  });
});

function record(seq: number, kind: AuditRecord['kind'], runId: string, decision: string, detail: Record<string, unknown> = {}): AuditRecord {
  return { seq, time: new Date(NOW.getTime() - (100 - seq) * 60_000).toISOString(), run_id: runId, kind, decision, detail, prev_hash: '', hash: '' } as AuditRecord;
}

describe('10. a deferred action is re-evaluated by the next run; a retrain that never started uses up nothing', () => {
  it('a guardrail defers the plan', () => {
    expect(decide(summary(3), POLICY, POLICY_SHA, { retrainTimes: [new Date(NOW.getTime() - 10 * 60_000)] }).plan.status).toBe('deferred');
  });
  it('the next run resumes it while the incident holds, and drops it once it does not', () => {
    const records = [record(1, 'sentinel', 'r1', 'data_drift/medium'), record(2, 'plan', 'r1', 'retrain_and_evaluate'), record(3, 'release', 'r1', 'deferred', { action: 'retrain_and_evaluate', outcome: 'deferred' })];
    const open = openDeferrals(records);
    expect(open).toEqual([expect.objectContaining({ run_id: 'r1', action: 'retrain_and_evaluate', incident_type: 'data_drift' })]);
    const still = decide(summary(3), POLICY, POLICY_SHA, { deferrals: open }).plan;
    expect(still.reasons.join(' ')).toMatch(/the retrain_and_evaluate run r1 deferred .* is still called for/);
    expect(deferralEntries(NOW, 'r2', open, still)[0]).toMatchObject({ kind: 'deferral', decision: 'resumed', detail: { deferred_run: 'r1' } });
    const heldAgain = decide(summary(3), POLICY, POLICY_SHA, { deferrals: open, retrainTimes: [new Date(NOW.getTime() - 10 * 60_000)] }).plan;
    expect(deferralEntries(NOW, 'r2', open, heldAgain)[0]).toMatchObject({ decision: 'deferred_again' });
    const cleared: ExecutionPlan = decide(summary(0), POLICY, POLICY_SHA, { deferrals: open }).plan;
    expect(deferralEntries(NOW, 'r2', open, cleared)[0]).toMatchObject({ decision: 'dropped' });
    expect(openDeferrals([...records, { ...record(4, 'deferral', 'r2', 'dropped'), detail: { deferred_run: 'r1' } }])).toEqual([]);
  });
  it('a retrain that failed before training (no intent) counts for neither cooldown nor budget', () => {
    const failedEarly = [record(1, 'release', 'r1', 'failed', { action: 'retrain_and_evaluate', outcome: 'failed' })];
    expect(retrainTimes(failedEarly)).toEqual([]);
    const trained = [record(1, 'intent', 'r1', 'retrain_and_evaluate', { key: 'r1:retrain', effect: 'retrain' }), record(2, 'release', 'r1', 'failed', { action: 'retrain_and_evaluate', outcome: 'failed' })];
    expect(retrainTimes(trained)).toHaveLength(1);
  });
});

describe('found by review: what re-judging, approvals and the serving reference must also hold', () => {
  it('a column excluded since leaves data quality too: its missing values decide nothing', () => {
    const quality = { ...summary(3).data_quality, columns: { a: { column_type: 'numerical' as const, reference_missing_share: 0, current_missing_share: 0.3 }, b: { column_type: 'numerical' as const, reference_missing_share: 0, current_missing_share: 0 } }, max_missing_share: 0.3 };
    const excluded = withPolicy((policy) => { policy.drift_policy.columns = { a: { exclude: true } }; });
    const { report } = decide(summary(3, { data_quality: quality }), excluded, 'b'.repeat(64));
    expect(report.incident_type).toBe('data_drift');
    const judged = judgeUnderPolicy(summary(3, { data_quality: quality }), 's.json', excluded, 'b'.repeat(64)).summary;
    expect(judged.data_quality).toMatchObject({ max_missing_share: 0 });
    expect(judged.columns.excluded).toContain('a');
  });
  it('a test the policy names now must suit the column, as the monitor requires', () => {
    const zByDefault = summary(3);
    zByDefault.drift_by_columns.a = { ...column('a', 0.01, true), stattest_name: 'z', score_kind: 'p_value', stattest_threshold: 0.05 };
    const namesZ = withPolicy((policy) => { policy.drift_policy.columns = { a: { stattest: 'z' } }; });
    expect(() => judgeUnderPolicy(zByDefault, 's.json', namesZ, 'b'.repeat(64))).toThrow(/z does not apply to numerical column "a"/);
  });
  it('a column the summary\'s data does not have is refused, as the monitor refuses it', () => {
    const typo = withPolicy((policy) => { policy.drift_policy.columns = { transaction_amout: { threshold: 0.2 } }; });
    expect(() => judgeUnderPolicy(summary(3), 's.json', typo, 'b'.repeat(64))).toThrow(/names "transaction_amout", which the summary's data does not have/);
    // Excluding a column the summary never compared (the id column is not even read) changes no figure.
    const excludeId = withPolicy((policy) => { policy.drift_policy.columns = { transaction_id: { exclude: true } }; });
    expect(judgeUnderPolicy(summary(3), 's.json', excludeId, 'b'.repeat(64)).rejudged).toEqual([]);
  });
  it('a reference the policy names but that cannot be had: drift rules not applied, said so', () => {
    const { report } = decide(summary(3), POLICY, POLICY_SHA, { serving: { version: 1, rollbackTarget: null, reference: { unavailable: 'reference.path data/ref.csv does not exist' } } });
    expect(report.incident_type).toBe('none');
    expect(report.caveats).toEqual(['reference.path data/ref.csv does not exist: drift rules not applied']);
  });
});

describe('found by review: replanning never turns a yes into another action', () => {
  const inputs = { summary_sha256: 's'.repeat(64), current_sha256: 'c'.repeat(64), reference_sha256: 'r'.repeat(64), policy_sha256: POLICY_SHA, production_version: 1, rollback_target: null };
  const incident = { type: 'data_drift' as const, severity: 'medium' as const, rule: 'drift_share_medium', explanation: '' };
  const approval: Approval = { id: 'apr-r1', run_id: 'r1', created_at: NOW.toISOString(), expires_at: new Date(NOW.getTime() + 86_400_000).toISOString(), status: 'pending', approval_action: 'retrain_and_evaluate', incident, inputs, plan: decide(summary(3)).plan, decided_at: null, decided_by: null, reason: null, executed_run_id: null };
  const later = { inputs: { ...inputs, policy_sha256: 'b'.repeat(64) }, incident: { ...incident, severity: 'low' as const, rule: 'drift_share_low' } };
  it('the current plan is "monitor": the approved retrain is stale, even under replan', () => {
    expect(judgeApproval(approval, NOW, later, 'replan', { incident_type: 'data_drift', action: 'monitor', approval_action: null })).toMatchObject({ verdict: 'stale', reason: expect.stringMatching(/a plan made now is data_drift -> monitor, not retrain_and_evaluate/) });
  });
  it('the current plan still asks for the retrain: replanned on the current inputs', () => {
    expect(judgeApproval(approval, NOW, later, 'replan', { incident_type: 'data_drift', action: 'retrain_and_evaluate', approval_action: 'retrain_and_evaluate' })).toMatchObject({ verdict: 'replan' });
    expect(judgeApproval(approval, NOW, later, 'refuse', { incident_type: 'data_drift', action: 'retrain_and_evaluate', approval_action: 'retrain_and_evaluate' }).verdict).toBe('stale');
  });
  it('an approved rollback restores the version it was asked for or none: another target is a change', () => {
    const rollback = { ...approval, approval_action: 'rollback' as const, inputs: { ...inputs, production_version: 2, rollback_target: 1 } };
    const now = { inputs: { ...rollback.inputs, rollback_target: 3 }, incident };
    expect(changesSince(rollback, now)).toEqual(['a rollback would now restore v3, it was v1']);
    expect(judgeApproval(rollback, NOW, now, 'refuse', { incident_type: 'data_drift', action: 'rollback', approval_action: null }).verdict).toBe('stale');
    // A retrain does not depend on what a rollback would restore.
    expect(changesSince({ ...rollback, approval_action: 'retrain_and_evaluate' }, now)).toEqual([]);
  });
  it('an approval from before inputs were recorded is stale, never replanned', () => {
    expect(judgeApproval({ ...approval, inputs: null }, NOW, { inputs, incident }, 'replan', { incident_type: 'data_drift', action: 'retrain_and_evaluate', approval_action: null })).toMatchObject({ verdict: 'stale', reason: expect.stringMatching(/before approvals recorded their inputs/) });
  });
});

describe('found by review: approvals written before they recorded their inputs', () => {
  it('still read (a pending one must not stop every run), expire a day after they were made, and have no inputs', () => {
    const directory = mkdtempSync(join(tmpdir(), 'legacy-approvals-'));
    try {
      const plan = decide(summary(0, { volume: { ...summary(0).volume, rows_per_day_ratio: 39 } })).plan;
      writeFileSync(join(directory, 'apr-old.json'), JSON.stringify({ id: 'apr-old', run_id: 'old', created_at: '2026-11-20T10:00:00.000Z', status: 'pending', approval_action: 'retrain_and_evaluate', plan, decided_at: null, decided_by: null, reason: null, executed_run_id: null }));
      const [legacy] = listApprovals(directory);
      expect(legacy).toMatchObject({ id: 'apr-old', expires_at: '2026-11-21T10:00:00.000Z', inputs: null, incident: { type: 'shock', severity: plan.severity } });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
