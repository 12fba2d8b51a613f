import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertValid } from '../../services/core/src/infrastructure/jsonSchema.ts';
import { validateSentinelReport } from '../../services/control_plane/src/eventSchemas.ts';
import type { SentinelReport } from '../../services/control_plane/src/controlTypes.ts';
import { auditVerify, control, event, monitor, ok, POLICY, workspaces, type Workspace } from '../helpers/controlWorkspace.ts';
import { makeTempDir, runScript } from '../helpers/runScript.ts';

/*
 * Two feature-drift cycles in one workspace, with the real scripts: the first names the
 * moved features and which way they went; the second, on another sample of the same
 * drift, finds the first among similar past incidents with what was done and how it ended.
 * The reference is fixed (reference.mode: fixed), so the second sample is judged against
 * the same base data and drifts again.
 */

const temp = makeTempDir('root-cause-e2e');
afterAll(() => temp.cleanup());

let ws: Workspace;
let first: SentinelReport;
let second: SentinelReport;
beforeAll(() => {
  ws = workspaces(temp.path).prepare('cycles', 'drift_feature', 3000);
  // The summary prepare made is judged again under this policy (same drift settings): no second monitor run needed.
  writeFileSync(ws.policy, POLICY.replace('  mode: training_data', `  mode: fixed\n  path: ${join(ws.data, 'reference.csv')}`));
  ok(control(ws, ['--now', '2026-11-23T08:00:00Z']));
  first = assertValid(validateSentinelReport, event(ws, 'sentinel_report.json'), 'first sentinel report');
  ok(runScript('generator/src/cli.ts', ['--scenario', 'drift_feature', '--rows', '3000', '--seed', '7', '--out', join(ws.data, 'current.csv')]));
  ok(monitor(ws));
  ok(control(ws, ['--now', '2026-11-24T08:00:00Z']));
  second = assertValid(validateSentinelReport, event(ws, 'sentinel_report.json'), 'second sentinel report');
}, 120_000);

describe('root-cause evidence (real scripts): two feature-drift cycles', () => {
  it('the first cycle names the moved features with the direction of each move', () => {
    expect(first).toMatchObject({ incident_type: 'data_drift' });
    const moved = first.root_cause?.moved_features ?? [];
    const byColumn = new Map(moved.map((feature) => [feature.column, feature]));
    for (const column of ['transaction_amount', 'geo_distance_km']) {
      expect(byColumn.get(column)?.move).toMatchObject({ column_type: 'numerical', direction: 'up' });
      expect(byColumn.get(column)?.description).toMatch(new RegExp(`^${column}: median [\\d.]+ → [\\d.]+ .*, up$`));
    }
    // Ranked by how far past its threshold each column drifted.
    const strengths = moved.map((feature) => feature.drift_score / feature.stattest_threshold);
    expect(strengths).toEqual([...strengths].sort((a, b) => b - a));
    expect(first.root_cause?.similar_incidents).toEqual([]);
  });

  it('the first cycle shows where the model lost quality, segment by segment', () => {
    const weakest = first.root_cause?.weakest_segments ?? [];
    expect(weakest.length).toBeGreaterThan(0);
    for (const segment of weakest) expect(segment.roc_auc_change).toBeLessThan(0);
    const summary = JSON.parse(readFileSync(join(ws.reports, 'monitoring_summary.json'), 'utf8'));
    expect(summary.segment_performance.features.map((feature: { column: string }) => feature.column)).toEqual(expect.arrayContaining(['transaction_amount', 'geo_distance_km', 'merchant_category', 'channel']));
  });

  it('the second cycle lists the first as a similar past incident, with its action, outcome and ROC AUC before and after', () => {
    expect(second).toMatchObject({ incident_type: 'data_drift' });
    const [similar] = second.root_cause?.similar_incidents ?? [];
    expect(similar).toMatchObject({ run_id: first.run_id, incident_type: 'data_drift', action: 'retrain_and_evaluate', outcome: 'promoted', champion_before: 1, challenger: 2 });
    expect(similar?.shared_columns).toEqual(expect.arrayContaining(['transaction_amount', 'geo_distance_km']));
    expect(similar?.roc_auc_before).toEqual(expect.any(Number));
    expect(similar?.roc_auc_after).toEqual(expect.any(Number));
    expect(similar?.description).toMatch(/retrain_and_evaluate, v2 promoted, ROC AUC 0\.\d{3} → 0\.\d{3}$/);
  });

  it('the drift report shows the moves, the segments and, in its decision, the similar past incident', () => {
    const html = readFileSync(join(ws.reports, 'drift_report.html'), 'utf8');
    expect(html).toContain('Root-cause evidence: which way the columns moved');
    expect(html).toContain('Root-cause evidence: where the model lost quality');
    expect(html).toContain('Similar past incidents');
    expect(html).toContain(`(run ${first.run_id})`);
  });

  it('the audit log with the new fields still verifies', () => {
    expect(ok(auditVerify(ws)).stdout).toContain('chain intact');
  });
});
