import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parsePolicy, type PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import type { MonitoringSummary } from '../../monitoring/src/index.ts';
import { compareForRollback, runPlanner } from './agents/planner.ts';
import { runRelease, type ReleaseEffects } from './agents/release.ts';
import { runSentinel } from './agents/sentinel.ts';
import { MIN_CALIBRATION_POSITIVES } from './agents/incidentRules.ts';
import type { ExecutionPlan, ModelEvaluation, RollbackComparison } from './controlTypes.ts';
import { checkGuardrails, isInBlackout } from './guardrails.ts';

const POLICY = parsePolicy(readFileSync('policies/promotion.yaml', 'utf8'), 'promotion.yaml');
const NOW = new Date('2026-11-23T12:00:00Z');

function withPolicy(change: (policy: PromotionPolicy) => void): PromotionPolicy {
  const copy = structuredClone(POLICY);
  change(copy);
  return copy;
}

/** A monitoring summary with only what a case needs changed. */
function summary(overrides: Partial<MonitoringSummary> = {}): MonitoringSummary {
  return {
    schema_version: 1, generated_at: NOW.toISOString(), run_id: 'm', status: 'ok', drift_by_columns: {},
    number_of_columns: 9, number_of_drifted_columns: 0, share_of_drifted_columns: 0, dataset_drift: false, severity: 'none',
    drift_share: 0.5, min_samples: 200,
    data_quality: { columns: {}, columns_missing_in_current: [], extra_columns_in_current: [], max_missing_share: 0, max_unseen_category_share: 0, max_out_of_range_share: 0 },
    performance: null, prediction_drift: null,
    volume: { reference_rows: 5000, current_rows: 5000, row_ratio: 1, reference_days: 28, current_days: 28, reference_rows_per_day: 178, current_rows_per_day: 178, rows_per_day_ratio: 1, reference_hour_profile: null, current_hour_profile: null, hour_profile_distance: 0.03, surge_hours: [] },
    model: null, columns: { features: [], excluded: [] },
    reference: { path: 'r.csv', rows: 5000, sha256: '0'.repeat(64) }, current: { path: 'c.csv', rows: 5000, sha256: '0'.repeat(64) }, policy: null,
    ...overrides,
  };
}

function performance(referenceAuc: number, currentAuc: number): MonitoringSummary['performance'] {
  const side = (auc: number) => ({ rows: 1000, positives: 50, roc_auc: auc, average_precision: 0.4, f1: 0.4, brier: 0.05, calibration: { mean_predicted: 0.05, observed_rate: 0.05, expected_calibration_error: 0.01 } });
  return { source: 'model v1', threshold: 0.3, reference: side(referenceAuc), current: side(currentAuc), delta: { roc_auc: currentAuc - referenceAuc, average_precision: 0, f1: 0, brier: 0 } };
}

function sentinel(input: MonitoringSummary, policy = POLICY) {
  return runSentinel({ runId: 'run-1', now: NOW, summary: input, summaryIdentity: { path: 's.json', sha256: 'x' }, rejudged: [], policy, serving: { version: 1, rollbackTarget: null, reference: null } });
}

function plan(input: MonitoringSummary, policy = POLICY, extra: { retrainTimes?: Date[]; comparison?: RollbackComparison | null; now?: Date } = {}): ExecutionPlan {
  return runPlanner({ report: sentinel(input, policy), policy, now: extra.now ?? NOW, currentRows: input.current.rows, minSamples: input.min_samples, retrainTimes: extra.retrainTimes ?? [], rollbackComparison: extra.comparison ?? null, openDeferrals: [] });
}

const featureDrift = summary({ number_of_drifted_columns: 3, share_of_drifted_columns: 1 / 3, severity: 'medium' });

describe('Sentinel names the incident, most specific first', () => {
  it('no drift, no shock, performance held: none', () => {
    expect(sentinel(summary())).toMatchObject({ incident_type: 'none', severity: 'none', rule: 'no_incident' });
  });
  it('drifted columns: data_drift with the summary\'s severity and each drifted figure as evidence', () => {
    const report = sentinel(featureDrift);
    expect(report).toMatchObject({ incident_type: 'data_drift', severity: 'medium', rule: 'drift_share_medium' });
    expect(report.evidence.find((item) => item.decisive)).toMatchObject({ name: 'share_of_drifted_columns', threshold: 0.2 });
  });
  it('an AUC drop beyond the policy: concept_drift, even without feature drift', () => {
    expect(sentinel(summary({ performance: performance(0.9, 0.74) }))).toMatchObject({ incident_type: 'concept_drift', rule: 'auc_drop_above_limit', severity: 'high' });
  });
  it('a model below bad_model_min_auc on reference labels too: a bad model', () => {
    expect(sentinel(summary({ performance: performance(0.5, 0.51) }))).toMatchObject({ incident_type: 'bad_model', rule: 'model_below_bad_model_min_auc' });
  });
  it('a volume spike outranks the drift it causes: shock', () => {
    const shock = summary({ ...featureDrift, volume: { ...summary().volume, rows_per_day_ratio: 39, hour_profile_distance: 0.31, surge_hours: [20, 21] } });
    expect(sentinel(shock)).toMatchObject({ incident_type: 'shock', severity: 'high', rule: 'volume_spike' });
  });
  it('broken data outranks everything but insufficient data', () => {
    const broken = summary({ ...featureDrift, data_quality: { ...summary().data_quality, max_missing_share: 0.5 } });
    expect(sentinel(broken)).toMatchObject({ incident_type: 'data_quality', rule: 'missing_values_above_limit' });
  });
  it('too few rows: no verdict', () => {
    expect(sentinel(summary({ status: 'insufficient_data', dataset_drift: null, severity: null }))).toMatchObject({ incident_type: 'none', rule: 'insufficient_data' });
  });
});

describe('Planner follows the policy', () => {
  it('medium data drift -> retrain_and_evaluate, confidence the weakest of its parts', () => {
    const result = plan(featureDrift);
    expect(result).toMatchObject({ action: 'retrain_and_evaluate', policy_rule: 'drift_policy.on_medium', status: 'ready', requires_approval: false });
    expect(result.confidence.parts).toEqual({ rule: 0.85, evidence_margin: 1, data_sufficiency: 1 });
    expect(result.confidence.value).toBe(0.85);
  });
  it('low drift -> monitor; none -> noop', () => {
    expect(plan(summary({ number_of_drifted_columns: 1, share_of_drifted_columns: 1 / 9, severity: 'low' })).action).toBe('monitor');
    expect(plan(summary()).action).toBe('noop');
  });
  it('a confidence below min_confidence makes the action wait for a human', () => {
    const cautious = withPolicy((policy) => { policy.autonomy.min_confidence = 0.9; });
    expect(plan(featureDrift, cautious)).toMatchObject({ status: 'pending_approval', requires_approval: true, approval_action: 'retrain_and_evaluate' });
  });
  it('a bad model with a better earlier Production version -> rollback; without one -> retrain', () => {
    const bad = summary({ performance: performance(0.5, 0.5) });
    const comparison = compareForRollback(evaluation(2, 0.5), evaluation(1, 0.88), POLICY.performance_policy.rollback_margin);
    expect(plan(bad, POLICY, { comparison }).action).toBe('rollback');
    expect(plan(bad, POLICY, { comparison: null }).action).toBe('retrain_and_evaluate');
  });
  it('a shock escalates and, if approved, would retrain', () => {
    const shock = summary({ volume: { ...summary().volume, rows_per_day_ratio: 39 } });
    expect(plan(shock)).toMatchObject({ action: 'escalate', status: 'pending_approval', approval_action: 'retrain_and_evaluate' });
  });
  it('a failed guardrail defers the action and says which', () => {
    const result = plan(featureDrift, POLICY, { retrainTimes: [new Date(NOW.getTime() - 10 * 60_000)] });
    expect(result.status).toBe('deferred');
    expect(result.guardrails.find((check) => check.name === 'cooldown')).toMatchObject({ passed: false });
  });
});

describe('guardrails', () => {
  const guardrails = POLICY.guardrails;
  it('a daily window that wraps midnight, in its own time zone', () => {
    const window = { name: 'night', start: '22:00', end: '06:00', timezone: 'Europe/Paris' };
    expect(isInBlackout(new Date('2026-11-23T22:30:00Z'), window)).toBe(true); // 23:30 in Paris
    expect(isInBlackout(new Date('2026-11-23T04:59:00Z'), window)).toBe(true); // 05:59
    expect(isInBlackout(new Date('2026-11-23T05:00:00Z'), window)).toBe(false); // 06:00
    expect(isInBlackout(new Date('2026-11-23T20:59:00Z'), window)).toBe(false); // 21:59
  });
  it('a one-off window and weekday filters', () => {
    expect(isInBlackout(new Date('2026-12-24T10:00:00Z'), { name: 'freeze', start: '2026-12-24T00:00', end: '2027-01-02T00:00', timezone: 'America/New_York' })).toBe(true);
    expect(isInBlackout(new Date('2026-12-24T04:59:00Z'), { name: 'freeze', start: '2026-12-24T00:00', end: '2027-01-02T00:00', timezone: 'America/New_York' })).toBe(false);
    expect(isInBlackout(new Date('2026-11-22T12:00:00Z'), { name: 'weekend', start: '00:00', end: '23:59', timezone: 'UTC', weekdays: ['sat', 'sun'] })).toBe(true); // a Sunday
    expect(isInBlackout(new Date('2026-11-23T12:00:00Z'), { name: 'weekend', start: '00:00', end: '23:59', timezone: 'UTC', weekdays: ['sat', 'sun'] })).toBe(false);
  });
  it('the retrain budget counts a rolling 24 hours', () => {
    const hour = 3_600_000;
    const times = [new Date(NOW.getTime() - 25 * hour), new Date(NOW.getTime() - 5 * hour), new Date(NOW.getTime() - 3 * hour), new Date(NOW.getTime() - 2 * hour)];
    expect(checkGuardrails('retrain_and_evaluate', guardrails, NOW, times).find((check) => check.name === 'retrain_budget')).toMatchObject({ passed: false, detail: '3 retrain(s) in the last 24 h, budget 3' });
    expect(checkGuardrails('retrain_and_evaluate', guardrails, NOW, times.slice(0, 2)).every((check) => check.passed)).toBe(true);
  });
  it('setting the clock back opens no cooldown and refills no budget: a retrain recorded after now counts as recent', () => {
    const later = new Date(NOW.getTime() + 30 * 60_000);
    expect(checkGuardrails('retrain_and_evaluate', guardrails, NOW, [later]).find((check) => check.name === 'cooldown')).toMatchObject({ passed: false, detail: expect.stringMatching(/after now \(the clock went back\)/) });
    expect(checkGuardrails('retrain_and_evaluate', { ...guardrails, cooldown_minutes: 0, max_retrains_per_day: 1 }, NOW, [later]).find((check) => check.name === 'retrain_budget')).toMatchObject({ passed: false });
  });
  it('noop, monitor and escalate are never stopped', () => {
    expect(checkGuardrails('escalate', { ...guardrails, blackout_windows: [{ name: 'always', start: '00:00', end: '23:59', timezone: 'UTC' }] }, NOW, [])).toEqual([]);
  });
});

function evaluation(version: number, auc: number, ap = 0.5): ModelEvaluation {
  return { version, rows: 300, positives: 30, roc_auc: auc, average_precision: ap };
}

/** A fake world: records what the release agent did. */
function fakeEffects(options: { champion?: number | null; challengerAuc?: number; championAuc?: number; previousAuc?: number; trainFails?: boolean } = {}) {
  const calls: string[] = [];
  let production = options.champion === undefined ? 1 : options.champion;
  const effects: ReleaseEffects = {
    productionVersion: () => production,
    rollbackCandidate: () => (production === 2 ? 1 : null),
    holdoutSplit: () => ({ holdoutRows: [0, 1, 2], trainRows: [3, 4, 5] }),
    trainChallenger: () => {
      calls.push('train');
      if (options.trainFails) throw new Error('disk full');
      return 9;
    },
    evaluate: (version) => (version === 9 ? evaluation(9, options.challengerAuc ?? 0.9) : version === production ? evaluation(version, options.championAuc ?? 0.85) : evaluation(version, options.previousAuc ?? 0.9)),
    promote: (version, stage) => { calls.push(`promote v${version} ${stage}`); if (stage === 'Production') production = version; },
    archiveChallenger: (version) => { calls.push(`archive v${version}`); },
    rollback: () => { calls.push('rollback'); const from = production as number; production = 1; return { from, to: 1 }; },
    createApproval: () => { calls.push('approval'); return { id: 'apr-1', existing: false }; },
  };
  return { effects, calls };
}

describe('Release never takes an action the policy forbids', () => {
  const ready = plan(featureDrift);
  it('a challenger that passes every gate is promoted', () => {
    const { effects, calls } = fakeEffects();
    const result = runRelease({ plan: ready, policy: POLICY, now: NOW }, effects);
    expect(result).toMatchObject({ outcome: 'promoted', champion_version_before: 1, champion_version_after: 9, challenger_version: 9 });
    expect(calls).toEqual(['train', 'promote v9 Production']);
  });
  it('a challenger worse than the champion by more than the tolerance is blocked and archived, champion untouched', () => {
    const { effects, calls } = fakeEffects({ challengerAuc: 0.83, championAuc: 0.86 });
    const result = runRelease({ plan: ready, policy: POLICY, now: NOW }, effects);
    expect(result.outcome).toBe('blocked');
    expect(result.gates.find((check) => check.name === 'champion_challenger.max_auc_drop_vs_champion')?.passed).toBe(false);
    expect(calls).toEqual(['train', 'archive v9']);
  });
  it('promote_if_quality_gates_pass: false -> nothing is promoted', () => {
    const { effects, calls } = fakeEffects();
    const result = runRelease({ plan: ready, policy: withPolicy((policy) => { policy.release_policy.promote_if_quality_gates_pass = false; }), now: NOW }, effects);
    expect(result.outcome).toBe('blocked');
    expect(calls.some((call) => call.startsWith('promote'))).toBe(false);
  });
  it('a failing retrain -> failed, champion untouched', () => {
    const { effects, calls } = fakeEffects({ trainFails: true });
    const result = runRelease({ plan: ready, policy: POLICY, now: NOW }, effects);
    expect(result).toMatchObject({ outcome: 'failed', champion_version_after: 1 });
    expect(result.reasons[0]).toContain('disk full');
    expect(calls).toEqual(['train']);
  });
  it('a deferred plan does nothing; a pending one only files an approval', () => {
    const deferred = runRelease({ plan: { ...ready, status: 'deferred' }, policy: POLICY, now: NOW }, fakeEffects().effects);
    expect(deferred.outcome).toBe('deferred');
    const { effects, calls } = fakeEffects();
    expect(runRelease({ plan: { ...ready, status: 'pending_approval' }, policy: POLICY, now: NOW }, effects)).toMatchObject({ outcome: 'pending_approval', approval_id: 'apr-1' });
    expect(calls).toEqual(['approval']);
  });
  it('rollback only when the previous version is better on current labels', () => {
    const rollbackPlan = { ...ready, action: 'rollback' as const };
    const better = fakeEffects({ champion: 2, championAuc: 0.5, previousAuc: 0.9 });
    expect(runRelease({ plan: rollbackPlan, policy: POLICY, now: NOW }, better.effects)).toMatchObject({ outcome: 'rolled_back', champion_version_before: 2, champion_version_after: 1 });
    const worse = fakeEffects({ champion: 2, championAuc: 0.9, previousAuc: 0.6 });
    expect(runRelease({ plan: rollbackPlan, policy: POLICY, now: NOW }, worse.effects).outcome).toBe('blocked');
    expect(worse.calls).not.toContain('rollback');
  });
  it('noop and monitor change nothing', () => {
    const { effects, calls } = fakeEffects();
    expect(runRelease({ plan: plan(summary()), policy: POLICY, now: NOW }, effects).outcome).toBe('no_action');
    expect(calls).toEqual([]);
  });
});


describe('An estimated performance drop (CBPE) acts before the labels', () => {
  function estimated(referenceAuc: number, currentAuc: number): NonNullable<MonitoringSummary['estimated_performance']> {
    const metrics = (auc: number) => ({ rows: 5000, roc_auc: auc, precision: 0.4, recall: 0.5, f1: 0.44, confusion: { true_positive: 100, false_positive: 150, false_negative: 100, true_negative: 4650 } });
    return {
      method: 'cbpe', source: 'model v1', threshold: 0.3,
      calibration: { method: 'isotonic', fitted_on: 'validation', rows: 1250, positives: 50, points: 20, table: [] },
      reference: metrics(referenceAuc), current: metrics(currentAuc),
      band: { chunks: 10, chunk_rows: 500, sigmas: 3, roc_auc: { lower: referenceAuc - 0.01, upper: referenceAuc + 0.01, std: 0.003 }, f1: null },
      delta: { roc_auc: currentAuc - referenceAuc, f1: 0 }, outside_band: { roc_auc: currentAuc < referenceAuc - 0.01, f1: null },
    };
  }
  const labelled = { path: 'labelled.csv', rows: 900, sha256: '1'.repeat(64) };

  it('an estimated AUC drop beyond performance_policy.max_estimated_auc_drop: rule estimated_auc_drop_above_limit, answered by on_estimated_drop', () => {
    const input = summary({ ...featureDrift, estimated_performance: estimated(0.9, 0.84) });
    const report = sentinel(input);
    expect(report).toMatchObject({ incident_type: 'data_drift', rule: 'estimated_auc_drop_above_limit', severity: 'high' });
    expect(report.evidence.find((item) => item.decisive)).toMatchObject({ name: 'estimated_roc_auc_drop', threshold: 0.03, direction: 'above' });
    expect(plan(input)).toMatchObject({ policy_rule: 'performance_policy.on_estimated_drop', action: 'retrain_and_evaluate' });
  });

  it('within the limit, the drift rules decide as before', () => {
    expect(sentinel(summary({ ...featureDrift, estimated_performance: estimated(0.9, 0.885) }))).toMatchObject({ rule: 'drift_share_medium' });
  });

  it('a policy without max_estimated_auc_drop turns the rule off', () => {
    const off = parsePolicy(readFileSync('policies/promotion.yaml', 'utf8').replace(/\n\s*max_estimated_auc_drop: [0-9.]+/, ''), 'promotion.yaml');
    expect(off.performance_policy.max_estimated_auc_drop).toBeNull();
    expect(sentinel(summary({ ...featureDrift, estimated_performance: estimated(0.9, 0.7) }), off)).toMatchObject({ rule: 'drift_share_medium' });
  });

  it('labels on the very rows judged stand in for the estimate; labels of older rows (over time) do not', () => {
    const sameRows = summary({ ...featureDrift, estimated_performance: estimated(0.9, 0.84), performance: performance(0.9, 0.89) });
    expect(sentinel(sameRows)).toMatchObject({ rule: 'drift_share_medium' });
    expect(sentinel({ ...sameRows, labelled })).toMatchObject({ rule: 'estimated_auc_drop_above_limit' });
  });

  it('realised concept drift outranks the estimate', () => {
    expect(sentinel(summary({ estimated_performance: estimated(0.9, 0.8), performance: performance(0.9, 0.74), labelled }))).toMatchObject({ incident_type: 'concept_drift' });
  });

  it('an estimate against a reference that is not the serving one is not used (its drop is measured from that reference)', () => {
    const input = summary({ estimated_performance: estimated(0.9, 0.8), reference: { path: 'old.csv', rows: 5000, sha256: '2'.repeat(64) } });
    const report = runSentinel({ runId: 'run-1', now: NOW, summary: input, summaryIdentity: { path: 's.json', sha256: 'x' }, rejudged: [], policy: POLICY, serving: { version: 1, rollbackTarget: null, reference: { sha256: '3'.repeat(64), description: 'v1\'s training data' } } });
    expect(report.rule).toBe('no_incident');
    expect(report.caveats.join(' ')).toContain('drift rules not applied');
  });

  it('an estimate of a model that no longer serves is not used', () => {
    const stale = summary({ ...featureDrift, estimated_performance: estimated(0.9, 0.8), model: { version: 7, source: 'model v7' } });
    const report = sentinel(stale);
    expect(report.rule).toBe('drift_share_medium');
    expect(report.caveats.join(' ')).toContain('v7');
  });
});

describe('An estimate from a calibration on few fraud rows', () => {
  it('is not acted on: fewer than MIN_CALIBRATION_POSITIVES positives in validation leave the drift rules to decide', () => {
    const metrics = (auc: number) => ({ rows: 5000, roc_auc: auc, precision: 0.4, recall: 0.5, f1: 0.44, confusion: { true_positive: 1, false_positive: 1, false_negative: 1, true_negative: 1 } });
    const estimate = (positives: number): MonitoringSummary['estimated_performance'] => ({
      method: 'cbpe', source: 'model v1', threshold: 0.3, calibration: { method: 'isotonic', fitted_on: 'validation', rows: 400, positives, points: 8, table: [] },
      reference: metrics(0.9), current: metrics(0.8), band: null, delta: { roc_auc: -0.1, f1: 0 }, outside_band: { roc_auc: null, f1: null },
    });
    expect(sentinel(summary({ ...featureDrift, estimated_performance: estimate(MIN_CALIBRATION_POSITIVES - 1) }))).toMatchObject({ rule: 'drift_share_medium' });
    expect(sentinel(summary({ ...featureDrift, estimated_performance: estimate(MIN_CALIBRATION_POSITIVES) }))).toMatchObject({ rule: 'estimated_auc_drop_above_limit' });
  });
});
