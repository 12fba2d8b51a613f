import { describe, expect, it } from 'vitest';
import { decisionSlot, type ReportDecision } from './decisionSlot.ts';
import type { ColumnDrift } from './datasetDrift.ts';
import type { MonitoringSummary } from './monitoringSummary.ts';
import { movedFeaturesSection, segmentsSection } from './rootCauseSections.ts';
import type { SegmentPerformance } from './segmentPerformance.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';

function drift(name: string, type: 'numerical' | 'categorical', score: number, detected: boolean): ColumnDrift {
  return { column_name: name, column_type: type, stattest_name: 'jensenshannon', stattest_chosen_by: 'default', stattest_threshold: 0.1, drift_score: score, drift_detected: detected, score_kind: 'distance', reference_rows: 100, current_rows: 100 };
}

const side = (rows: number, positives: number, auc: number | null) => ({ rows, positives, roc_auc: auc, recall: positives === 0 ? null : 0.5 });

const SEGMENTS: SegmentPerformance = {
  source: 'model v1', threshold: 0.3, min_rows: 100, min_rows_per_class: 10,
  features: [{
    column: HOSTILE, column_type: 'categorical', segmented_by: 'category',
    segments: [
      { category: HOSTILE, label: HOSTILE, reference: side(900, 40, 0.92), current: side(800, 60, 0.8), judged: true, reason: null, roc_auc_change: -0.12, recall_change: 0 },
      { category: 'pos', label: 'pos', reference: side(900, 40, 0.9), current: side(800, 60, 0.88), judged: true, reason: null, roc_auc_change: -0.02, recall_change: 0 },
      { category: 'atm', label: 'atm', reference: side(60, 3, 0.99), current: side(50, 2, 0.4), judged: false, reason: 'reference: 60 rows < 100', roc_auc_change: null, recall_change: null },
    ],
  }],
};

/** Only what the sections read. */
const summary = {
  drift_by_columns: { amount: drift('amount', 'numerical', 0.5, true), [HOSTILE]: drift(HOSTILE, 'categorical', 0.2, true), age: drift('age', 'numerical', 0.01, false) },
  feature_moves: {
    amount: { column_type: 'numerical', reference_median: 49.08, current_median: 78.96, reference_p90: 150, current_p90: 240, direction: 'up' },
    [HOSTILE]: { column_type: 'categorical', category: HOSTILE, reference_share: 0.1, current_share: 0.3, direction: 'up' },
    age: null,
  },
  segment_performance: SEGMENTS,
} as unknown as MonitoringSummary;

describe('the report\'s root-cause sections', () => {
  it('every column with its move, most drifted first, numbers in the column\'s own units', () => {
    const html = movedFeaturesSection(summary);
    expect(html.indexOf('<td>amount</td>')).toBeLessThan(html.indexOf('<td>age</td>'));
    expect(html).toContain('<td>median 49.1 · p90 150</td><td>median 79 · p90 240</td><td>↑ up</td>');
    expect(html).toContain('<td colspan="3" class="caption">no values to compare</td>');
  });

  it('the segments, the largest losses first, an unjudged one with its reason, a loss beyond the policy\'s limit marked', () => {
    const html = segmentsSection(summary, { performance_policy: { max_auc_drop: 0.05 } } as never);
    const lead = html.slice(0, html.indexOf('</p>') + 4);
    expect(lead).toBe('<p>Largest ROC AUC losses: &lt;img src=x onerror=alert(1)&gt; &lt;img src=x onerror=alert(1)&gt; (-0.120); &lt;img src=x onerror=alert(1)&gt; pos (-0.020).</p>');
    expect(html).toContain('<td class="bad">-0.120</td>');
    expect(html).toContain('<td class="">-0.020</td>');
    expect(html).toContain('<td class="caption">not judged: reference: 60 rows &lt; 100</td>');
  });

  it('no labels: says so instead of a table', () => {
    expect(segmentsSection({ ...summary, segment_performance: null }, null)).toBe('<p>No labels judged: segment performance not computed.</p>');
  });

  it('every string from the data is escaped', () => {
    const html = movedFeaturesSection(summary) + segmentsSection(summary, null);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('the decision slot lists similar past incidents, escaped', () => {
    const decision: ReportDecision = {
      control_run_id: 'c-2', summary_sha256: 'a'.repeat(64), incident_type: 'data_drift', severity: 'medium', rule: 'drift_share_medium', action: 'retrain_and_evaluate',
      outcome: 'promoted', plan_status: 'ready', reasons: [], caveats: [], decided_at: '2026-11-24T08:00:00.000Z',
      similar_incidents: [`2026-11-23T08:00:00.000Z (run c-1): data_drift/medium, ${HOSTILE} drifted: retrain_and_evaluate, v2 promoted, ROC AUC 0.884 → 0.896`],
    };
    const html = decisionSlot(decision);
    expect(html).toContain('<p>Similar past incidents (same type, overlapping drifted columns):</p><ul><li>2026-11-23T08:00:00.000Z (run c-1): data_drift/medium, &lt;img src=x onerror=alert(1)&gt; drifted');
    expect(decisionSlot({ ...decision, similar_incidents: [] })).not.toContain('Similar past incidents');
  });
});
