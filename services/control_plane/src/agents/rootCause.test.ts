import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parsePolicy } from '../../../core/src/domain/promotionPolicy.ts';
import type { ColumnDrift, MonitoringSummary } from '../../../monitoring/src/index.ts';
import type { AuditRecord } from '../auditChain.ts';
import { validateSentinelReport } from '../eventSchemas.ts';
import { pastIncidentHistory, rootCause, similarIncidents } from './rootCause.ts';
import { runSentinel } from './sentinel.ts';

const POLICY = parsePolicy(readFileSync('policies/promotion.yaml', 'utf8'), 'promotion.yaml');
const NOW = new Date('2026-11-23T12:00:00Z');

function drift(name: string, score: number, detected: boolean, threshold = 0.1): ColumnDrift {
  return { column_name: name, column_type: 'numerical', stattest_name: 'wasserstein', stattest_chosen_by: 'default', stattest_threshold: threshold, drift_score: score, drift_detected: detected, score_kind: 'distance', reference_rows: 4000, current_rows: 3000 };
}

const numericalMove = (from: number, to: number) => ({ column_type: 'numerical' as const, reference_median: from, current_median: to, reference_p90: from * 3, current_p90: to * 3, direction: to > from ? 'up' as const : 'down' as const });

/** A feature-drift summary: amount and distance up, age down; age drifted least (past its threshold by the smallest factor). */
function summary(overrides: Partial<MonitoringSummary> = {}): MonitoringSummary {
  return {
    schema_version: 1, generated_at: NOW.toISOString(), run_id: 'm', status: 'ok',
    drift_by_columns: { transaction_amount: drift('transaction_amount', 0.43, true), geo_distance_km: drift('geo_distance_km', 0.55, true), customer_age: drift('customer_age', 0.11, true), channel: drift('channel', 0.01, false) },
    feature_moves: { transaction_amount: numericalMove(49, 79), geo_distance_km: numericalMove(10.2, 17.8), customer_age: numericalMove(41, 39), channel: null },
    segment_performance: null,
    number_of_columns: 4, number_of_drifted_columns: 3, share_of_drifted_columns: 0.75, dataset_drift: true, severity: 'high',
    drift_share: 0.5, min_samples: 200,
    data_quality: { columns: {}, columns_missing_in_current: [], extra_columns_in_current: [], max_missing_share: 0, max_unseen_category_share: 0, max_out_of_range_share: 0 },
    performance: null, prediction_drift: null,
    volume: { reference_rows: 4000, current_rows: 3000, row_ratio: 0.75, reference_days: 28, current_days: 28, reference_rows_per_day: 143, current_rows_per_day: 107, rows_per_day_ratio: 0.75, reference_hour_profile: null, current_hour_profile: null, hour_profile_distance: 0.01, surge_hours: [] },
    model: null, columns: { features: ['transaction_amount', 'geo_distance_km', 'customer_age', 'channel'], excluded: [] },
    reference: { path: 'r.csv', rows: 4000, sha256: '0'.repeat(64) }, current: { path: 'c.csv', rows: 3000, sha256: '1'.repeat(64) }, policy: null,
    ...overrides,
  };
}

/** Audit records as a log holds them, numbered in order (the hashes do not matter here: the log was verified before). */
function log(entries: Omit<AuditRecord, 'seq' | 'prev_hash' | 'hash'>[]): AuditRecord[] {
  return entries.map((entry, index) => ({ ...entry, seq: index + 1, prev_hash: '0'.repeat(64), hash: '0'.repeat(64) }));
}

/** The sentinel and release lines of one past control run. */
function pastRun(runId: string, time: string, decision: string, drifted: string[] | undefined, release: { outcome: string; action?: string; champion_before?: number; champion_after?: number; challenger?: number | null; champion_roc_auc?: number | null; challenger_roc_auc?: number | null; previous_roc_auc?: number | null }) {
  const columns = drifted === undefined ? {} : { drifted_columns: drifted };
  return [
    { time, run_id: runId, kind: 'sentinel' as const, decision, detail: { rule: 'drift_share_medium', production_version: 1, summary_sha256: 'x', ...columns } },
    { time, run_id: runId, kind: 'plan' as const, decision: release.action ?? 'retrain_and_evaluate', detail: {} },
    { time, run_id: runId, kind: 'release' as const, decision: release.outcome, detail: { action: 'retrain_and_evaluate', champion_before: 1, champion_after: 1, challenger: null, approval_id: null, ...release } },
  ];
}

describe('root cause: which features moved', () => {
  it('the drifted columns, most strongly drifted first, each with the direction of its move', () => {
    const cause = rootCause({ incidentType: 'data_drift', summary: summary(), unusable: { referenceDrift: false, modelQuality: false }, history: [] });
    expect(cause.moved_features?.map((feature) => feature.description)).toEqual([
      'geo_distance_km: median 10.2 → 17.8 (p90 30.6 → 53.4), up',
      'transaction_amount: median 49 → 79 (p90 147 → 237), up',
      'customer_age: median 41 → 39 (p90 123 → 117), down',
    ]);
  });

  it('ranks by how far past its own threshold a column is, so a p-value and a distance compare', () => {
    const results = { amount: drift('amount', 0.2, true), hour: { ...drift('hour', 0.0001, true, 0.05), stattest_name: 'ks' as const, score_kind: 'p_value' as const } };
    const cause = rootCause({ incidentType: 'data_drift', summary: summary({ drift_by_columns: results, feature_moves: {} }), unusable: { referenceDrift: false, modelQuality: false }, history: [] });
    // amount: 0.2 / 0.1 = 2x; hour: 0.05 / 0.0001 = 500x.
    expect(cause.moved_features?.map((feature) => feature.column)).toEqual(['hour', 'amount']);
  });

  it('a summary written before moves were recorded still names the columns, and says the direction is missing', () => {
    const old = summary();
    delete old.feature_moves;
    const cause = rootCause({ incidentType: 'data_drift', summary: old, unusable: { referenceDrift: false, modelQuality: false }, history: [] });
    expect(cause.moved_features?.[0]).toMatchObject({ column: 'geo_distance_km', move: null, description: 'geo_distance_km: drifted (wasserstein 0.550); direction not recorded' });
    expect(cause.notes).toContain('the summary does not record which way features moved (written before it did): re-run the monitor');
  });

  it('drift measured from another reference than the serving one is not evidence: no moves, no similar incidents', () => {
    const history = log(pastRun('old', '2026-11-01T00:00:00Z', 'data_drift/high', ['geo_distance_km'], { outcome: 'promoted' }));
    const cause = rootCause({ incidentType: 'data_drift', summary: summary(), unusable: { referenceDrift: true, modelQuality: false }, history });
    expect(cause).toMatchObject({ moved_features: null, similar_incidents: [] });
  });
});

describe('root cause: where the model lost quality', () => {
  const side = (rows: number, positives: number, auc: number | null) => ({ rows, positives, roc_auc: auc, recall: 0.5 });
  const segments = {
    source: 'model v1', threshold: 0.3, min_rows: 100, min_rows_per_class: 10,
    features: [{
      column: 'channel', column_type: 'categorical' as const, segmented_by: 'category' as const,
      segments: [
        { category: 'online', label: 'online', reference: side(900, 40, 0.92), current: side(800, 60, 0.81), judged: true, reason: null, roc_auc_change: 0.81 - 0.92, recall_change: 0 },
        { category: 'pos', label: 'pos', reference: side(900, 40, 0.9), current: side(800, 60, 0.91), judged: true, reason: null, roc_auc_change: 0.01, recall_change: 0 },
        { category: 'atm', label: 'atm', reference: side(60, 3, 0.99), current: side(50, 2, 0.4), judged: false, reason: 'reference: 60 rows < 100', roc_auc_change: null, recall_change: null },
      ],
    }],
  };

  it('the judged segments that lost ROC AUC, worst first; an unjudged one is never named', () => {
    const cause = rootCause({ incidentType: 'data_drift', summary: summary({ segment_performance: segments }), unusable: { referenceDrift: false, modelQuality: false }, history: [] });
    expect(cause.weakest_segments).toEqual([{ column: 'channel', segment: 'online', reference_roc_auc: 0.92, current_roc_auc: 0.81, roc_auc_change: expect.closeTo(-0.11, 12), current_rows: 800, current_positives: 60, description: 'channel online: ROC AUC 0.920 → 0.810 (800 rows, 60 positives)' }]);
  });

  it('a column the current policy excludes is no evidence any more', () => {
    const excluded = summary({ segment_performance: segments, columns: { features: ['transaction_amount'], excluded: ['channel'] } });
    expect(rootCause({ incidentType: 'data_drift', summary: excluded, unusable: { referenceDrift: false, modelQuality: false }, history: [] }).weakest_segments).toEqual([]);
  });

  it('without labels there are no segments, and it says so', () => {
    const cause = rootCause({ incidentType: 'data_drift', summary: summary(), unusable: { referenceDrift: false, modelQuality: false }, history: [] });
    expect(cause.weakest_segments).toBeNull();
    expect(cause.notes).toContain('no segment performance: the summary has no labels judged');
  });

  it('segments of another model than the serving one are left out', () => {
    const cause = rootCause({ incidentType: 'data_drift', summary: summary({ segment_performance: segments }), unusable: { referenceDrift: false, modelQuality: true }, history: [] });
    expect(cause.weakest_segments).toBeNull();
  });
});

describe('root cause: similar past incidents from the audit history', () => {
  const current = ['geo_distance_km', 'transaction_amount', 'customer_age'];

  it('last time amount and distance drifted: retrained, v2 promoted, ROC AUC before → after', () => {
    const history = log(pastRun('run-a', '2026-11-01T08:00:00.000Z', 'data_drift/medium', ['transaction_amount', 'geo_distance_km'], { outcome: 'promoted', champion_before: 1, champion_after: 2, challenger: 2, champion_roc_auc: 0.8612, challenger_roc_auc: 0.9034, previous_roc_auc: null }));
    const [similar] = similarIncidents('data_drift', current, history);
    expect(similar).toEqual({
      run_id: 'run-a', time: '2026-11-01T08:00:00.000Z', incident_type: 'data_drift', severity: 'medium',
      drifted_columns: ['transaction_amount', 'geo_distance_km'], shared_columns: ['geo_distance_km', 'transaction_amount'], similarity: 2 / 3,
      action: 'retrain_and_evaluate', outcome: 'promoted', champion_before: 1, champion_after: 2, challenger: 2, roc_auc_before: 0.8612, roc_auc_after: 0.9034, approval: null,
      description: '2026-11-01T08:00:00.000Z (run run-a): data_drift/medium, transaction_amount+geo_distance_km drifted (2 in common): retrain_and_evaluate, v2 promoted, ROC AUC 0.861 → 0.903',
    });
  });

  it('a chain-valid record of another shape (a time or run id that is not text) is passed by, and the report still meets its schema', () => {
    const [sentinelLine, ...rest] = pastRun('odd', '2026-11-01T00:00:00Z', 'data_drift/medium', ['transaction_amount'], { outcome: 'promoted' });
    const odd = sentinelLine as NonNullable<typeof sentinelLine>;
    const history = log([
      { ...odd, time: 1_700_000_000 as unknown as string }, ...rest,
      { ...odd, run_id: 42 as unknown as string },
      ...pastRun('fine', '2026-11-02T00:00:00Z', 'data_drift/medium', ['transaction_amount'], { outcome: 'promoted' }),
    ]);
    expect(similarIncidents('data_drift', current, history).map((incident) => incident.run_id)).toEqual(['fine']);
    const report = runSentinel({ runId: 'now', now: NOW, summary: summary(), summaryIdentity: { path: 's.json', sha256: 'x' }, rejudged: [], policy: POLICY, serving: { version: 1, rollbackTarget: null, reference: null }, history });
    expect(validateSentinelReport(report)).toBe(true);
  });

  it('a run carrying out an approval does not list the run that asked for it (that run is this very incident)', () => {
    const history = log([
      ...pastRun('asked', '2026-11-02T00:00:00Z', 'data_drift/medium', ['transaction_amount'], { outcome: 'pending_approval', action: 'escalate' }),
      ...pastRun('earlier', '2026-11-01T00:00:00Z', 'data_drift/medium', ['transaction_amount'], { outcome: 'promoted' }),
    ]);
    expect(similarIncidents('data_drift', current, pastIncidentHistory(history, 'asked')).map((incident) => incident.run_id)).toEqual(['earlier']);
    expect(similarIncidents('data_drift', current, pastIncidentHistory(history)).map((incident) => incident.run_id).sort()).toEqual(['asked', 'earlier']);
  });

  it('the same type only, with at least one drifted column in common', () => {
    const history = log([
      ...pastRun('other-type', '2026-11-01T00:00:00Z', 'shock/high', ['transaction_amount'], { outcome: 'pending_approval' }),
      ...pastRun('no-overlap', '2026-11-02T00:00:00Z', 'data_drift/low', ['channel'], { outcome: 'no_action' }),
      ...pastRun('no-incident', '2026-11-03T00:00:00Z', 'none/none', [], { outcome: 'no_action' }),
    ]);
    expect(similarIncidents('data_drift', current, history)).toEqual([]);
  });

  it('most alike first, then the most recent, at most three', () => {
    const history = log([
      ...pastRun('old-exact', '2026-10-01T00:00:00Z', 'data_drift/high', [...current], { outcome: 'promoted' }),
      ...pastRun('old-partial', '2026-10-02T00:00:00Z', 'data_drift/medium', ['customer_age'], { outcome: 'blocked' }),
      ...pastRun('new-partial', '2026-10-03T00:00:00Z', 'data_drift/medium', ['customer_age'], { outcome: 'deferred' }),
      ...pastRun('newest-partial', '2026-10-04T00:00:00Z', 'data_drift/medium', ['customer_age', 'channel'], { outcome: 'deferred' }),
    ]);
    expect(similarIncidents('data_drift', current, history).map((incident) => incident.run_id)).toEqual(['old-exact', 'new-partial', 'old-partial']);
  });

  it('records written before drifted columns were recorded, or of an unknown shape, are passed by, not a crash', () => {
    const history = log([
      ...pastRun('before-the-field', '2026-10-01T00:00:00Z', 'data_drift/high', undefined, { outcome: 'promoted' }),
      { time: '2026-10-02T00:00:00Z', run_id: 'odd', kind: 'sentinel', decision: 'data_drift/medium', detail: { drifted_columns: [1, 2] } },
      { time: '2026-10-03T00:00:00Z', run_id: 'odd-release', kind: 'sentinel', decision: 'data_drift', detail: { drifted_columns: ['geo_distance_km'] } },
      { time: '2026-10-03T00:00:00Z', run_id: 'odd-release', kind: 'release', decision: 'exploded', detail: { action: 42, champion_roc_auc: 'high' } },
      // Lines a hand could write with a valid hash: no detail, no decision.
      { time: '2026-10-04T00:00:00Z', run_id: 'bare', kind: 'sentinel', decision: undefined as unknown as string, detail: undefined as unknown as Record<string, unknown> },
      { time: '2026-10-04T00:00:00Z', run_id: 'bare', kind: 'approval', decision: 'approved:rollback', detail: null as unknown as Record<string, unknown> },
    ]);
    const found = similarIncidents('data_drift', current, history);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ run_id: 'odd-release', severity: null, action: null, outcome: null, roc_auc_before: null });
    expect(found[0]?.description).toContain('no action recorded, no recorded outcome');
  });

  it('a run that waited for a human is followed to the run that carried out the approval', () => {
    const history = log([
      ...pastRun('asked', '2026-10-01T00:00:00Z', 'data_drift/high', ['geo_distance_km'], { outcome: 'pending_approval', action: 'retrain_and_evaluate' }),
      { time: '2026-10-01T09:00:00Z', run_id: 'approved-run', kind: 'approval', decision: 'approved:retrain_and_evaluate', detail: { approval_id: 'apr-1', by: 'ana', from_run: 'asked' } },
      { time: '2026-10-01T09:00:00Z', run_id: 'approved-run', kind: 'release', decision: 'promoted', detail: { action: 'retrain_and_evaluate', outcome: 'promoted', champion_before: 1, champion_after: 2, challenger: 2, champion_roc_auc: 0.84, challenger_roc_auc: 0.9 } },
    ]);
    expect(similarIncidents('data_drift', current, history)[0]).toMatchObject({ run_id: 'asked', outcome: 'promoted', approval: { decision: 'approved:retrain_and_evaluate', run_id: 'approved-run' }, roc_auc_before: 0.84, roc_auc_after: 0.9 });
  });

  it('a rejected approval is named as such', () => {
    const history = log([
      ...pastRun('asked', '2026-10-01T00:00:00Z', 'data_drift/high', ['geo_distance_km'], { outcome: 'pending_approval' }),
      { time: '2026-10-01T09:00:00Z', run_id: 'asked', kind: 'approval', decision: 'rejected', detail: { approval_id: 'apr-1', by: 'ana', reason: 'transient' } },
    ]);
    const [similar] = similarIncidents('data_drift', current, history);
    expect(similar).toMatchObject({ outcome: 'pending_approval', approval: { decision: 'rejected', run_id: 'asked' } });
    expect(similar?.description).toContain('approval rejected, pending_approval');
  });

  it('after a rollback, the restored version\'s ROC AUC is the "after"', () => {
    const history = log(pastRun('rb', '2026-10-01T00:00:00Z', 'concept_drift/high', [], { outcome: 'rolled_back', action: 'rollback', champion_before: 3, champion_after: 2, champion_roc_auc: 0.7, previous_roc_auc: 0.88 }));
    // Two incidents naming no drifted column are alike in that.
    expect(similarIncidents('concept_drift', [], history)[0]).toMatchObject({ similarity: 1, outcome: 'rolled_back', roc_auc_before: 0.7, roc_auc_after: 0.88 });
  });
});

describe('the sentinel report carries the root cause', () => {
  const sentinel = (input: MonitoringSummary, history: AuditRecord[] = []) => runSentinel({ runId: 'run-2', now: NOW, summary: input, summaryIdentity: { path: 's.json', sha256: 'x' }, rejudged: [], policy: POLICY, serving: { version: 1, rollbackTarget: null, reference: null }, history });

  it('for an incident, and the report meets its schema', () => {
    const report = sentinel(summary(), log(pastRun('run-1', '2026-11-01T00:00:00Z', 'data_drift/high', ['geo_distance_km'], { outcome: 'promoted', challenger: 2 })));
    expect(report.root_cause?.moved_features?.map((feature) => feature.column)).toEqual(['geo_distance_km', 'transaction_amount', 'customer_age']);
    expect(report.root_cause?.similar_incidents.map((incident) => incident.run_id)).toEqual(['run-1']);
    expect(validateSentinelReport(report)).toBe(true);
  });

  it('no incident, no root cause', () => {
    const calm = summary({ drift_by_columns: {}, number_of_drifted_columns: 0, share_of_drifted_columns: 0, dataset_drift: false, severity: 'none' });
    const report = sentinel(calm);
    expect(report).toMatchObject({ incident_type: 'none', root_cause: null });
    expect(validateSentinelReport(report)).toBe(true);
  });

  it('the same inputs give the same report, byte for byte', () => {
    const history = log(pastRun('run-1', '2026-11-01T00:00:00Z', 'data_drift/high', ['geo_distance_km', 'customer_age'], { outcome: 'blocked', challenger: 2 }));
    expect(JSON.stringify(sentinel(summary(), history))).toBe(JSON.stringify(sentinel(summary(), history)));
  });
});
